"""Every kind of bad geometry gives a finding with a clear message (labels.validate)."""

from __future__ import annotations

import warnings

import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

from labels.errors import LabelError
from labels.validate import (
    MAX_FIELD_HA_ENV,
    Rules,
    format_hectares,
    max_field_ha,
    parse_geojson_geometry,
    repair,
    short_repr,
    validate_geojson_geometry,
    validate_geometry,
)
from tests.labels.conftest import FOOTPRINT, square

BOWTIE = Polygon([(85.3, 27.7), (85.31, 27.71), (85.31, 27.7), (85.3, 27.71)])


def codes(findings) -> list[tuple[str, str]]:
    return [(f.code, f.severity) for f in findings]


def test_good_field_has_no_findings() -> None:
    assert validate_geometry(square(), footprint=FOOTPRINT) == []


def test_self_intersection_names_the_point_and_offers_repair() -> None:
    (f,) = validate_geometry(BOWTIE)
    assert (f.code, f.severity) == ("invalid-geometry", "error")
    assert f.message == (
        "invalid polygon: self-intersection at lon 85.3050000, lat 27.7050000; repair it with "
        "labels.validate.repair() (shapely make_valid) and check the result"
    )
    assert f.location == pytest.approx((85.305, 27.705))
    fixed = repair(BOWTIE)
    assert isinstance(fixed, MultiPolygon) and fixed.is_valid
    assert fixed.area == pytest.approx(BOWTIE.buffer(0).area * 2, rel=1e-6)  # both lobes kept
    assert not BOWTIE.is_valid  # never repaired in place


def test_fewer_than_three_distinct_points() -> None:
    flat = Polygon([(85.3, 27.7), (85.31, 27.71), (85.3, 27.7), (85.3, 27.7)])
    (f,) = validate_geometry(flat)
    assert f.code == "too-few-points"
    assert (
        f.message
        == "ring 0 has 2 distinct point(s) at lon 85.3000000, lat 27.7000000; at least 3 are needed"
    )
    _, found = parse_geojson_geometry(
        {"type": "Polygon", "coordinates": [[[1, 2], [2, 3], [1, 2]]]}
    )
    assert found[0].message == (
        "ring 0 has 3 positions; a ring needs at least 4 (3 distinct points and the closing one)"
    )


def test_too_small_field_is_an_error() -> None:
    (f,) = validate_geometry(square(side_m=15.0))  # 225 m²
    assert (f.code, f.severity) == ("too-small", "error")
    assert f.message.startswith("area 225 m² is below the minimum of 400 m²")


def test_sliver_is_a_warning() -> None:
    strip = shapely.affinity.scale(square(side_m=100.0), xfact=20.0, yfact=0.05)  # ~2000 x 5 m
    (f,) = validate_geometry(strip)
    assert (f.code, f.severity) == ("sliver", "warning")
    assert "thinness (Polsby-Popper) 0.008 is below 0.05" in f.message  # 4πA/P²


def test_overlap_beyond_tolerance_warns_and_names_the_other_field() -> None:
    a = box(85.300, 27.700, 85.302, 27.702)
    b = box(85.301, 27.700, 85.303, 27.702)  # half over a
    (f,) = validate_geometry(b, others=[("field-a", a)])
    assert (f.code, f.severity) == ("overlap", "warning")
    assert f.message.startswith("overlaps field field-a by 50% of the smaller field (at lon ")
    touching = box(85.30198, 27.700, 85.30398, 27.702)  # 1 % over a
    assert validate_geometry(touching, others=[("field-a", a)]) == []  # 1 % is tolerated


def test_outside_footprint_error_and_partly_outside_warning() -> None:
    (f,) = validate_geometry(square(86.0, 27.7), footprint=FOOTPRINT)
    assert (f.code, f.severity) == ("outside-footprint", "error")
    assert "lies entirely outside the scene footprint" in f.message
    edge = square(85.5999, 27.7, 100.0)  # about 90 % beyond lon 85.6
    (g,) = validate_geometry(edge, footprint=FOOTPRINT)
    assert (g.code, g.severity) == ("partly-outside-footprint", "warning")
    assert g.message.startswith("9")  # "9x% of the field lies outside"


def test_lat_lon_swapped_detected_by_range_and_by_footprint() -> None:
    swapped = shapely.transform(square(), lambda xy: xy[:, ::-1])  # (27.7, 85.3): valid range
    (f,) = validate_geometry(swapped, footprint=FOOTPRINT)
    assert f.code == "lat-lon-swapped"
    assert "GeoJSON wants [lon, lat]" in f.message
    (g,) = validate_geometry(box(27.70, 95.30, 27.71, 95.31))  # "lat" 95.3 > 90
    assert g.code == "lat-lon-swapped"
    assert g.message.startswith("latitude out of range at coordinate 0 (")


