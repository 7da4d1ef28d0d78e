"""Export / import: RFC 7946 output, GeoPackage, round trips (hypothesis), bad files
(labels.export, labels.io)."""

from __future__ import annotations

import json
import math
import re
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon

from labels.base_store import LabelFilter
from labels.errors import FormatError
from labels.export import export, write_gpkg
from labels.geojson import iso_utc
from labels.geometry import is_ccw_ring
from labels.io import import_file, read_labels, validate_file
from labels.model import DEFAULT_CROPS, Label, Role, Status, View
from labels.sqlite_store import SQLiteLabelStore
from labels.store import open_store
from tests.labels.conftest import SCENE, make_label, square

M = 1 / 111_000  # about one metre in degrees of latitude


@st.composite
def fields(draw) -> Polygon | MultiPolygon:
    """Star-shaped lon/lat polygons in Nepal, 7 decimals, sometimes with a hole or two parts."""

    def star(lon: float, lat: float, radius_m: float, n: int) -> list[tuple[float, float]]:
        step = 2 * math.pi / n
        jitter = draw(st.lists(st.floats(-0.3, 0.3), min_size=n, max_size=n))
        radii = draw(st.lists(st.floats(0.6, 1.0), min_size=n, max_size=n))
        points = []
        for i, (j, r) in enumerate(zip(jitter, radii, strict=True)):
            a = (i + j) * step
            x = round(lon + r * radius_m * M * math.cos(a) / math.cos(math.radians(lat)), 7)
            points.append((x, round(lat + r * radius_m * M * math.sin(a), 7)))
        return points

    lon = draw(st.floats(80.2, 88.0))
    lat = draw(st.floats(26.5, 30.3))
    radius = draw(st.floats(50.0, 400.0))
    shell = star(lon, lat, radius, draw(st.integers(5, 12)))
    holes = [star(lon, lat, radius * 0.3, 4)] if draw(st.booleans()) else []
    poly = Polygon(shell if draw(st.booleans()) else shell[::-1], holes)
    if draw(st.booleans()):
        other = Polygon(star(lon + 3 * radius * M, lat, radius, 6))
        return MultiPolygon([poly, other])
    return poly


text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=12
).filter(str.strip)


@st.composite
def labels(draw) -> Label:
    geom = draw(fields())
    status = draw(st.sampled_from(list(Status)))
    return Label(
        geometry=geom,
        crop=draw(st.sampled_from(DEFAULT_CROPS)),
        scene_id=draw(st.sampled_from(["S2A_T45RUL_20240301", "S2B_T44RPS_20231111"])),
        annotator=draw(text),
        status=status,
        view=draw(st.sampled_from(list(View))),
        enhancement=draw(st.none() | text),
        model_version=draw(st.none() | text),
        reviewer=draw(text) if status in (Status.ACCEPTED, Status.REJECTED) else None,
        review_comment=draw(text) if status is Status.REJECTED else None,
        determination_datetime=draw(st.none() | st.just("2024-03-01T04:55:31Z")),
    )


KEPT = (
    "id",
    "crop",
    "scene_id",
    "annotator",
    "status",
    "view",
    "enhancement",
    "model_version",
    "reviewer",
    "review_comment",
    "determination_datetime",
    "version",
    "created_at",
    "updated_at",
    "updated_by",
)


def parts(geom: Polygon | MultiPolygon) -> list[Polygon]:
    """Normalised polygons (a GeoPackage layer may hold one-part MultiPolygons)."""
    return [shapely.normalize(p) for p in getattr(geom, "geoms", [geom])]


