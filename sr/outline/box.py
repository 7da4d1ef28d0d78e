"""A box around a field: two opposite corners clicked instead of one click inside.

A box tells the assist how far the field reaches, which one click cannot. The outline is the
region of the merge tree (:func:`sr.outline.merge.merge_rounds`' history: each superpixel's
region before the first round and after each) that fills the box best — the largest
intersection over union with it — trimmed to the box, its holes filled, the piece holding
most of it kept. Any instance image works as a one-level tree (:func:`one_level`), so other
segmenters answer a box too, from their own fields only.

Chosen on the validation chips (models/OUTLINE_CARD.md, "A box around the field").
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage as ndi

PixelBox = tuple[float, float, float, float]  # two opposite corners: col, row, col, row
MIN_BOX_PIXELS = 4  # a box narrower than this (either way) is a click, not a box


def box_window(shape: tuple[int, ...], box: PixelBox) -> tuple[slice, slice] | None:
    """(rows, columns) slices of the pixels a box covers on a view of ``shape``, its corners
    in either order; None when a corner is not a number, or the box on the view is narrower
    than :data:`MIN_BOX_PIXELS`."""
    if not all(math.isfinite(v) for v in box):
        return None
    col0, row0, col1, row1 = box
    rows, cols = shape
    r0, r1 = (int(np.clip(round(v), 0, rows)) for v in sorted((row0, row1)))
    c0, c1 = (int(np.clip(round(v), 0, cols)) for v in sorted((col0, col1)))
    if r1 - r0 < MIN_BOX_PIXELS or c1 - c0 < MIN_BOX_PIXELS:
        return None
    return slice(r0, r1), slice(c0, c1)


def one_level(instances: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An instance image as superpixels and a one-level tree: (labels, history), label 0
    (no field) a region of its own that :func:`region_in_box` never chooses."""
    labels = np.abs(instances).astype(np.int64)
    return labels, np.arange(int(labels.max()) + 1)[None, :]


def region_in_box(
    labels: np.ndarray, history: np.ndarray, box: PixelBox, skip_zero: bool = False
) -> np.ndarray | None:
    """(rows, columns) bool: the region of the tree that fills the box best, trimmed to it,
    holes filled, its largest piece; None for a box too small or off the view, or when no
    region overlaps it. ``skip_zero``: superpixel 0 is no field (:func:`one_level`)."""
    window = box_window(labels.shape, box)
    if window is None:
        return None
    count = int(labels.max()) + 1
    area = np.bincount(labels.ravel(), minlength=count).astype(np.float64)
    inside = np.bincount(labels[window].ravel(), minlength=count).astype(np.float64)
    if skip_zero:
        area[0] = inside[0] = 0.0
    box_area = float(labels[window].size)
    best, best_score = None, 0.0
    for regions in history:  # each level: regions' areas and their part in the box
        size = regions.max() + 1
        region_area = np.bincount(regions, area, minlength=size)
        region_inside = np.bincount(regions, inside, minlength=size)
        score = region_inside / (region_area + box_area - region_inside)
        j = int(np.argmax(score))
        if score[j] > best_score:
            best, best_score = regions == j, float(score[j])
    if best is None:
        return None
    mask = np.zeros(labels.shape, bool)
    mask[window] = best[labels[window]]
    pieces, n = ndi.label(mask)
    if n == 0:
        return None
    largest = int(np.argmax(np.bincount(pieces.ravel())[1:])) + 1
    out: np.ndarray = ndi.binary_fill_holes(pieces == largest)
    return out
