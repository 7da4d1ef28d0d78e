"""The Label page (pages/label.py), run headless with Streamlit's AppTest (no browser):
sign-in, choosing an area, choosing a method, and a save refused with the reason shown.

The map is a streamlit-folium component, which AppTest cannot click; what the browser would
send back from it (``st_folium``'s value: the last click, the drawings) is put in the
session under the map's key, exactly as the component reports it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from labels.base_store import LabelFilter
from labels.model import Role
from labels.store import open_store
from sr.imagery.scene import open_scene
from sr.sharpen.methods import DEFAULT_METHOD, METHODS
from tests.conftest import PROJECT_ROOT
from tests.ui.conftest import shown
from ui.live_map import LABEL_MAP
from ui.settings import SAMPLE_SCENE, default_area_pixels

APP = str(PROJECT_ROOT / "app.py")
LABEL_PAGE = "pages/label.py"


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path))
    monkeypatch.chdir(PROJECT_ROOT)
    st.cache_resource.clear()  # the label store and the auth store are per data folder
    yield tmp_path
    st.cache_resource.clear()


def signed_in_on_label_page(name: str = "Sita") -> AppTest:
    """Sign in on the Home page as a volunteer, as a person would, then open the Label page."""
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.text_input(key="name").input(name)
    app.radio(key="role").set_value(Role.VOLUNTEER)
    next(b for b in app.button if b.label == "Sign in").click().run()
    assert app.session_state["session_token"], [e.value for e in app.error]
    app.switch_page(LABEL_PAGE)
    return app.run()


def map_sends(app: AppTest, **event: Any) -> AppTest:
    """The map component reports ``event`` (as st_folium does after a click or a drawing)."""
    value = {
        "all_drawings": None,
        "last_active_drawing": None,
        "last_clicked": None,
        "last_object_clicked": None,
        **event,
    }
    app.session_state[LABEL_MAP] = value
    return app.run()


def side_text(app: AppTest) -> list[str]:
    return [c.value for c in app.caption] + [m.value for m in app.markdown]


def test_the_label_page_needs_a_sign_in_and_then_names_who_is_working(data_dir: Path) -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page(LABEL_PAGE)
    app.run()
    assert any("Sign in on the Home page first" in w.value for w in app.warning)
    assert not [b for b in app.button if b.label == "Enhance"]

    app = signed_in_on_label_page("Sita")
    assert not app.exception
    assert any("signed in as Sita (volunteer)" in m.value for m in app.markdown)
    enhance = next(b for b in app.button if b.label == "Enhance")
    assert enhance.disabled  # no area chosen yet
    assert any("click a point for an area of" in i.value for i in app.info)


def test_a_click_on_the_map_chooses_an_area_and_enables_enhance(data_dir: Path) -> None:
    app = signed_in_on_label_page()
    scene = open_scene(SAMPLE_SCENE)
    centre = scene.footprint.centroid
    app = map_sends(app, last_clicked={"lat": centre.y, "lng": centre.x})
    assert not app.exception
    west, south, east, north = app.session_state["area"]
    assert west < centre.x < east and south < centre.y < north
    assert f"{west:.5f}, {south:.5f} → {east:.5f}, {north:.5f}" in side_text(app)
    pixels = default_area_pixels()
    assert not [i for i in app.info if f"{pixels} × {pixels} pixels" in i.value]
    assert not next(b for b in app.button if b.label == "Enhance").disabled
    assert app.query_params["area_text"]  # a reload keeps the area


def test_a_click_on_a_field_does_not_choose_an_area(data_dir: Path) -> None:
    app = signed_in_on_label_page()
    centre = open_scene(SAMPLE_SCENE).footprint.centroid
    point = {"lat": centre.y, "lng": centre.x}
    app = map_sends(app, last_clicked=point, last_object_clicked=point)  # a field was hit
    assert app.session_state["area"] is None
    assert next(b for b in app.button if b.label == "Enhance").disabled


def test_choosing_a_method_sets_the_preset_choice_and_is_remembered(data_dir: Path) -> None:
    app = signed_in_on_label_page()
    method, preset = app.selectbox(key="method"), app.selectbox(key="preset")
    default = METHODS[DEFAULT_METHOD]
    assert method.value == DEFAULT_METHOD  # the benchmark's choice comes first
    assert preset.disabled is not default.takes_dip_options
    assert "Enhancer (quick, recommended)" in method.options  # one pair of brackets
    assert "recommended" in method.help and "not measured" in method.help  # says what it knows
    app.selectbox(key="method").set_value("bicubic").run()
    assert not app.exception
    assert app.selectbox(key="preset").disabled  # presets are DIP's
    assert app.query_params["method"] == "bicubic"
    app.selectbox(key="method").set_value("dip").run()
    app.selectbox(key="preset").set_value("balanced").run()
    assert not app.selectbox(key="preset").disabled
    assert (app.query_params["method"], app.query_params["preset"]) == ("dip", "balanced")


def test_a_refused_save_shows_why_and_keeps_the_drawing(data_dir: Path) -> None:
    app = signed_in_on_label_page("Sita")
    app.radio(key="tool").set_value("Draw fields").run()
    c = open_scene(SAMPLE_SCENE).footprint.centroid
    d = 0.00005  # about 4-5 m: a 'field' of some 20 m², far below the 400 m² minimum
    tiny = {
        "type": "Feature",
        "properties": {},
        "geometry": {
            "type": "Polygon",
            "coordinates": [
                [[c.x, c.y], [c.x + d, c.y], [c.x + d, c.y + d], [c.x, c.y + d], [c.x, c.y]]
            ],
        },
    }
    app = map_sends(app, all_drawings=[tiny], last_active_drawing=tiny)
    assert "1 unsaved drawing(s), 0 changed outline(s)." in side_text(app)
    save = next(b for b in app.button if b.label == "Save & submit")
    assert not save.disabled
    save.click().run()
    assert not app.exception
    [error] = app.error
    assert shown(error.value).startswith("Not saved. error: This field is smaller than 400 m²")
    assert "draw a larger one" in error.value
    assert "1 unsaved drawing(s), 0 changed outline(s)." in side_text(app)  # nothing lost
    assert not app.success
    store = open_store(data_dir / "labels")
    assert store.count(LabelFilter(include_deleted=True)) == 0
