"""Corrective clicks: add a part a proposed outline misses, or cut off one it should not hold.

As interactive segmentation tools do (positive and negative clicks; CVAT's interactors), on
the tree that learned merging builds (:func:`sr.outline.merge.merge_rounds`' history): the
first click and every click that adds are parts to keep, every click that cuts is a part to
cut off. A cut takes away the largest part of the tree under the click that holds no click to
keep — the part that merging joined to the kept ones last, so the outline's new edge is the
weakest border merging found between the two clicks. An add joins the largest part under the
click that holds no click to cut (at most the merged field under it). Each click acts on the
outline as the clicks before it left it; the outline is then the piece that holds the first
click, without holes (as every proposed outline, :mod:`sr.outline.polygons`).

Clicks are (column, row, keep) pixels of the view, the first one kept; the algorithm works on
superpixels (``labels``) and the merge tree (``history``: each superpixel's region before the
first merging round and after each).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi

Constraint = tuple[float, float, bool]  # a click: column, row, keep (False: cut off)


@dataclass(frozen=True)
class Correction:
    """A click after the first: add the part under it (``add``) or cut it off."""

    col: float
    row: float
    add: bool


def constraints(
    first: tuple[float, float], corrections: Sequence[Correction]
) -> tuple[Constraint, ...]:
    """The clicks as the segmenter takes them: (column, row, keep), the first one kept."""
    return ((*first, True), *((c.col, c.row, c.add) for c in corrections))


def tree_part(history: np.ndarray, superpixel: int, avoid: Sequence[int]) -> np.ndarray | None:
    """(superpixels,) bool: the largest region of the merge tree holding ``superpixel`` and
    none of ``avoid``; None when the superpixel itself is one to avoid."""
    part = None
    for regions in history:
        members: np.ndarray = regions == regions[superpixel]
        if members[list(avoid)].any():
            break
        part = members
    return part


def pixel_under(shape: tuple[int, ...], col: float, row: float) -> tuple[int, int] | None:
    """The (row, column) index of the pixel under a (column, row) click on a view of
    ``shape`` (rows, columns); None off the view or not a number."""
    if not (np.isfinite(col) and np.isfinite(row)):
        return None
    r, c = int(np.floor(row)), int(np.floor(col))
    rows, cols = shape
    return (r, c) if 0 <= r < rows and 0 <= c < cols else None


def _piece_with(mask: np.ndarray, at: tuple[int, int]) -> np.ndarray:
    """The 4-connected piece of ``mask`` under the pixel ``at``, its holes filled."""
    pieces, _ = ndi.label(mask)
    piece: np.ndarray = ndi.binary_fill_holes(pieces == pieces[at])
    return piece


def corrected_region(
    labels: np.ndarray, history: np.ndarray, clicks: Sequence[Constraint]
) -> np.ndarray | None:
    """(rows, columns) bool: the outline after the clicks (the first one's merged field,
    then each later click in order; one outside the view, an add inside the outline or a
    cut outside it changes nothing); None when the first click is outside the view."""
    (col, row, _), *later = clicks
    if (at := pixel_under(labels.shape, col, row)) is None:
        return None
    final = history[-1]
    first = int(labels[at])
    outline = final == final[first]
    keep: list[int] = [first]
    cut: list[int] = []
    for c_col, c_row, add in later:
        if (where := pixel_under(labels.shape, c_col, c_row)) is None:
            continue
        superpixel = int(labels[where])
        if superpixel != first:  # a later click on the same superpixel wins
            keep, cut = [k for k in keep if k != superpixel], [c for c in cut if c != superpixel]
        part = None
        if add and not outline[superpixel]:
            part = tree_part(history, superpixel, cut)
            if part is not None:
                outline |= part
            keep.append(superpixel)
        elif not add and outline[superpixel]:
            part = tree_part(history, superpixel, keep)
            if part is not None:
                outline &= ~part
            cut.append(superpixel)
        if part is None:  # nothing added or cut: the outline stays exactly as it was
            continue
        pixels = _piece_with(outline[labels], at)
        outline = np.bincount(labels[pixels], minlength=len(outline)) > 0
        outline &= np.bincount(labels[~pixels], minlength=len(outline)) == 0
    return _piece_with(outline[labels], at)
