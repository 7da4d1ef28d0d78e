"""PSNR, PSNR-Y and SSIM against values computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sr.sharpen.metrics import psnr, psnr_y, rgb_to_y, ssim


def test_psnr_of_a_known_error() -> None:
    truth = np.zeros((2, 10, 10))
    estimate = truth + 5.0  # MSE 25
    assert psnr(estimate, truth, 255.0) == pytest.approx(10 * math.log10(255**2 / 25))
    assert psnr(truth, truth, 1.0) == math.inf


def test_psnr_crops_the_border() -> None:
    truth = np.zeros((1, 20, 20))
    estimate = truth.copy()
    estimate[:, :4] = 100  # only the border is wrong
    assert psnr(estimate, truth, 255.0, border=4) == math.inf


def test_luma_range_and_psnr_y() -> None:
    black, white = np.zeros((3, 1, 1)), np.full((3, 1, 1), 255.0)
    assert rgb_to_y(black)[0, 0] == pytest.approx(16.0)
    assert rgb_to_y(white)[0, 0] == pytest.approx(235.0)
    rng = np.random.default_rng(1)
    truth = rng.integers(0, 250, (3, 32, 32)).astype(np.float64)
    estimate = truth + 3.0  # luma error = 3 · 219/255
    expected = 10 * math.log10(255**2 / (3 * 219 / 255) ** 2)
    assert psnr_y(estimate, truth) == pytest.approx(expected, abs=0.05)


def test_ssim_is_one_for_identical_and_drops_with_noise() -> None:
    rng = np.random.default_rng(2)
    image = rng.random((3, 40, 40))
    assert ssim(image, image, 1.0) == pytest.approx(1.0)
    noisy = ssim(image + rng.normal(0, 0.2, image.shape), image, 1.0)
    assert 0.3 < noisy < 0.9


def test_ssim_of_a_constant_shift_matches_the_luminance_term() -> None:
    # For x = y + c the structure/contrast term is 1; only the luminance term remains.
    y = np.full((30, 30), 0.5)
    x = y + 0.1
    c1 = (0.01 * 1.0) ** 2
    expected = (2 * 0.6 * 0.5 + c1) / (0.6**2 + 0.5**2 + c1)
    assert ssim(x, y, 1.0) == pytest.approx(expected, rel=1e-9)
