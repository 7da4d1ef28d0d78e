"""What the pages say about an outline that looks like open water (:mod:`sr.imagery.water`):
to a volunteer beside a proposal, to a reviewer beside a field."""

from __future__ import annotations

import functools

import shapely
from shapely.geometry.base import BaseGeometry

from sr.imagery.scene import Scene
from sr.imagery.water import WaterCheck, water_checks

STILL_A_FIELD = "unless you see a field under water (rice just planted looks the same)"


@functools.lru_cache(maxsize=64)
def _water_check(scene: Scene, outline_wkb: bytes) -> WaterCheck:
    """The water check of one outline, read once (a page says it on every run)."""
    [check] = water_checks(scene, [shapely.from_wkb(outline_wkb)])
    return check


def water_note(scene: Scene, outline: BaseGeometry, reviewing: bool) -> str | None:
    """A caution for a lon/lat outline that looks like open water on every date of the scene
    that can tell, with how much of it is water, and what to do about it (bin a proposal;
    reject a field under review); None otherwise."""
    check = _water_check(scene, outline.wkb)
    if not check.looks_like_water:
        return None
    known = check.known
    shares = " and ".join(f"{share:.0%}" for share in known)
    return (
        f"Looks like open water {_dates_told(check)} ({shares} of it): a river or pond, not a "
        f"field. {'Reject' if reviewing else 'Bin'} it, {STILL_A_FIELD}."
    )


def _dates_told(check: WaterCheck) -> str:
    """Which dates the check could tell on, in words."""
    told, dates = len(check.known), len(check.shares)
    if told < dates:
        return f"on the {told} date(s) that show it"
    return {1: "on the scene's date", 2: "on both dates"}.get(told, f"on all {told} dates")
