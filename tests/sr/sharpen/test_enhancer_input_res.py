"""The input-resolution enhancer: identity at init, block means, the coarse grid, model files,
loading for inference and a training run (its shapes: test_enhancer_model.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from sr.sharpen.consistency import block_mean
from sr.sharpen.enhancer.checkpoint import load_model, save_model
from sr.sharpen.enhancer.config import EnhancerConfig
from sr.sharpen.enhancer.infer import load_enhancer
from sr.sharpen.enhancer.input_res import InputResNet
from sr.sharpen.enhancer.model import EnhancerNet, build_network
from sr.sharpen.enhancer.train import train
from tests.sr.sharpen.test_enhancer_model import one_thread, small_model  # noqa: F401  (autouse)
from tests.sr.sharpen.test_enhancer_train import _tiny_run, hr_file  # noqa: F401  (fixture)

SMALL = EnhancerConfig(arch="input-res", width=8, blocks=2)


def test_untrained_network_is_the_identity() -> None:
    model = InputResNet(EnhancerConfig(arch="input-res")).eval()
    x = torch.rand(1, 3, 40, 36)
    with torch.no_grad():
        assert torch.equal(model(x), x)


def test_the_output_keeps_the_input_s_block_means() -> None:
    """Whatever the weights, each 4×4 block of the output averages to that of the input,
    also on a side that is not a multiple of 4 (the padded edge)."""
    model = small_model()
    with torch.no_grad():
        x = torch.rand(2, 3, 32, 44)
        y = model(x)
    assert not torch.allclose(y, x, atol=1e-3)
    assert torch.allclose(block_mean(y, 4), block_mean(x, 4), atol=1e-5)
    with torch.no_grad():
        odd = torch.rand(1, 3, 30, 42)
        assert torch.allclose(
            block_mean(model(odd)[..., :28, :40], 4), block_mean(odd[..., :28, :40], 4), atol=1e-5
        )


def test_the_coarse_grid_is_the_input_s_four_by_four_blocks() -> None:
    """Moving the image by one block moves the result by one block, away from the edges
    (channel attention's image-wide means shift it a little); a one-pixel move does not:
    each coarse pixel is one aligned 4×4 block."""
    model = small_model()
    torch.manual_seed(1)
    x = torch.rand(1, 3, 64, 64)
    inner = (slice(None), slice(None), slice(24, 40), slice(24, 40))

    def mismatch(dy: int, dx: int) -> float:
        with torch.no_grad():
            moved_in = model(torch.roll(x, shifts=(dy, dx), dims=(2, 3)))
            moved_out = torch.roll(model(x), shifts=(dy, dx), dims=(2, 3))
        return float((moved_in - moved_out)[inner].abs().mean())

    by_block, by_pixel = mismatch(4, 8), mismatch(1, 1)
    assert by_block < 0.01 and by_pixel > 10 * by_block


def test_config_names_the_architecture_and_older_files_are_u_nets() -> None:
    assert isinstance(build_network(SMALL), InputResNet)
    assert isinstance(build_network(EnhancerConfig(depth=3, decoder=(8, 8, 8))), EnhancerNet)
    assert SMALL.stride == 4 and EnhancerConfig().stride == 16
    older = EnhancerConfig().to_dict()
    for key in ("arch", "width", "blocks"):
        del older[key]
    assert EnhancerConfig.from_dict(older).arch == "unet"
    assert "2 residual blocks" in SMALL.describe() and "U-Net" in EnhancerConfig().describe()
    with pytest.raises(ValueError, match="arch must be"):
        EnhancerConfig(arch="transformer")
    with pytest.raises(ValueError, match="width"):
        EnhancerConfig(arch="input-res", width=0)


def test_training_settings_name_the_architecture_and_older_ones_a_u_net() -> None:
    settings = {"arch": "input-res", "backbone": "resnet18", "self_attention": True}
    settings |= {"width": 8, "blocks": 2, "lr": 4e-4, "epochs": 20}  # others are ignored
    assert EnhancerConfig.from_training(settings) == SMALL
    older = {"backbone": "resnet34", "self_attention": False, "lr": 1e-3}
    config = EnhancerConfig.from_training(older)
    assert (config.arch, config.backbone, config.self_attention) == ("unet", "resnet34", False)


def test_model_file_round_trip_and_inference(tmp_path: Path) -> None:
    model = small_model(bands=3)
    path = tmp_path / "inres.pt"
    save_model(path, model, {"scale": 4})
    loaded, _meta = load_model(path)
    assert isinstance(loaded, InputResNet) and loaded.config == model.config
    x = torch.rand(1, 3, 40, 40)
    with torch.no_grad():
        assert torch.allclose(loaded(x), model(x), atol=2e-3)  # float16 storage
    enhancer = load_enhancer(path, "cpu", "float32")
    image = np.random.default_rng(0).uniform(100, 3000, (4, 36, 44)).astype(np.float32)
    out = enhancer(image, tile=32, overlap=8)
    assert out.shape == image.shape and np.isfinite(out).all()
    assert not np.allclose(out, image)


def test_a_training_run_writes_an_input_resolution_model_and_says_so(
    hr_file: Path,  # noqa: F811  (fixture)
    tmp_path: Path,
) -> None:
    config = _tiny_run(hr_file, tmp_path / "inres.pt", arch="input-res", width=8, blocks=1)
    meta = train(config, log=lambda line: None)
    model, _ = load_model(config.out)
    assert isinstance(model, InputResNet) and model.config.blocks == 1
    assert meta["encoder_weights"] == "none (random init)"
    card = (tmp_path / "MODEL_CARD.md").read_text()
    assert "input-resolution network: 1 residual blocks with channel attention, 8 channels" in card
