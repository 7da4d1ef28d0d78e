"""At phone width (390 px) the Label page puts its controls before the map, and the map
fits the screen."""

from __future__ import annotations

import pytest

from tests.e2e.harness import ARTIFACTS, MAP, map_box, sign_in

pytestmark = pytest.mark.e2e


def test_label_page_at_390_px_shows_controls_first(browser, app_url: str) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    try:
        query = sign_in(page, app_url, "Phone")
        page.goto(f"{app_url}/label?{query}")
        page.locator(MAP).last.wait_for(timeout=60_000)
        tool = page.get_by_text("On the map").first
        tool.wait_for()
        frame_box = map_box(page)  # settled and scrolled into view, then the controls' place
        controls_y = tool.bounding_box()["y"]
        assert controls_y < frame_box["y"], (controls_y, frame_box)
        assert frame_box["width"] <= 390 and frame_box["height"] <= 844 * 0.7
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "phone_390px_label.png"), full_page=True)
    finally:
        context.close()
