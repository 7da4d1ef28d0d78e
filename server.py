"""ASGI entry point: the Streamlit app (app.py + pages/) plus the scene tile routes.

Start with ``streamlit run server.py`` (scripts/start.sh does this).
"""

import streamlit as st
from starlette.middleware import Middleware

from ui.enhance_flow import job_engine
from ui.page_routes import page_routes
from ui.settings import keep_files_private
from ui.tile_routes import routes
from ui.uninterrupted import install_callbacks_first
from ui.upload_gate import UploadGate

keep_files_private()  # before anything is written to the data folder
install_callbacks_first()  # a click taken up by a run is never dropped (ui/uninterrupted.py)
app = st.App("app.py", routes=routes() + page_routes(), middleware=[Middleware(UploadGate)])
job_engine().warm_up()  # the job workers start with the server, not at the first Enhance
