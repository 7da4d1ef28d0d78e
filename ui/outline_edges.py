"""The edge of the view a proposal was outlined on: a field there may go on past it.

The assist segments one view (the enhanced area, or the image read around a click) and
knows nothing beyond it, so a field the view's edge crosses is proposed cut along that edge.
Measured on areas inside the benchmark chips (``bench.outline_all_order``), most proposals
touching an area's edge lie on such a cut field. Outline all proposes them last
(:func:`sr.outline.hierarchy.ranked`); this module tells the volunteer when one is shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from rasterio.warp import transform_geom
from shapely.geometry import Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

from sr.imagery.raster_io import Raster

EDGE_NOTE = (
    "This outline reaches the edge of the area the assist outlined on (the enhanced area, or "
    "the image read around your click) and stops there. If the field goes on past that edge, "
    "do not keep it as it is: enhance an area that holds the whole field, or outline it with "
    "Draw fields."
)


@dataclass(frozen=True)
class ViewFrame:
    """A view's outline (lon/lat) and the size of one of its pixels (degrees)."""

    outline: Polygon
    pixel: float

    def reaches_edge(self, polygon: BaseGeometry) -> bool:
        """Whether an outline made on this view lies in it and touches its edge (within half
        a pixel)."""
        return bool(
            self.outline.buffer(self.pixel).contains(polygon)
            and polygon.boundary.distance(self.outline.exterior) <= self.pixel / 2
        )

    def to_json(self) -> dict[str, Any]:
        return {"outline": mapping(self.outline), "pixel": self.pixel}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ViewFrame:
        outline = shape(data["outline"])
        if not isinstance(outline, Polygon):
            raise ValueError("a view's frame is a polygon")
        return cls(outline, float(data["pixel"]))


def raster_frame(raster: Raster) -> ViewFrame:
    """The lon/lat frame of a georeferenced raster's pixels."""
    assert raster.transform is not None and raster.crs is not None
    _, rows, cols = raster.array.shape
    corners = [raster.transform @ (c, r) for c, r in ((0, 0), (cols, 0), (cols, rows), (0, rows))]
    moved = shape(transform_geom(raster.crs, "EPSG:4326", mapping(Polygon(corners))))
    assert isinstance(moved, Polygon)
    return ViewFrame(moved, math.sqrt(moved.area / (rows * cols)))


def edge_note(polygon: BaseGeometry, frame: ViewFrame | None) -> str | None:
    """:data:`EDGE_NOTE` for an outline that reaches its view's edge; None otherwise."""
    return EDGE_NOTE if frame is not None and frame.reaches_edge(polygon) else None
