"""The outline assist: a click inside a field → that field's outline; or every field.

    polygons = outline_at(image, [(col, row), …])   # one Polygon or None per click
    polygons = outline_all(image)                    # every field found
    polygons = outline_at([date1, date2], clicks)    # every date of the area helps
    polygon = outline_corrected(image, (col, row), [Correction(c, r, add=False)])  # cut off
    polygon = outline_in_box(image, (col0, row0, col1, row1))  # two opposite corners

``image`` is (bands, rows, columns) of any dtype and band count (:mod:`sr.outline.bands`),
or the dates of one area — a list of such arrays or a (dates, bands, rows, columns) array —
where a boundary that shows on any date is a boundary (:mod:`sr.outline.dates`);
outlines are shapely polygons in pixel (column, row) coordinates, or in the image's map
coordinates when ``transform`` (rasterio Affine) is given, simplified to at most
:data:`sr.outline.polygons.MAX_VERTICES` corners. The view is segmented once per call.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from affine import Affine
from shapely.geometry import Polygon

from sr.outline.bands import three_bands
from sr.outline.box import PixelBox, one_level, region_in_box
from sr.outline.corrections import Correction, constraints, pixel_under
from sr.outline.dates import (
    Combine,
    as_dates,
    chosen_combine,
    fill_gaps,
    overlay,
    stacked_bands,
)
from sr.outline.polygons import MAX_VERTICES, mask_to_polygon
from sr.outline.segment import MergeSegmenter, Segmenter, default_segmenter, with_box, with_clicks

Click = tuple[float, float]  # (column, row) in pixels, fractions allowed
Image = np.ndarray | Sequence[np.ndarray]  # one date (bands, H, W), or several dates


def no_data(image: np.ndarray) -> np.ndarray:
    """(rows, columns) bool: a non-finite value in some band, or 0 in every band (the
    nodata of Sentinel-2 files and of the app's own: outside a scene's swath, a time
    stack's clouds left out, ``sr.stac.cloud_mask``; no real ground is 0 in every band)."""
    out: np.ndarray = ~np.any(image != 0, axis=0)
    if np.issubdtype(image.dtype, np.floating):
        out |= ~np.isfinite(image).all(axis=0)
    return out


def is_dates(image: Image) -> bool:
    """True for several dates of an area (a list, or a 4-D array), False for one image."""
    return not isinstance(image, np.ndarray) or image.ndim == 4


def field_instances(
    image: Image,
    segmenter: Segmenter | None = None,
    bands: Sequence[int] | None = None,
    combine: Combine = "auto",
) -> np.ndarray:
    """(rows, columns) int32: 0 where no field, ±1…n one field each (negative: a field a
    click gets but "outline all" does not propose). Pixels without data (:func:`no_data`) are
    in no field; of several dates, those without data on every date (a date's gap is filled
    from its nearest pixels, :func:`sr.outline.dates.fill_gaps`, so the others decide). Several
    dates are combined by ``combine`` (:mod:`sr.outline.dates`; ``auto``: stacked where the
    segmenter takes many channels, else overlaid)."""
    chosen = segmenter or default_segmenter()

    def one_date(date: np.ndarray) -> np.ndarray:
        instances = chosen(three_bands(date, bands))
        instances[no_data(date)] = 0
        return instances

    if not is_dates(image):
        assert isinstance(image, np.ndarray)
        return one_date(image)
    given = as_dates(image)
    gaps = [no_data(d) for d in given]
    dates = [fill_gaps(d, g) for d, g in zip(given, gaps, strict=True)]
    if chosen_combine(chosen, combine) == "overlay":
        instances = overlay([one_date(d) for d in dates])
    else:
        with warnings.catch_warnings():  # Felzenszwalb on 3 × dates channels: intended
            warnings.filterwarnings("ignore", "Got image with third dimension", RuntimeWarning)
            instances = chosen(stacked_bands(dates, bands))
    instances[np.all(gaps, axis=0)] = 0
    return instances


def click_instance(instances: np.ndarray, click: Click) -> int:
    """The field number under a (column, row) click (negative ones too); 0 outside the image
    or any field (or not a number)."""
    at = pixel_under(instances.shape, *click)
    return 0 if at is None else int(instances[at])


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
    image: Image,
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
    """Every proposed field (positive number) of an instance image, in number order: the
    segmenters number first those off the image's edge, then those on it (a field the edge
    cuts), each most distinct first (:func:`sr.outline.hierarchy.ranked`)."""
    numbers = np.unique(instances)
    found = [mask_to_polygon(instances == n, transform, max_vertices) for n in numbers if n > 0]
    return [p for p in found if p is not None]


def outline_all(
    image: Image,
    transform: Affine | None = None,
    *,
    segmenter: Segmenter | None = None,
    bands: Sequence[int] | None = None,
    max_vertices: int = MAX_VERTICES,
) -> list[Polygon]:
    """Every field of the image that stands out (the proposed ones): those off the image's
    edge first, each the most distinct first (its outline's colour gradient against its
    inside's)."""
    return all_outlines(field_instances(image, segmenter, bands), transform, max_vertices)


def outline_corrected(
    image: Image,
    first: Click,
    corrections: Sequence[Correction],
    transform: Affine | None = None,
    *,
    segmenter: Segmenter | None = None,
    bands: Sequence[int] | None = None,
    max_vertices: int = MAX_VERTICES,
) -> Polygon | None:
    """The outline of the first click's field with later clicks' parts added or cut off
    (:mod:`sr.outline.corrections`; only learned merging takes them); None when the first
    click is in no field."""
    chosen = with_clicks(segmenter or default_segmenter(), constraints(first, corrections))
    return outline_at(
        image, [first], transform, segmenter=chosen, bands=bands, max_vertices=max_vertices
    )[0]


def box_instances(instances: np.ndarray, box: PixelBox) -> np.ndarray:
    """An instance image holding only the field (1) that fills a box best, trimmed to it, for
    a segmenter without a merge tree (:func:`sr.outline.box.region_in_box` on its fields)."""
    region = region_in_box(*one_level(instances), box, skip_zero=True)
    out = np.zeros(instances.shape, np.int32)
    if region is not None:
        out[region] = 1
    return out


def boxed_instances(instances: np.ndarray, segmenter: Segmenter, box: PixelBox) -> np.ndarray:
    """The box's field alone (1) from the instance image that ``with_box(segmenter, box)``
    gave: learned merging answers with it already; another segmenter's fields are chosen
    among (:func:`box_instances`)."""
    return instances if isinstance(segmenter, MergeSegmenter) else box_instances(instances, box)


def outline_in_box(
    image: Image,
    box: PixelBox,
    transform: Affine | None = None,
    *,
    segmenter: Segmenter | None = None,
    bands: Sequence[int] | None = None,
    max_vertices: int = MAX_VERTICES,
) -> Polygon | None:
    """The outline of the field between two opposite corners (col, row, col, row) of a box
    (:mod:`sr.outline.box`); None when the box is too small, off the view or holds no field."""
    chosen = with_box(segmenter or default_segmenter(), box)
    instances = boxed_instances(field_instances(image, chosen, bands), chosen, box)
    return mask_to_polygon(instances > 0, transform, max_vertices) if instances.any() else None
