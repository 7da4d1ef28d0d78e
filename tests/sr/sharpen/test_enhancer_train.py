"""Training data, a tiny training run, resuming, and checkpoint files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from sr.sharpen.baselines import interpolate
from sr.sharpen.degrade import back_project_array, downsample
from sr.sharpen.enhancer.checkpoint import CheckpointError, load_model, save_model
from sr.sharpen.enhancer.config import EnhancerConfig
from sr.sharpen.enhancer.data import (
    Degradation,
    TileSampler,
    degrade,
    make_batch,
    read_training_image,
    shift,
    split_rows,
)
from sr.sharpen.enhancer.loss import FallbackLoss
from sr.sharpen.enhancer.model import EnhancerNet
from sr.sharpen.enhancer.train import TrainConfig, initialise_from, keeps, train
from tests.conftest import write_raster
from tests.sr.sharpen.test_enhancer_model import TINY, one_thread, tiny_model  # noqa: F401  (autouse)


def _fields(rows: int = 96, cols: int = 112, seed: int = 0) -> np.ndarray:
    """Synthetic uint16 'farmland': rectangles of constant DN plus noise, 3 bands."""
    rng = np.random.default_rng(seed)
    image = np.full((3, rows, cols), 800.0)
    for _ in range(25):
        r, c = rng.integers(0, rows - 8), rng.integers(0, cols - 8)
        h, w = rng.integers(6, 30, size=2)
        image[:, r : r + h, c : c + w] = rng.uniform(300, 3000, size=(3, 1, 1))
    return (image + rng.normal(0, 20, image.shape)).clip(1, None).astype(np.uint16)


@pytest.fixture()
def hr_file(tmp_path: Path) -> Path:
    image = _fields()
    image[:, :10, :20] = 0  # outside the swath
    return write_raster(tmp_path / "hr.tif", image)


def test_scene_is_normalised_and_zero_is_invalid(hr_file: Path) -> None:
    scene = read_training_image(hr_file)
    assert scene.image.shape == (3, 96, 112)
    assert not scene.valid[:10, :20].any() and scene.valid[10:, 20:].all()
    values = scene.image[:, scene.valid]
    assert np.allclose(np.percentile(values, [1, 99], axis=1), [[0] * 3, [1] * 3], atol=1e-6)
    train_part, held_out = split_rows(scene, 0.25)
    assert train_part.image.shape[1] == 72 and held_out.image.shape[1] == 24


def test_tiles_avoid_invalid_pixels_and_batches_have_matching_shapes(hr_file: Path) -> None:
    scene = read_training_image(hr_file)
    sampler = TileSampler([scene], tile=32, bands=3)
    rows, cols = sampler.corners[0]
    assert len(rows) > 0
    assert all(scene.valid[r : r + 32, c : c + 32].all() for r, c in zip(rows, cols, strict=True))
    inputs, targets, lows = make_batch(sampler, 6, np.random.default_rng(0))
    assert inputs.shape == targets.shape == (6, 3, 32, 32)
    assert lows.shape == (6, 3, 8, 8)
    assert inputs.dtype == targets.dtype == lows.dtype == np.float32
    assert np.isfinite(inputs).all()
    assert np.abs(inputs - targets).mean() > 0  # the input is degraded


def test_every_kind_of_degradation_is_drawn_and_differs() -> None:
    deg = Degradation()
    rng = np.random.default_rng(0)
    drawn = [deg.draw(rng) for _ in range(400)]
    kinds = {kind for kind, _ in drawn}
    assert kinds == {"area", "gaussian", "bicubic-aa", "lanczos2"}
    sigmas = [sigma for kind, sigma in drawn if kind == "gaussian"]
    assert 0.3 <= min(sigmas) < 0.5 and 1.3 < max(sigmas) <= 1.5
    image = (_fields(64, 64).astype(np.float32) / 3000)[:, :64, :64]
    outputs = {kind: degrade(image, kind, 1.0) for kind in kinds}
    assert all(out.shape == (3, 16, 16) for out in outputs.values())
    expected = image.reshape(3, 16, 4, 16, 4).mean((2, 4))
    np.testing.assert_allclose(outputs["area"], expected, rtol=1e-5)
    assert np.abs(outputs["gaussian"] - outputs["area"]).mean() > 1e-3
    moved = shift(image, 1, -1)
    np.testing.assert_array_equal(moved[:, 1:, :-1], image[:, :-1, 1:])


def test_no_valid_tile_is_an_error(hr_file: Path) -> None:
    scene = read_training_image(hr_file)
    with pytest.raises(ValueError, match="valid"):
        TileSampler([scene], tile=128, bands=3)


def test_back_projection_makes_the_upsample_consistent_with_the_low_resolution() -> None:
    hr = (_fields(64, 64).astype(np.float32) / 3000)[:, :64, :64]
    lr = downsample(hr, 4)
    bicubic = interpolate(lr, 4, "bicubic")
    projected = back_project_array(lr, bicubic, 5, 4)
    err_bicubic = np.abs(downsample(bicubic, 4) - lr).mean()
    assert np.abs(downsample(projected, 4) - lr).mean() < 0.5 * err_bicubic


def test_a_few_steps_lower_the_loss() -> None:
    torch.manual_seed(0)
    model = tiny_model(perturb=False).train()
    image = _fields(64, 64).astype(np.float32) / 3000
    hr = torch.from_numpy(image[None, :, :64, :64].copy())
    x = torch.from_numpy(interpolate(downsample(hr[0].numpy(), 4), 4, "bicubic")[None])
    loss_fn = FallbackLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for _ in range(4):
        loss, _ = loss_fn(model(x), hr)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]


def test_checkpoint_round_trip(tmp_path: Path) -> None:
    model = tiny_model()
    path = tmp_path / "m.pt"
    save_model(path, model, {"note": "x", "scale": 4})
    loaded, meta = load_model(path)
    assert meta == {"note": "x", "scale": 4}
    assert loaded.config == TINY
    x = torch.rand(1, 3, 40, 40)
    with torch.no_grad():
        assert torch.allclose(loaded(x), model(x), atol=2e-3)  # float16 storage


@pytest.mark.parametrize("content", [None, b"not a model", "other", "truncated"])
def test_bad_checkpoints_give_a_clear_error(tmp_path: Path, content: object) -> None:
    path = tmp_path / "m.pt"
    if content == "other":
        torch.save({"weights": torch.zeros(3)}, path)
    elif content == "truncated":
        save_model(path, tiny_model())
        path.write_bytes(path.read_bytes()[:5000])
    elif isinstance(content, bytes):
        path.write_bytes(content)
    expected = {None: "No enhancer model", "other": "not a sharpfields"}.get(
        content if isinstance(content, str | None) else "", "damaged"
    )
    with pytest.raises(CheckpointError, match=expected):
        load_model(path)


def test_checkpoint_from_another_architecture_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.pt"
    save_model(path, tiny_model())
    payload = torch.load(path, weights_only=True)
    payload["config"]["decoder"] = [64, 32, 16]
    torch.save(payload, path)
    with pytest.raises(CheckpointError, match="does not match"):
        load_model(path)


class _Interrupt(Exception):
    pass


def _tiny_run(hr_file: Path, out: Path, **changes: object) -> TrainConfig:
    """Two epochs of two steps on 32² tiles, 40 % of the rows held out."""
    settings: dict = {"val_fraction": 0.4, "epochs": 2, "steps_per_epoch": 2, "batch": 2}
    settings |= {"tile": 32, "val_tiles": 2, "loss": "fallback"} | changes
    return TrainConfig(hr=[hr_file], out=out, **settings)


def test_tiny_training_run_writes_model_card_and_resumes(hr_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "models" / "enh.pt"
    config = _tiny_run(hr_file, out, command="python -m sr train …", data_note="synthetic")

    def stop_in_epoch_2(line: str) -> None:
        if line.startswith("epoch 2/2"):
            raise _Interrupt

    with pytest.raises(_Interrupt):
        train(config, log=stop_in_epoch_2)
    assert out.is_file() and config.state_path.is_file()
    assert load_model(out)[1]["train_config"]["hr"] == [str(hr_file)]  # loads safely
    card = (out.parent / "MODEL_CARD.md").read_text()
    assert "python -m sr train …" in card and "synthetic" in card and "fallback" in card
    config.resume = True
    lines: list[str] = []
    meta = train(config, log=lines.append)
    assert any(line.startswith("resumed from") and "epoch 1" in line for line in lines)
    assert [h["epoch"] for h in meta["history"]] == [1, 2]
    assert all(np.isfinite(h["psnr"]) for h in meta["history"])
    config.epochs = 3
    with pytest.raises(ValueError, match="same --epochs"):
        train(config, log=lines.append)


def test_initialising_from_a_model_copies_its_weights_and_refuses_another_architecture(
    tmp_path: Path,
) -> None:
    source = tiny_model(seed=3)
    path = tmp_path / "previous.pt"
    save_model(path, source, {"data": ["a.tif"], "train_seconds": 600.0})
    fresh = tiny_model(seed=4, perturb=False)
    target = EnhancerNet(fresh.config)
    target.load_state_dict(fresh.state_dict())
    record = initialise_from(target, path)
    stored = load_model(path)[0].state_dict()  # float16 on disk, so compare with the file
    assert all(torch.equal(v, stored[k]) for k, v in target.state_dict().items())
    assert record["version"].startswith("previous@") and len(record["version"]) == 21
    assert record["data"] == ["a.tif"] and record["train_seconds"] == 600.0
    other = EnhancerNet(EnhancerConfig(depth=3, decoder=(32, 16, 8), self_attention=False))
    with pytest.raises(CheckpointError, match="not the"):
        initialise_from(other, path)


def test_training_from_a_model_says_so_in_the_card(hr_file: Path, tmp_path: Path) -> None:
    torch.manual_seed(0)
    previous = tmp_path / "previous.pt"
    save_model(previous, EnhancerNet(EnhancerConfig()), {"data": ["old.tif"], "train_seconds": 120})
    config = _tiny_run(hr_file, tmp_path / "next.pt", init=previous, epochs=1, steps_per_epoch=1)
    lines: list[str] = []
    meta = train(config, log=lines.append)
    assert meta["initialised_from"]["version"].startswith("previous@")
    assert any(line.startswith("initialised from previous@") for line in lines)
    card = (tmp_path / "MODEL_CARD.md").read_text()
    assert "Initialised from `previous@" in card
    assert "kept after 2 min of training on `old.tif`" in card


def test_keep_best_or_last_chooses_which_epoch_is_written(hr_file: Path, tmp_path: Path) -> None:
    kept = {"epoch": 3, "psnr": 24.3}
    assert keeps("best", None, 20.0) and keeps("best", kept, 24.3)
    assert not keeps("best", kept, 24.2)
    assert keeps("last", kept, 10.0)
    with pytest.raises(ValueError, match="keep must be"):  # before any training
        _tiny_run(hr_file, tmp_path / "x.pt", keep="first")


def test_keep_last_writes_the_last_epoch_and_says_so(hr_file: Path, tmp_path: Path) -> None:
    config = _tiny_run(hr_file, tmp_path / "last.pt", keep="last", epochs=3, steps_per_epoch=1)
    meta = train(config, log=lambda line: None)
    assert meta["best"]["epoch"] == 3 and load_model(config.out)[1]["best"]["epoch"] == 3
    card = (tmp_path / "MODEL_CARD.md").read_text()
    assert "the state after epoch 3, the last (`--keep last`)" in card
