"""The "Fix the outline" button: untangle unsaved outlines that cross themselves.

Only unsaved work is changed (drawings and changed outlines in the drafts); the volunteer
sees the result on the map and saves it, or redraws it (``labels.validate.repair``).
"""

from __future__ import annotations

from shapely.geometry.base import BaseGeometry

from labels.validate import repair
from ui.drawings import Draft


def _fixed(geometry: BaseGeometry) -> BaseGeometry | None:
    """The repaired outline when ``geometry`` is broken and can be repaired, else None."""
    if geometry.is_valid:
        return None
    return repair(geometry)


def can_fix(draft: Draft) -> bool:
    """Is there an unsaved outline that crosses itself and can be untangled?"""
    outlines = [*draft.new, *(g for g, _ in draft.edits.values())]
    return any(_fixed(g) is not None for g in outlines)


def fix_outlines(draft: Draft) -> tuple[Draft, int]:
    """The draft with each repairable outline repaired, and how many were."""
    count = 0

    def fixed_or_same(geometry: BaseGeometry) -> BaseGeometry:
        nonlocal count
        fixed = _fixed(geometry)
        if fixed is None:
            return geometry
        count += 1
        return fixed

    new = [fixed_or_same(g) for g in draft.new]
    edits = {i: (fixed_or_same(g), v) for i, (g, v) in draft.edits.items()}
    return Draft(new, edits), count
