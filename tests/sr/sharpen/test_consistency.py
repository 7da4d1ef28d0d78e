"""The consistency step and its metrics: known answers on constructed images and a real crop."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio

from sr.cli import main
from sr.sharpen.assessment import Badge, assess, badge
from sr.sharpen.baselines import interpolate
from sr.sharpen.consistency import (
    ConsistencyReport,
    consistency_map,
    consistency_report,
    enforce_consistency,
    phase_correlation_shift,
    reaverage,
    spectral_angle_deg,
)
from sr.sharpen.degrade import DEGRADATIONS
from sr.sharpen.methods import METHODS, enhance
from tests.conftest import SHARED_DATA

SHARED_S2 = SHARED_DATA / "sentinel2" / "austria_danube_s2_2date_8band.tif"


def _smooth_image(size: int = 64, seed: int = 0) -> np.ndarray:
    """A 2-D image with structure at several scales (not periodic), values 100–1100."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    image = 600 + 300 * np.sin(7 * x + 3 * y) + 200 * np.cos(11 * y - 2 * x * x)
    return image + 30 * rng.standard_normal((size, size))


@pytest.fixture(scope="module")
def s2_crop() -> np.ndarray:
    """A 4-band 128² crop of the real Sentinel-2 scene (held-out columns), as float32."""
    if not SHARED_S2.is_file():
        pytest.skip(f"{SHARED_S2} is missing")
    with rasterio.open(SHARED_S2) as ds:
        return ds.read([1, 2, 3, 4], window=((100, 228), (250, 378))).astype(np.float32)


def test_an_identical_image_is_perfectly_consistent() -> None:
    lr = np.stack([_smooth_image(16, s) for s in range(3)]).astype(np.float32)
    hr = np.repeat(np.repeat(lr, 4, axis=1), 4, axis=2)  # every block equals its pixel
    report = consistency_report(hr, lr, 4)
    assert report.reflectance_l1 == pytest.approx(0.0, abs=1e-9)
    assert report.reflectance_l1_relative == pytest.approx(0.0, abs=1e-12)
    assert report.spectral_angle_deg == pytest.approx(0.0, abs=1e-4)
    assert report.shift_px == pytest.approx(0.0, abs=1e-6)
    assert np.abs(consistency_map(hr, lr, 4)).max() < 1e-9


@pytest.mark.parametrize(("dy", "dx"), [(0, 3), (-2, 1), (4, -5)])
def test_a_pure_shift_gives_that_shift(dy: int, dx: int) -> None:
    base = _smooth_image(96)
    moved = np.roll(base, (dy, dx), axis=(0, 1))
    found = phase_correlation_shift(moved, base)
    assert found == pytest.approx((dy, dx), abs=0.05)


def test_a_subpixel_shift_is_measured_to_a_tenth_of_a_pixel() -> None:
    # Shift a smooth image by 2 px at 4× resolution, then average: 0.5 px at the low one.
    hr = _smooth_image(256)[None]
    lr = reaverage(hr, 4)[0]
    shifted = reaverage(np.roll(hr, 2, axis=2), 4)[0]
    dy, dx = phase_correlation_shift(shifted, lr)
    assert abs(dy) < 0.1 and dx == pytest.approx(0.5, abs=0.1)


def test_known_reflectance_and_spectral_errors() -> None:
    lr = np.full((3, 8, 8), 1000.0, np.float32)
    lr[1] = 500.0
    hr = np.repeat(np.repeat(lr, 4, axis=1), 4, axis=2) * np.float32(1.02)  # +2 % everywhere
    report = consistency_report(hr, lr, 4)
    assert report.reflectance_l1 == pytest.approx(0.02 * lr.mean(), rel=1e-6)
    assert report.reflectance_l1_relative == pytest.approx(0.02, rel=1e-6)
    assert report.spectral_angle_deg == pytest.approx(0.0, abs=1e-3)  # a gain keeps the angle
    # Swapping two bands of one vector changes its direction by a known angle.
    a, b = np.array([1.0, 2.0, 3.0]), np.array([2.0, 1.0, 3.0])
    expected = np.degrees(np.arccos(a @ b / (a @ a)))
    angle = spectral_angle_deg(a[:, None, None], b[:, None, None])[0, 0]
    assert angle == pytest.approx(expected)


def test_synthesis_is_zero_for_bicubic_and_grows_with_added_detail() -> None:
    lr = np.stack([_smooth_image(16, s) for s in range(2)]).astype(np.float32)
    up = interpolate(lr, 4, "bicubic")
    assert consistency_report(up, lr, 4).synthesis == pytest.approx(0.0, abs=1e-9)
    texture = np.where(np.sin(np.arange(64) * 2.1) >= 0, 50.0, -50.0)[None, None, :]
    assert consistency_report(up + texture, lr, 4).synthesis == pytest.approx(
        50 / np.abs(lr).mean(), rel=1e-3
    )


