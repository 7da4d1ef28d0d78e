"""Sentinel-2's baseline offset in a scene file that does not declare it: found in the
pixels (:func:`offset_evidence`), kept as a coordinator's answer (:class:`OffsetBook`) and
read as the scene's declared offset, the file untouched (:mod:`sr.imagery.baseline_offset`)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest
import rasterio

from sr.fsutil import file_version_key
from sr.imagery.band_layout import LayoutBook
from sr.imagery.baseline_offset import BASELINE_OFFSET_DN, OffsetBook, darkest_percentile
from sr.imagery.offset_evidence import band_offsets, offset_evidence
from sr.imagery.profile import profile_of_pixels
from sr.imagery.render import ndvi
from sr.imagery.scene import Scene, open_scene
from tests.conftest import PROJECT_ROOT, SENTINEL2_SAMPLE, with_baseline_offset

LANDSAT_SAMPLE = PROJECT_ROOT / "samples" / "parana_farmland_landsat8_20200518.tif"


def _open(path: Path, tmp_path: Path, book: OffsetBook | None = None) -> Scene:
    return open_scene(path, LayoutBook(tmp_path / "layouts"), offsets=book or OffsetBook(tmp_path))


def _ndvi(scene: Scene, date: int = 0) -> np.ndarray:
    roles = scene.date_bands(date)
    bands = (roles.red, roles.nir)
    assert roles.nir is not None
    with rasterio.open(scene.path) as ds:
        data = ds.read(list(bands)).astype(np.float64)
    red, nir = scene.as_declared(bands, data)
    return ndvi(red, nir)


def test_the_sample_and_the_landsat_sample_are_not_asked_about(tmp_path: Path) -> None:
    sentinel2 = offset_evidence(_open(SENTINEL2_SAMPLE, tmp_path))
    assert sentinel2 is not None and sentinel2.dates == ()
    assert all(d is not None and d < 300 for d in sentinel2.darkest)
    # Landsat digital numbers: darkest near 6000, far above where the offset would put them.
    landsat = offset_evidence(_open(LANDSAT_SAMPLE, tmp_path))
    assert landsat is not None and landsat.dates == () and landsat.darkest[0] > 5000


def test_a_scene_carrying_the_offset_on_one_date_is_found_on_that_date(tmp_path: Path) -> None:
    both = offset_evidence(_open(with_baseline_offset(tmp_path / "both.tif"), tmp_path))
    assert both is not None and both.dates == (0, 1)
    late = _open(with_baseline_offset(tmp_path / "late.tif", bands=(5, 6, 7, 8)), tmp_path)
    evidence = offset_evidence(late)
    assert evidence is not None and evidence.dates == (1,)
    assert band_offsets(late, evidence.dates) == (0, 0, 0, 0, 1000, 1000, 1000, 1000)


def test_a_file_that_declares_its_values_is_not_asked_about(tmp_path: Path) -> None:
    declared = with_baseline_offset(tmp_path / "declared.tif")
    with rasterio.open(declared, "r+") as ds:
        ds.offsets = (-1000.0,) * ds.count
    assert offset_evidence(_open(declared, tmp_path)) is None


def test_darkest_percentile_reads_only_the_valid_pixels() -> None:
    bands = np.full((3, 10, 10), 1200, np.uint16)
    bands[:, :2] = 5  # dark, but masked out
    valid = np.ones((10, 10), bool)
    valid[:2] = False
    assert darkest_percentile(bands, valid) == 1200
    assert darkest_percentile(bands) == 5  # by default only 0 is invalid
    assert darkest_percentile(bands, np.zeros((10, 10), bool)) is None


def test_the_answer_reads_the_scene_true_and_leaves_the_file_alone(tmp_path: Path) -> None:
    path = with_baseline_offset(tmp_path / "offset.tif")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    book = OffsetBook(tmp_path / "answers")
    before = _open(path, tmp_path, book)
    truth = _ndvi(_open(SENTINEL2_SAMPLE, tmp_path))
    assert np.nanmedian(_ndvi(before)) < np.nanmedian(truth) - 0.1  # reads low as stored
    book.confirm(path, band_offsets(before, (0, 1)), "Gita")
    after = _open(path, tmp_path, book)
    assert after.band_scaling == ((1.0, -1000.0),) * 8
    assert np.allclose(_ndvi(after), truth, equal_nan=True)
    assert np.allclose(_ndvi(after, 1), _ndvi(_open(SENTINEL2_SAMPLE, tmp_path), 1), equal_nan=True)
    # The season profile of a field's pixels reads as on the file without the offset.
    inside = np.zeros((40, 40), bool)
    inside[10:30, 10:30] = True
    with rasterio.open(path) as ds:
        stored = ds.read(window=((100, 140), (100, 140)))
    with rasterio.open(SENTINEL2_SAMPLE) as ds:
        clean = ds.read(window=((100, 140), (100, 140)))
    answered = profile_of_pixels(stored, inside, after.dates, 0, after.as_declared)
    plain = profile_of_pixels(clean, inside, after.dates, 0)
    assert [d.ndvi for d in answered] == pytest.approx([d.ndvi for d in plain])
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_keeping_the_values_is_an_answer_too(tmp_path: Path) -> None:
    path = with_baseline_offset(tmp_path / "offset.tif")
    book = OffsetBook(tmp_path / "answers")
    book.confirm(path, (0,) * 8, "Gita")
    answer = book.get(path, 8)
    assert answer is not None and not answer.taken_out and answer.by == "Gita"
    assert _open(path, tmp_path, book).band_scaling == ()


def test_a_changed_file_or_an_answer_that_does_not_fit_is_asked_again(tmp_path: Path) -> None:
    path = with_baseline_offset(tmp_path / "offset.tif")
    book = OffsetBook(tmp_path / "answers")
    book.confirm(path, (BASELINE_OFFSET_DN,) * 8, "Gita")
    assert book.get(path, 8) is not None
    assert book.get(path, 4) is None  # not one offset per band
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert book.get(path, 8) is None  # another version of the file
    book.confirm(path, (BASELINE_OFFSET_DN,) * 8, "Gita")
    entry = tmp_path / "answers" / f"{file_version_key(path)}.json"
    for offsets in ([5] * 8, [True] * 8, "1000", None):
        entry.write_text(json.dumps({"offsets": offsets, "confirmed_by": "Gita"}))
        assert book.get(path, 8) is None
    with pytest.raises(ValueError, match="1000 or 0"):
        book.confirm(path, (-1000,) * 8, "Gita")
    book.forget(path)
    assert book.get(path, 8) is None
