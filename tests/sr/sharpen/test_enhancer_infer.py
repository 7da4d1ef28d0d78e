"""Inference: tiling, band groups, units, errors, the registered methods and the CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
import torch

import sr.sharpen.enhancer.infer as infer
from sr.cli import main
from sr.sharpen.enhancer import CheckpointError, Enhancer, EnhancerError, run_enhancer
from sr.sharpen.enhancer.checkpoint import save_model
from sr.sharpen.enhancer.infer import band_groups, load_default_enhancer, ramp, tile_starts
from sr.sharpen.methods import METHODS, enhance
from tests.conftest import write_raster
from tests.sr.sharpen.test_enhancer_model import one_thread, tiny_model  # noqa: F401  (autouse)


def _enhancer(bands: int = 3, perturb: bool = True) -> Enhancer:
    return Enhancer(tiny_model(bands, perturb=perturb), torch.device("cpu"), {"scale": 4})


def _image(bands: int = 4, rows: int = 72, cols: int = 88) -> np.ndarray:
    rng = np.random.default_rng(0)
    base = rng.uniform(200, 3000, (bands, -(-rows // 8), -(-cols // 8)))
    image = np.kron(base, np.ones((8, 8)))[:, :rows, :cols] + rng.normal(0, 30, (bands, rows, cols))
    return image.astype(np.float32)


@pytest.fixture()
def model_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A tiny model file installed as the default model."""
    path = tmp_path / "enhancer.pt"
    save_model(path, tiny_model(), {"scale": 4})
    monkeypatch.setattr(infer, "DEFAULT_MODEL", path)
    return path


def test_band_groups_pad_the_last_group_with_its_own_bands() -> None:
    assert band_groups(3, 3) == [[0, 1, 2]]
    assert band_groups(4, 3) == [[0, 1, 2], [3, 3, 3]]
    assert band_groups(8, 3) == [[0, 1, 2], [3, 4, 5], [6, 7, 6]]
    assert band_groups(2, 1) == [[0], [1]]


@pytest.mark.parametrize(("size", "tile", "overlap"), [(100, 32, 8), (32, 32, 8), (20, 32, 8)])
def test_tiles_cover_the_image(size: int, tile: int, overlap: int) -> None:
    starts = tile_starts(size, tile, overlap)
    covered = np.zeros(size, bool)
    for s in starts:
        covered[s : s + tile] = True
    assert covered.all() and starts[-1] + min(tile, size) == size
    assert (ramp(tile, overlap) > 0).all()


def test_untrained_enhancer_returns_its_input_in_its_units() -> None:
    image = _image(4)
    out = _enhancer(perturb=False)(image)
    assert out.dtype == np.float32 and out.shape == image.shape
    np.testing.assert_allclose(out, image, rtol=1e-5, atol=0.02)


@pytest.mark.parametrize("bands", [1, 3, 4, 8])
def test_any_band_count_and_deterministic(bands: int) -> None:
    image = _image(bands, 37, 45)
    enhancer = _enhancer()
    out = enhancer(image)
    assert out.shape == image.shape and np.isfinite(out).all()
    np.testing.assert_array_equal(out, enhancer(image))


def test_tiled_equals_untiled_within_tolerance() -> None:
    image = _image(3, 96, 112)
    enhancer = _enhancer()
    whole = enhancer(image, tile=512)
    tiled = enhancer(image, tile=64, overlap=24)
    span = np.ptp(image)
    changed = np.abs(whole - image).mean()
    assert changed > 1e-3 * span  # the network does change the image
    assert np.abs(tiled - whole).mean() < 0.1 * changed
    assert np.abs(tiled - whole).max() < 0.02 * span


def test_bfloat16_is_close_to_float32() -> None:
    image = _image(3, 48, 48)
    model = tiny_model()
    full = Enhancer(model, torch.device("cpu"), {}, "float32")(image)
    half = Enhancer(model, torch.device("cpu"), {}, "bfloat16")(image)
    assert np.abs(half - full).mean() < 0.01 * np.abs(full - image).mean() + 0.5


