"""Image quality metrics: PSNR, PSNR on BT.601 luma (the SR benchmarks' protocol) and SSIM.

SSIM follows Wang et al. 2004: 11×11 Gaussian window with σ = 1.5, K1 = 0.01, K2 = 0.03,
computed on the valid region (no padding) and averaged over pixels and bands.
"""

from __future__ import annotations

import numpy as np
import torch

from sr.sharpen.degrade import gaussian_kernel, separable_filter


def rgb_to_y(rgb: np.ndarray) -> np.ndarray:
    """(3, H, W) RGB in [0, 255] → (H, W) BT.601 luma in [16, 235]."""
    r, g, b = (rgb[i].astype(np.float64) for i in range(3))
    luma: np.ndarray = 16.0 + (65.481 * r + 128.553 * g + 24.966 * b) / 255.0
    return luma


def crop_border(image: np.ndarray, border: int) -> np.ndarray:
    """Drop ``border`` pixels on every side of the last two axes."""
    if border <= 0:
        return image
    return image[..., border:-border, border:-border]


def psnr(estimate: np.ndarray, truth: np.ndarray, data_range: float, border: int = 0) -> float:
    """Peak signal-to-noise ratio in dB over all values (any shape, same for both)."""
    if estimate.shape != truth.shape:
        raise ValueError(f"shapes differ: {estimate.shape} vs {truth.shape}")
    diff = crop_border(estimate, border).astype(np.float64) - crop_border(truth, border)
    mse = float(np.mean(diff**2))
    if mse == 0:
        return float("inf")
    return float(10 * np.log10(data_range**2 / mse))


def psnr_y(estimate: np.ndarray, truth: np.ndarray, border: int = 4) -> float:
    """PSNR on the Y channel of (3, H, W) RGB images in [0, 255], ``border`` px cropped.

    The estimate is rounded to 8 bits first, as when it is saved as a PNG.
    """
    est = np.clip(np.round(estimate.astype(np.float64)), 0, 255)
    return psnr(rgb_to_y(est), rgb_to_y(truth), data_range=255.0, border=border)


def ssim_map(
    x: torch.Tensor, y: torch.Tensor, data_range: float = 1.0, pad_edges: bool = True
) -> torch.Tensor:
    """Differentiable SSIM map of (N, C, H, W) images per channel (Gaussian σ 1.5, 11 taps).

    ``pad_edges``: replicate edges so the map has the images' size (the training loss);
    otherwise only the valid region is kept, 5 pixels smaller on each side (the metric).
    """
    kernel = torch.from_numpy(gaussian_kernel(1.5))  # 11 taps: radius ceil(3σ) = 5
    pad = (5, 5) if pad_edges else (0, 0)

    def blur(t: torch.Tensor) -> torch.Tensor:
        return separable_filter(t, kernel, pad=pad)

    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mu_x, mu_y = blur(x), blur(y)
    var_x = blur(x * x) - mu_x**2
    var_y = blur(y * y) - mu_y**2
    cov = blur(x * y) - mu_x * mu_y
    return ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / (
        (mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2)
    )


def ssim(estimate: np.ndarray, truth: np.ndarray, data_range: float, border: int = 0) -> float:
    """Mean SSIM of two (H, W) or (bands, H, W) images over the valid region."""
    if estimate.shape != truth.shape:
        raise ValueError(f"shapes differ: {estimate.shape} vs {truth.shape}")
    x = torch.from_numpy(crop_border(estimate, border).astype(np.float64))
    y = torch.from_numpy(crop_border(truth, border).astype(np.float64))
    if x.ndim == 2:
        x, y = x[None], y[None]
    if min(x.shape[-2:]) < 11:
        raise ValueError("SSIM needs images of at least 11 × 11 pixels")
    return float(ssim_map(x[None], y[None], data_range, pad_edges=False).mean())
