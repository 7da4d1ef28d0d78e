"""The app's page addresses (/map, /label, …) served with the app's base address set.

Streamlit's front end, opened at /label, first looks for its server under /label
(``/label/_stcore/health`` and ``/label/_stcore/host-config``: two 404s in the browser's
console on every page load) before it tries /. Setting ``window.__streamlit.BACKEND_BASE_URL``
to the site's root, which the front end reads before it connects, makes / its only
candidate. So each page address gets Streamlit's own index.html with that one line added.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

# The url_path of every page of app.py but Home (which is /); tests check they agree.
PAGE_PATHS = ("map", "label", "review", "campaigns", "export", "fetch")
BASE_URL_SCRIPT = (
    "<script>window.__streamlit = Object.assign({}, window.__streamlit, "
    '{BACKEND_BASE_URL: window.location.origin + "/"});</script>'
)


@cache
def index_html() -> str:
    """Streamlit's index.html with the base address set, before any other script."""
    page = (Path(streamlit.__file__).parent / "static" / "index.html").read_text()
    return page.replace("<head>", "<head>" + BASE_URL_SCRIPT, 1)


def serve_page(request: Request) -> HTMLResponse:
    return HTMLResponse(index_html(), headers={"Cache-Control": "no-cache"})


def page_routes() -> list[Route]:
    return [Route(f"/{path}", serve_page, methods=["GET"]) for path in PAGE_PATHS]
