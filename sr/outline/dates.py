"""Several dates of one place → one set of fields, where an edge that shows on any date counts.

Two neighbouring fields often look alike on one date (both bare, both green) and differ on
another (one harvested). Given the dates of an area as co-registered images — a list of
(bands, rows, columns) arrays, or one (dates, bands, rows, columns) array — the fields are:

- ``stack`` (the default where the segmenter takes many channels — Felzenszwalb's regions
  alone, :func:`can_stack`): the dates' three bands side by side as one image of
  3 × dates channels (:func:`stacked_bands`), segmented once;
- ``overlay`` (:func:`overlay`, for the others): each date segmented on its own; two pixels
  are in the same field only when they share a field on every date, and a pixel in no field
  on some date (a road, a small part) is in no field.

A date's pixels without data (a time stack's cloud left out) are filled from its nearest
pixels with data first (:func:`fill_gaps`), so the other dates decide there; a pixel without
data on every date is in no field.

Stacking measured better than overlaying, which splits fields along every date's chance
segment edges; whether two dates beat one is in ``bench/bench_dates_outline.py``
(``bench/results/dates_outline.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from scipy import ndimage as ndi
from skimage.measure import label as connected_parts

from sr.outline.bands import three_bands
from sr.outline.hierarchy import ranked
from sr.outline.segment import (
    MIN_PIXELS,
    MergeSegmenter,
    NestedSegmenter,
    RegionSegmenter,
    drop_small,
)

Combine = Literal["auto", "overlay", "stack"]
COMBINES: tuple[Combine, ...] = ("auto", "overlay", "stack")


def can_stack(segmenter: object) -> bool:
    """True for a segmenter that takes any number of channels: Felzenszwalb's regions
    without the U-Net (which takes three), nested or not, and learned merging (its features
    are root-mean-squares and maxima over the channels)."""
    if isinstance(segmenter, NestedSegmenter | MergeSegmenter):
        return True
    return isinstance(segmenter, RegionSegmenter) and segmenter.net is None


def chosen_combine(segmenter: object, combine: Combine = "auto") -> Combine:
    """``auto`` → ``stack`` where the segmenter can take it, else ``overlay``."""
    if combine == "auto":
        return "stack" if can_stack(segmenter) else "overlay"
    if combine not in COMBINES:
        raise ValueError(f"unknown way to combine dates {combine!r}: overlay or stack")
    if combine == "stack" and not can_stack(segmenter):
        raise ValueError("this segmenter takes three bands: overlay the dates instead")
    return combine


def dates_version(version: str, labels: Sequence[str], combine: Combine) -> str:
    """What produced fields from several dates, as recorded with a proposal:
    ``felzenszwalb-nested-40/20-60@0.55 on 2 dates (stack): date 1, date 2``."""
    return f"{version} on {len(labels)} dates ({combine}): {', '.join(labels)}"


def as_dates(images: np.ndarray | Sequence[np.ndarray]) -> list[np.ndarray]:
    """The dates of an area as a list of (bands, rows, columns) arrays of one size; a
    (dates, bands, rows, columns) array is split along its first axis. ValueError when the
    dates are not of one size (not co-registered) or there are none."""
    dates = list(images)
    if not dates:
        raise ValueError("no dates given")
    dates = [d[None] if d.ndim == 2 else d for d in dates]
    sizes = {d.shape[-2:] for d in dates}
    if any(d.ndim != 3 for d in dates) or len(sizes) != 1:
        shapes = ", ".join(str(d.shape) for d in dates)
        raise ValueError(
            f"the dates must be (bands, rows, columns) images of one size, got {shapes}"
        )
    return dates


def overlay(partitions: Sequence[np.ndarray], min_pixels: int = MIN_PIXELS) -> np.ndarray:
    """The fields every date agrees on: (rows, columns) int32, 0 = no field, ±1…n.

    Each partition is one date's instance image (0 = no field; a negative label: a field a
    click gets but "outline all" does not propose). A pixel is in no field when it is in none
    on some date; the others are grouped by the field they are in on each date, each group
    split into its 4-connected parts; parts under ``min_pixels`` are in no field. A part is
    proposed (positive) when it stands out on some date."""
    if not partitions:
        raise ValueError("no partitions to overlay")
    code = np.zeros(partitions[0].shape, np.int64)
    outside = np.zeros(partitions[0].shape, bool)
    stands_out = np.zeros(partitions[0].shape, bool)
    for partition in partitions:
        _, field = np.unique(partition, return_inverse=True)  # 0…k, whatever the signs
        field = field.reshape(partition.shape)
        code = code * (int(field.max()) + 1) + field
        _, code = np.unique(code, return_inverse=True)  # renumbered: no overflow
        code = code.reshape(partition.shape)
        outside |= partition == 0
        stands_out |= partition > 0
    code = code + 1
    code[outside] = 0
    parts = drop_small(
        connected_parts(code, background=0, connectivity=1).astype(np.int32), min_pixels
    )
    proposed = np.bincount(parts.ravel(), weights=stands_out.ravel()) > 0
    return ranked(parts, proposed, np.bincount(parts.ravel()).astype(float))  # largest first


def fill_gaps(date: np.ndarray, gaps: np.ndarray) -> np.ndarray:
    """``date`` with each pixel of ``gaps`` (rows × columns) given the values of the
    nearest pixel of the same date with data, so that a date's gap (a cloud left out of a
    time stack) does not draw its own edges when the dates are segmented together: there the
    other dates decide. A date without gaps, or all gap, is returned as it is."""
    if not gaps.any() or gaps.all():
        return date
    nearest = ndi.distance_transform_edt(gaps, return_distances=False, return_indices=True)
    filled: np.ndarray = date[:, nearest[0], nearest[1]]
    return filled


def stacked_bands(dates: Sequence[np.ndarray], bands: Sequence[int] | None = None) -> np.ndarray:
    """Each date's three bands (:func:`sr.outline.bands.three_bands`) side by side:
    (3 × dates, rows, columns) float32, divided by √dates so that colour distances between
    pixels alike on every date stay what they are on one date."""
    scaled = [three_bands(d, bands) for d in dates]
    out: np.ndarray = np.concatenate(scaled) / np.float32(np.sqrt(len(scaled)))
    return out
