"""The edge of the view a proposal was outlined on: a field there may go on past it.

The assist segments one view (the enhanced area, or the image read around a click) and
knows nothing beyond it, so a field the view's edge crosses is proposed cut along that edge.
Measured on areas inside the benchmark chips (``bench.outline_all_order``), most proposals
touching an area's edge lie on such a cut field. Outline all proposes them last
(:func:`sr.outline.hierarchy.ranked`); this module tells the volunteer when one is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from affine import Affine
from rasterio.warp import transform_geom
from shapely.affinity import affine_transform, scale
from shapely.geometry import Point, box, mapping, shape
from shapely.geometry.base import BaseGeometry

from sr.imagery.raster_io import Raster
from sr.imagery.scene import BBox, Scene
from sr.outline.polygons import reaches_edge
from ui.enhance_flow import area_around

EDGE_NOTE = (
    "This outline stops at the edge of the area the assist outlined on (the enhanced area, or "
    "the image read around your click). If the field goes on past that edge, don't keep it: "
    "enhance an area that holds the whole field, or draw it with Draw fields."
)
CENTRE_BUTTON = "Centre the area on this field"
AREA_MOVED = (
    "The area moved onto this field, centred where the old area's edge cut it, and the cut "
    "outline was set aside. Enhance the new area: the field is outlined again once it is "
    "ready."
)
MARGIN = 1.2  # an area holding a field spans its extent this many times, at least


@dataclass(frozen=True)
class ViewFrame:
    """The grid of a view the assist outlined on: its CRS, transform and (rows, columns)."""

    crs: str
    transform: tuple[float, float, float, float, float, float]
    shape: tuple[int, int]

    def reaches_edge(self, polygon: BaseGeometry) -> bool:
        """Whether a lon/lat outline made on this view lies in it and comes within half a
        pixel of its edge (:func:`sr.outline.polygons.reaches_edge`)."""
        return self._at_edge(self._pixels(polygon))

    def crossing(self, polygon: BaseGeometry) -> Point | None:
        """Where a lon/lat outline that reaches this view's edge meets it (lon/lat): the
        middle of its border within half a pixel of the edge; None when it does not reach."""
        pixels = self._pixels(polygon)
        if not self._at_edge(pixels):
            return None
        rows, cols = self.shape
        along = pixels.boundary.intersection(box(0, 0, cols, rows).exterior.buffer(0.5))
        middle = (along if not along.is_empty else pixels).centroid
        x, y = Affine(*self.transform) @ (middle.x, middle.y)
        point = shape(transform_geom(self.crs, "EPSG:4326", mapping(Point(x, y))))
        assert isinstance(point, Point)
        return point

    def _at_edge(self, pixels: BaseGeometry) -> bool:
        """:meth:`reaches_edge` of an outline in this view's pixel coordinates."""
        x0, y0, x1, y1 = pixels.bounds
        rows, cols = self.shape
        inside = x0 >= -0.5 and y0 >= -0.5 and x1 <= cols + 0.5 and y1 <= rows + 0.5
        return bool(inside and reaches_edge(pixels, self.shape))

    def _pixels(self, polygon: BaseGeometry) -> BaseGeometry:
        """A lon/lat geometry in this view's pixel (column, row) coordinates."""
        moved = shape(transform_geom("EPSG:4326", self.crs, mapping(polygon)))
        t = ~Affine(*self.transform)
        return affine_transform(moved, [t.a, t.b, t.d, t.e, t.c, t.f])

    def to_json(self) -> dict[str, Any]:
        return {"crs": self.crs, "transform": list(self.transform), "shape": list(self.shape)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ViewFrame:
        a, b, c, d, e, f = (float(v) for v in data["transform"])
        rows, cols = (int(v) for v in data["shape"])
        return cls(str(data["crs"]), (a, b, c, d, e, f), (rows, cols))


def raster_frame(raster: Raster) -> ViewFrame:
    """The frame of a georeferenced raster's pixels."""
    assert raster.transform is not None and raster.crs is not None
    _, rows, cols = raster.array.shape
    t = raster.transform
    return ViewFrame(raster.crs.to_string(), (t.a, t.b, t.c, t.d, t.e, t.f), (rows, cols))


def edge_note(polygon: BaseGeometry, frame: ViewFrame | None) -> str | None:
    """:data:`EDGE_NOTE` for an outline that reaches its view's edge; None otherwise."""
    return EDGE_NOTE if frame is not None and frame.reaches_edge(polygon) else None


def area_holding(
    scene: Scene, outline: BaseGeometry, size_px: int, centre: Point | None = None
) -> BBox:
    """A square lon/lat area centred on ``centre`` (where the old view's edge cut the field:
    the part beyond lies around it) or else on the outline, ``size_px`` scene pixels across or
    more, so that it holds the outline :data:`MARGIN` times (whether that can be enhanced is
    the Enhance button's check)."""
    lon0, lat0, lon1, lat1 = outline.bounds
    lon, lat = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    if centre is not None:
        lon, lat = centre.x, centre.y
    wanted = scale(box(lon0, lat0, lon1, lat1), MARGIN, MARGIN)
    size = size_px
    area = area_around(scene, lon, lat, size)
    for _ in range(60):  # up to about 55 000 times wider: any field on Earth
        if box(*area).contains(wanted):
            break
        size = int(size * MARGIN) + 1
        area = area_around(scene, lon, lat, size)
    return area
