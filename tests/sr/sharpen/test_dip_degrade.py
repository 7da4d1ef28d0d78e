"""The Lanczos-2 downsampler, the Sentinel-2 degradation and back-projection."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from sr.sharpen.degrade import (
    Lanczos2Downsampler,
    back_project,
    back_project_array,
    downsample,
    gaussian_kernel,
    lanczos2_kernel,
    make_downsampler,
    sentinel2_degrade,
)


@pytest.mark.parametrize("factor", [2, 4, 8])
def test_lanczos_kernel_sums_to_one_and_is_symmetric(factor: int) -> None:
    kernel = lanczos2_kernel(factor)
    assert kernel.shape == (4 * factor,)
    assert kernel.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(kernel, kernel[::-1])
    # Lanczos-2 has negative lobes at the ends and its peak in the middle.
    assert kernel.min() < 0 < kernel[2 * factor] == kernel.max()


@pytest.mark.parametrize("factor", [2, 4, 8])
def test_downsampler_keeps_a_constant_image_constant(factor: int) -> None:
    image = np.full((3, 8 * factor, 5 * factor), 0.37, dtype=np.float32)
    out = downsample(image, factor)
    assert out.shape == (3, 8, 5)
    np.testing.assert_allclose(out, 0.37, rtol=1e-5)


def test_downsampler_averages_a_fine_checkerboard_away() -> None:
    # A pixel-level checkerboard is above the LR Nyquist limit: it must vanish, not alias.
    rows, cols = np.indices((64, 64))
    board = ((rows + cols) % 2).astype(np.float32)[None]
    out = downsample(board, 4)
    np.testing.assert_allclose(out[:, 2:-2, 2:-2], 0.5, atol=1e-3)


def test_downsampler_is_differentiable() -> None:
    image = torch.rand(1, 2, 16, 16, requires_grad=True)
    Lanczos2Downsampler(4)(image).sum().backward()
    assert image.grad is not None and torch.isfinite(image.grad).all()


def test_sentinel2_degradation_shape_and_mean() -> None:
    hr = np.random.default_rng(0).uniform(500, 4000, (4, 64, 48)).astype(np.float32)
    lr = sentinel2_degrade(hr, 4)
    assert lr.shape == (4, 16, 12)
    assert lr.mean() == pytest.approx(hr.mean(), rel=0.01)
    assert lr.std() < hr.std() / 3  # blurred and decimated noise loses most of its variance
    assert gaussian_kernel(1.5).shape == (11,)


def test_sensor_downsampler_matches_the_benchmark_degradation() -> None:
    image = np.random.default_rng(3).random((2, 32, 32)).astype(np.float32)
    with torch.no_grad():
        out = make_downsampler(4, 0.5)(torch.from_numpy(image)[None])[0].numpy()
        const = make_downsampler(4, 0.5)(torch.full((1, 1, 32, 32), 2.5))
    np.testing.assert_allclose(out, sentinel2_degrade(image, 4), atol=1e-6)
    np.testing.assert_allclose(const.numpy(), 2.5, rtol=1e-5)
    assert isinstance(make_downsampler(4), Lanczos2Downsampler)


def test_back_projection_makes_the_estimate_consistent_with_the_low_resolution_image() -> None:
    down = make_downsampler(4)
    torch.manual_seed(0)
    truth = torch.rand(1, 3, 64, 64)
    target = down(truth)
    guess = torch.nn.functional.interpolate(target, scale_factor=4, mode="nearest")
    before = float((down(guess) - target).abs().mean())
    after = float((down(back_project(guess, target, down, 5)) - target).abs().mean())
    assert after < 0.2 * before
    # An estimate that already matches is left (almost) alone.
    flat = torch.full((1, 1, 32, 32), 0.4)
    np.testing.assert_allclose(back_project(flat, down(flat), down, 3), flat, atol=1e-6)


def test_back_projection_does_not_depend_on_units() -> None:
    rng = np.random.default_rng(0)
    lr = rng.uniform(0.02, 0.4, (4, 8, 8)).astype(np.float32)
    start = rng.uniform(0.02, 0.4, (4, 32, 32)).astype(np.float32)
    unit = back_project_array(lr, start, 3, 4)
    reflectance = back_project_array(lr * 10_000 + 1000, start * 10_000 + 1000, 3, 4)
    np.testing.assert_allclose(reflectance, unit * 10_000 + 1000, rtol=1e-4, atol=0.5)
