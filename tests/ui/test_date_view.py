"""Labelling with dates: one tile route per date and view (true, false colour, NDVI), a
sharpening request (and its cache key) per date, the Label page's date switch, and the dates
a drawn field records."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from PIL import Image
from starlette.requests import Request

from labels.model import Role
from labels.store import open_store
from sr.imagery.render import ndvi, ndvi_rgba
from sr.imagery.scene import open_scene
from sr.imagery.scene_errors import SceneError
from sr.sharpen.pipeline import SharpenRequest, request_key
from tests.conftest import PROJECT_ROOT
from tests.ui.conftest import map_html, run_page
from ui.auth import Identity, shared_auth_store
from ui.registry import SceneRegistry
from ui.settings import SAMPLE_SCENE
from ui.tile_routes import parse_view, serve_tile, tile_url

SITA = Identity("Sita", Role.VOLUNTEER)


def _tile(key: str, scene_id: str, mode: str, z: int, x: int, y: int) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [],
        "query_string": f"k={key}".encode(),
        "path_params": {"scene_id": scene_id, "mode": mode, "z": z, "x": x, "y": y},
    }
    response = serve_tile(Request(scope))
    return response.status_code, bytes(response.body)


def test_views_are_named_per_date_in_tile_addresses() -> None:
    assert tile_url("s", "true", "k") == "/tiles/s/true/{z}/{x}/{y}.png?k=k"
    assert tile_url("s", "ndvi", "k", 1) == "/tiles/s/ndvi-d1/{z}/{x}/{y}.png?k=k"
    assert parse_view("false-d1") == ("false", 1) and parse_view("true") == ("true", 0)
    for bad in ("ndvi-d", "rgb", "true-d1-d2", "../true"):
        assert parse_view(bad) is None


def test_ndvi_on_known_values() -> None:
    red = np.array([[1000, 500, 0]], dtype=np.uint16)
    nir = np.array([[1000, 4500, 0]], dtype=np.uint16)
    assert np.allclose(ndvi(red, nir), [[0.0, 0.8, 0.0]])
    rgba = ndvi_rgba(np.stack([red, nir]), np.array([[True, True, False]]))
    assert rgba[0, 1, 1] > rgba[0, 1, 0]  # dense vegetation is green
    assert rgba[0, 2, 3] == 0  # no data is transparent


def test_each_date_and_view_has_its_own_tiles(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path))
    registry = SceneRegistry(tmp_path)
    monkeypatch.setattr("ui.tile_routes.registry", lambda: registry)
    scene = registry.register(open_scene(SAMPLE_SCENE)).scene
    assert [d.label for d in scene.dates] == ["date 1", "date 2"]
    auth = shared_auth_store(tmp_path)
    session, _ = auth.open_session(SITA)
    key = auth.tile_key(session, scene.scene_id)
    west, south, east, north = scene.lonlat_bounds
    z = 14
    x = int(((west + east) / 2 + 180) / 360 * (1 << z))
    lat = math.radians((south + north) / 2)
    y = int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * (1 << z))
    tiles = {}
    for view in ("true", "true-d1", "false-d1", "ndvi", "ndvi-d1"):
        status, body = _tile(key, scene.scene_id, view, z, x, y)
        assert status == 200, body
        tiles[view] = np.asarray(Image.open(io.BytesIO(body)).convert("RGBA")).astype(int)
        assert tiles[view][..., 3].mean() > 200  # imagery, not an empty tile
    # The two dates differ (the crops changed), and so do the views of one date.
    assert np.abs(tiles["true"] - tiles["true-d1"]).mean() > 3
    assert np.abs(tiles["ndvi"] - tiles["ndvi-d1"]).mean() > 3
    assert np.abs(tiles["true-d1"] - tiles["false-d1"]).mean() > 3
    status, body = _tile(key, scene.scene_id, "true-d2", z, x, y)  # the sample has 2 dates
    assert status == 400 and b"2 date(s)" in body


def test_sharpening_is_asked_and_cached_per_date() -> None:
    scene = open_scene(SAMPLE_SCENE)
    west, south, _, _ = scene.lonlat_bounds
    bbox = (west + 0.005, south + 0.005, west + 0.008, south + 0.008)
    first, second = (SharpenRequest(scene, bbox, "bicubic", date=d) for d in (0, 1))
    assert first.date_bands == (1, 2, 3, 4) and second.date_bands == (5, 6, 7, 8)
    assert request_key(first) != request_key(second)
    with pytest.raises(SceneError, match="2 date"):
        _ = SharpenRequest(scene, bbox, "bicubic", date=2).date_bands


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path))
    monkeypatch.chdir(PROJECT_ROOT)
    st.cache_resource.clear()
    yield tmp_path
    st.cache_resource.clear()


def test_the_map_page_shows_each_date_in_each_view_and_the_next_page_goes_on_with_both(
    data_dir: Path,
) -> None:
    app = run_page("pages/map.py", SITA)
    scene_id = open_scene(SAMPLE_SCENE).scene_id
    assert f"/tiles/{scene_id}/true/" in map_html(app)
    next(b for b in app.button if b.label == "date 2").click().run()
    assert any("Date on screen: date 2" in m.value for m in app.markdown)
    app.radio(key="view_mode").set_value("ndvi").run()
    assert f"/tiles/{scene_id}/ndvi-d1/" in map_html(app)
    assert "NDVI, date 2" in map_html(app)  # the layer's name says what is on screen
    app.switch_page("pages/label.py").run()
    assert not app.exception
    assert f"/tiles/{scene_id}/ndvi-d1/" in map_html(app)  # the date and the view stay
    app.radio(key="view_mode").set_value("false").run()
    app.switch_page("pages/map.py").run()  # and back: what was chosen on Label
    assert not app.exception and f"/tiles/{scene_id}/false-d1/" in map_html(app)


def test_label_page_switches_dates_and_a_saved_field_records_the_dates_seen(
    data_dir: Path,
) -> None:
    from tests.ui.test_label_page import map_sends

    app = run_page("pages/label.py", SITA)
    assert any("Date on screen: date 1" in m.value for m in app.markdown)
    scene_id = open_scene(SAMPLE_SCENE).scene_id
    assert f"/tiles/{scene_id}/true/" in map_html(app)
    next(b for b in app.button if b.label == "date 2").click().run()
    assert any("Date on screen: date 2" in m.value for m in app.markdown)
    assert f"/tiles/{scene_id}/true-d1/" in map_html(app)
    app.radio(key="view_mode").set_value("ndvi").run()
    assert f"/tiles/{scene_id}/ndvi-d1/" in map_html(app)
    # Draw a field while on date 2 (date 1 was looked at before) and save it.
    app.radio(key="tool").set_value("Draw fields").run()
    west, south, east, north = open_scene(SAMPLE_SCENE).lonlat_bounds
    lon, lat = (west + east) / 2, (south + north) / 2
    ring = [[lon, lat], [lon + 0.002, lat], [lon + 0.002, lat + 0.0015], [lon, lat + 0.0015]]
    polygon = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
    }
    map_sends(app, all_drawings=[polygon], last_active_drawing=polygon).run()
    next(b for b in app.button if b.label == "Save & submit").click().run()
    assert not app.exception
    [saved] = open_store(data_dir / "labels").query()
    assert saved.dates_seen == "date 1, date 2"
    assert saved.determination_datetime is None  # the sample does not record its dates
