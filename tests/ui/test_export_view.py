"""Exported files (valid RFC 7946 GeoJSON, readable GeoPackage) and summary tables."""

from __future__ import annotations

import json
from datetime import date
from itertools import pairwise
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from labels.io import read_labels
from labels.model import Label
from tests.ui.conftest import SCENE
from ui.export_view import (
    export_bytes,
    file_name,
    label_filter,
    labels_file,
    left_out_by_status,
    summary_tables,
)


def _filter(**kw):  # type: ignore[no-untyped-def]
    args = {
        "scene_id": SCENE,
        "statuses": [],
        "crops": [],
        "annotators": [],
        "since": None,
        "until": None,
        **kw,
    }
    return label_filter(**args)


def test_geojson_export_is_rfc7946_with_provenance(filled_store) -> None:  # type: ignore[no-untyped-def]
    data, count = export_bytes(filled_store, _filter(crops=["rice"]), "geojson")
    doc = json.loads(data)
    assert count == 2 and len(doc["features"]) == 2 and "crs" not in doc
    props = doc["features"][0]["properties"]
    assert props["crop:name"] == "rice" and props["annotator"] == "Sita"
    assert props["scene_id"] == SCENE and props["view"] == "original"
    ring = doc["features"][0]["geometry"]["coordinates"][0]
    assert all(len(str(c).split(".")[-1]) <= 7 for pt in ring for c in pt)
    # Counter-clockwise outer ring (positive shoelace area).
    area2 = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairwise(ring))
    assert area2 > 0


def test_geopackage_export_opens_with_geopandas(filled_store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, count = export_bytes(filled_store, _filter(annotators=["Ram"]), "gpkg")
    path = tmp_path / "out.gpkg"
    path.write_bytes(data)
    frame = gpd.read_file(path, layer="fields")
    assert count == 1 and list(frame["crop:name"]) == ["maize"]
    assert frame.crs.to_epsg() == 4326


def test_date_filters_include_the_whole_last_day(filled_store) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    assert export_bytes(filled_store, _filter(since=today, until=today), "geojson")[1] == 4
    assert export_bytes(filled_store, _filter(until=date(2020, 1, 1)), "geojson")[1] == 0


def test_summary_tables_and_file_names(filled_store) -> None:  # type: ignore[no-untyped-def]
    tables = summary_tables(filled_store.query(_filter()))
    crops = dict(zip(tables["crop"]["crop"], tables["crop"]["fields"], strict=True))
    assert crops == {"rice": 2, "wheat": 1, "maize": 1}
    assert tables["crop"]["crop"][0] == "rice"  # largest area first
    volunteers = dict(
        zip(tables["annotator"]["volunteer"], tables["annotator"]["fields"], strict=True)
    )
    assert volunteers == {"Sita": 3, "Ram": 1}
    outlined = tables["outline"]  # the fixture's fields were all drawn by hand
    assert list(zip(outlined["outlined"], outlined["fields"], strict=True)) == [("by hand", 4)]
    assert file_name("gpkg", SCENE, date(2026, 11, 23)) == (
        "sharpfields-labels-scene-1-2026-11-23.gpkg"
    )


@pytest.mark.parametrize("kind", ["fiboa.json", "parquet"])
def test_fiboa_files_from_the_export_page(kind: str, tmp_path: Path) -> None:
    """The Export page's fiboa files read back as the fields they were made from."""
    field = Label(box(85.3, 27.7, 85.301, 27.701), "rice", "S1", "ana", area_ha=1.0)
    data, count = labels_file([field], kind)
    path = tmp_path / file_name(kind, None, date(2026, 12, 2))
    path.write_bytes(data)
    assert count == 1 and path.name == f"sharpfields-labels-2026-12-02.{kind}"
    ((back, findings),) = read_labels(path)
    assert findings == [] and back is not None
    assert (back.id, back.crop, back.annotator, back.scene_id) == (field.id, "rice", "ana", "S1")


def test_scenes_show_their_names_and_hectares_two_decimals(filled_store) -> None:  # type: ignore[no-untyped-def]
    from sr.imagery.scene import open_scene
    from ui.export_view import scene_title
    from ui.registry import registry
    from ui.settings import SAMPLE_SCENE

    sample = registry().register(open_scene(SAMPLE_SCENE)).scene
    assert scene_title(sample.scene_id) == sample.name  # open here: its file name
    assert scene_title("far_away_tile-0123456789") == "far_away_tile"  # not open: the stem
    assert scene_title(None) == "all scenes"
    hectares = summary_tables(filled_store.query(_filter()))["crop"]["hectares"]
    assert all(round(h, 2) == h for h in hectares)


def test_what_the_status_filter_leaves_out_is_said() -> None:
    counts = {"draft": 2, "submitted": 3, "accepted": 1}
    assert left_out_by_status(counts, ["accepted"]) == (
        "Left out by Status: 2 draft (not submitted), 3 submitted (waiting for review)."
    )
    assert left_out_by_status(counts, ["accepted", "submitted", "draft"]) is None
    assert left_out_by_status(counts, []) is None  # no choice: every status is in
    assert left_out_by_status({}, ["accepted"]) is None
