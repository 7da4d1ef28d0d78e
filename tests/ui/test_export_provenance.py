"""What an exported file says about where a field came from: the enhancement with its
iteration override, the imagery's acquisition date, and coordinates to the decimals the
Export page states — read back from real GeoJSON and GeoPackage files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.affinity import translate
from shapely.geometry import box

from labels.base_store import LabelFilter
from labels.geometry import GEOJSON_DECIMALS
from labels.sqlite_store import SQLiteLabelStore
from labels.store import open_store
from sr.imagery.scene import Scene, open_scene
from sr.sharpen.cache import ResultCache
from sr.sharpen.pipeline import SharpenRequest, sharpen_area
from tests.ui.conftest import SITA
from ui.export_view import export_bytes, format_note
from ui.label_actions import drawn_on_view, save_new_fields
from ui.settings import LANDSAT_SAMPLE, SAMPLE_SCENE

DEG = 0.0009  # about 100 m


def _store(tmp_path: Path, *scenes: Scene) -> SQLiteLabelStore:
    store = open_store(tmp_path / "labels", snapshots=False)
    for scene in scenes:
        store.register_scene(scene.scene_id, scene.footprint)
    return store


def _exported(store: SQLiteLabelStore, tmp_path: Path) -> tuple[list[dict], gpd.GeoDataFrame]:
    """The store's fields as the Export page's GeoJSON features and GeoPackage rows."""
    flt = LabelFilter()
    geojson, _ = export_bytes(store, flt, "geojson")
    gpkg, _ = export_bytes(store, flt, "gpkg")
    (tmp_path / "out.gpkg").write_bytes(gpkg)
    return json.loads(geojson)["features"], gpd.read_file(tmp_path / "out.gpkg", layer="fields")


def test_a_field_on_an_enhanced_area_names_its_iterations_and_the_imagery_date(
    tmp_path: Path,
) -> None:
    scene = open_scene(LANDSAT_SAMPLE)  # tagged ACQUISITION_DATE=2020-05-18
    centre = scene.footprint.centroid
    area = (centre.x, centre.y, centre.x + 5 * DEG, centre.y + 5 * DEG)
    request = SharpenRequest(scene, area, "dip+enhancer", "fast", iterations=3)
    result = sharpen_area(request, ResultCache(tmp_path / "cache"))
    store = _store(tmp_path, scene)
    field = box(centre.x + DEG, centre.y + DEG, centre.x + 2 * DEG, centre.y + 2 * DEG)
    [on_enhanced] = save_new_fields(
        store,
        [field],
        crop="rice",
        identity=SITA,
        scene_id=scene.scene_id,
        drawn_on=drawn_on_view(scene, result),
    )
    [on_original] = save_new_fields(
        store,
        [translate(field, xoff=3 * DEG)],
        crop="wheat",
        identity=SITA,
        scene_id=scene.scene_id,
        drawn_on=drawn_on_view(scene, None),
    )
    assert on_enhanced.ok and on_original.ok, (on_enhanced.message, on_original.message)

    features, frame = _exported(store, tmp_path)
    by_crop = {f["properties"]["crop:name"]: f["properties"] for f in features}
    rice, wheat = by_crop["rice"], by_crop["wheat"]
    assert rice["view"] == "enhanced"
    assert rice["enhancement"] == "dip+enhancer:fast:iterations=3"
    assert rice["model_version"] == result.provenance["model_version"] is not None
    assert rice["determination_datetime"] == "2020-05-18T00:00:00Z"
    assert (wheat["view"], wheat["enhancement"], wheat["model_version"]) == (
        "original",
        None,
        None,
    )
    assert wheat["determination_datetime"] == "2020-05-18T00:00:00Z"  # the imagery's date
    rows = frame.set_index("crop:name")
    assert rows.loc["rice", "enhancement"] == "dip+enhancer:fast:iterations=3"
    # a GeoPackage DATETIME column: a date-time, not text
    assert rows.loc["rice", "determination_datetime"] == pd.Timestamp("2020-05-18T00:00:00Z")


def test_a_scene_whose_file_has_no_date_exports_none(tmp_path: Path) -> None:
    scene = open_scene(SAMPLE_SCENE)  # the Sentinel-2 cut: its source file records no date
    store = _store(tmp_path, scene)
    c = scene.footprint.centroid
    [saved] = save_new_fields(
        store,
        [box(c.x, c.y, c.x + DEG, c.y + DEG)],
        crop="maize",
        identity=SITA,
        scene_id=scene.scene_id,
        drawn_on=drawn_on_view(scene, None),
    )
    assert saved.ok, saved.message
    features, frame = _exported(store, tmp_path)
    assert features[0]["properties"]["determination_datetime"] is None
    assert frame["determination_datetime"].isna().all()


def test_coordinates_have_the_decimals_the_page_states(tmp_path: Path) -> None:
    scene = open_scene(SAMPLE_SCENE)
    store = _store(tmp_path, scene)
    c = scene.footprint.centroid
    west, south = c.x + 0.000123456789, c.y + 0.000098765432  # 12 decimals, as a file may have
    imported = box(west, south, west + DEG, south + DEG)
    drawn = box(*(round(v, 6) for v in (c.x - 2 * DEG, c.y, c.x - DEG, c.y + DEG)))  # Leaflet
    outcomes = save_new_fields(
        store,
        [imported, drawn],
        crop="rice",
        identity=SITA,
        scene_id=scene.scene_id,
        drawn_on=drawn_on_view(scene, None),
    )
    assert all(o.ok for o in outcomes), [o.message for o in outcomes]
    features, _ = _exported(store, tmp_path)

    def decimals(feature: dict) -> int:
        text = json.dumps(feature["geometry"]["coordinates"])
        return max(len(d) for d in re.findall(r"\.(\d+)", text))

    assert GEOJSON_DECIMALS == 7
    assert [decimals(f) for f in features] == [7, 6]  # the drawn one had only 6 to give
    assert "coordinates to 7 decimals (about 1 cm)" in format_note()
    assert "drawn on the map reach the server with 6" in format_note()
    first = features[0]["geometry"]["coordinates"][0]
    assert min(x for x, _ in first) == round(west, 7)
