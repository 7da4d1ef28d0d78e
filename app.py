"""sharpfields: the Streamlit entry point. It sets up the page and the navigation."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="sharpfields", page_icon="🌾", layout="wide")
navigation = st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("pages/map.py", title="Map", icon=":material/map:", url_path="map"),
        st.Page("pages/label.py", title="Label", icon=":material/edit:", url_path="label"),
        st.Page("pages/review.py", title="Review", icon=":material/fact_check:", url_path="review"),
        st.Page("pages/export.py", title="Export", icon=":material/download:", url_path="export"),
    ]
)
navigation.run()
