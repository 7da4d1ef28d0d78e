"""sharpfields: the Streamlit entry point. It sets up the page and the navigation.

The sidebar's links are the app's own (``st.page_link``) so that they carry the scene in the
address; the sign-in is in an HttpOnly cookie (``ui.session_cookie``): a reload keeps both.
"""

from __future__ import annotations

import streamlit as st

from sr.logs import configure_logging
from ui.layout import LAYOUT_CSS
from ui.state import address_params

configure_logging()  # SHARPFIELDS_LOG_LEVEL; once per process, cheap on every rerun
st.set_page_config(page_title="sharpfields", page_icon="🌾", layout="wide")
pages = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/map.py", title="Map", icon=":material/map:", url_path="map"),
    st.Page("pages/label.py", title="Label", icon=":material/edit:", url_path="label"),
    st.Page("pages/review.py", title="Review", icon=":material/fact_check:", url_path="review"),
    st.Page(
        "pages/campaigns.py", title="Campaigns", icon=":material/grid_on:", url_path="campaigns"
    ),
    st.Page("pages/export.py", title="Export", icon=":material/download:", url_path="export"),
    st.Page(
        "pages/fetch.py", title="Find imagery", icon=":material/satellite_alt:", url_path="fetch"
    ),
]
navigation = st.navigation(pages, position="hidden")
st.html(LAYOUT_CSS)
params = address_params()
with st.sidebar:
    for page in pages:
        st.page_link(page, query_params=params)
navigation.run()
