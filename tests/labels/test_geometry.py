"""Area, perimeter and RFC 7946 normalisation (labels.geometry)."""

from __future__ import annotations

import pytest
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon, box

from labels.geometry import geometry_to_geojson, is_ccw_ring, measure, measure_many, utm_epsg
from tests.labels.conftest import square


def test_utm_zone_of_nepal_and_south() -> None:
    assert utm_epsg(85.3, 27.7) == 32645  # Kathmandu: zone 45N
    assert utm_epsg(83.9, 28.2) == 32644  # Pokhara: zone 44N
    assert utm_epsg(-47.9, -15.8) == 32723  # Brasilia: zone 23S


def test_one_hectare_square_within_half_a_percent() -> None:
    area, perimeter = measure(square(side_m=100.0))
    assert area == pytest.approx(1.0, rel=0.005)
    assert perimeter == pytest.approx(400.0, rel=0.005)


def test_area_matches_geodesic_reference() -> None:
    geom = box(85.30, 27.70, 85.31, 27.71)
    ref_area, ref_perimeter = Geod(ellps="WGS84").geometry_area_perimeter(geom)
    area, perimeter = measure(geom)
    assert area == pytest.approx(abs(ref_area) / 10_000, rel=0.001)
    assert perimeter == pytest.approx(ref_perimeter, rel=0.001)
    assert area == pytest.approx(108.93, rel=0.005)  # about 987 m x 1108 m


def test_hole_is_subtracted_and_its_edge_counted() -> None:
    outer = square(side_m=200.0)
    hole = square(85.3 + 0.0005, 27.7 + 0.0005, side_m=50.0)
    area, perimeter = measure(Polygon(outer.exterior.coords, [hole.exterior.coords]))
    assert area == pytest.approx(4.0 - 0.25, rel=0.005)
    assert perimeter == pytest.approx(800.0 + 200.0, rel=0.005)


def test_measure_many_mixes_zones_and_multipolygons() -> None:
    a = square(85.3, 27.7, 100.0)
    b = square(83.9, 28.2, 200.0)  # zone 44
    areas, perimeters = measure_many([a, b, MultiPolygon([a, square(85.31, 27.7, 100.0)])])
    assert areas == pytest.approx([1.0, 4.0, 2.0], rel=0.005)
    assert perimeters == pytest.approx([400.0, 800.0, 800.0], rel=0.005)


def test_geojson_winding_and_precision() -> None:
    clockwise = [(85.3, 27.7), (85.3, 27.71), (85.31, 27.71), (85.31, 27.7), (85.3, 27.7)]
    hole_ccw = [(85.302, 27.702), (85.303, 27.702), (85.303, 27.703), (85.302, 27.703)]
    poly = Polygon([(x + 1.23456789e-9, y) for x, y in clockwise], [[(x, y) for x, y in hole_ccw]])
    gj = geometry_to_geojson(poly)
    outer, hole = gj["coordinates"]
    assert is_ccw_ring(outer) and not is_ccw_ring(hole)
    assert outer[0] == [85.3, 27.7]  # rounded to 7 decimals: the 1e-9 is gone
    assert "crs" not in gj


def test_the_share_of_a_geometry_inside_an_area() -> None:
    from shapely.geometry import Polygon, box

    from labels.geometry import share_inside

    assert share_inside(box(0, 0, 2, 1), box(1, -1, 5, 5)) == pytest.approx(0.5)
    assert share_inside(box(0, 0, 1, 1), box(0, 0, 1, 1)) == 1.0
    assert share_inside(box(0, 0, 1, 1), box(3, 3, 4, 4)) == 0.0
    assert share_inside(Polygon(), box(0, 0, 1, 1)) == 0.0
