"""The Label page, run headless with Streamlit's AppTest on the bundled Sentinel-2 sample:
the list of enhanced areas, Enhance refused before pressing, toasts, undo, fixing outlines."""

from __future__ import annotations

from pathlib import Path

import folium
import pytest
from shapely.geometry import Polygon, box
from streamlit.testing.v1 import AppTest
from streamlit_folium import _get_map_string

from labels.model import Role
from labels.store import open_store
from sr.imagery.scene import Scene, open_scene
from sr.sharpen.pipeline import SharpenRequest, sharpen_area
from tests.ui.conftest import run_page, shown
from ui import jobs_panel
from ui.auth import Identity
from ui.drawings import Draft, Drafts
from ui.enhance_flow import result_cache, results_of_scene
from ui.enhanced_areas import add_enhanced_outlines, enhanced_areas
from ui.label_choices import VIEW_REPORT
from ui.live_map import LABEL_MAP
from ui.next_step import ENHANCE_HERE
from ui.registry import registry
from ui.scene_map import add_draw_control, base_map
from ui.settings import SAMPLE_SCENE

SITA = Identity("Sita", Role.VOLUNTEER)


@pytest.fixture()
def scene() -> Scene:
    return open_scene(SAMPLE_SCENE)


def _area(scene: Scene, dx: float, size: float = 0.002) -> tuple[float, float, float, float]:
    """A small lon/lat box inside the sample, ``dx`` degrees east of its centre."""
    c = scene.footprint.centroid
    return (c.x + dx, c.y, c.x + dx + size, c.y + size)


def _request(scene: Scene, bbox: tuple[float, ...], by: str) -> SharpenRequest:
    """Bicubic (instant) on an area, as ``by`` asks for it."""
    return SharpenRequest(scene, bbox, "bicubic", requested_by=by)  # type: ignore[arg-type]


def _enhanced(scene: Scene, bbox: tuple[float, ...], by: str) -> str:
    """Sharpen an area into the app's cache, as ``by``; its key."""
    return sharpen_area(_request(scene, bbox, by), result_cache()).key


def _label_page(identity: Identity = SITA, **params: str) -> AppTest:
    return run_page("pages/label.py", identity, **params)


def _button(app: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in app.button if b.label == label)


def test_enhanced_areas_are_listed_mine_first_and_show_brings_one_back(
    app_data: Path, scene: Scene
) -> None:
    ram_area, sita_area = _area(scene, 0.004), _area(scene, -0.004)
    _enhanced(scene, ram_area, "Ram")
    mine = _enhanced(scene, sita_area, "Sita")  # newer, but it would come first anyway
    app = _label_page()
    captions = [c.value for c in app.caption if "Bicubic" in c.value]
    assert len(captions) == 2
    assert captions[0].endswith("by you") and captions[1].endswith("by Ram")
    assert len(app.image) >= 2  # a thumbnail each
    _button(app, "Show")  # not shown yet: each has its button

    app.button(key=f"show-{mine}").click().run()
    assert not app.exception
    assert app.session_state["area"] == sita_area
    assert app.session_state["method"] == "bicubic"
    assert any("Enhanced area ready" in s.value for s in app.success)
    assert any(c.value == "on the map now" for c in app.caption)


def test_the_map_outlines_every_enhanced_area(app_data: Path, scene: Scene) -> None:
    _enhanced(scene, _area(scene, 0.004), "Ram <b>")
    _enhanced(scene, _area(scene, -0.004), "Sita")
    fmap = base_map(registry().register(scene), "true", lambda _: "k")
    add_enhanced_outlines(fmap, enhanced_areas(results_of_scene(scene.scene_id), "Sita"), "Sita")
    page = fmap.get_root().render()
    assert page.count("L.rectangle(") == 2 and "#d500f9" in page  # an outline each
    assert "by Ram &lt;b&gt;" in page and "Ram <b>" not in page


