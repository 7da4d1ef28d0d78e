"""sharpfields: the Streamlit entry point. It sets up the page and the navigation."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="sharpfields", page_icon="🌾", layout="wide")
SATELLITE = ":material/satellite_alt:"
navigation = st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon="🏠", default=True),
        st.Page("pages/map.py", title="Map", icon="🗺️", url_path="map"),
        st.Page("pages/label.py", title="Label", icon="✏️", url_path="label"),
        st.Page("pages/review.py", title="Review", icon="✅", url_path="review"),
        st.Page("pages/export.py", title="Export", icon="📦", url_path="export"),
        st.Page("pages/fetch.py", title="Find imagery", icon=SATELLITE, url_path="fetch"),
    ]
)
navigation.run()
