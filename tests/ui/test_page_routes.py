"""Page addresses are served with the app's base address set (no 404 probes per page)."""

from __future__ import annotations

import re

from tests.conftest import PROJECT_ROOT
from ui.page_routes import BASE_URL_SCRIPT, PAGE_PATHS, index_html, page_routes


def test_every_page_of_the_app_is_routed() -> None:
    declared = re.findall(r'url_path="([^"]+)"', (PROJECT_ROOT / "app.py").read_text())
    assert sorted(declared) == sorted(PAGE_PATHS)
    assert sorted(r.path for r in page_routes()) == sorted(f"/{p}" for p in PAGE_PATHS)


def test_the_base_address_is_set_before_streamlit_runs() -> None:
    page = index_html()
    assert page.index(BASE_URL_SCRIPT) < page.index("<script", page.index(BASE_URL_SCRIPT) + 1)
