"""A proposal kept off the fields already saved (as QGIS's "avoid overlap" when digitising).

Where a proposed outline spills into a saved field, that part is cut away, so the new field
takes its border from the saved one: no overlap and no gap between neighbours. What is left
is the piece holding the click, or the largest piece (a box, "outline all"), without holes
(fields are drawn as outer boundaries: a saved field wholly inside stays inside). Which
saved fields count is the caller's choice: the app uses those a person drew or edited, or a
reviewer accepted (:func:`labels.workflow.firm_outline`). The coordinates are the caller's
(lon/lat on the Label page, pixels in the benchmark), the same for all three.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import shapely
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

# An overlap under this share of the outline's area is rounding (coordinates saved by the
# browser, borders shared by earlier cuts), not a field to cut along.
ROUNDING_SHARE = 1e-6


@dataclass(frozen=True)
class Trimmed:
    """A proposal after the saved fields: its outline (None when nothing is left outside
    them) and how many saved fields it was cut along (0: none)."""

    outline: Polygon | None
    cut_along: int


def _pieces(geometry: BaseGeometry) -> list[Polygon]:
    """The polygons of a geometry (a difference may also give lines or points: dropped)."""
    parts = shapely.get_parts(shapely.get_parts(geometry))  # collections, then multi-parts
    return [p for p in parts if isinstance(p, Polygon) and not p.is_empty]


def clear_of(
    outline: Polygon, saved: Sequence[BaseGeometry], at: tuple[float, float] | None = None
) -> Trimmed:
    """``outline`` with the parts inside any of the ``saved`` fields cut away: the piece
    holding ``at`` (x, y), else the largest piece, as a polygon without holes."""
    base = outline if outline.is_valid else shapely.make_valid(outline)
    least = ROUNDING_SHARE * base.area
    valid = [f if f.is_valid else shapely.make_valid(f) for f in saved]  # an unsaved drawing
    crossed = [f for f in valid if f.intersects(base) and f.intersection(base).area > least]
    if not crossed:
        return Trimmed(outline, 0)
    rest = shapely.make_valid(base.difference(shapely.union_all(crossed)))
    pieces = _pieces(rest)
    if not pieces:
        return Trimmed(None, len(crossed))
    point = None if at is None else Point(at)
    holding = [p for p in pieces if point is not None and p.covers(point)]
    chosen = holding[0] if holding else max(pieces, key=lambda p: p.area)
    kept = Polygon(chosen.exterior)
    # A saved field wholly inside the outline would be a hole: it stays (and is not counted).
    cut = [f for f in crossed if f.intersection(kept).area < f.intersection(base).area / 2]
    return Trimmed(kept, len(cut))
