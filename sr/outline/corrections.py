"""Corrective clicks: add a missed part to a proposed outline, or cut a wrong part off it.

As interactive segmentation tools do (positive and negative clicks; CVAT's interactors), on
the assist's merge levels (:func:`sr.outline.segment.grown`): the first click gives the
region under it at the chosen level, as a plain click does; each later click adds the region
under it (``add``) or cuts it off (not ``add``). The part added or cut is the largest region
under the click, at the chosen level or a finer one, that holds no click of the other kind —
so a cut never takes away a part a volunteer clicked to keep, and an add never brings back a
part that was cut. The outline then keeps the piece that holds the first click, without holes
(as every proposed outline, :mod:`sr.outline.polygons`).

Clicks are (column, row) pixels of the view; ``levels(grow)`` gives the view's instance
image ``grow`` levels coarser (negative: finer) than the default, as
:func:`sr.outline.assist.field_instances` with :func:`sr.outline.segment.grown` does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from affine import Affine
from scipy import ndimage as ndi
from shapely.geometry import Polygon

from sr.outline.assist import Click, click_instance
from sr.outline.polygons import MAX_VERTICES, mask_to_polygon
from sr.outline.segment import MAX_GROW

Levels = Callable[[int], np.ndarray]  # grow → instance image of the same view


@dataclass(frozen=True)
class Correction:
    """A click after the first: add the part under it (``add``) or cut it off."""

    col: float
    row: float
    add: bool

    @property
    def click(self) -> Click:
        return self.col, self.row


def _holds(mask: np.ndarray, click: Click) -> bool:
    """Is the (column, row) click on a pixel of ``mask``?"""
    col, row = int(np.floor(click[0])), int(np.floor(click[1]))
    rows, cols = mask.shape
    return 0 <= row < rows and 0 <= col < cols and bool(mask[row, col])


def part_under(
    levels: Levels,
    grow: int,
    click: Click,
    avoid: Sequence[Click],
    within: np.ndarray | None = None,
) -> np.ndarray | None:
    """The region under ``click`` at level ``grow`` or the first finer level where it (inside
    ``within`` when given) holds none of the ``avoid`` clicks; None when no level has one."""
    for level in range(grow, -MAX_GROW - 1, -1):
        instances = levels(level)
        number = click_instance(instances, click)
        if number == 0:
            continue
        part: np.ndarray = instances == number
        if within is not None:
            part &= within
        if not any(_holds(part, other) for other in avoid):
            return part
    return None


def _piece_with(mask: np.ndarray, click: Click) -> np.ndarray:
    """The 4-connected piece of ``mask`` under ``click``, its holes filled."""
    pieces, _ = ndi.label(mask)
    col, row = int(np.floor(click[0])), int(np.floor(click[1]))
    piece: np.ndarray = ndi.binary_fill_holes(pieces == pieces[row, col])
    return piece


def corrected_mask(
    levels: Levels, first: Click, corrections: Sequence[Correction], grow: int = 0
) -> np.ndarray | None:
    """The outline's mask after the first click and the corrections, in order; None when the
    first click is in no field. A correction that changes nothing (an add inside the outline,
    a cut outside it, or no region to take) is passed over."""
    base = levels(grow)
    number = click_instance(base, first)
    if number == 0:
        return None
    mask: np.ndarray = base == number
    for i, correction in enumerate(corrections):
        earlier = corrections[:i]
        if correction.add and not _holds(mask, correction.click):
            cuts = [c.click for c in earlier if not c.add]
            part = part_under(levels, grow, correction.click, cuts)
            if part is not None:
                mask = mask | part
        elif not correction.add and _holds(mask, correction.click):
            keeps = [first, *(c.click for c in earlier if c.add)]
            part = part_under(levels, grow, correction.click, keeps, within=mask)
            if part is not None:
                mask = mask & ~part
        mask = _piece_with(mask, first)
    return mask


def corrected_outline(
    levels: Levels,
    first: Click,
    corrections: Sequence[Correction],
    grow: int = 0,
    transform: Affine | None = None,
    max_vertices: int = MAX_VERTICES,
) -> Polygon | None:
    """The outline of :func:`corrected_mask` (simplified, in map coordinates with
    ``transform``, as :func:`sr.outline.polygons.mask_to_polygon`); None when the first
    click is in no field."""
    mask = corrected_mask(levels, first, corrections, grow)
    return None if mask is None else mask_to_polygon(mask, transform, max_vertices)
