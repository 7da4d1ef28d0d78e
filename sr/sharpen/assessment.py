"""Judging an enhanced area: its consistency report, per-pixel map and a badge for people.

The badge turns the report (:func:`sr.sharpen.consistency.consistency_report`) into one of three
words a volunteer or reviewer can act on:

- ``consistent``: the sharpened area averages back to the original pixels (mean change
  ≤ 0.5 %, spectral angle ≤ 0.5°, shift ≤ 0.1 px): what it shows was measured;
- ``check``: small departures (up to 2 %, 2°, 0.5 px): usable, look at the consistency map;
- ``inconsistent``: larger ones: the area shows things the satellite did not measure.

The thresholds come from the benchmark of held-out imagery (``bench/bench_honest.py``,
docs/consistency.md): with the consistency step every method measures below 10⁻⁸ before
rounding; without it, plain bicubic (which invents nothing, but ignores block means) has a
median of 1.2 % ("check"), while the enhancers' raw outputs, which lost up to 4.4 dB to
bicubic, have a median of 6 % and are "inconsistent" two times out of three.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import rasterio

from sr.sharpen.added_detail import added_detail_map, interpolation_reference
from sr.sharpen.consistency import ConsistencyReport, consistency_map, consistency_report

CONSISTENCY_MAP = "consistency"
ADDED_MAP = "added"  # per original pixel: detail added beyond bicubic + back-projection


class AddedDetail(StrEnum):
    """How much sharp detail the method added beyond interpolating the data
    (:mod:`sr.sharpen.added_detail`), in three steps chosen from the benchmark of held-out
    Sentinel-2 imagery (``bench/bench_added_detail.py``, 20 crops × degradations):
    bicubic + back-projection adds 0 %; the enhancer (``enhancer@93ea6994bb42``) added 4.3 %
    median, 5.2 % at most (and there its added detail brought the result closer to the
    truth: gain +0.14 median, never below +0.10); the truth itself has 10 % more fine detail
    than interpolation.
    """

    LITTLE = "little"  # ≤ 0.5 %: what the map shows is close to the interpolated data
    SOME = "some"  # ≤ 5.5 %: as much as the enhancer added on the held-out imagery
    MUCH = "much"  # more than the enhancer added on any held-out image


ADDED_LITTLE, ADDED_SOME = 0.005, 0.055


def added_level(added: float) -> AddedDetail:
    """The step of an area's added detail (a fraction of the input's mean brightness)."""
    if added <= ADDED_LITTLE:
        return AddedDetail.LITTLE
    return AddedDetail.SOME if added <= ADDED_SOME else AddedDetail.MUCH


def added_of(provenance: dict[str, Any]) -> float | None:
    """The added detail stored with a cached result (None for results made before)."""
    stored = provenance.get("consistency")
    try:
        return float(stored["added_detail"])  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return None


class Badge(StrEnum):
    CONSISTENT = "consistent"
    CHECK = "check"
    INCONSISTENT = "inconsistent"


@dataclass(frozen=True)
class Limits:
    """Upper bounds of one badge: relative reflectance L1, spectral angle (°), shift (px)."""

    relative_l1: float
    angle_deg: float
    shift_px: float

    def admit(self, report: ConsistencyReport) -> bool:
        return (
            report.reflectance_l1_relative <= self.relative_l1
            and report.spectral_angle_deg <= self.angle_deg
            and report.shift_px <= self.shift_px
        )


CONSISTENT_LIMITS = Limits(relative_l1=0.005, angle_deg=0.5, shift_px=0.1)
CHECK_LIMITS = Limits(relative_l1=0.02, angle_deg=2.0, shift_px=0.5)


def badge(report: ConsistencyReport) -> Badge:
    """The badge of a consistency report (thresholds in the module docstring)."""
    if CONSISTENT_LIMITS.admit(report):
        return Badge.CONSISTENT
    if CHECK_LIMITS.admit(report):
        return Badge.CHECK
    return Badge.INCONSISTENT


def badge_of(provenance: dict[str, Any]) -> Badge | None:
    """The badge stored with a cached result (None for results made before reports)."""
    stored = provenance.get("consistency")
    if not isinstance(stored, dict) or "consistency" not in stored:
        return None
    try:
        return Badge(stored["badge"])
    except (KeyError, ValueError):
        return None


@dataclass(frozen=True)
class Assessment:
    """A result's report, badge and (h, w) relative-error map at the input's resolution."""

    report: ConsistencyReport
    map: np.ndarray
    added_map: np.ndarray  # (h, w) detail added beyond bicubic + back-projection

    @property
    def badge(self) -> Badge:
        return badge(self.report)

    @property
    def added(self) -> float:
        return float(self.added_map.mean())

    def as_dict(self) -> dict[str, Any]:
        """The report's JSON layout plus the badge and the added detail (what provenance
        and --report store)."""
        return {
            **self.report.as_dict(),
            "badge": self.badge.value,
            "added_detail": self.added,
            "added_level": added_level(self.added).value,
        }


def assess(hr: np.ndarray, lr: np.ndarray, scale: int) -> Assessment:
    """Measure a (bands, h·s, w·s) result against its (bands, h, w) input."""
    lr32 = lr.astype(np.float32)
    reference = interpolation_reference(lr32, scale)
    return Assessment(
        consistency_report(hr, lr32, scale),
        consistency_map(hr, lr32, scale),
        added_detail_map(hr, lr32, scale, reference),
    )


def write_consistency_map(
    path: Path, error: np.ndarray, area: Any, description: str = "relative consistency error"
) -> None:
    """Write a per-pixel map as a one-band float32 GeoTIFF on the area's grid (``area``
    has ``transform`` and ``crs``, as :class:`sr.imagery.scene.AreaRead`)."""
    profile = {
        "driver": "GTiff",
        "width": error.shape[1],
        "height": error.shape[0],
        "count": 1,
        "dtype": "float32",
        "crs": area.crs,
        "transform": area.transform,
        "compress": "deflate",
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(error.astype(np.float32), 1)
        dst.set_band_description(1, description)
