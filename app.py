"""sharpfields: the Streamlit entry point. It sets up the page and the navigation."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="sharpfields", page_icon="🌾", layout="wide")
navigation = st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon="🏠", default=True),
        st.Page("pages/map.py", title="Map", icon="🗺️", url_path="map"),
    ]
)
navigation.run()
