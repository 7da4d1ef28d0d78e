"""In a real browser: while choosing an area, a click on a field does not choose it; a
newcomer is led from choosing an area to outlining a field by the side panel's next step."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from shapely.geometry import box

from labels.model import Role
from labels.store import open_store
from sr.imagery.scene import open_scene
from tests.e2e.harness import (
    MAP,
    draw_fields_tool,
    map_centre,
    page_point,
    running_app,
    sign_in,
    steady_box,
)
from ui.auth import Identity
from ui.field_layers import crop_colour
from ui.label_actions import DrawnOn, save_new_fields
from ui.next_step import ENHANCE_HERE
from ui.outline_tool import OUTLINE_TOOL
from ui.settings import SAMPLE_SCENE

pytestmark = pytest.mark.e2e


def test_a_click_on_someone_elses_field_does_not_choose_the_area(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    scene = open_scene(SAMPLE_SCENE)
    store = open_store(data / "labels")
    store.register_scene(scene.scene_id, scene.footprint)
    c = scene.footprint.centroid
    field = box(c.x - 0.0045, c.y - 0.0045, c.x + 0.0045, c.y + 0.0045)  # about 90 ha
    [saved] = save_new_fields(
        store,
        [field],
        crop="rice",
        identity=Identity("Gita", Role.VOLUNTEER),
        scene_id=scene.scene_id,
        drawn_on=DrawnOn(),
    )
    assert saved.ok, saved.message
    store.close()
    with running_app(data) as url:
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(f"{url}/label?{sign_in(page, url, 'Sita')}")
        map_centre(page)
        page.frame_locator(MAP).last.locator(
            f'path[stroke="{crop_colour("rice")}"]'
        ).first.wait_for(timeout=30_000)
        page.mouse.click(*page_point(page, c.x, c.y))  # on Gita's field
        time.sleep(5)  # the map reports after 250 ms; give the page time to rerun
        assert page.get_by_text("→").count() == 0  # no area chosen
        assert page.get_by_text("click a point for an area").count() == 1
        west = scene.lonlat_bounds[0]
        between = (west + field.bounds[0]) / 2  # west of the field, inside the scene
        page.mouse.click(*page_point(page, between, c.y))  # empty ground
        page.get_by_text("→").first.wait_for(timeout=30_000)
        page.close()


def test_the_next_step_leads_a_newcomer_from_an_area_to_a_field(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    data.mkdir()
    c = open_scene(SAMPLE_SCENE).footprint.centroid
    with running_app(data, SHARPFIELDS_AREA_PIXELS="64") as url:
        page = browser.new_page(viewport={"width": 1366, "height": 768})  # a laptop
        page.goto(f"{url}/label?{sign_in(page, url, 'Sita')}")
        start = page.get_by_text("Start here: click the map where there are fields")
        start.wait_for(timeout=60_000)
        assert steady_box(start)["y"] < 768  # in view on arrival
        map_centre(page)
        enhance = page.get_by_role("button", name=ENHANCE_HERE)
        for _ in range(3):  # a click while the fresh map is still wiring its events is lost
            page.mouse.click(*page_point(page, c.x, c.y))
            try:
                enhance.wait_for(timeout=20_000)
                break
            except PlaywrightTimeout:
                continue
        page.get_by_text("Next: sharpen the area you chose.").wait_for(timeout=30_000)
        box = steady_box(enhance)
        assert box["y"] + box["height"] < 768, box
        enhance.click()
        page.get_by_text("Enhanced area ready").wait_for(timeout=180_000)
        page.get_by_text(f'Next: switch the map to "{OUTLINE_TOOL}"').wait_for(timeout=30_000)
        assert enhance.count() == 0
        draw_fields_tool(page, OUTLINE_TOOL)
        page.get_by_text("Next: click inside a field: the assist proposes its outline.").wait_for(
            timeout=30_000
        )
        page.close()