@pytest.mark.shared_data
@pytest.mark.parametrize("degradation", list(DEGRADATIONS))
def test_enforced_step_makes_a_real_crop_re_degrade_to_its_input(
    s2_crop: np.ndarray, degradation: str
) -> None:
    lr = DEGRADATIONS[degradation](s2_crop, 4)
    # Start from something far off: bicubic plus strong invented texture and a 3 % bias.
    rng = np.random.default_rng(1)
    start = interpolate(lr, 4, "bicubic") * 1.03 + 80 * rng.standard_normal(s2_crop.shape)
    before = consistency_report(start.astype(np.float32), lr, 4)
    result = enforce_consistency(start.astype(np.float32), lr, 4)
    after = consistency_report(result, lr, 4)
    assert before.reflectance_l1_relative > 0.02
    assert after.reflectance_l1_relative < 1e-5
    assert after.spectral_angle_deg < 0.01 and after.shift_px < 0.01
    np.testing.assert_allclose(reaverage(result, 4), lr, rtol=0, atol=0.05)


@pytest.mark.shared_data
def test_every_method_ends_consistent_and_can_skip_the_step(s2_crop: np.ndarray) -> None:
    lr = DEGRADATIONS["area"](s2_crop[:, :64, :64], 4)
    for name in ("bicubic", "lanczos", "enhancer"):
        assert name in METHODS
        out = enhance(lr, 4, name, device="cpu")
        assert consistency_report(out, lr, 4).reflectance_l1_relative < 1e-5, name
    raw = enhance(lr, 4, "bicubic", consistency=False)
    np.testing.assert_array_equal(raw, interpolate(lr, 4, "bicubic"))
    assert consistency_report(raw, lr, 4).reflectance_l1_relative > 1e-4


def test_badge_thresholds() -> None:
    def report(l1: float, angle: float = 0.0, shift: float = 0.0) -> ConsistencyReport:
        return ConsistencyReport(l1 * 1000, l1, angle, shift, 0.1)

    assert badge(report(0.0)) is Badge.CONSISTENT
    assert badge(report(0.005, 0.5, 0.1)) is Badge.CONSISTENT
    assert badge(report(0.006)) is Badge.CHECK
    assert badge(report(0.001, angle=1.0)) is Badge.CHECK
    assert badge(report(0.001, shift=0.3)) is Badge.CHECK
    assert badge(report(0.03)) is Badge.INCONSISTENT
    assert badge(report(0.001, angle=3.0)) is Badge.INCONSISTENT
    assert badge(report(0.001, shift=0.8)) is Badge.INCONSISTENT


def _write_crop(path: Path, array: np.ndarray) -> Path:
    profile = {
        "driver": "GTiff",
        "width": array.shape[2],
        "height": array.shape[1],
        "count": array.shape[0],
        "dtype": "uint16",
        "crs": "EPSG:32633",
        "transform": rasterio.transform.from_origin(600_000, 5_340_000, 10, 10),
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array.astype(np.uint16))
    return path


@pytest.mark.shared_data
def test_cli_report_json_has_the_documented_keys(s2_crop: np.ndarray, tmp_path: Path) -> None:
    src = _write_crop(tmp_path / "lr.tif", s2_crop[:, :32, :32])
    for flag, consistent in (([], True), (["--no-consistency"], False)):
        out, report_path = tmp_path / "sr.tif", tmp_path / "report.json"
        args = ["enhance", str(src), str(out), "--method", "bicubic", "--quiet"]
        assert main([*args, *flag, "--report", str(report_path)]) == 0
        report = json.loads(report_path.read_text())
        keys = {"reflectance_l1", "reflectance_l1_relative", "spectral_angle_deg", "shift_px"}
        assert set(report["consistency"]) == keys
        assert isinstance(report["synthesis"], float) and report["badge"] in set(Badge)
        relative = report["consistency"]["reflectance_l1_relative"]
        # Written as uint16: rounding alone leaves ≤ 0.5 units of error per pixel.
        with rasterio.open(src) as ds:
            lr = ds.read().astype(np.float64)
        if consistent:
            assert report["consistency"]["reflectance_l1"] <= 0.5
            assert relative < 0.5 / lr.mean() and report["badge"] == "consistent"
        else:
            assert relative > 1e-4
        with rasterio.open(out) as ds:
            assessed = assess(ds.read().astype(np.float32), lr.astype(np.float32), 4)
        assert assessed.as_dict()["consistency"]["reflectance_l1"] == pytest.approx(
            report["consistency"]["reflectance_l1"]
        )


def test_with_a_floor_the_step_stays_exact_and_never_goes_below_it() -> None:
    rng = np.random.default_rng(0)
    lr = rng.integers(200, 3000, size=(4, 20, 20)).astype(np.float32)
    lr[0, :3, :3] = 0.0  # blocks that must be all zero
    start = interpolate(lr, 4, "bicubic")
    unbounded = enforce_consistency(start, lr, 4)
    assert unbounded.min() < 0  # white noise overshoots: clipping it would break consistency
    bounded = enforce_consistency(start, lr, 4, floor=0.0)
    assert bounded.min() >= 0.0
    assert np.abs(reaverage(bounded, 4) - lr).max() < 1e-3
    assert (bounded[0, :12, :12] == 0).all()
