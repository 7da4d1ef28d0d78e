"""In a real browser, on the Sentinel-2 sample: a volunteer enhances an area, switches to
"Click a field", clicks inside a field on the enhanced area, a proposed outline appears as an
unsaved drawing, "Larger field" proposes it again in its place, a corrective click on the
proposal cuts a part off and "Undo last click" takes it back, and saving it stores a field
with the assisted provenance (the level it was proposed at) — made from both of the sample's
dates, as the panel says. With "Two clicks at opposite corners", two clicks around a field
propose it, and it saves as proposed by a box. A field drawn by hand and saved over half of a
field stops the proposal there: the two share a border and do not overlap; and a field drawn
by hand while Outline all's next proposal waits stops that proposal in the same way. A field
drawn by hand with the tool on proposes nothing at its vertices; K and S keep and skip Outline
all's proposals."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect
from shapely.geometry import Point

from bench.bench_fields import innermost_pixel
from labels.model import HAND, PROPOSED
from labels.store import open_store
from sr.imagery.scene import open_scene
from sr.outline.segment import MAX_GROW
from tests.e2e.harness import (
    AREA_CAPTION,
    ARTIFACTS,
    MAP,
    SAVE_TRACE,
    draw_fields_tool,
    enhance_at,
    finish_polygon,
    labels_stored,
    map_box,
    map_heights_settle,
    new_label,
    page_point,
    press,
    running_app,
    sign_in,
    wait_idle,
)
from tests.e2e.sample_fields import BOTH_DATES, click_until, inside_a_field, largest_field, lonlat
from ui.drawings import Drafts
from ui.live_map import UNDER_MAP
from ui.outline_assist import assist_version
from ui.outline_centre import CENTRED_LEAD, ENHANCE_CENTRED, innermost
from ui.outline_corners import TWO_CORNERS
from ui.outline_edges import AREA_MOVED, CENTRE_BUTTON, EDGE_NOTE
from ui.outline_queue import QUEUE_CUT, QUEUE_KEYS_NOTE, QUEUE_STOPPED
from ui.outline_tool import OUTLINE_TOOL
from ui.proposal_record import Proposals
from ui.settings import SAMPLE_SCENE

pytestmark = pytest.mark.e2e


@contextmanager
def click_a_field(browser, data: Path) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A page of the app on the sample, signed in as Sita on the Label page, with an area
    around the scene's centre enhanced (the default method: the enhancer) and "Click a
    field" chosen; ``data`` is the app's data folder."""
    data.mkdir()
    c = open_scene(SAMPLE_SCENE).footprint.centroid
    with running_app(data, SHARPFIELDS_AREA_PIXELS="64") as url:
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(f"{url}/label?{sign_in(page, url, 'Sita')}")
        enhance_at(page, c.x, c.y)
        page.get_by_text("Enhanced area ready").wait_for(timeout=120_000)
        draw_fields_tool(page, OUTLINE_TOOL)
        yield page
        page.close()


def cut_point(data: Path, lon: float, lat: float) -> tuple[float, float]:
    """lon/lat inside the unsaved proposal, far from the click that proposed it (a quarter of
    the way from its farthest corner to its centre)."""
    [proposal] = Drafts(data / "drafts", "Sita", open_scene(SAMPLE_SCENE).scene_id).load().new
    click, centre = Point(lon, lat), proposal.centroid
    corner = max((Point(c) for c in proposal.exterior.coords), key=click.distance)
    point = Point(corner.x + 0.25 * (centre.x - corner.x), corner.y + 0.25 * (centre.y - corner.y))
    assert proposal.contains(point)
    return point.x, point.y


