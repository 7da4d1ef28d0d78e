"""From a field's pixel mask to a simple polygon a volunteer can edit.

The outline follows pixel edges (``rasterio.features.shapes``), keeps the largest part,
drops holes (fields are drawn as outer boundaries) and is simplified (Douglas–Peucker,
``shapely.simplify``) until it has at most ``max_vertices`` corners. Coordinates are pixel
(column, row) of the top-left pixel corner, or map coordinates through ``transform``.
"""

from __future__ import annotations

import numpy as np
from affine import Affine
from rasterio.features import shapes
from shapely.affinity import affine_transform
from shapely.geometry import Polygon, shape

MAX_VERTICES = 40  # corners of a proposed outline: enough for a bent field, few to edit
TOLERANCE_PX = 1.0  # first simplification step, pixels


def largest_polygon(mask: np.ndarray) -> Polygon | None:
    """The largest 4-connected part of a boolean mask as a pixel-edge polygon without holes."""
    if not mask.any():
        return None
    found = [
        shape(geometry)
        for geometry, value in shapes(mask.astype(np.uint8), mask=mask, connectivity=4)
        if value == 1
    ]
    biggest = max(found, key=lambda p: p.area)
    return Polygon(biggest.exterior)


def simplified(polygon: Polygon, max_vertices: int = MAX_VERTICES) -> Polygon:
    """``polygon`` simplified (pixel units) to at most ``max_vertices`` corners, still valid."""
    tolerance = TOLERANCE_PX
    out = polygon.simplify(tolerance, preserve_topology=True)
    while len(out.exterior.coords) - 1 > max_vertices:
        tolerance *= 1.5
        out = polygon.simplify(tolerance, preserve_topology=True)
    if not isinstance(out, Polygon) or not out.is_valid or out.is_empty:
        return polygon
    return Polygon(out.exterior)


def mask_to_polygon(
    mask: np.ndarray, transform: Affine | None = None, max_vertices: int = MAX_VERTICES
) -> Polygon | None:
    """The simplified outline of the largest part of ``mask`` (None when it is empty),
    in pixel coordinates or, with ``transform``, in the raster's map coordinates."""
    polygon = largest_polygon(mask)
    if polygon is None:
        return None
    polygon = simplified(polygon, max_vertices)
    if transform is None:
        return polygon
    t = transform
    moved = affine_transform(polygon, [t.a, t.b, t.d, t.e, t.c, t.f])
    assert isinstance(moved, Polygon)
    return moved


def reaches_edge(polygon: Polygon, shape: tuple[int, int], transform: Affine | None = None) -> bool:
    """Whether an outline of an image of ``shape`` (rows, columns), in pixel coordinates or
    the map coordinates of ``transform``, comes within half a pixel of the image's edge: the
    field may go on past the image, its outline stopping there."""
    if transform is not None:
        t = ~transform
        polygon = affine_transform(polygon, [t.a, t.b, t.d, t.e, t.c, t.f])
    rows, cols = shape
    x0, y0, x1, y1 = polygon.bounds
    return bool(x0 <= 0.5 or y0 <= 0.5 or x1 >= cols - 0.5 or y1 >= rows - 0.5)
