"""The click network (sr/outline/click.py), its data (bench/click_data.py), batches
(bench/click_samples.py) and trainer (bench/train_click.py) on tiny generated chips."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from bench.click_data import depth
from bench.click_samples import ANYWHERE, ClickSampler
from bench.train_click import main
from sr.outline.click import SIGMA, ClickNet, click_map

ROOT = Path(__file__).resolve().parents[2]


def test_the_click_spot_peaks_at_the_click_and_falls_as_a_gaussian() -> None:
    spot = click_map((20, 30), col=10.5, row=5.5)
    assert spot.shape == (20, 30) and spot.dtype == np.float32
    assert np.unravel_index(int(np.argmax(spot)), spot.shape) == (5, 10)
    assert spot[5, 10] == pytest.approx(1.0)
    assert spot[5, 15] == pytest.approx(np.exp(-(5**2) / (2 * SIGMA**2)), rel=1e-5)
    assert spot[0, 10] == pytest.approx(spot[10, 10])


@pytest.mark.parametrize("factor", [1, 2])
def test_the_network_answers_at_the_input_size(factor: int) -> None:
    net = ClickNet(width=4, factor=factor).eval()
    size = 2 * net.multiple
    with torch.inference_mode():
        out = net(torch.rand(2, 4, size, size))
    assert out.shape == (2, 1, size, size)


def test_the_networks_and_trainer_import_without_the_raster_and_polygon_libraries() -> None:
    # A GPU training machine has torch and NumPy, not rasterio or shapely.
    code = (
        "import sys, bench.train_click, sr.outline.click; "
        "print(sorted(m for m in ('rasterio', 'shapely', 'affine') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_depth_is_255_at_each_fields_innermost_point_and_falls_to_its_edge() -> None:
    fields = np.zeros((12, 20), np.int32)
    fields[1:10, 1:10] = 1  # 9 × 9: centre (5, 5)
    fields[2:5, 12:19] = 2  # 3 × 7: centre row 3
    out = depth(fields)
    assert out.dtype == np.uint8
    assert out[5, 5] == 255 and out[3, 15] == 255
    assert out[1, 5] < out[3, 5] < out[5, 5]
    assert (out[fields == 0] == 0).all()


def _chips(count: int, size: int, views: int, seed: int) -> dict[str, np.ndarray]:
    """Chips of four rectangular fields in a grid, each its own flat colour, with noise."""
    rng = np.random.default_rng(seed)
    fields = np.zeros((count, size, size), np.int16)
    images = np.zeros((count, views, 3, size, size), np.uint8)
    half = size // 2
    for c in range(count):
        for number, (r, col) in enumerate([(0, 0), (0, half), (half, 0), (half, half)], 1):
            fields[c, r + 2 : r + half - 2, col + 2 : col + half - 2] = number
        colours = rng.integers(20, 235, (5, 3))
        for v in range(views):
            noise = rng.normal(0, 4, (3, size, size))
            images[c, v] = np.clip(np.moveaxis(colours[fields[c]], -1, 0) + noise, 0, 255)
    return {
        "views": images,
        "fields": fields,
        "depth": np.stack([depth(f.astype(np.int32)) for f in fields]),
    }


def test_a_crop_keeps_the_bands_on_their_fields() -> None:
    # Bands coloured by field number: wherever the crop's nearest field number has the same
    # number all around, the resampled bands must show that field's colour.
    data = _chips(2, 64, 2, seed=0)
    data["views"][:] = (data["fields"][:, None, None] * 50).astype(np.uint8)
    bands, fields, _ = ClickSampler(data, 40, torch.device("cpu"), seed=3).crops(64)
    assert bands.shape == (64, 3, 40, 40) and fields.shape == (64, 40, 40)
    same = F.max_pool2d(fields[:, None], 3, 1) == -F.max_pool2d(-fields[:, None], 3, 1)
    calm = torch.zeros_like(fields, dtype=torch.bool)
    calm[:, 1:-1, 1:-1] = same[:, 0]  # the crop's rim has unseen neighbours: left out
    assert calm.float().mean() > 0.5
    assert torch.allclose(bands[:, 0][calm] * 255, fields[calm] * 50, atol=0.5)


def test_a_batch_answers_each_click_with_its_field_or_nothing_on_undrawn_land() -> None:
    data = _chips(2, 64, 2, seed=0)
    sampler = ClickSampler(data, 48, torch.device("cpu"), seed=1)
    x, y = sampler.batch(400)
    assert x.shape == (400, 4, 48, 48) and y.shape == (400, 1, 48, 48)
    peaks = x[:, 3].flatten(1).argmax(1)
    at_click = y[:, 0].flatten(1).gather(1, peaks[:, None])[:, 0]
    empty = y.flatten(1).sum(1) == 0
    assert torch.equal(
        at_click == 0, empty
    )  # a field holds its click; nothing answers undrawn land
    assert 0.05 < float(empty.float().mean()) < 0.2  # about 10 % of clicks on undrawn land
    assert float(x[:, 3].amax((1, 2)).min()) == pytest.approx(1.0)  # the spot is on a pixel
    # bands in 0–1 but for the added noise (at most 0.03 σ)
    assert float(x[:, :3].min()) >= -0.2 and float(x[:, :3].max()) <= 1.2


def test_clicks_inside_fields_keep_off_their_edges() -> None:
    data = _chips(1, 64, 1, seed=0)
    sampler = ClickSampler(data, 64, torch.device("cpu"), seed=2)
    _, fields, depth = sampler.crops(300)
    rows, cols = sampler.clicks(fields, depth)
    picked = torch.arange(300)
    inside = fields[picked, rows, cols] > 0
    assert bool((depth[picked, rows, cols][inside] >= ANYWHERE).all())
    assert 0.05 < 1 - float(inside.float().mean()) < 0.2


def test_training_keeps_the_checkpoint_with_the_best_validation_clicks(tmp_path: Path) -> None:
    np.savez_compressed(
        tmp_path / "click_fit.npz", **_chips(2, 64, 2, seed=0), names=np.array(["a", "b"])
    )
    np.savez_compressed(
        tmp_path / "click_val.npz",
        **_chips(1, 64, 2, seed=1),
        names=np.array(["area/enhancer", "area/bicubic"]),
    )
    out = tmp_path / "click.pt"
    args = ["--data", str(tmp_path), "--out", str(out), "--minutes", "0.1", "--width", "4"]
    args += ["--crop", "48", "--batch", "4", "--every", "3", "--device", "cpu"]
    assert main(args) == 0
    saved = torch.load(out, map_location="cpu")
    log = json.loads(out.with_suffix(".log.json").read_text())["log"]
    assert log and all(0 <= entry["score"] <= 1 for entry in log)
    assert saved["meta"]["score"] == max(entry["score"] for entry in log)
    assert {"area/enhancer median", "area/bicubic mean"} <= set(saved["meta"])
    net = ClickNet(saved["width"], saved["factor"])
    net.load_state_dict(saved["state_dict"])
