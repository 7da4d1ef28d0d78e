"""Sharpening an area of a scene: georeferenced output, cache, progress, cancel, limits."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine

from sr.imagery.baseline_offset import OffsetBook
from sr.imagery.offset_evidence import band_offsets
from sr.imagery.scene import open_scene
from sr.imagery.scene_errors import AreaTooLargeError, OutsideSceneError, SceneError
from sr.progress import Cancelled, Progress
from sr.sharpen.cache import ResultCache
from sr.sharpen.dip import PRESETS
from sr.sharpen.methods import METHODS
from sr.sharpen.pipeline import SharpenRequest, request_key, sharpen_area


def _inner_bbox(scene, cols: tuple[float, float], rows: tuple[float, float]):  # type: ignore[no-untyped-def]
    from rasterio.warp import transform_bounds

    x0, y0 = scene.transform @ (cols[0], rows[0])
    x1, y1 = scene.transform @ (cols[1], rows[1])
    return transform_bounds(
        scene.crs, "EPSG:4326", min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
    )


def test_bicubic_result_is_georeferenced_and_cached(
    s2_like: Path, tmp_path: Path, monkeypatch
) -> None:
    scene = open_scene(s2_like)
    request = SharpenRequest(scene, _inner_bbox(scene, (20.3, 40.7), (10.3, 30.7)), "bicubic")
    cache = ResultCache(tmp_path)
    result = sharpen_area(request, cache)
    col, row, width, height = request.window
    with rasterio.open(result.path) as out, rasterio.open(s2_like) as src:
        assert (out.count, out.dtypes[0], out.crs) == (4, "uint16", src.crs)
        assert (out.width, out.height) == (width * 4, height * 4)
        expected = src.transform @ Affine.translation(col, row) @ Affine.scale(0.25)
        assert out.transform.almost_equals(expected)
        # Bicubic keeps the mean of smooth data; here values are random, so compare loosely.
        lr = src.read(window=((row, row + height), (col, col + width))).astype(float)
        assert abs(out.read().astype(float).mean() - lr.mean()) < 0.02 * lr.mean()
    assert result.provenance["method"] == "bicubic" and result.provenance["window"] == [
        col,
        row,
        width,
        height,
    ]

    # The same request again comes from the cache without running the method.
    never = replace(METHODS["bicubic"], run=lambda *a, **k: pytest.fail("not cached"))
    monkeypatch.setitem(METHODS, "bicubic", never)
    assert sharpen_area(request, cache).path == result.path


def test_a_result_declares_the_scale_and_offset_its_scene_declares(
    s2_like: Path, tmp_path: Path
) -> None:
    """A scene declaring processing baseline 04.00's −1000 (GDAL's band offset): its
    enhanced area declares it too, so NDVI of the one and of the other read alike."""
    source = tmp_path / "declared.tif"
    source.write_bytes(s2_like.read_bytes())
    with rasterio.open(source, "r+") as ds:
        ds.offsets = (-1000.0, -1000.0, -1000.0, -1000.0)
    scene = open_scene(source)
    request = SharpenRequest(scene, _inner_bbox(scene, (20.3, 40.7), (10.3, 30.7)), "bicubic")
    result = sharpen_area(request, ResultCache(tmp_path / "cache"))
    assert open_scene(result.path).band_scaling == ((1.0, -1000.0),) * 4
    plain = sharpen_area(replace(request, scene=open_scene(s2_like)), ResultCache(tmp_path))
    assert open_scene(plain.path).band_scaling == ()


def test_a_coordinators_answer_on_the_offset_is_a_new_result_that_declares_it(
    s2_like: Path, tmp_path: Path
) -> None:
    """An area enhanced before a coordinator said the scene carries the baseline offset is
    not served after: the new result declares the offset the answer gives the scene."""
    book = OffsetBook(tmp_path / "answers")
    before = open_scene(s2_like, offsets=book)
    request = SharpenRequest(before, _inner_bbox(before, (20.3, 40.7), (10.3, 30.7)), "bicubic")
    cache = ResultCache(tmp_path / "cache")
    first = sharpen_area(request, cache)
    book.confirm(s2_like, band_offsets(before, (0,)), "Gita")
    answered = replace(request, scene=open_scene(s2_like, offsets=book))
    assert request_key(answered) != request_key(request)
    second = sharpen_area(answered, cache)
    assert second.path != first.path
    assert open_scene(second.path).band_scaling == ((1.0, -1000.0),) * 4


def test_keys_follow_the_pixel_window_not_tiny_bbox_differences(s2_like: Path) -> None:
    scene = open_scene(s2_like)
    bbox = _inner_bbox(scene, (20.3, 40.7), (10.3, 30.7))
    nudged = (bbox[0] + 1e-9, bbox[1], bbox[2], bbox[3] - 1e-9)
    assert request_key(SharpenRequest(scene, bbox, "bicubic")) == request_key(
        SharpenRequest(scene, nudged, "bicubic")
    )
    assert request_key(SharpenRequest(scene, bbox, "bicubic")) != request_key(
        SharpenRequest(scene, bbox, "lanczos")
    )


def test_a_retuned_preset_gets_new_cache_keys(
    s2_like: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scene = open_scene(s2_like)
    bbox = _inner_bbox(scene, (20.3, 40.7), (10.3, 30.7))
    request = SharpenRequest(scene, bbox, "dip", preset="fast")
    before = request_key(request)
    assert request_key(request) == before
    monkeypatch.setitem(PRESETS, "fast", replace(PRESETS["fast"], iterations=123))
    assert request_key(request) != before


def test_dip_reports_progress_and_can_be_cancelled(s2_like: Path, tmp_path: Path) -> None:
    scene = open_scene(s2_like)
    request = SharpenRequest(
        scene, _inner_bbox(scene, (10.3, 25.7), (10.3, 25.7)), "dip", iterations=200
    )
    cancel = threading.Event()
    reports: list[float] = []

    def report(progress: Progress) -> None:
        reports.append(progress.fraction)
        if progress.fraction >= 0.25:
            cancel.set()

    with pytest.raises(Cancelled):
        sharpen_area(request, ResultCache(tmp_path / "cache"), report, cancel)
    assert reports[0] == 0.0 and 0.25 <= max(reports) < 1.0
    assert not (tmp_path / "cache").exists()  # nothing half-done is cached


def test_dip_with_a_few_iterations_writes_a_4x_result(s2_like: Path, tmp_path: Path) -> None:
    scene = open_scene(s2_like)
    request = SharpenRequest(
        scene, _inner_bbox(scene, (10.3, 25.7), (10.3, 25.7)), "dip", iterations=3
    )
    result = sharpen_area(request, ResultCache(tmp_path))
    with rasterio.open(result.path) as out:
        assert out.count == 4 and out.width == request.window[2] * 4
    assert result.provenance["preset"] == "fast" and result.provenance["iterations"] == 3


def test_bad_requests_are_explained(s2_like: Path, tmp_path: Path) -> None:
    scene = open_scene(s2_like)
    cache = ResultCache(tmp_path)
    with pytest.raises(OutsideSceneError):
        sharpen_area(SharpenRequest(scene, (0.0, 0.0, 0.01, 0.01), "bicubic"), cache)
    with pytest.raises(SceneError, match="Unknown method 'magic'"):
        sharpen_area(SharpenRequest(scene, scene.lonlat_bounds, "magic"), cache)
    big = np.zeros((3, 300, 300), np.uint16)
    from tests.conftest import write_raster

    big_scene = open_scene(write_raster(tmp_path / "big.tif", big))
    with pytest.raises(AreaTooLargeError, match="too large for sharpening with dip"):
        sharpen_area(SharpenRequest(big_scene, big_scene.lonlat_bounds, "dip"), cache)


def test_the_enhancer_result_records_its_model(s2_like: Path, tmp_path: Path) -> None:
    scene = open_scene(s2_like)
    request = SharpenRequest(scene, _inner_bbox(scene, (10.3, 41.7), (10.3, 41.7)), "enhancer")
    result = sharpen_area(request, ResultCache(tmp_path))
    with rasterio.open(result.path) as out:
        assert (out.count, out.width) == (4, request.window[2] * 4)
        assert np.isfinite(out.read().astype(float)).all()
    assert result.provenance["model_version"].startswith("enhancer@")
    assert result.provenance["preset"] is None


def test_results_carry_their_consistency_report_and_map(s2_like: Path, tmp_path: Path) -> None:
    scene = open_scene(s2_like)
    bbox = _inner_bbox(scene, (20.3, 40.7), (10.3, 30.7))
    cache = ResultCache(tmp_path)
    checked = sharpen_area(SharpenRequest(scene, bbox, "bicubic"), cache)
    raw = sharpen_area(SharpenRequest(scene, bbox, "bicubic", consistency=False), cache)
    assert checked.key != raw.key
    col, row, width, height = SharpenRequest(scene, bbox, "bicubic").window
    with rasterio.open(s2_like) as src:
        lr = src.read(window=((row, row + height), (col, col + width))).astype(np.float64)
        area_transform = src.window_transform(((row, row + height), (col, col + width)))
    for result, consistent in ((checked, True), (raw, False)):
        stored = result.provenance["consistency"]
        with rasterio.open(result.path) as out:
            hr = out.read().astype(np.float64)
        blocks = hr.reshape(hr.shape[0], height, 4, width, 4).mean(axis=(2, 4))
        l1 = float(np.abs(blocks - lr).mean())
        assert stored["consistency"]["reflectance_l1"] == pytest.approx(l1, rel=1e-4, abs=1e-6)
        map_path = result.extra("consistency")
        assert map_path is not None
        with rasterio.open(map_path) as grid:
            assert (grid.width, grid.height, grid.count) == (width, height, 1)
            assert grid.transform.almost_equals(area_transform) and grid.crs == scene.crs
            values = grid.read(1)
        assert float(values.mean()) == pytest.approx(
            stored["consistency"]["reflectance_l1_relative"], rel=1e-3, abs=1e-7
        )
        if consistent:
            # Only the rounding to uint16 is left: at most half a unit per pixel.
            assert l1 <= 0.5 and stored["badge"] == "consistent"
            assert result.provenance["consistency_step"] is True
        else:
            assert l1 > 0.5


def test_a_job_says_its_stage_from_the_start_and_records_who_asked(
    s2_like: Path, tmp_path: Path
) -> None:
    scene = open_scene(s2_like)
    bbox = _inner_bbox(scene, (10.3, 25.7), (10.3, 25.7))
    request = SharpenRequest(scene, bbox, "dip", iterations=20, requested_by="Sita")
    messages: list[str] = []

    def report(progress: Progress) -> None:
        messages.append(progress.message)

    result = sharpen_area(request, ResultCache(tmp_path / "cache"), report)
    assert messages[:2] == ["reading the area", "starting (16 × 16 pixels)"]
    assert messages[-1] == "iteration 20/20" and "loss" not in " ".join(messages)
    assert result.provenance["enhanced_by"] == "Sita"
    # Who asked is provenance, not part of the result: someone else gets the same entry.
    assert request_key(replace(request, requested_by="Ram")) == request_key(request)