def to_ms(label: Label) -> Label:
    """The label with its times to the millisecond, as a GeoPackage DATETIME holds them."""

    def cut(stamp: str | None) -> str | None:  # …33.482200Z and …33.482Z -> the same
        if stamp is None:
            return None
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        # a whole second reads back as …33Z, not …33.000Z: compare instants, not spellings
        return iso_utc(moment.replace(microsecond=moment.microsecond // 1000 * 1000))

    return label.replace(created_at=cut(label.created_at), updated_at=cut(label.updated_at))


def same(a: Label, b: Label, *, millisecond_times: bool = False) -> None:
    assert shapely.equals(a.geometry, b.geometry)
    pa, pb = parts(a.geometry), parts(b.geometry)
    assert len(pa) == len(pb) and all(
        shapely.equals_exact(x, y, 0) for x, y in zip(pa, pb, strict=True)
    )
    if millisecond_times:
        a, b = to_ms(a), to_ms(b)
    assert {k: getattr(a, k) for k in KEPT} == {k: getattr(b, k) for k in KEPT}
    assert b.area_ha == pytest.approx(a.area_ha, abs=1e-6)  # exported with 6 decimals
    assert b.perimeter_m == pytest.approx(a.perimeter_m, abs=1e-3)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(labels(), min_size=1, max_size=4, unique_by=lambda x: x.id))
def test_round_trip_geojson_store_geopackage(items: list[Label]) -> None:
    items = [x for x in items if x.geometry.is_valid]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        store = open_store(tmp_path / "a", snapshots=False)
        saved = [r.label for r in store.save_many(items, actor="admin", role=Role.COORDINATOR)]
        for path in (tmp_path / "out.geojson", tmp_path / "out.gpkg"):
            assert export(store, path) == len(saved)
            back = [label for label, findings in read_labels(path) if not findings]
            assert len(back) == len(saved)
            for a, b in zip(saved, back, strict=True):
                same(a, b, millisecond_times=path.suffix == ".gpkg")
        # GeoPackage -> a second store -> GeoJSON keeps everything but the store's own fields
        second = open_store(tmp_path / "b", snapshots=False)
        report = import_file(second, tmp_path / "out.gpkg", annotator="admin")
        assert report.imported == len(saved), report.lines()
        export(second, tmp_path / "again.geojson")
        for a, (b, _) in zip(saved, read_labels(tmp_path / "again.geojson"), strict=True):
            assert shapely.equals(a.geometry, b.geometry)
            reviewed = a.status in (Status.ACCEPTED, Status.REJECTED)
            assert (b.id, b.crop, b.annotator, b.status, b.reviewer, b.version) == (
                a.id,
                a.crop,
                a.annotator,
                Status.SUBMITTED if reviewed else a.status,
                None,
                1,
            )


def test_geopackage_keeps_a_time_on_a_whole_second(tmp_path: Path) -> None:
    """A time whose milliseconds are 0 reads back as the same instant (CI once drew one)."""
    label = make_label(
        created_at="2026-12-06T07:53:48.000412Z", updated_at="2026-12-06T07:53:48.999999Z"
    )
    write_gpkg([label], tmp_path / "whole.gpkg")
    ((back, findings),) = read_labels(tmp_path / "whole.gpkg")
    assert findings == []
    assert (back.created_at, back.updated_at) == (
        "2026-12-06T07:53:48Z",
        "2026-12-06T07:53:48.999000Z",
    )
    assert to_ms(back) == to_ms(label).replace(geometry=back.geometry)


def test_export_is_rfc7946(store: SQLiteLabelStore, tmp_path: Path) -> None:
    clockwise = Polygon(square(side_m=300.0).exterior.coords[::-1])
    hole = square(85.3 + 0.0005, 27.7 + 0.0005, 50.0)  # counter-clockwise
    label = make_label(Polygon(clockwise.exterior.coords, [hole.exterior.coords]))
    store.save(label, actor="ram", role="volunteer")
    out = tmp_path / "out.geojson"
    assert export(store, out) == 1
    text = out.read_text()
    doc = json.loads(text)
    assert "crs" not in doc and doc["type"] == "FeatureCollection"
    (feature,) = doc["features"]
    outer, inner = feature["geometry"]["coordinates"]
    assert is_ccw_ring(outer) and not is_ccw_ring(inner)
    assert not re.search(r"\d\.\d{8,}", json.dumps(feature["geometry"]))  # at most 7 decimals
    props = feature["properties"]
    assert props["crop:name"] == "rice" and props["determination_method"] == "manual"
    assert props["area"] == pytest.approx(9.0 - 0.25, rel=0.005)
    assert props["perimeter"] == pytest.approx(1200.0 + 200.0, rel=0.005)
    for key in (
        "annotator",
        "scene_id",
        "view",
        "enhancement",
        "model_version",
        "created",
        "updated",
        "version",
        "status",
    ):
        assert key in props  # provenance on every feature


def test_export_filters_and_gpkg_layer(store: SQLiteLabelStore, tmp_path: Path) -> None:
    a = store.save(make_label(), actor="ram", role="volunteer").label
    store.save(
        make_label(square(85.31), crop="wheat", annotator="hari", status="submitted"),
        actor="hari",
        role="volunteer",
    )
    store.save(a.replace(status="submitted"), actor="ram", role="volunteer")
    out = tmp_path / "wheat.gpkg"
    assert export(store, out, LabelFilter(crop="wheat", status="submitted")) == 1
    import pyogrio

    assert pyogrio.list_layers(out).tolist() == [["fields", "Polygon"], ["layer_styles", None]]
    ((label, findings),) = read_labels(out)
    assert (label.crop, label.annotator, findings) == ("wheat", "hari", [])
    assert export(store, tmp_path / "none.geojson", LabelFilter(annotator="nobody")) == 0
    assert json.loads((tmp_path / "none.geojson").read_text())["features"] == []
    with pytest.raises(FormatError, match=r"unknown file type '\.shp'"):
        export(store, tmp_path / "x.shp")


def write(tmp_path: Path, text: str, name: str = "in.geojson") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


FEATURE = {
    "type": "Feature",
    "properties": {"crop:name": "rice", "scene_id": SCENE},
    "geometry": shapely.geometry.mapping(square()),
}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": "FeatureCollection", "features": [', "not valid JSON at line 1, column 44"),
        ("[1, 2]", "the top level is not a JSON object"),
        ('{"type": "Topology"}', "top-level type is 'Topology'; expected 'FeatureCollection'"),
        ('{"type": "FeatureCollection"}', "'features' is missing or not a list"),
        (
            '{"type": "FeatureCollection", "features": [], "crs": {"type": "name", "properties": '
            '{"name": "EPSG:32645"}}}',
            "declares the CRS EPSG:32645",
        ),
    ],
)
def test_malformed_files_give_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(FormatError, match=re.escape(message)):
        validate_file(write(tmp_path, text))


