"""What a scene's pixels say about Sentinel-2's baseline offset when its file declares
nothing (``sr.imagery.baseline_offset``): per date, the darkest 1 % of red, green and blue,
read from a decimated sample, never the whole scene."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sr.imagery.baseline_offset import (
    BASELINE_OFFSET_DN,
    FILE_EVIDENCE_SPAN,
    darkest_percentile,
)
from sr.imagery.scene import Scene, sample_for_statistics


@dataclass(frozen=True)
class OffsetEvidence:
    """Per date of a scene, the darkest percentile of red, green and blue (None: no pixel)."""

    darkest: tuple[float | None, ...]

    @property
    def dates(self) -> tuple[int, ...]:
        """The dates (0-based) whose pixels look like they carry the offset."""
        low, high = BASELINE_OFFSET_DN, BASELINE_OFFSET_DN + FILE_EVIDENCE_SPAN
        return tuple(i for i, d in enumerate(self.darkest) if d is not None and low <= d < high)


def offset_evidence(scene: Scene) -> OffsetEvidence | None:
    """What the scene's pixels say about an undeclared offset, read from a decimated sample
    of each date; None when the file declares a scale or offset (it has said what it holds)."""
    if scene.band_scaling:
        return None
    darkest = []
    for date in scene.dates:
        roles = date.bands
        sample = sample_for_statistics(scene, (roles.red, roles.green, roles.blue))
        valid = np.logical_not(np.ma.getmaskarray(sample).any(axis=0))
        darkest.append(darkest_percentile(sample.filled(0), valid))
    return OffsetEvidence(tuple(darkest))


def band_offsets(scene: Scene, dates: Sequence[int]) -> tuple[int, ...]:
    """The offset of each band of the file when ``dates`` carry it: every band of a one-date
    scene, the colour bands of those dates in a scene of several."""
    if len(scene.dates) == 1:
        carried = set(range(1, scene.count + 1)) if 0 in dates else set()
    else:
        carried = {band for d in dates for band in scene.dates[d].indexes}
    return tuple(BASELINE_OFFSET_DN if b in carried else 0 for b in range(1, scene.count + 1))
