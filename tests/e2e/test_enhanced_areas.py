"""In a real browser, on the Sentinel-2 sample: a volunteer enhances two areas, goes back to
the first from the list of enhanced areas (the map flies there and shows its layer), draws a
field, saves it and sees the toast with an Undo next to the buttons."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sr.imagery.scene import open_scene
from tests.e2e.harness import (
    AREA_CAPTION,
    ARTIFACTS,
    MAP,
    draw_fields_tool,
    draw_square,
    enhance_at,
    map_centre,
    map_moved,
    running_app,
    sign_in,
)
from ui.enhanced_areas import OUTLINE_STYLE
from ui.settings import SAMPLE_SCENE

pytestmark = pytest.mark.e2e


def _view(page, caption: str) -> tuple[int, bool]:  # type: ignore[no-untyped-def]
    """The map's zoom, and whether the area of a caption ("w, s → e, n") is all in view."""
    west, south, east, north = (float(v) for v in re.split(r"[,→]", caption))
    frame = page.locator(MAP).last.element_handle().content_frame()
    return frame.evaluate(
        "([s, w, n, e]) => [window.map.getZoom(),"
        " window.map.getBounds().contains([[s, w], [n, e]])]",
        [south, west, north, east],
    )


def _enhanced_tiles(data: Path) -> list[str]:
    """Scene ids of the enhanced areas in the cache."""
    results = sorted((data / "cache" / "enhanced").glob("*.json"))  # one sidecar per result
    return [open_scene(p.with_suffix(".tif")).scene_id for p in results]


def test_back_to_an_earlier_enhanced_area_then_save_with_a_toast(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    scene = open_scene(SAMPLE_SCENE)
    west, south, east, north = scene.lonlat_bounds
    c = scene.footprint.centroid
    with running_app(data, SHARPFIELDS_AREA_PIXELS="16") as url:
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(f"{url}/label?{sign_in(page, url, 'Sita')}")
        map_centre(page)
        page.get_by_role("combobox", name="Sharpening method").click()
        page.get_by_role("option", name="Bicubic (no sharpening)").click()

        first = enhance_at(page, c.x - 0.004, c.y)
        [first_id] = _enhanced_tiles(data)
        goto = page.get_by_label("Go to (lat, lon or west, south, east, north)")
        goto.fill(f"{west}, {south}, {east}, {north}")  # back to the whole scene
        map_moved(page, lambda: goto.press("Enter"))
        second = enhance_at(page, c.x + 0.004, c.y)
        assert second != first

        listing = page.get_by_text("Enhanced areas of this scene (2)")
        listing.wait_for(timeout=30_000)
        frame = page.frame_locator(MAP).last
        outlines = frame.locator(f'path[stroke="{OUTLINE_STYLE["color"]}"]')
        expect(outlines).to_have_count(2, timeout=30_000)  # both areas outlined on the map
        show = page.get_by_role("button", name="Show", exact=True)  # the other one: the first
        expect(show).to_have_count(1, timeout=30_000)
        map_moved(page, show.click)
        expect(page.get_by_text(AREA_CAPTION).first).to_have_text(first, timeout=30_000)
        page.get_by_text("Enhanced area ready").wait_for(timeout=30_000)
        zoom, inside = _view(page, first)
        assert zoom >= 17 and inside  # the map flew there: the area fills the view
        frame.locator(f'img.leaflet-tile[src*="/{first_id}/"]').first.wait_for(timeout=30_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "enhanced_areas_list.png"), full_page=True)

        draw_fields_tool(page)
        draw_square(page, half=40)
        page.get_by_text("1 unsaved drawing(s)").wait_for(timeout=30_000)
        page.get_by_role("button", name="Save & submit").click()
        toast = page.get_by_test_id("stToast").filter(has_text="Saved rice field")
        toast.wait_for(timeout=30_000)
        page.get_by_role("button", name="Undo").wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "toast_after_save.png"))
        page.close()
