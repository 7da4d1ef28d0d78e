"""Helpers for the Streamlit pages: state, the map, tile serving. No page logic lives here."""