def test_enhance_is_disabled_with_the_reason_when_the_area_is_too_large(
    app_data: Path, scene: Scene
) -> None:
    west, south, east, north = scene.lonlat_bounds
    whole = f"{west!r},{south!r},{east!r},{north!r}"
    app = _label_page(area_text=whole, method="dip")
    assert _button(app, "Enhance").disabled
    [reason] = [w.value for w in app.warning if "too large" in w.value]
    assert "too large for sharpening with Deep Image Prior" in reason
    assert "Choose a smaller area." in reason

    small = ",".join(repr(v) for v in _area(scene, 0.0))
    app = _label_page(area_text=small, method="dip")
    assert not _button(app, "Enhance").disabled
    assert not [w for w in app.warning if "too large" in w.value]


def _draft(data: Path, scene: Scene, *geometries: object) -> None:
    Drafts(data / "drafts", SITA.name, scene.scene_id).save(Draft(list(geometries), {}))


def test_save_shows_a_toast_and_undo_takes_the_new_field_back(app_data: Path, scene: Scene) -> None:
    _draft(app_data, scene, box(*_area(scene, 0.0)))
    app = _label_page()
    _button(app, "Save & submit").click().run()
    assert not app.exception
    assert [t.value for t in app.toast if t.value.startswith("Saved rice field")]
    store = open_store(app_data / "labels")
    [saved] = store.query()

    _button(app, "Undo").click().run()
    assert not app.exception
    assert store.count() == 0
    assert [v.op for v in store.history(saved.id)] == ["create", "delete"]
    assert any("Undone: rice" in shown(t.value) for t in app.toast)
    assert not [b for b in app.button if b.label == "Undo"]  # once
    # The drawing is unsaved again, not lost.
    assert any(c.value == "1 unsaved drawing(s), 0 changed outline(s)." for c in app.caption)
    [again] = Drafts(app_data / "drafts", SITA.name, scene.scene_id).load().new
    assert again.equals(saved.geometry)


def test_undo_after_a_delete_restores_the_field_as_it_was(app_data: Path, scene: Scene) -> None:
    _draft(app_data, scene, box(*_area(scene, 0.0)))
    app = _label_page()
    _button(app, "Save & submit").click().run()
    store = open_store(app_data / "labels")
    [saved] = store.query()
    app.session_state["pending_delete"] = [saved.id]  # what the map's bin tool reports
    app.run()
    assert any(
        shown(w.value).startswith("Delete rice, ") and "by Sita?" in shown(w.value)
        for w in app.warning
    )
    _button(app, "Delete").click().run()
    assert store.count() == 0 and any(t.value.startswith("Deleted rice") for t in app.toast)

    _button(app, "Undo").click().run()
    [back] = store.query()
    assert (back.id, back.version, back.deleted) == (saved.id, 3, False)
    assert back.geometry.equals(saved.geometry) and back.status is saved.status
    assert [v.op for v in store.history(saved.id)] == ["create", "delete", "restore"]


def test_a_crossed_outline_is_explained_plainly_and_fixed_in_one_click(
    app_data: Path, scene: Scene
) -> None:
    west, south, east, north = _area(scene, 0.0)
    bowtie = Polygon([(west, south), (east, north), (east, south), (west, north)])
    _draft(app_data, scene, bowtie)
    app = _label_page()
    _button(app, "Save & submit").click().run()
    [error] = [e.value for e in app.error]
    assert "crosses itself" in error and "Fix the outline" in error
    assert "make_valid" not in error and "repair()" not in error

    _button(app, "Fix the outline").click().run()
    [fixed] = Drafts(app_data / "drafts", SITA.name, scene.scene_id).load().new
    assert fixed.is_valid and not fixed.is_empty
    assert not [b for b in app.button if b.label == "Fix the outline"]
    _button(app, "Save & submit").click().run()
    assert open_store(app_data / "labels").count() == 1