def test_click_inside_a_field_then_save_stores_a_proposed_field(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    with click_a_field(browser, data) as page:
        page.get_by_text("Uses both dates (date 1 and date 2;").wait_for(timeout=30_000)
        lon, lat = inside_a_field(data)
        unsaved = page.get_by_text("1 unsaved drawing(s)")
        page.evaluate(SAVE_TRACE)
        click_until(page, lon, lat, unsaved)
        page.get_by_text("Outline proposed (unsaved)").wait_for(timeout=30_000)
        wait_idle(page)
        # one Save on every frame: the row of Larger field once took Save's place in the
        # page, and a stale Save showed in its empty column while the page ran (CI once)
        assert max(shown for *_, shown in page.evaluate("window.__saveTrace")) == 1
        frame = page.frame_locator(MAP).last
        expect(frame.locator("path.leaflet-interactive").first).to_be_visible(timeout=30_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "outline_click.png"), full_page=True)
        # on a laptop's window Save is on screen with the map's top (bench.bench_label_reach)
        page.set_viewport_size({"width": 1366, "height": 768})
        map_heights_settle(page, 768 - UNDER_MAP)
        save = page.get_by_role("button", name="Save & submit").first.bounding_box()
        assert save is not None and save["y"] + save["height"] - map_box(page)["y"] <= 768
        page.set_viewport_size({"width": 1500, "height": 1000})
        press(page, "Larger field")
        grew = page.get_by_text("Larger outline proposed in its place")
        grew.or_(page.get_by_text("No larger outline there")).first.wait_for(timeout=60_000)
        larger = grew.count() > 0
        unsaved.wait_for(timeout=30_000)  # still the one proposal, in its place
        # A corrective click inside the proposal (on its shape): a part is cut off, then
        # the cut is undone.
        page.get_by_text("Cuts a part off this outline").click()
        cut = page.get_by_text("Part cut off.")
        answer = cut.or_(page.get_by_text("Nothing cut")).first
        click_until(page, *cut_point(data, lon, lat), answer, timeout_ms=60_000)
        assert cut.count() > 0, page.get_by_role("alert").all_inner_texts()
        press(page, "Undo last click")
        page.get_by_text("Last click undone").wait_for(timeout=60_000)
        press(page, "Save & submit")
        page.get_by_test_id("stToast").filter(has_text="Saved rice field").wait_for(timeout=30_000)
    [saved] = open_store(data / "labels").query()
    assert saved.drawing == PROPOSED
    levels = range(1, MAX_GROW + 1) if larger else (0,)
    assert saved.assist_version in {assist_version(BOTH_DATES, g) for g in levels}


def test_two_corners_of_a_field_then_save_store_a_field_proposed_by_a_box(  # type: ignore[no-untyped-def]
    browser, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    with click_a_field(browser, data) as page:
        page.get_by_text(TWO_CORNERS).click()
        page.get_by_text("Click two opposite corners of a field").wait_for(timeout=30_000)
        field, raster = largest_field(data)
        rows, cols = np.nonzero(field)
        first = lonlat(raster, cols.min() - 2, rows.min() - 2)
        second = lonlat(raster, cols.max() + 3, rows.max() + 3)
        click_until(page, *first, page.get_by_text("First corner marked"))
        frame = page.frame_locator(MAP).last
        expect(frame.locator("path.leaflet-interactive").first).to_be_visible(timeout=30_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "outline_first_corner.png"))
        click_until(page, *second, page.get_by_text("1 unsaved drawing(s)"))
        page.get_by_text("Outline proposed (unsaved)").wait_for(timeout=30_000)
        expect(frame.locator("path.leaflet-interactive").first).to_be_visible(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "outline_two_corners.png"))
        press(page, "Save & submit")
        page.get_by_test_id("stToast").filter(has_text="Saved rice field").wait_for(timeout=30_000)
    [saved] = open_store(data / "labels").query()
    assert (saved.drawing, saved.assist_version) == (PROPOSED, assist_version(BOTH_DATES, box=True))


def test_a_field_drawn_by_hand_stops_the_proposal_of_its_neighbour(  # type: ignore[no-untyped-def]
    browser, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    with click_a_field(browser, data) as page:
        field, raster = largest_field(data)
        rows, cols = np.nonzero(field)
        middle = (cols.min() + cols.max() + 1) / 2
        corners = [
            lonlat(raster, c, r)
            for c, r in [
                (middle, rows.min() - 3),
                (cols.max() + 4, rows.min() - 3),
                (cols.max() + 4, rows.max() + 4),
                (middle, rows.max() + 4),
            ]
        ]
        draw_fields_tool(page)
        finish_polygon(page, [page_point(page, lon, lat) for lon, lat in corners])
        page.get_by_text("1 unsaved drawing(s)").wait_for(timeout=30_000)
        press(page, "Save & submit")
        drawn = new_label(data / "labels", set())
        assert drawn.drawing == HAND

        draw_fields_tool(page, OUTLINE_TOOL)
        left = field.copy()
        left[:, int(middle) :] = False
        row, col = innermost_pixel(left)
        lon, lat = lonlat(raster, col + 0.5, row + 0.5)
        click_until(page, lon, lat, page.get_by_text("It stops at a field drawn already"))
        frame = page.frame_locator(MAP).last
        expect(frame.locator("path.leaflet-interactive").first).to_be_visible(timeout=30_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "outline_beside_saved.png"))
        scene_id = open_scene(SAMPLE_SCENE).scene_id
        [proposal] = Drafts(data / "drafts", "Sita", scene_id).load().new
        assert proposal.contains(Point(lon, lat))
        assert proposal.intersection(drawn.geometry).area < 1e-6 * proposal.area
        assert proposal.distance(drawn.geometry) < 1e-9  # they share a border
        press(page, "Save & submit")  # (the first save's toast may still show: wait for the store)
        assert new_label(data / "labels", {drawn.id}).drawing == PROPOSED