def test_loaded_model_is_fused_and_matches(model_file: Path) -> None:
    enhancer = load_default_enhancer("cpu", "float32")
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in enhancer.model.decoder[0].fuse)
    image = _image(3, 40, 40)
    reference = _enhancer()(image)
    np.testing.assert_allclose(enhancer(image), reference, atol=0.01 * np.ptp(image))


def test_values_are_not_clipped() -> None:
    image = _image(3, 32, 32)
    image[0, :4, :4] = 60000  # far outside the percentile range
    out = _enhancer(perturb=False)(image)
    assert out[0, :4, :4].min() > 50000


@pytest.mark.parametrize(
    ("image", "kwargs", "message"),
    [
        (np.full((3, 16, 16), np.nan, np.float32), {}, "NaN"),
        (np.zeros((16, 16), np.float32), {}, "bands, rows, cols"),
        (np.zeros((3, 16, 16), np.float32), {"tile": 16}, "tiling"),
    ],
)
def test_bad_inputs_raise_enhancer_error(image: np.ndarray, kwargs: dict, message: str) -> None:
    with pytest.raises(EnhancerError, match=message):
        _enhancer()(image, **kwargs)


def test_methods_are_registered_and_follow_the_method_signature(model_file: Path) -> None:
    assert {"enhancer", "dip+enhancer"} <= set(METHODS)
    lr = _image(4, 12, 10)
    out = enhance(lr, 4, "enhancer", device="cpu")
    assert out.shape == (4, 48, 40) and out.dtype == np.float32
    chained = enhance(lr, 4, "dip+enhancer", device="cpu", iterations=2)
    assert chained.shape == (4, 48, 40) and np.isfinite(chained).all()


def test_only_the_trained_scale_is_accepted(model_file: Path) -> None:
    with pytest.raises(EnhancerError, match="4×"):
        run_enhancer(_image(3, 8, 8), 2, device="cpu")


def test_missing_default_model_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(infer, "DEFAULT_MODEL", tmp_path / "none.pt")
    with pytest.raises(CheckpointError, match="'dip' or 'bicubic'"):
        load_default_enhancer("cpu")


def test_cli_enhancer_keeps_the_georeference(model_file: Path, tmp_path: Path) -> None:
    src = write_raster(tmp_path / "in.tif", _image(4, 16, 20).astype(np.uint16))
    dst = tmp_path / "out.tif"
    assert main(["enhance", str(src), str(dst), "--method", "enhancer", "--quiet"]) == 0
    with rasterio.open(src) as a, rasterio.open(dst) as b:
        assert b.count == 4 and (b.width, b.height) == (80, 64)
        assert b.crs == a.crs and b.transform.a == pytest.approx(a.transform.a / 4)


def test_cli_reports_a_missing_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(infer, "DEFAULT_MODEL", tmp_path / "none.pt")
    src = write_raster(tmp_path / "in.tif", _image(3, 8, 8).astype(np.uint16))
    assert main(["enhance", str(src), str(tmp_path / "o.tif"), "--method", "enhancer"]) == 2
    assert "No enhancer model" in capsys.readouterr().err


def test_cli_train_rejects_bad_tiles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["train", "--hr", "x.tif", "--out", str(tmp_path / "m.pt"), "--tile", "50"]
    assert main(args) == 2
    assert "multiple of 16" in capsys.readouterr().err


def test_shipped_model_loads_and_is_small() -> None:
    path = infer.DEFAULT_MODEL
    if not path.is_file():
        pytest.skip("no shipped model yet")
    assert path.stat().st_size <= 25 * 2**20
    enhancer = load_default_enhancer("cpu")
    assert enhancer.scale == 4
    out = enhancer(_image(4, 40, 48))
    assert out.shape == (4, 40, 48) and np.isfinite(out).all()