def test_the_drawing_keys_are_in_what_streamlit_folium_sends_to_the_browser(
    scene: Scene,
) -> None:
    # streamlit-folium sends the map's own scripts, not the page's: the keys must be there.
    fmap = base_map(registry().register(scene), "true", lambda _: "k")
    add_draw_control(fmap, folium.FeatureGroup().add_to(fmap), "polygon")
    fmap.get_root().render()
    shipped = _get_map_string(fmap)
    assert "__sharpfieldsKeys" in shipped and "deleteLastVertex" in shipped


def test_the_original_enhanced_switch_flips_the_view(app_data: Path, scene: Scene) -> None:
    bbox = _area(scene, 0.004)
    key = _enhanced(scene, bbox, "Sita")
    app = _label_page()
    app.button(key=f"show-{key}").click().run()
    switch = app.button(key="flip-enhanced")
    assert switch.label.endswith("(now: enhanced)")
    assert not app.toggle(key="compare_enhanced").disabled
    switch.click().run()
    assert not app.exception
    assert app.session_state["show_enhanced"] is False
    assert app.button(key="flip-enhanced").label.endswith("(now: original)")
    assert app.toggle(key="compare_enhanced").disabled  # nothing to compare with


def _flip_label(app: AppTest) -> str:
    return str(app.button(key="flip-enhanced").label)


def test_key_presses_the_map_reports_flip_the_view_once_each(app_data: Path, scene: Scene) -> None:
    # Key E flips the view in the map's script at once; every value the map sends carries
    # how often it was pressed there, and the page counts each press once.
    bbox = _area(scene, 0.004)
    key = _enhanced(scene, bbox, "Sita")
    app = _label_page()
    app.button(key=f"show-{key}").click().run()
    assert _flip_label(app).endswith("(now: enhanced)")
    app.session_state[LABEL_MAP] = {VIEW_REPORT: {"map": "m1", "presses": 1}}
    app.run()
    assert _flip_label(app).endswith("(now: original)")
    app.run()  # the same value again (another rerun): the press counts once
    assert _flip_label(app).endswith("(now: original)")
    app.session_state[LABEL_MAP] = {VIEW_REPORT: {"map": "m1", "presses": 3}}  # two in one
    app.run()
    assert _flip_label(app).endswith("(now: original)")
    app.session_state[LABEL_MAP] = {VIEW_REPORT: {"map": "m1", "presses": 4}}
    app.button(key="flip-enhanced").click().run()  # a press and a click: both flip
    assert _flip_label(app).endswith("(now: original)")
    app.session_state[LABEL_MAP] = {VIEW_REPORT: {"map": "m2", "presses": 1}}  # a new map
    app.run()
    assert _flip_label(app).endswith("(now: enhanced)")
    assert not app.exception


REFUSED = "You already have 3 enhancements running or waiting (the most allowed)."


@pytest.mark.parametrize("pressed", [ENHANCE_HERE, "Enhance"])
def test_a_refused_enhance_is_said_where_it_was_pressed(
    app_data: Path, scene: Scene, monkeypatch: pytest.MonkeyPatch, pressed: str
) -> None:
    """The next step's Enhance sits at the top of the side panel, 2 · Sharpen's below the
    settings: a refusal (a full queue; the page's own submit answers it here, no job runs) is
    said beside the button pressed, in view."""
    monkeypatch.setattr(jobs_panel, "submit", lambda engine, request, volunteer: REFUSED)
    app = _label_page(area_text=",".join(repr(v) for v in _area(scene, 0.0)))
    _button(app, pressed).click().run()
    assert not app.exception
    assert [e.value for e in app.error] == [REFUSED]  # once
    side = next(
        c for c in app.columns if "signed in as" in str(getattr(c.children.get(0), "value", ""))
    )
    top = side.children.get(1)  # the panel's first container, for what the last action did
    said_at_top = top is not None and [e.value for e in top.error] == [REFUSED]
    assert said_at_top is (pressed == ENHANCE_HERE)
