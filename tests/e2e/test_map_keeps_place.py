"""In a real browser, on the Sentinel-2 sample: the Label page's map keeps its place (issue
20) — a save, an undo, the original / enhanced switch (button and key E), the swipe between
them and another date change the map in place: the same map, the same zoom and centre, a
layer switched off stays off and the layer switcher stays open (or closed) as it was left;
key E pressed while the page's script runs is not lost."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from labels.model import View
from sr.imagery.scene import open_scene
from tests.e2e.harness import (
    MAP,
    draw_fields_tool,
    draw_square,
    enhance_at,
    map_centre,
    map_view,
    new_label,
    running_app,
    scene_tiles,
    sign_in,
    stored_labels,
    wait_for_text_or_report,
    wait_idle,
)
from ui.field_layers import crop_colour
from ui.settings import SAMPLE_SCENE

pytestmark = pytest.mark.e2e

EXPANDED = re.compile(r"\bleaflet-control-layers-expanded\b")  # the switcher is open


def _settled_view(page, timeout_s: float = 15) -> tuple[int, float, float]:  # type: ignore[no-untyped-def]
    """The map's view once it stopped changing (a zoom animates)."""
    deadline = time.monotonic() + timeout_s
    previous = map_view(page)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        current = map_view(page)
        if current == previous:
            return current
        previous = current
    raise TimeoutError("the map never settled")


def _frame(page):  # type: ignore[no-untyped-def]
    return page.locator(MAP).last.element_handle().content_frame()


def _same_map(page) -> bool:  # type: ignore[no-untyped-def]
    """Whether the map is still the one marked by ``_mark`` (a rebuilt map is a new frame,
    a new window and a new Leaflet map)."""
    return bool(_frame(page).evaluate("() => window.__kept === window.map"))


def _enhanced_opacity(page) -> float | None:  # type: ignore[no-untyped-def]
    """The enhanced layer's opacity on the map (None: not shown, or the frame has no live
    map at that look: one CI run found a frame without it once, after a save and E)."""
    return _frame(page).evaluate(
        "() => (window.sharpfieldsLive ? window.sharpfieldsLive.shown().enhanced ?? null : null)"
    )


def _switch(page, showing: str):  # type: ignore[no-untyped-def]
    """The original / enhanced button, saying what the map shows now."""
    return page.get_by_role("button", name=f"Original ⇄ enhanced (now: {showing})")


def _press(page, key: str) -> None:  # type: ignore[no-untyped-def]
    """Press a key once the app is idle (a key pressed while the page's script still runs
    may be dropped by Streamlit, as a volunteer would see it do nothing)."""
    wait_idle(page, steady_s=0.0)
    page.keyboard.press(key)


@contextlib.contextmanager
def _app_page(browser, tmp_path: Path) -> Iterator[tuple[object, str, Path]]:  # type: ignore[no-untyped-def]
    """A fresh app (128-pixel areas) with its data folder, and a new page not yet opened:
    yields (page, app URL, data folder)."""
    data = tmp_path / "data"
    data.mkdir()
    with running_app(data, SHARPFIELDS_AREA_PIXELS="128") as url:
        yield browser.new_page(viewport={"width": 1500, "height": 1000}), url, data