def test_bad_features_are_reported_by_index(tmp_path: Path) -> None:
    features = [
        FEATURE,
        "not a feature",
        {"type": "Feature", "geometry": None, "properties": {}},
        {**FEATURE, "properties": {"scene_id": SCENE}},
        {**FEATURE, "properties": {**FEATURE["properties"], "status": "approved", "id": "x1"}},
        {**FEATURE, "properties": 5},
        {
            **FEATURE,
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[85.3, 27.7], [85.3, 27.8], [85.4, 27.7]]],
            },
        },
    ]
    path = write(tmp_path, json.dumps({"type": "FeatureCollection", "features": features}))
    report = validate_file(path)
    assert [f.message for f in report.findings()] == [
        "feature 1: not a GeoJSON Feature ('str')",
        "feature 2: the feature has no geometry",
        "feature 3: no 'crop:name' value",
        "feature 4 (id x1): status 'approved' is not one of draft, submitted, accepted, rejected",
        "feature 5: 'properties' is not an object",
        "feature 6: ring 0 has 3 positions; a ring needs at least 4 (3 distinct points and the "
        "closing one)",
    ]
    assert report.errors == 6
    assert report.lines()[-1] == f"{path}: 7 feature(s), 6 with errors, 0 with warnings only"


def test_import_validates_each_feature_and_is_idempotent(
    store: SQLiteLabelStore, tmp_path: Path
) -> None:
    bowtie = {
        "type": "Polygon",
        "coordinates": [[[85.3, 27.7], [85.31, 27.71], [85.31, 27.7], [85.3, 27.71], [85.3, 27.7]]],
    }
    features = [
        FEATURE,
        {**FEATURE, "geometry": bowtie},
        {
            **FEATURE,
            "properties": {"crop:name": "wheat", "status": "accepted", "annotator": "hari"},
            "geometry": shapely.geometry.mapping(square(85.32)),
        },
    ]
    path = write(tmp_path, json.dumps({"type": "FeatureCollection", "features": features}))
    report = import_file(store, path, annotator="admin", scene_id=SCENE)
    assert report.imported == 2 and report.errors == 1
    assert "self-intersection at lon 85.3050000, lat 27.7050000" in report.findings()[0].message
    by_crop = {x.crop: x for x in store.query()}
    assert by_crop["rice"].annotator == "admin"  # filled in
    assert (by_crop["wheat"].annotator, by_crop["wheat"].status) == ("hari", "submitted")
    assert report.lines()[-2] == (
        "note: 1 feature(s) marked accepted or rejected in the file were imported as submitted, "
        "for review here (--as-reviewed-by NAME keeps the file's decisions as NAME's review)"
    )
    assert store.history(by_crop["wheat"].id)[0].actor == "admin"
    again = import_file(store, path, annotator="admin", scene_id=SCENE)
    assert again.imported == 0 and store.count() == 2
    assert "already in the store (version 1); not imported" in again.findings()[-1].message


def test_import_needs_a_scene_and_reads_gpkg_in_other_crs(
    store: SQLiteLabelStore, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [{**FEATURE, "properties": {"crop:name": "rice"}}],
            }
        ),
    )
    report = import_file(store, path, annotator="admin")
    assert report.imported == 0
    assert report.findings()[-1].message.endswith("no scene_id; give one with --scene / scene_id=")
    # a GeoPackage in UTM 45N is reprojected to lon/lat on import
    gpkg = tmp_path / "utm.gpkg"
    write_gpkg([make_label()], gpkg)
    import geopandas as gpd

    gpd.read_file(gpkg).to_crs(32645).to_file(tmp_path / "utm2.gpkg")
    ((label, findings),) = read_labels(tmp_path / "utm2.gpkg")
    assert findings == []
    assert label.geometry.bounds == pytest.approx(square().bounds, abs=1e-7)
    with pytest.raises(FormatError, match="cannot be read as a GeoPackage"):
        read_labels(write(tmp_path, "junk", "junk.gpkg"))
