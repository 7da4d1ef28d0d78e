"""The export carries each field's per-date means as optional properties (GeoJSON and
GeoPackage), only for fields of the multi-date scene."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from labels.model import Label
from sr.imagery.profile import field_profile
from sr.imagery.scene import open_scene
from ui.export_view import labels_file
from ui.season_export import season_columns
from ui.settings import LANDSAT_SAMPLE, SAMPLE_SCENE


def test_season_columns_in_both_formats() -> None:
    scene = open_scene(SAMPLE_SCENE)
    c = scene.footprint.centroid
    here = Label(box(c.x, c.y, c.x + 0.002, c.y + 0.001), "maize", scene.scene_id, "Sita")
    elsewhere = Label(box(84.4, 27.6, 84.401, 27.601), "rice", "another-scene", "Ram")
    extra = season_columns(scene, [here, elsewhere])
    assert list(extra) == [here.id]
    expected = field_profile(scene, here.geometry)
    assert extra[here.id]["season_dates"] == "date 1, date 2"
    assert extra[here.id]["ndvi_d2"] == pytest.approx(expected[1].ndvi, abs=1e-4)
    assert extra[here.id]["nir_d1"] == pytest.approx(expected[0].nir, abs=0.1)

    data, count = labels_file([here, elsewhere], "geojson", extra)
    features = {f["id"]: f["properties"] for f in json.loads(data)["features"]}
    assert count == 2 and features[here.id]["ndvi_d1"] == extra[here.id]["ndvi_d1"]
    assert "ndvi_d1" not in features[elsewhere.id]  # optional: absent where not known
    assert features[here.id]["crop:name"] == "maize"  # the usual properties stay

    data, _ = labels_file([here, elsewhere], "gpkg", extra)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fields.gpkg"
        path.write_bytes(data)
        frame = gpd.read_file(path).set_index("id")
    assert frame.loc[here.id, "red_d2"] == pytest.approx(extra[here.id]["red_d2"])
    assert frame.loc[elsewhere.id, "red_d2"] != frame.loc[elsewhere.id, "red_d2"]  # NaN
    # Without extras the export is as before.
    plain, _ = labels_file([here], "geojson")
    assert "ndvi_d1" not in json.loads(plain)["features"][0]["properties"]


def test_a_single_date_scene_adds_nothing() -> None:
    scene = open_scene(LANDSAT_SAMPLE)
    c = scene.footprint.centroid
    label = Label(box(c.x, c.y, c.x + 0.002, c.y + 0.001), "maize", scene.scene_id, "Sita")
    assert season_columns(scene, [label]) == {}