def _open_at_enhanced_area(page, url: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """Open a volunteer's Label page with a bicubic enhanced area in the middle of the
    sample (the map flies to it), ready to draw fields."""
    c = open_scene(SAMPLE_SCENE).footprint.centroid
    page.goto(f"{url}/label?{sign_in(page, url, name)}")
    map_centre(page)
    page.get_by_role("combobox", name="Sharpening method").click()
    page.get_by_role("option", name="Bicubic (no sharpening)").click()
    enhance_at(page, c.x, c.y)
    page.get_by_text("Enhanced area ready").wait_for(timeout=120_000)
    draw_fields_tool(page)


def _until(check: Callable[[], bool], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("never came true")
        time.sleep(0.2)


def test_saves_undo_switches_and_dates_keep_the_map_and_its_view(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with _app_page(browser, tmp_path) as (page, url, data):
        _open_at_enhanced_area(page, url, "Steady")
        frame = page.frame_locator(MAP).last
        start_zoom = _settled_view(page)[0]
        for _ in range(2):  # the volunteer's own view: zoomed in with the map's + button
            frame.locator(".leaflet-control-zoom-in").click()
            time.sleep(0.4)
        view = _settled_view(page)
        assert view[0] == start_zoom + 2
        _frame(page).evaluate("() => { window.__kept = window.map; }")

        outline = frame.locator('path[stroke="#ffcc00"]')  # the scene outline
        expect(outline).to_have_count(1)
        switcher = frame.locator(".leaflet-control-layers")
        toggle = frame.locator(".leaflet-control-layers-toggle")
        toggle.focus()
        page.keyboard.press("Enter")  # the layer switcher opens (as with a click on its icon)
        expect(switcher).to_have_class(EXPANDED)
        switcher.hover()  # the pointer on it first (Leaflet drops a click as it arrives)
        frame.locator("label", has_text="scene outline").locator("input").click()
        expect(outline).to_have_count(0)

        draw_square(page, half=40)
        wait_for_text_or_report(page, "1 unsaved drawing(s)", data)
        page.get_by_role("button", name="Save & submit").click()
        wait_for_text_or_report(page, "0 unsaved drawing(s)", data)
        saved = frame.locator(f'path[stroke="{crop_colour("rice")}"]')
        saved.first.wait_for(timeout=30_000)  # shown as a saved rice field, in place
        assert _same_map(page) and _settled_view(page) == view
        expect(outline).to_have_count(0)  # switched off, it stays off
        expect(switcher).to_have_count(1)
        expect(switcher).to_have_class(EXPANDED)  # and the switcher stays open

        page.get_by_role("button", name="Undo").click()
        wait_for_text_or_report(page, "1 unsaved drawing(s)", data)
        saved.first.wait_for(state="detached", timeout=30_000)
        assert _same_map(page) and _settled_view(page) == view
        expect(switcher).to_have_class(EXPANDED)

        assert _enhanced_opacity(page) == 1.0
        _switch(page, "enhanced").click()
        expect(_switch(page, "original")).to_be_visible(timeout=30_000)
        _until(lambda: _enhanced_opacity(page) == 0.0)  # hidden in place, not reloaded
        expect(switcher).to_have_class(EXPANDED)
        page.get_by_text("Date on screen: date 1").click()  # focus on the page, not the map
        _press(page, "e")  # the key: back to the enhanced area
        expect(_switch(page, "enhanced")).to_be_visible(timeout=30_000)
        _until(lambda: _enhanced_opacity(page) == 1.0)
        frame.locator(".leaflet-control-scale").click()  # focus in the map (a control: no click)
        _press(page, "e")  # the key works there too
        expect(_switch(page, "original")).to_be_visible(timeout=30_000)
        _press(page, "e")
        expect(_switch(page, "enhanced")).to_be_visible(timeout=30_000)
        assert _same_map(page) and _settled_view(page) == view
        expect(switcher).to_have_class(EXPANDED)

        page.get_by_text("Swipe: original ◀ ▶ enhanced").click()
        frame.locator('.sharpfields-swipe[data-layer="enhanced"] input[type=range]').wait_for(
            timeout=30_000
        )
        assert _same_map(page) and _settled_view(page) == view

        page.get_by_role("button", name="date 2", exact=True).click()
        expect(page.get_by_text("Date on screen: date 2")).to_be_visible(timeout=30_000)
        scene_tiles(page, "true-d1").first.wait_for(timeout=60_000)
        assert scene_tiles(page, "true").count() == 0  # the first date's tiles gave way
        assert _same_map(page) and _settled_view(page) == view
        assert page.get_by_text("1 unsaved drawing(s)").is_visible()  # the drawing stays
        expect(switcher).to_have_class(EXPANDED)

        frame.locator(".sharpfields-switcher-close").click()  # closed, it stays closed
        expect(switcher).not_to_have_class(EXPANDED)
        page.get_by_role("button", name="date 1", exact=True).click()
        expect(page.get_by_text("Date on screen: date 1")).to_be_visible(timeout=30_000)
        scene_tiles(page, "true").first.wait_for(timeout=60_000)
        expect(switcher).not_to_have_class(EXPANDED)
        expect(outline).to_have_count(0)
        toggle.click()  # a click on its icon opens it again
        expect(switcher).to_have_class(EXPANDED)


def _other(showing: str) -> str:
    return "original" if showing == "enhanced" else "enhanced"


STEADY_S = 2.0  # how long the page must agree with no script running, to count as settled


def _agree(page, showing: str) -> None:  # type: ignore[no-untyped-def]
    """The page's switch and the map both show ``showing`` with no script running, and go
    on doing so for :data:`STEADY_S`: the page has settled there. (On a busy machine a
    key's rerun can start after a first look found the page idle; a state passed through
    on the way does not count, the one the page settles in does.)"""
    opacity = 1.0 if showing == "enhanced" else 0.0
    running = page.get_by_test_id("stStatusWidgetRunningIcon")

    def agreed() -> bool:
        return (
            running.count() == 0
            and _switch(page, showing).is_visible()
            and _enhanced_opacity(page) == opacity
        )

    deadline = time.monotonic() + 90
    since = None  # when the page last began to agree
    while since is None or time.monotonic() - since < STEADY_S:
        assert time.monotonic() < deadline, (
            f"the page did not settle on {showing}: switch shows {showing}: "
            f"{_switch(page, showing).is_visible()}, enhanced opacity "
            f"{_enhanced_opacity(page)}, script running: {running.count() > 0}"
        )
        since = (since or time.monotonic()) if agreed() else None
        page.wait_for_timeout(200)


def _when_a_rerun_starts(page, sent: list[float], before: int, timeout_s: float = 10) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page sent the server a message after the first ``before`` (a rerun
    request: the script runs from then on), or ``timeout_s``: the press that follows is
    meant to land while the script runs, and must work whenever it lands. (Playwright
    reports the frames only while it is called: wait with the page, not with a sleep.)"""
    deadline = time.monotonic() + timeout_s
    while len(sent) <= before and time.monotonic() < deadline:
        page.wait_for_timeout(20)


def test_key_e_pressed_while_the_page_runs_is_not_lost(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with _app_page(browser, tmp_path) as (page, url, data):
        sent: list[float] = []  # one entry for each message the page sent the server
        page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(1.0)))
        _open_at_enhanced_area(page, url, "Quick Keys")
        showing = "enhanced"
        _agree(page, showing)

        for i in range(3):  # in the map: finishing an outline starts a rerun, E at once
            before = len(sent)
            draw_square(page, half=18, dx0=(i - 1) * 60)  # focus: in the map
            _when_a_rerun_starts(page, sent, before)
            page.keyboard.press("e")
            showing = _other(showing)
            _agree(page, showing)

        before = len(sent)  # on the page: saving the drafts starts a rerun, E at once
        page.get_by_role("button", name="Save as draft").click()
        _when_a_rerun_starts(page, sent, before)
        page.keyboard.press("e")
        showing = _other(showing)
        _agree(page, showing)

        page.keyboard.press("e")  # twice, the second while the first one's rerun runs
        page.keyboard.press("e")
        _agree(page, showing)

        page.keyboard.press("e")
        showing = _other(showing)
        _agree(page, showing)
        wait_for_text_or_report(page, "0 unsaved drawing(s)", data)
        known = {lab.id for lab in stored_labels(data / "labels")}
        draw_square(page, half=18, dx0=120)
        wait_for_text_or_report(page, "1 unsaved drawing(s)", data)
        page.get_by_role("button", name="Save & submit").click()
        saved = new_label(data / "labels", known)  # drawn on the view on screen
        assert saved.view == (View.ENHANCED if showing == "enhanced" else View.ORIGINAL)


def test_a_save_followed_by_key_e_is_always_stored(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """ "Save as draft", then E at once or a little later (the map's report of the press
    arrives while the save's rerun runs): every save is stored, as drawn on the view on
    screen when the button was pressed, and the page agrees."""
    with _app_page(browser, tmp_path) as (page, url, data):
        _open_at_enhanced_area(page, url, "Save Then Flip")
        showing = "enhanced"
        _agree(page, showing)
        for i, delay_ms in enumerate((0, 150, 400, 1200)):
            known = {lab.id for lab in stored_labels(data / "labels")}
            # the last save's and E's runs over: one ending while the polygon is drawn
            # disarms the tool (CI: the tool armed, then no corner placed)
            wait_idle(page)
            draw_square(page, half=12, dx0=-330 + 45 * i)
            wait_for_text_or_report(page, "1 unsaved drawing(s)", data)
            seen = View.ENHANCED if showing == "enhanced" else View.ORIGINAL
            page.get_by_role("button", name="Save as draft").click()
            page.wait_for_timeout(delay_ms)
            page.keyboard.press("e")
            showing = _other(showing)
            _agree(page, showing)
            wait_for_text_or_report(page, "0 unsaved drawing(s)", data)
            saved = new_label(data / "labels", known)
            assert len(stored_labels(data / "labels")) == len(known) + 1, f"E {delay_ms} ms after"
            assert saved.view == seen, f"E {delay_ms} ms after: stored as drawn on {saved.view}"


def test_a_save_right_after_a_drawing_stores_that_drawing_too(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """streamlit-folium reports a drawing once the map has been quiet for 250 ms: a Save
    clicked sooner waits for that report, so it stores every drawing on screen, as drawn on
    the view on screen at the click (E pressed while the click waits comes after it)."""
    with _app_page(browser, tmp_path) as (page, url, data):
        _open_at_enhanced_area(page, url, "Quick Saver")
        _agree(page, "enhanced")
        draw_square(page, half=12, dx0=-200)
        wait_for_text_or_report(page, "1 unsaved drawing(s)", data)
        known = {lab.id for lab in stored_labels(data / "labels")}
        draw_square(page, half=12, dx0=-140)  # and Save at once: the page has one drawing
        page.get_by_role("button", name="Save as draft").click()
        page.keyboard.press("e")  # while the click waits for the map's report
        _agree(page, "original")
        wait_for_text_or_report(page, "0 unsaved drawing(s)", data)
        _until(lambda: len(stored_labels(data / "labels")) == len(known) + 2, 60)
        views = {lab.view for lab in stored_labels(data / "labels") if lab.id not in known}
        assert views == {View.ENHANCED}, views


def _one_drawing_unsaved(page, url: str, data: Path, name: str, dx0: int) -> None:  # type: ignore[no-untyped-def]
    """Open the Label page as ``name``, draw a square ``dx0`` px left of the map's centre and
    wait until the page has it, unsaved."""
    page.goto(f"{url}/label?{sign_in(page, url, name)}")
    map_centre(page)
    draw_fields_tool(page)
    draw_square(page, half=12, dx0=dx0)
    wait_for_text_or_report(page, "1 unsaved drawing(s)", data)


_OFF_FOR_4_S = "(b) => { b.disabled = true; setTimeout(() => { b.disabled = false; }, 4000); }"


def test_a_held_save_waits_for_its_button_to_come_back(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A Save clicked before the map reported its last drawing is held, then made again on
    the button. A loaded server may meanwhile draw the page of the run before (Save disabled:
    nothing to save then): the click waits for the button to be enabled, and is not lost.
    The test disables the button for 4 s right after the click, as such a run would. The
    click must come within the 250 ms before the map reports the drawing: on a machine too
    busy for that, the test tries again in another row, and is skipped after three."""
    with _app_page(browser, tmp_path) as (page, url, data):
        _one_drawing_unsaved(page, url, data, "Patient Saver", dx0=-200)
        save = page.get_by_role("button", name="Save as draft")
        for row, dy0 in enumerate((0, -60, 60)):
            if row:  # one drawing unsaved again, so that Save is enabled
                draw_square(page, half=12, dx0=-200, dy0=dy0)
                wait_for_text_or_report(page, "1 unsaved drawing(s)", data)
            draw_square(page, half=12, dx0=-140, dy0=dy0)  # and Save at once, before its report
            save.click()
            save.evaluate(_OFF_FOR_4_S)
            held = _frame(page).evaluate("() => window.sharpfieldsLive.saveState().holding")
            _until(lambda n=2 * (row + 1): len(stored_labels(data / "labels")) == n, 60)
            wait_for_text_or_report(page, "0 unsaved drawing(s)", data)
            if held:
                return
        pytest.skip("the map reported each drawing before the click: too busy to hold one")


def _press_with_the_mouse(page, button) -> None:  # type: ignore[no-untyped-def]
    """Press and release the mouse on ``button`` as a person does, disabled or not (a
    locator's click waits for an enabled button)."""
    box = button.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_a_press_on_save_before_the_page_enabled_it_is_held(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Save is disabled until the page has run for the map's report of a drawing, which
    takes a loaded server seconds, and the browser makes no click on a disabled button. A
    volunteer who presses Save then, with the drawing on screen, has it saved once Save is
    enabled. The test disables Save after the report, as the page of the run before shows
    it, presses it with the mouse, and enables it again once the press is held (no timer
    that a busy machine could outrun). A press on the disabled Save after the save, with
    nothing drawn since, is not held."""
    with _app_page(browser, tmp_path) as (page, url, data):
        _one_drawing_unsaved(page, url, data, "Early Presser", dx0=-200)
        save = page.get_by_role("button", name="Save as draft")
        save.evaluate("(b) => { b.disabled = true; }")
        _press_with_the_mouse(page, save)
        state = "() => window.sharpfieldsLive.saveState()"
        held = _frame(page).evaluate(state)
        assert held["pressedDisabled"] == 1 and held["holding"]
        assert stored_labels(data / "labels") == []  # held: made once Save is enabled
        save.evaluate("(b) => { b.disabled = false; }")
        _until(lambda: len(stored_labels(data / "labels")) == 1, 60)
        wait_for_text_or_report(page, "0 unsaved drawing(s)", data)
        expect(save).to_be_disabled(timeout=60_000)  # nothing to save
        _press_with_the_mouse(page, save)
        after = _frame(page).evaluate(state)
        assert after["pressedDisabled"] == 1 and not after["holding"]


def _drawing_unreported(page) -> bool:  # type: ignore[no-untyped-def]
    """Whether the map holds a drawing the page has not heard of (a Save click would wait)."""
    return bool(_frame(page).evaluate("() => window.sharpfieldsLive.drawingUnreported()"))


def test_an_edit_that_changes_nothing_does_not_hold_the_next_save(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Leaflet.draw announces an edit saved with no change, and streamlit-folium, which
    reports only changes, sends nothing for it: the map must not wait for that report (a
    Save clicked then waited 3 s), and the save stores the field as it is."""
    with _app_page(browser, tmp_path) as (page, url, data):
        _one_drawing_unsaved(page, url, data, "Careful Editor", dx0=-120)
        frame = page.frame_locator(MAP).last
        for _ in range(2):  # the edit tool's own Save, with no change
            _until(lambda: not _drawing_unreported(page), 30)
            frame.locator(".leaflet-draw-edit-edit").click()
            frame.locator(".leaflet-editing-icon").first.wait_for()  # the edit tool is on
            frame.get_by_text("Save", exact=True).click()
            expect(frame.locator(".leaflet-editing-icon")).to_have_count(0)
        # The first edit is reported: the page has since styled the drawing, and the report
        # carries its style. The second changes nothing the page has not heard of.
        assert not _drawing_unreported(page)
        page.get_by_role("button", name="Save as draft").click()
        saved = new_label(data / "labels", set())
        assert saved.geometry.area > 0
        wait_for_text_or_report(page, "0 unsaved drawing(s)", data)


def _column_changes(png: bytes, x0: int, x1: int, y0: int, y1: int) -> np.ndarray:
    """Screen columns x0…x1 (of a screenshot) whose pixels differ from the column before,
    over rows y0…y1."""
    from io import BytesIO

    from PIL import Image

    shot = np.asarray(Image.open(BytesIO(png)).convert("RGB"), dtype=np.int32)[y0:y1, x0 - 1 : x1]
    change = np.abs(np.diff(shot, axis=1)).sum(axis=(0, 2))
    return np.flatnonzero(change > 0) + x0


def test_magnified_tiles_show_pixels_with_no_seam_at_tile_edges(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Above the scene's native zoom the browser magnifies the tiles. Smoothing blends each
    tile only with itself, so every tile edge showed as a seam; as blocks (like the server's
    nearest magnification) the pixels keep one grid across tile edges. The enhanced area is
    the layer on top, and the one seen."""
    native = 16  # the sample's native zoom (checked below); 19 magnifies its tiles 8 ×
    with _app_page(browser, tmp_path) as (page, url, _):
        _open_at_enhanced_area(page, url, "Pixel Peeper")
        _agree(page, "enhanced")
        c = open_scene(SAMPLE_SCENE).footprint.centroid
        edge = np.floor((c.x + 180) / 360 * 2**native) * 360 / 2**native - 180  # a tile's west
        frame = _frame(page)
        assert frame.evaluate("() => window.sharpfieldsLive.shown().enhanced !== undefined")
        frame.evaluate(f"() => window.map.setView([{c.y}, {edge}], 19, {{animate: false}})")
        loaded = """() => {
            const t = document.querySelectorAll('.sharpfields-pixels img.leaflet-tile');
            return t.length > 0 && Array.from(t).every(i => i.complete &&
              i.classList.contains('leaflet-tile-loaded') &&
              getComputedStyle(i).opacity === '1') }"""  # faded in too: drawn as they are
        _until(lambda: bool(frame.evaluate(loaded)), 60)
        order = frame.evaluate(  # each tile layer's native zoom and its place in the stack
            "() => Object.values(window.map._layers).filter(l => l._url && l.options.className"
            " === 'sharpfields-pixels').map(l => [l.options.maxNativeZoom, l.options.zIndex])"
        )
        assert native in dict(order), order
        # the enhanced area (its native zoom: 16) lies over the scene (14): the layer switcher
        # once renumbered the layers in its own order and put the scene on top
        assert max(order)[0] == native and max(order, key=lambda o: o[1])[0] == native, order
        x = round(frame.evaluate(f"() => window.map.latLngToContainerPoint([{c.y}, {edge}]).x"))
        size = frame.evaluate("() => [window.map.getSize().x, window.map.getSize().y]")
        png = page.locator(MAP).last.screenshot()
        changes = _column_changes(png, x - 200, x + 200, size[1] // 2 - 150, size[1] // 2 + 150)
        assert len(changes) >= 5, "too little detail to judge"
        phases = np.bincount((changes - x) % 8, minlength=8)
        # every change lies on the 8-px grid of the tile pixels, the tile edge's grid
        assert phases[0] == len(changes), phases
        # and some lie between the scene's 16-px ones: the enhanced area's tiles are in view
        assert ((changes - x) % 16 == 8).any(), changes
