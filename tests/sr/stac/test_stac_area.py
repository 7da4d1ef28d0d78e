"""Parsing and limiting the area to fetch imagery for."""

from __future__ import annotations

import json

import pytest

from sr.stac.area import AreaError, check_area_size, parse_area

POLYGON = {
    "type": "Polygon",
    "coordinates": [[[84.4, 27.6], [84.5, 27.6], [84.5, 27.7], [84.4, 27.7], [84.4, 27.6]]],
}


@pytest.mark.parametrize(
    "text", ["84.4,27.6,84.5,27.7", " 84.4 27.6 84.5 27.7 ", "84.4, 27.6, 84.5, 27.7"]
)
def test_a_box_in_several_spellings(text: str) -> None:
    assert parse_area(text).bbox == pytest.approx((84.4, 27.6, 84.5, 27.7))


@pytest.mark.parametrize(
    "wrapper",
    [
        lambda g: g,
        lambda g: {"type": "Feature", "properties": {}, "geometry": g},
        lambda g: {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": g}]},
    ],
)
def test_geojson_polygon_feature_or_collection(wrapper: object) -> None:
    area = parse_area(json.dumps(wrapper(POLYGON)))  # type: ignore[operator]
    assert area.bbox == pytest.approx((84.4, 27.6, 84.5, 27.7))
    # 0.1° × 0.1° at 27.65° N: 11.07 km × 9.88 km
    assert area.km2 == pytest.approx(109.4, rel=0.01)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("84.5,27.6,84.4,27.7", "West .* must be less than east"),
        ("84.4,27.7,84.5,27.6", "South .* must be less than north"),
        ("84.4,95,84.5,96", "between -90 and 90"),
        ("84.4,27.6,84.5", "four numbers"),
        ("Chitwan", "four numbers"),
        ("nan,27.6,84.5,27.7", "finite"),
        ('{"type": "Point", "coordinates": [84.4, 27.6]}', "must contain polygons"),
        ('{"type": "Polygon", "coordinates": [[[84.4, 27.6], [84.5, 27.7', "not valid GeoJSON"),
        ('{"type": "FeatureCollection", "features": []}', "no polygon"),
        (
            '{"type": "Polygon", "coordinates": [[[0,0],[1,1],[1,0],[0,1],[0,0]]]}',
            "crosses itself",
        ),
    ],
)
def test_bad_areas_are_explained(text: str, message: str) -> None:
    with pytest.raises(AreaError, match=message):
        parse_area(text)


def test_the_size_limit_names_both_sizes() -> None:
    area = parse_area("84.0,27.0,85.0,28.0")  # ~10,900 km²
    check_area_size(area, max_km2=20_000)
    with pytest.raises(AreaError, match=r"10,9\d\d km², more than the 2,500 km²"):
        check_area_size(area)
