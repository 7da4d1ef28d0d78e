"""ASGI entry point: the Streamlit app (app.py + pages/) plus the scene tile routes.

Start with ``streamlit run server.py`` (scripts/start.sh does this).
"""

import streamlit as st
from starlette.middleware import Middleware

from ui.tile_routes import routes
from ui.upload_gate import UploadGate

app = st.App("app.py", routes=routes(), middleware=[Middleware(UploadGate)])