def test_outline_all_keeps_its_next_proposal_off_a_field_drawn_meanwhile(  # type: ignore[no-untyped-def]
    browser, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    with click_a_field(browser, data) as page:
        press(page, "Outline all fields here")
        page.get_by_text("Proposed field,").wait_for(timeout=60_000)
        drafts = Drafts(data / "drafts", "Sita", open_scene(SAMPLE_SCENE).scene_id)
        head = Proposals.beside(drafts.path).queue[0]
        west, south, east, north = head.bounds
        middle, margin = (west + east) / 2, (east - west) / 10
        corners = [
            (middle, north + margin),
            (east + margin, north + margin),
            (east + margin, south - margin),
            (middle, south - margin),
        ]  # the east half of the field waiting, and beyond it, drawn by hand
        draw_fields_tool(page)
        finish_polygon(page, [page_point(page, lon, lat) for lon, lat in corners])
        page.get_by_text("1 unsaved drawing(s)").wait_for(timeout=30_000)
        draw_fields_tool(page, OUTLINE_TOOL)
        page.get_by_text(QUEUE_CUT).wait_for(timeout=60_000)
        frame = page.frame_locator(MAP).last
        expect(frame.locator("path.leaflet-interactive").first).to_be_visible(timeout=30_000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "outline_all_beside_drawn.png"))
        waiting = Proposals.beside(drafts.path).queue[0]
        press(page, "Keep")
        page.get_by_text("2 unsaved drawing(s)").wait_for(timeout=30_000)
        press(page, "Save & submit")
        saved = {lab.drawing: lab for lab in labels_stored(data / "labels", 2)}
    assert set(saved) == {HAND, PROPOSED}
    hand, kept = saved[HAND], saved[PROPOSED]
    assert kept.geometry.equals_exact(waiting, 1e-9)  # what the map showed in yellow
    assert waiting.area < head.area
    assert kept.geometry.intersection(hand.geometry).area < 1e-6 * kept.geometry.area
    assert kept.geometry.distance(hand.geometry) < 1e-9  # they share a border


def hand_corners(page) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def]
    """Page points of a square near the map's lower left corner, away from the enhanced area
    and its fields."""
    frame = map_box(page)
    left, top = frame["x"] + 0.06 * frame["width"], frame["y"] + 0.75 * frame["height"]
    return [(left, top), (left + 50, top), (left + 50, top + 50), (left, top + 50)]


def test_a_field_drawn_by_hand_with_the_tool_on_proposes_nothing_at_its_vertices(  # type: ignore[no-untyped-def]
    browser, tmp_path: Path
) -> None:
    """The map's polygon tool draws by hand while "Click a field" is on: a vertex is no click
    in a field, even when the volunteer pauses between vertices (each click reached the page
    then, and each proposed the field under it)."""
    data = tmp_path / "data"
    with click_a_field(browser, data) as page:
        finish_polygon(page, hand_corners(page), pause_s=2.0)
        page.get_by_text("1 unsaved drawing(s)").wait_for(timeout=60_000)
        wait_idle(page, steady_s=0.0)
        page.wait_for_timeout(2_000)  # a late proposal would show by now
        assert page.get_by_text("Outline proposed (unsaved)").count() == 0
        drafts = Drafts(data / "drafts", "Sita", open_scene(SAMPLE_SCENE).scene_id)
        [hand] = drafts.load().new
    assert len(hand.exterior.coords) == 5  # the four corners, closed
    assert Proposals.beside(drafts.path).proposed == []  # nothing was proposed


