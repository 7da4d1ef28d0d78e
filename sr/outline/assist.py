"""The outline assist: a click inside a field → that field's outline; or every field.

    polygons = outline_at(image, [(col, row), …])   # one Polygon or None per click
    polygons = outline_all(image)                    # every field found

``image`` is (bands, rows, columns) of any dtype and band count (:mod:`sr.outline.bands`);
outlines are shapely polygons in pixel (column, row) coordinates, or in the image's map
coordinates when ``transform`` (rasterio Affine) is given, simplified to at most
:data:`sr.outline.polygons.MAX_VERTICES` corners. The view is segmented once per call.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from affine import Affine
from shapely.geometry import Polygon

from sr.outline.bands import three_bands
from sr.outline.polygons import MAX_VERTICES, mask_to_polygon
from sr.outline.segment import Segmenter, default_segmenter

Click = tuple[float, float]  # (column, row) in pixels, fractions allowed


def field_instances(
    image: np.ndarray, segmenter: Segmenter | None = None, bands: Sequence[int] | None = None
) -> np.ndarray:
    """(rows, columns) int32: 0 where no field, ±1…n one field each (negative: a field a
    click gets but "outline all" does not propose). Pixels without data (a non-finite value
    in any band) are in no field."""
    chosen = segmenter or default_segmenter()
    instances = chosen(three_bands(image, bands))
    if np.issubdtype(image.dtype, np.floating):
        instances[~np.isfinite(image).all(axis=0)] = 0
    return instances


def click_instance(instances: np.ndarray, click: Click) -> int:
    """The field number under a (column, row) click (negative ones too); 0 outside the image
    or any field."""
    col, row = int(np.floor(click[0])), int(np.floor(click[1]))
    rows, cols = instances.shape
    if not (0 <= row < rows and 0 <= col < cols):
        return 0
    return int(instances[row, col])


def outlines_at(
    instances: np.ndarray,
    clicks: Sequence[Click],
    transform: Affine | None = None,
    max_vertices: int = MAX_VERTICES,
) -> list[Polygon | None]:
    """The outline of the field under each click of an instance image (None: no field)."""
    out: list[Polygon | None] = []
    for click in clicks:
        number = click_instance(instances, click)
        out.append(
            None if number == 0 else mask_to_polygon(instances == number, transform, max_vertices)
        )
    return out


def outline_at(
    image: np.ndarray,
    clicks: Sequence[Click],
    transform: Affine | None = None,
    *,
    segmenter: Segmenter | None = None,
    bands: Sequence[int] | None = None,
    max_vertices: int = MAX_VERTICES,
) -> list[Polygon | None]:
    """One outline per click (None where the click is in no field), in click order."""
    instances = field_instances(image, segmenter, bands)
    return outlines_at(instances, clicks, transform, max_vertices)


def all_outlines(
    instances: np.ndarray, transform: Affine | None = None, max_vertices: int = MAX_VERTICES
) -> list[Polygon]:
    """Every proposed field (positive number) of an instance image, largest first."""
    numbers = np.unique(instances)
    found = [mask_to_polygon(instances == n, transform, max_vertices) for n in numbers if n > 0]
    return sorted((p for p in found if p is not None), key=lambda p: -p.area)


def outline_all(
    image: np.ndarray,
    transform: Affine | None = None,
    *,
    segmenter: Segmenter | None = None,
    bands: Sequence[int] | None = None,
    max_vertices: int = MAX_VERTICES,
) -> list[Polygon]:
    """Every field of the image that stands out (the proposed ones), largest first."""
    return all_outlines(field_instances(image, segmenter, bands), transform, max_vertices)
