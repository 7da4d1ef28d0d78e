"""The enhancer networks: shapes (both architectures), identity at init, ICNR, first-conv
widening, config."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

import pytest
import torch

from sr.sharpen.enhancer.config import EnhancerConfig
from sr.sharpen.enhancer.input_res import InputResNet
from sr.sharpen.enhancer.model import (
    EnhancerNet,
    Network,
    PixelShuffleUp,
    widen_first_conv,
)

TINY = EnhancerConfig(depth=3, decoder=(32, 16, 8))


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    """Tiny tensors: one thread is faster, and far faster on a busy shared machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@functools.cache
def tiny_model(bands: int = 3, seed: int = 0, perturb: bool = True) -> EnhancerNet:
    """A small enhancer (cached: do not modify); ``perturb`` makes the residual head and
    attention non-zero."""
    torch.manual_seed(seed)
    model = EnhancerNet(EnhancerConfig(bands=bands, depth=3, decoder=(32, 16, 8)))
    if perturb:
        with torch.no_grad():
            model.head.weight.normal_(0, 0.05)
            assert model.attention is not None
            model.attention.gamma.fill_(0.5)
    return model.eval()


@functools.cache
def small_model(bands: int = 3, seed: int = 0) -> InputResNet:
    """A small input-resolution network whose residual is not zero (cached: do not modify)."""
    torch.manual_seed(seed)
    model = InputResNet(EnhancerConfig(arch="input-res", width=8, blocks=2, bands=bands))
    with torch.no_grad():
        model.fine.weight.normal_(0, 0.05)
    return model.eval()


@pytest.mark.parametrize("make", [tiny_model, small_model], ids=["unet", "input-res"])
@pytest.mark.parametrize("bands", [1, 3, 4])
def test_output_has_the_input_shape(make: Callable[[int], Network], bands: int) -> None:
    model = make(bands)
    for size in [(16, 16), (17, 23), (45, 64), (5, 3)]:
        x = torch.rand(2, bands, *size)
        with torch.no_grad():
            y = model(x)
        assert y.shape == x.shape
        assert torch.isfinite(y).all()
        assert not torch.equal(y, x)


@pytest.mark.parametrize("config", [EnhancerConfig(), EnhancerConfig(self_attention=False)])
def test_untrained_network_is_the_identity(config: EnhancerConfig) -> None:
    model = EnhancerNet(config).eval()
    x = torch.rand(1, 3, 40, 36)
    with torch.no_grad():
        assert torch.equal(model(x), x)


def test_icnr_starts_as_nearest_neighbour_upsampling() -> None:
    up = PixelShuffleUp(8, 4, blur=False)
    x = torch.rand(1, 8, 5, 6)
    y = up(x)
    assert y.shape == (1, 4, 10, 12)
    blocks = y.unfold(2, 2, 2).unfold(3, 2, 2)  # (1, 4, 5, 6, 2, 2)
    assert torch.allclose(blocks, blocks[..., :1, :1].expand_as(blocks))


def test_blur_keeps_the_size() -> None:
    assert PixelShuffleUp(8, 4, blur=True)(torch.rand(2, 8, 7, 3)).shape == (2, 4, 14, 6)


def test_widened_first_conv_gives_extra_bands_the_mean_rgb_filter() -> None:
    conv = torch.nn.Conv2d(3, 8, 7, stride=2, padding=3, bias=False)
    wide = widen_first_conv(conv, 4)
    w, wn = conv.weight, wide.weight
    assert wn.shape == (8, 4, 7, 7)
    assert torch.allclose(wn[:, :3], w * 3 / 4)
    assert torch.allclose(wn[:, 3], w.mean(dim=1) * 3 / 4)
    # Same response to a constant image as the RGB conv (filters sum to the same).
    assert torch.allclose(wn.sum(dim=1), w.sum(dim=1), atol=1e-6)
    grey = widen_first_conv(conv, 1)
    assert torch.allclose(grey.weight[:, 0], w[:, 0] * 3)


def test_config_round_trip_and_validation() -> None:
    assert EnhancerConfig.from_dict(TINY.to_dict()) == TINY
    with pytest.raises(ValueError, match="backbone"):
        EnhancerConfig(backbone="vgg")
    with pytest.raises(ValueError, match="widths"):
        EnhancerConfig(depth=3)
