"""In a real browser: no page asks the server for something it refuses — no 4xx or 5xx
answer (and no console error) on any page, signed in, loaded directly by its address."""

from __future__ import annotations

import pytest

from tests.e2e.harness import MAP, sign_in

pytestmark = pytest.mark.e2e

PAGES = ("", "map", "label", "review", "export", "fetch")


def test_no_page_gets_a_4xx_or_5xx_answer(app_url: str, page) -> None:  # type: ignore[no-untyped-def]
    query = sign_in(page, app_url, "Quiet")
    refused: list[str] = []
    errors: list[str] = []
    page.on(
        "response",
        lambda r: refused.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    for path in PAGES:
        page.goto(f"{app_url}/{path}?{query}")
        page.get_by_test_id("stSidebar").wait_for(timeout=30_000)
        if path in ("map", "label"):
            frame = page.frame_locator(MAP).last
            frame.locator("img.leaflet-tile-loaded").first.wait_for(timeout=60_000)
        page.wait_for_timeout(3000)  # late requests (tiles, health checks) come in too
    assert refused == [], refused
    assert errors == [], errors