def test_keys_keep_and_skip_outline_alls_proposals_and_a_field_just_drawn_is_kept_too(  # type: ignore[no-untyped-def]
    browser, tmp_path: Path
) -> None:
    """K and S press Keep and Skip, from the map or from the page. A K pressed at once after
    a field is drawn by hand waits for the map to report that field: both are kept."""
    data = tmp_path / "data"
    with click_a_field(browser, data) as page:
        press(page, "Outline all fields here")
        page.get_by_text("Proposed field,").wait_for(timeout=60_000)
        drafts = Drafts(data / "drafts", "Sita", open_scene(SAMPLE_SCENE).scene_id)
        _, second, *rest = Proposals.beside(drafts.path).queue
        page.get_by_text(QUEUE_KEYS_NOTE).click()  # the focus on the page, outside the map
        page.keyboard.press("s")
        page.get_by_text(f"Proposed field, {len(rest) + 1} waiting").wait_for(timeout=60_000)
        assert drafts.load().new == []
        wait_idle(page, steady_s=0.0)
        finish_polygon(page, hand_corners(page))  # a field by hand, far from them
        page.keyboard.press("k")  # at once, in the map: before the map reported the field
        page.get_by_text(f"Proposed field, {len(rest)} waiting").wait_for(timeout=60_000)
        page.get_by_text("2 unsaved drawing(s)").wait_for(timeout=60_000)
        drawn = drafts.load().new
    [kept] = [g for g in drawn if g.equals_exact(second, 1e-9)]  # as the map showed it
    [hand] = [g for g in drawn if g is not kept]
    assert not hand.intersects(second) and hand.area > 0  # the hand field, apart
    assert Proposals.beside(drafts.path).queue == rest


def test_a_proposal_cut_by_the_areas_edge_says_so_and_the_area_moves_onto_its_field(  # type: ignore[no-untyped-def]
    browser, tmp_path: Path
) -> None:
    """Outline all's proposals at the area's edge come last, each with the caution; Centre the
    area on this field moves the area there and stops the queue (what is left is cut too);
    enhanced (by the button under the map), the field is proposed on it."""
    data = tmp_path / "data"
    with click_a_field(browser, data) as page:
        press(page, "Outline all fields here")
        page.get_by_text("Proposed field,").wait_for(timeout=60_000)
        drafts = Drafts(data / "drafts", "Sita", open_scene(SAMPLE_SCENE).scene_id)
        record = Proposals.beside(drafts.path)
        assert record.queue_frame is not None
        whole = [not record.queue_frame.reaches_edge(q) for q in record.queue].count(True)
        expect(page.get_by_text(EDGE_NOTE)).to_have_count(0)
        for left in range(len(record.queue) - 1, len(record.queue) - whole - 1, -1):
            press(page, "Skip")
            page.get_by_text(f"Proposed field, {left} waiting").wait_for(timeout=60_000)
        page.get_by_text(EDGE_NOTE).wait_for(timeout=60_000)  # the first at the edge
        before = page.get_by_text(AREA_CAPTION).first.inner_text()
        waiting = Proposals.beside(drafts.path).queue[0]
        press(page, CENTRE_BUTTON)
        page.get_by_text(AREA_MOVED).wait_for(timeout=60_000)
        # Outline all stops: the proposals left were cut by the old area's edge too
        left = len(record.queue) - whole - 1
        page.get_by_text(QUEUE_STOPPED.format(n=left)).wait_for(timeout=60_000)
        expect(page.get_by_text("Proposed field,")).to_have_count(0)
        expect(page.get_by_text(AREA_CAPTION).first).not_to_have_text(before, timeout=60_000)
        enhance = page.get_by_role("button", name=ENHANCE_CENTRED, exact=True)
        expect(enhance).to_be_enabled(timeout=60_000)  # under the map: the new area
        enhance.click()  # once it is ready, the field is proposed on it
        page.get_by_text(CENTRED_LEAD.rstrip(": ")).wait_for(timeout=180_000)
        page.get_by_text("1 unsaved drawing(s)").wait_for(timeout=60_000)
        [again] = drafts.load().new  # the field at the cut proposal's innermost point
        assert again.contains(innermost(waiting))
