"""Export formats: fiboa 0.3 exports (GeoJSON, GeoParquet) pass fiboa-cli's validator and
keep every property through import and export, fiboa 0.3 files from elsewhere import with
their dates; GeoPackage date-times and crop style; export permissions (labels.fiboa,
labels.geoparquet, labels.gpkg_style, labels.export)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import shapely
from shapely.geometry import MultiPolygon

from labels.base_store import BaseLabelStore
from labels.errors import StoreError
from labels.export import export
from labels.fiboa import CODE_LIST_FILE, PREFIX, write_code_list
from labels.io import import_file, read_labels
from labels.model import DEFAULT_CROPS, Role
from labels.store import open_store
from tests.labels.conftest import FOOTPRINT, SCENE, make_label, square
from tests.labels.fiboa_offline import fiboa_validate

STORE_OWNED = {PREFIX + name for name in ("created", "updated", "updated_by", "version")}
MEASURED = {"metrics:area", "metrics:perimeter"}  # the store measures the 7-decimal outline again


@pytest.fixture
def filled(tmp_path: Path) -> BaseLabelStore:
    """A store with a field carrying every property, one with few, and a two-part field."""
    store = open_store(tmp_path / "store", snapshots=False)
    store.register_scene(SCENE, FOOTPRINT)
    full = make_label(
        determination_datetime="2024-03-01T04:55:31Z",
        view="enhanced",
        enhancement="dip+enhancer:fast",
        model_version="enhancer@1",
        consistency="consistent",
        status="submitted",
    )
    bare = make_label(square(85.31), crop="wheat")
    two = MultiPolygon([square(85.32), square(85.325)])
    store.save_many(
        [full, bare, make_label(two, crop="maize", annotator="sita")],
        actor="admin",
        role=Role.COORDINATOR,
    )
    return store


def features(path: Path) -> dict[str, dict]:
    """The properties of every feature of a fiboa GeoJSON or GeoParquet file, by id."""
    if path.suffix == ".parquet":
        rows = pq.read_table(path).drop_columns(["geometry"]).to_pylist()
        return {
            row["id"]: {
                k: v.isoformat().replace("+00:00", "Z") if hasattr(v, "isoformat") else v
                for k, v in row.items()
                if v is not None
            }
            for row in rows
        }
    doc = json.loads(path.read_text())
    return {f["id"]: {"id": f["id"], **f["properties"]} for f in doc["features"]}


@pytest.mark.parametrize("name", ["out.fiboa.json", "out.parquet"])
def test_fiboa_exports_pass_fiboa_validate(filled: BaseLabelStore, tmp_path: Path, name: str):
    out = tmp_path / name
    assert export(filled, out) == 3
    valid, errors, _ = fiboa_validate(out)
    assert valid, errors
    props = features(out)
    assert len(props) == 3
    for label in filled.query():
        p = props[label.id]
        assert p["metrics:area"] == pytest.approx(label.area_ha * 10_000, rel=1e-6)  # m²
        assert p["metrics:perimeter"] == pytest.approx(label.perimeter_m, rel=1e-6)
        assert p["determination:method"] == "manual"
        assert p["crop:code"] == p["crop:name"] == label.crop
        assert p["crop:code_list"] == "labels/code_lists/crop_codes.csv"
        assert p[PREFIX + "annotator"] == label.annotator
        assert ("determination:datetime" in p) == (label.determination_datetime is not None)
        assert None not in p.values()  # fiboa forbids nulls: absent values are left out
    assert not any(key.startswith(("area", "determination_")) for p in props.values() for key in p)


def test_validator_runs_offline_and_finds_faults(tmp_path: Path) -> None:
    """The offline validator really checks: a null date and a missing crop code are refused."""
    store = open_store(tmp_path / "s", snapshots=False)
    store.save(make_label(), actor="ram", role=Role.VOLUNTEER)
    out = tmp_path / "bad.fiboa.json"
    export(store, out)
    doc = json.loads(out.read_text())
    doc["features"][0]["properties"]["determination:datetime"] = None
    del doc["features"][0]["properties"]["crop:code"]
    out.write_text(json.dumps(doc))
    valid, errors, _ = fiboa_validate(out)
    assert not valid
    assert any("determination:datetime" in e for e in errors), errors
    assert any("crop:code" in e for e in errors), errors


@pytest.mark.parametrize("name", ["out.fiboa.json", "out.parquet"])
def test_round_trip_keeps_every_property(filled: BaseLabelStore, tmp_path: Path, name: str):
    first, again = tmp_path / name, tmp_path / f"again-{name}"
    export(filled, first)
    second = open_store(tmp_path / "second", snapshots=False)
    second.register_scene(SCENE, FOOTPRINT)
    report = import_file(second, first, annotator="admin")
    assert report.imported == 3, report.lines()
    export(second, again)
    before, after = features(first), features(again)
    assert before.keys() == after.keys()
    for fid, props in before.items():
        assert props.keys() == after[fid].keys()  # every property, none added
        kept = {k: v for k, v in props.items() if k not in STORE_OWNED | MEASURED}
        assert kept == {k: v for k, v in after[fid].items() if k not in STORE_OWNED | MEASURED}
        for key in MEASURED:
            assert after[fid][key] == pytest.approx(props[key], rel=1e-4)
    if name.endswith(".json"):
        geoms = {f["id"]: f["geometry"] for f in json.loads(again.read_text())["features"]}
        for f in json.loads(first.read_text())["features"]:
            again_geom = shapely.geometry.shape(geoms[f["id"]])
            assert again_geom.equals(shapely.geometry.shape(f["geometry"]))


def test_fiboa_03_file_from_elsewhere_keeps_its_date(tmp_path: Path) -> None:
    """A fiboa 0.3 file written by another tool: its determination:datetime and area come in."""
    doc = {
        "type": "FeatureCollection",
        "schemas": {"other": ["https://vecorel.org/specification/v0.1.0/schema.yaml"]},
        "features": [
            {
                "type": "Feature",
                "id": "f1",
                "geometry": shapely.geometry.mapping(square()),
                "properties": {
                    "collection": "other",
                    "crop:code": "rice",
                    "crop:code_list": "https://example.org/codes.csv",
                    "metrics:area": 10_000.0,
                    "determination:datetime": "2023-11-11T05:00:00Z",
                    "determination:method": "manual",
                    "sharpfields:scene_id": SCENE,
                },
            }
        ],
    }
    path = tmp_path / "other.fiboa.json"
    path.write_text(json.dumps(doc))
    ((label, findings),) = read_labels(path)
    assert findings == []
    assert label is not None
    assert (label.crop, label.scene_id) == ("rice", SCENE)
    assert label.determination_datetime == "2023-11-11T05:00:00Z"
    assert label.area_ha == pytest.approx(1.0)
    store = open_store(tmp_path / "s", snapshots=False)
    store.register_scene(SCENE, FOOTPRINT)
    assert import_file(store, path, annotator="admin").imported == 1
    assert store.get("f1").determination_datetime == "2023-11-11T05:00:00Z"


def test_published_code_list_is_the_crop_list(tmp_path: Path) -> None:
    fresh = tmp_path / "codes.csv"
    write_code_list(fresh)
    assert fresh.read_text() == CODE_LIST_FILE.read_text()
    with open(CODE_LIST_FILE, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["original_code"] for r in rows] == list(DEFAULT_CROPS)
    assert set(rows[0]) == {"original_code", "original_name", "translated_name"}


def test_gpkg_has_datetime_columns_and_a_crop_style(filled: BaseLabelStore, tmp_path: Path):
    import sqlite3
    from xml.etree import ElementTree

    out = tmp_path / "fields.gpkg"
    export(filled, out)
    with sqlite3.connect(out) as db:
        types = {row[1]: row[2] for row in db.execute('PRAGMA table_info("fields")')}
        (qml, table, geom_column, default), *others = db.execute(
            "SELECT styleQML, f_table_name, f_geometry_column, useAsDefault FROM layer_styles"
        ).fetchall()
        contents = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents"))
    assert {types[c] for c in ("determination_datetime", "created", "updated")} == {"DATETIME"}
    assert (table, geom_column, default, others) == ("fields", "geom", 1, [])
    assert contents == {"fields": "features", "layer_styles": "attributes"}
    renderer = ElementTree.fromstring(qml.split("\n", 1)[1]).find("renderer-v2")
    assert renderer is not None and renderer.get("attr") == '"crop:name"'
    categories = [c.get("value") for c in renderer.iter("category")]
    assert categories == list(DEFAULT_CROPS)
    rice = next(s for s in renderer.iter("symbol") if s.get("name") == "0")
    colours = {o.get("name"): o.get("value") for o in rice.iter("Option") if o.get("name")}
    assert colours["outline_color"] == "31,158,137,255"  # the map's rice colour, #1f9e89
    ((label, findings), *_) = read_labels(out)  # the style table does not confuse reading
    assert findings == [] and label is not None


@pytest.mark.parametrize("name", ["a.geojson", "a.fiboa.json", "a.gpkg", "a.parquet"])
def test_exports_are_readable_by_the_group_unless_configured(
    filled: BaseLabelStore, tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / name
    export(filled, out)
    assert out.stat().st_mode & 0o777 == 0o644
    monkeypatch.setenv("SHARPFIELDS_EXPORT_MODE", "640")
    export(filled, out)
    assert out.stat().st_mode & 0o777 == 0o640
    monkeypatch.setenv("SHARPFIELDS_EXPORT_MODE", "rw-r--r--")
    with pytest.raises(StoreError, match="SHARPFIELDS_EXPORT_MODE='rw-r--r--' is not a file mode"):
        export(filled, out)
    assert out.stat().st_mode & 0o777 == 0o640  # the previous file stays as it was