def test_out_of_range_and_non_finite() -> None:
    far = Polygon([(185.0, 27.0), (186.0, 27.0), (186.0, 28.0), (185.0, 27.0)])
    (f,) = validate_geometry(far)
    assert f.message == (
        "coordinate 0 (185.0, 27.0) is outside lon -180..180 / lat -90..90; "
        "is the file in WGS 84 lon/lat?"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        nan = Polygon([(85.3, 27.7), (float("nan"), 27.71), (85.31, 27.7), (85.3, 27.7)])
    (g,) = validate_geometry(nan)
    assert (g.code, g.message) == (
        "non-finite",
        "coordinate 1 is not a finite number (nan, 27.71); 1 such coordinate(s) in all",
    )
    _, found = validate_geojson_geometry(
        {
            "type": "Polygon",
            "coordinates": [[[85.3, 27.7], [float("inf"), 27.7], [85.3, 27.8], [85.3, 27.7]]],
        }
    )
    assert found[0].code == "non-finite"


def test_absurd_vertex_count() -> None:
    circle = Point(85.3, 27.7).buffer(0.004, quad_segs=2000)  # 8001 vertices, 55 ha
    (f,) = validate_geometry(circle)
    assert f.message == (
        "8001 vertices, more than the 5000 allowed for a hand-drawn field; simplify it"
    )
    assert validate_geometry(circle, rules=Rules(max_vertices=10_000)) == []


def test_wrong_types_and_malformed_geojson() -> None:
    assert validate_geometry(LineString([(0, 0), (1, 1)]))[0].message == (
        "a field must be a Polygon or MultiPolygon, not LineString"
    )
    assert validate_geometry(Polygon())[0].message == "the geometry is empty"
    cases = {
        "not json object": ("x", "geometry is not a JSON object: 'x'"),
        "point": (
            {"type": "Point", "coordinates": [1, 2]},
            "geometry type 'Point' is not supported; a field must be a Polygon or MultiPolygon",
        ),
        "string coordinate": (
            {"type": "Polygon", "coordinates": [[[85.3, "27.7"], [1, 2], [2, 2], [85.3, 27.7]]]},
            "ring 0, position 0: expected [lon, lat], got [85.3, '27.7']",
        ),
        "open ring": (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
            "ring 0 is not closed: first position [0, 0] differs from the last [0, 1]",
        ),
        "empty multipolygon": (
            {"type": "MultiPolygon", "coordinates": []},
            "MultiPolygon coordinates must be a non-empty list",
        ),
        "bad multipolygon part": (
            {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]], 7]},
            "polygon 1 must be a non-empty list of rings",
        ),
    }
    for name, (obj, message) in cases.items():
        geom, found = parse_geojson_geometry(obj)
        assert geom is None, name
        assert found[0].message == message, name
        assert found[0].severity == "error"


def test_multipolygon_with_hole_parses_and_validates() -> None:
    outer = [[85.3, 27.7], [85.305, 27.7], [85.305, 27.705], [85.3, 27.705], [85.3, 27.7]]
    hole = [
        [85.302, 27.702],
        [85.302, 27.703],
        [85.303, 27.703],
        [85.303, 27.702],
        [85.302, 27.702],
    ]
    geom, found = validate_geojson_geometry(
        {"type": "MultiPolygon", "coordinates": [[outer, hole]]}, footprint=FOOTPRINT
    )
    assert found == []
    assert isinstance(geom, MultiPolygon) and len(geom.geoms[0].interiors) == 1


def test_non_finite_closing_positions_are_findings_not_exceptions() -> None:
    for bad in (float("nan"), float("inf"), 10**400):
        ring = [[bad, 27.7], [85.301, 27.7], [85.301, 27.701], [bad, 27.7]]
        geom, found = parse_geojson_geometry({"type": "Polygon", "coordinates": [ring]})
        assert geom is None and [f.code for f in found] == ["non-finite"]
        assert found[0].message.startswith("ring 0, position 0: [")
        assert found[0].message.endswith(
            "is not a place; coordinates must be finite numbers (not NaN or Infinity)"
        )


def test_an_outline_larger_than_the_maximum_field_area_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(MAX_FIELD_HA_ENV, raising=False)
    assert max_field_ha() == 100.0
    big = square(side_m=1100.0)  # 121 ha
    (f,) = validate_geometry(big, footprint=FOOTPRINT)
    assert (f.code, f.severity) == ("too-large", "error")
    assert f.message == (
        "This outline covers 121 ha; a field can be at most 100 ha. Draw one field at a time."
    )
    assert f.location is not None
    assert validate_geometry(square(side_m=990.0)) == []  # 98 ha: allowed
    assert validate_geometry(big, rules=Rules(max_area_ha=150.0)) == []
    monkeypatch.setenv(MAX_FIELD_HA_ENV, "2.5")  # read at each check
    (g,) = validate_geometry(square(side_m=200.0))
    assert g.message == (
        "This outline covers 4 ha; a field can be at most 2.5 ha. Draw one field at a time."
    )


@pytest.mark.parametrize("raw", ["abc", "0", "-5", "nan", "inf"])
def test_a_bad_maximum_field_area_setting_is_an_error(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv(MAX_FIELD_HA_ENV, raw)
    with pytest.raises(LabelError, match=f"{MAX_FIELD_HA_ENV}='{raw}' is not a positive number"):
        validate_geometry(square())


def test_hectares_for_people() -> None:
    assert [format_hectares(v) for v in (100_471.2, 1234.5, 100.44, 100.0, 2.5, 0.04)] == [
        "100,471",
        "1,234",
        "100.4",
        "100",
        "2.5",
        "0",
    ]


def test_short_repr_bounds_hostile_values() -> None:
    deep: list = []
    for _ in range(10_000):
        deep = [deep]
    assert short_repr(deep) == "[[[[...]]]]"
    assert len(short_repr(list(range(10**6)))) < 40 and len(short_repr("x" * 10**6)) < 50
