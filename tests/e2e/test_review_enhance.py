"""In a real browser: a reviewer opens a field that no enhanced area holds (drawn on the
original), enhances its area from the Review page with the recommended method, and the right
map then shows the enhanced tiles; on a laptop's window the maps stay where they were."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from shapely.geometry import box

from sr.imagery.scene import open_scene
from tests.e2e.harness import (
    ARTIFACTS,
    MAP,
    REVIEWER_CODE,
    map_centre,
    running_app,
    sign_in,
    steady_box,
)
from tests.ui.conftest import save_on_sample
from ui.review_enhance import ENHANCE_FIELD, NOTHING_ENHANCED
from ui.settings import SAMPLE_SCENE

pytestmark = pytest.mark.e2e

WAIT = 300_000  # ms: the first job starts the cluster's workers, on a busy machine


def _tile_scenes(page) -> set[str]:  # type: ignore[no-untyped-def]
    """The scenes whose tiles the comparison map has loaded (by the id in their address)."""
    sources = (
        page.frame_locator(MAP)
        .first.locator("img.leaflet-tile-loaded")
        .evaluate_all("(tiles) => tiles.map((t) => t.getAttribute('src'))")
    )
    return {m[1] for s in sources if (m := re.search(r"/tiles/([^/]+)/", s or ""))}


def test_a_reviewer_enhances_a_fields_area_and_compares(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    c = open_scene(SAMPLE_SCENE).footprint.centroid
    save_on_sample(data, [box(c.x, c.y, c.x + 0.003, c.y + 0.002)], "rice")
    with running_app(data, SHARPFIELDS_AREA_PIXELS="256") as url:  # a job of seconds
        page = browser.new_page(viewport={"width": 1366, "height": 650})
        page.goto(f"{url}/review?{sign_in(page, url, 'Maya', 'Reviewer: accept', REVIEWER_CODE)}")
        page.get_by_text("Reviewed 0 of 1").wait_for(timeout=60_000)
        page.get_by_text(NOTHING_ENHANCED).wait_for(timeout=60_000)
        map_centre(page)
        before = steady_box(page.locator(MAP).first)
        expect(
            page.frame_locator(MAP).first.locator("img.leaflet-tile-loaded").first
        ).to_be_visible(timeout=60_000)
        [original] = _tile_scenes(page)
        page.get_by_role("button", name=ENHANCE_FIELD).click()
        # Its progress and Cancel show in the row, unless the job finished first on a fast
        # machine.
        done = page.get_by_text("Right: enhanced (")
        page.get_by_role("button", name="Cancel").or_(done).first.wait_for(timeout=WAIT)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review_enhancing.png"))
        done.wait_for(timeout=WAIT)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        map_centre(page)
        expect(page.get_by_role("button", name=ENHANCE_FIELD)).to_have_count(0)
        tiles = page.frame_locator(MAP).first.locator("img.leaflet-tile-loaded")
        expect(tiles.first).to_be_visible(timeout=60_000)
        deadline_ms = 60_000
        while len(_tile_scenes(page)) < 2 and deadline_ms > 0:
            page.wait_for_timeout(500)
            deadline_ms -= 500
        assert original in _tile_scenes(page) and len(_tile_scenes(page)) == 2
        after = steady_box(page.locator(MAP).first)
        assert abs(after["y"] - before["y"]) <= 2, (before, after)  # the maps did not move
        page.screenshot(path=str(ARTIFACTS / "review_enhanced.png"))
