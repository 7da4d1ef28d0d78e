"""The edge of the view a proposal was outlined on: a field touching it may go on past it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from rasterio.crs import CRS
from rasterio.transform import from_origin
from rasterio.warp import transform_geom
from shapely.affinity import scale as scaled
from shapely.geometry import Point, Polygon, box, mapping, shape

from sr.imagery.raster_io import Raster
from sr.imagery.scene import open_scene
from ui.outline_edges import EDGE_NOTE, MARGIN, ViewFrame, area_holding, edge_note, raster_frame
from ui.settings import SAMPLE_SCENE, default_area_pixels

UTM = CRS.from_epsg(32633)
ORIGIN = (500_000.0, 5_330_000.0)  # west, north (m), UTM 33N: Austria
PIXEL_M = 2.5


@pytest.fixture()
def view() -> Raster:
    """A 40 × 60 px view at 2.5 m."""
    transform = from_origin(*ORIGIN, PIXEL_M, PIXEL_M)
    return Raster(np.zeros((3, 40, 60), np.float32), "float32", transform, UTM)


def frame_pixel_deg(view: Raster) -> float:
    """About one of the view's pixels, in degrees of latitude."""
    return PIXEL_M / 111_000


def pixels_lonlat(view: Raster, rows: tuple[int, int], cols: tuple[int, int]) -> Polygon:
    """The lon/lat outline of a block of the view's pixels (as the assist polygonises it)."""
    (r0, r1), (c0, c1) = rows, cols
    corners = [view.transform @ (c, r) for c, r in ((c0, r0), (c1, r0), (c1, r1), (c0, r1))]  # type: ignore[operator]
    out = shape(transform_geom(UTM, "EPSG:4326", mapping(Polygon(corners))))
    assert isinstance(out, Polygon)
    return out


def test_a_views_frame_is_its_grid(view: Raster) -> None:
    frame = raster_frame(view)
    assert frame.crs == "EPSG:32633" and frame.shape == (40, 60)
    assert frame.transform == (PIXEL_M, 0.0, ORIGIN[0], 0.0, -PIXEL_M, ORIGIN[1])


@pytest.mark.parametrize(
    ("rows", "cols", "reaches"),
    [
        ((0, 10), (20, 30), True),  # on the top edge
        ((30, 40), (20, 30), True),  # on the bottom edge
        ((10, 20), (50, 60), True),  # on the right edge
        ((0, 40), (0, 60), True),  # the whole view
        ((10, 30), (10, 50), False),  # inside, a pixel or more from every edge
        ((1, 39), (1, 59), False),  # one pixel in
    ],
)
def test_an_outline_reaches_the_edge_only_when_it_touches_it(
    view: Raster, rows: tuple[int, int], cols: tuple[int, int], reaches: bool
) -> None:
    frame = raster_frame(view)
    outline = pixels_lonlat(view, rows, cols)
    assert frame.reaches_edge(outline) is reaches
    assert edge_note(outline, frame) == (EDGE_NOTE if reaches else None)


def test_where_an_outline_crosses_the_edge_is_the_middle_of_its_border_there(
    view: Raster,
) -> None:
    frame = raster_frame(view)
    on_top = pixels_lonlat(view, (0, 10), (20, 30))
    crossing = frame.crossing(on_top)
    assert crossing is not None
    x, y = view.transform @ (25, 0)  # type: ignore[operator]  # the middle of its top border
    expected = shape(transform_geom(UTM, "EPSG:4326", mapping(Point(x, y))))
    assert crossing.distance(expected) < frame_pixel_deg(view) / 2
    assert frame.crossing(pixels_lonlat(view, (10, 30), (10, 50))) is None  # inside


def test_an_outline_made_on_another_view_does_not_reach_this_ones_edge(view: Raster) -> None:
    """A field outlined on the original around a click beside the enhanced area may cross
    the area's edge: it was not cut there."""
    frame = raster_frame(view)
    whole = pixels_lonlat(view, (0, 40), (0, 60))
    lon0, lat0, lon1, lat1 = whole.bounds
    across = box(lon1 - (lon1 - lon0) / 4, lat0 + (lat1 - lat0) / 4, lon1 + 0.01, lat1 - 0.01)
    assert across.intersects(whole.exterior)
    assert not frame.reaches_edge(across)
    assert edge_note(across, None) is None  # no frame known: nothing to say


def test_a_frame_survives_its_json(view: Raster) -> None:
    frame = raster_frame(view)
    assert ViewFrame.from_json(json.loads(json.dumps(frame.to_json()))) == frame
    with pytest.raises(ValueError):
        ViewFrame.from_json({**frame.to_json(), "transform": [1.0, 0.0]})


@pytest.mark.parametrize("side_m", [50.0, 3_000.0], ids=["small field", "wider than the area"])
def test_the_area_holding_a_field_is_centred_on_it_with_room_around(side_m: float) -> None:
    scene = open_scene(SAMPLE_SCENE)
    c = scene.footprint.centroid
    half = side_m / 2 / 111_000
    field = box(c.x - half, c.y - half / 2, c.x + half, c.y + half / 2)
    area = box(*area_holding(scene, field, default_area_pixels()))
    assert area.contains(scaled(field, MARGIN, MARGIN))
    assert area.centroid.distance(field.centroid) < 1e-9
    corner = Point(*field.exterior.coords[0])  # where an old view's edge cut it, say
    shifted = box(*area_holding(scene, field, default_area_pixels(), corner))
    assert shifted.centroid.distance(corner) < 1e-9
    assert shifted.contains(scaled(field, MARGIN, MARGIN))
    side_px = (area.bounds[3] - area.bounds[1]) * 111_000 / scene.metres_per_pixel
    if side_m < 100:
        assert side_px == pytest.approx(default_area_pixels(), rel=0.01)  # the usual size
    else:
        assert side_px > default_area_pixels()
