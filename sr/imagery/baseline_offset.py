"""Sentinel-2's processing-baseline offset: the evidence in the pixels, and a coordinator's
answer for a scene file that does not declare it.

From processing baseline 04.00 (products made from 25 January 2022, and every product of
the Collection-1 reprocessing) ESA adds 1000 to every L2A value: reflectance =
(DN − 1000) / 10000. A file that keeps the 1000 and declares it (GDAL's band offset, e.g.
``gdal_translate -a_offset -1000``) is read right by ``Scene.as_declared``. A file that keeps
it without a word (a stack built from a SAFE product's JP2 bands, an export of an
un-harmonised collection) would make NDVI read low. Its pixels show it: farmland has
vegetation and shadow far darker than 1000 (0.1 reflectance) in red, green and blue, so a
scene whose darkest 1 % lie at or above 1000 in all three very likely carries it. A file
is not a catalogue item, though: another product may be as bright (a hazy or snowy scene,
Landsat Collection 2, whose zero reflectance is near 7273), so the app asks a coordinator
(:class:`OffsetBook`) instead of taking the offset out by itself, and asks only when the
darkest pixels lie within :data:`FILE_EVIDENCE_SPAN` above the offset
(``sr.imagery.offset_evidence``). The file is never changed: the answer becomes the scene's
declared offset, as if the file had declared it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sr.imagery.file_answers import FileAnswers, answers_folder

BASELINE_OFFSET_DN = 1000  # what baseline 04.00 adds to every L2A value
EVIDENCE_PERCENTILE = 1.0  # of each visible band's valid pixels: at or above the offset
#: a file is asked about only when its darkest pixels lie below offset + this (0.2
#: reflectance): brighter still is another product or a scene all cloud or snow
FILE_EVIDENCE_SPAN = 2000


def darkest_percentile(bands: np.ndarray, valid: np.ndarray | None = None) -> float | None:
    """The lowest, over red, green and blue (the first three planes of ``bands``), of the
    :data:`EVIDENCE_PERCENTILE` th percentile of the valid pixels (``valid``; default: no
    plane 0); None without a valid pixel."""
    if valid is None:
        valid = np.all(bands != 0, axis=0)
    if not valid.any():
        return None
    return min(float(np.percentile(bands[b][valid], EVIDENCE_PERCENTILE)) for b in range(3))


def bears_offset(bands: np.ndarray, offset_dn: int) -> bool:
    """Whether the darkest :data:`EVIDENCE_PERCENTILE` % of the valid pixels of red, green
    and blue all lie at or above ``offset_dn`` (:func:`darkest_percentile`)."""
    darkest = darkest_percentile(bands) if offset_dn > 0 else None
    return darkest is not None and darkest >= offset_dn


@dataclass(frozen=True)
class OffsetAnswer:
    """A coordinator's answer: the offset in each band (all 0: the values are as they are)."""

    offsets: tuple[int, ...]
    by: str

    @property
    def taken_out(self) -> bool:
        return any(self.offsets)

    def scaling(self) -> tuple[tuple[float, float], ...]:
        """The scene's declared (scale, offset) per band: () when nothing is taken out."""
        return tuple((1.0, -float(o)) for o in self.offsets) if self.taken_out else ()


class OffsetBook(FileAnswers):
    """The coordinators' answers on undeclared offsets, one per file version (a changed
    file is asked again); by default in ``$SHARPFIELDS_DATA/baseline_offsets``."""

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__(folder or answers_folder("baseline_offsets"))

    def get(self, path: Path, count: int) -> OffsetAnswer | None:
        """The answer for this file of ``count`` bands; None when there is none (or it does
        not fit the file: one offset per band, each 0 or the baseline's)."""
        record = self.read(path) or {}
        offsets, by = record.get("offsets"), record.get("confirmed_by")
        if not isinstance(offsets, list) or len(offsets) != count:
            return None
        if any(o not in (0, BASELINE_OFFSET_DN) or isinstance(o, bool) for o in offsets):
            return None
        return OffsetAnswer(tuple(offsets), by if isinstance(by, str) else "")

    def confirm(self, path: Path, offsets: Sequence[int], by: str) -> None:
        """Keep a coordinator's answer: ``offsets`` per band (each 0 or the baseline's)."""
        if any(o not in (0, BASELINE_OFFSET_DN) for o in offsets):
            raise ValueError(f"an offset is {BASELINE_OFFSET_DN} or 0, not {list(offsets)}")
        self.write(path, {"offsets": list(offsets), "confirmed_by": by})
