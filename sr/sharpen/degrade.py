"""The degradation model of super-resolution and its data-consistency projection.

The downsampler is the degradation model of Deep Image Prior's 4× setting: a separable
Lanczos-2 (a = 2) anti-aliasing filter with 4·factor taps, centred between pixels, followed
by decimation by ``factor``. Edges are replicated, so an H×W image becomes (H/f)×(W/f).
Back-projection pushes an estimate towards the images whose downsampling equals the
observation; DIP's quick presets end with it and the enhancer's chain relies on it.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from sr.errors import SharpenError

SUPPORTED_FACTORS = (2, 4, 8)


def check_scale(scale: int) -> None:
    """Refuse a super-resolution factor other than 2, 4 or 8."""
    if scale not in SUPPORTED_FACTORS:
        raise SharpenError(f"Scale factor {scale} is not supported; use 2, 4 or 8.")


def lanczos2_kernel(factor: int) -> np.ndarray:
    """1-D Lanczos-2 anti-aliasing kernel for decimation by ``factor`` (sums to 1)."""
    if factor < 1:
        raise ValueError(f"factor must be a positive integer, not {factor}")
    taps = 4 * factor
    # Tap positions in low-resolution pixels, symmetric around the centre between taps.
    x = (np.arange(taps) - (taps - 1) / 2) / factor
    kernel: np.ndarray = np.sinc(x) * np.sinc(x / 2)
    return (kernel / float(kernel.sum())).astype(np.float64)


def gaussian_kernel(sigma: float) -> np.ndarray:
    """1-D normalised Gaussian kernel of radius ceil(3σ)."""
    radius = max(1, math.ceil(3 * sigma))
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel: np.ndarray = np.exp(-0.5 * (x / sigma) ** 2)
    return kernel / float(kernel.sum())


def separable_filter(
    image: torch.Tensor, kernel: torch.Tensor, stride: int = 1, pad: tuple[int, int] = (0, 0)
) -> torch.Tensor:
    """Filter (N, C, H, W) with a 1-D kernel along both axes, replicating edges."""
    channels = image.shape[1]
    k = kernel.to(image.dtype).to(image.device)
    kx = k.view(1, 1, 1, -1).expand(channels, 1, 1, -1)
    ky = k.view(1, 1, -1, 1).expand(channels, 1, -1, 1)
    lo, hi = pad
    out = F.pad(image, (lo, hi, 0, 0), mode="replicate")
    out = F.conv2d(out, kx, stride=(1, stride), groups=channels)
    out = F.pad(out, (0, 0, lo, hi), mode="replicate")
    return F.conv2d(out, ky, stride=(stride, 1), groups=channels)


class Lanczos2Downsampler(nn.Module):
    """Anti-aliased decimation by an integer factor: (N, C, H, W) → (N, C, H/f, W/f)."""

    kernel: torch.Tensor  # registered buffer

    def __init__(self, factor: int) -> None:
        super().__init__()
        self.factor = factor
        self.register_buffer("kernel", torch.from_numpy(lanczos2_kernel(factor)).float())
        # 4f taps, stride f: pad 1.5f on each side keeps exactly H/f outputs.
        self.pad = (3 * factor // 2, 3 * factor - 3 * factor // 2)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return separable_filter(image, self.kernel, stride=self.factor, pad=self.pad)


class SensorDownsampler(nn.Module):
    """Gaussian PSF of ``sigma_lr`` low-resolution pixels, then Lanczos-2 decimation."""

    psf: torch.Tensor  # registered buffer

    def __init__(self, factor: int, sigma_lr: float) -> None:
        super().__init__()
        self.register_buffer("psf", torch.from_numpy(gaussian_kernel(sigma_lr * factor)).float())
        self.radius = (len(self.psf) - 1) // 2
        self.decimate = Lanczos2Downsampler(factor)

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        blurred = separable_filter(image, self.psf, pad=(self.radius, self.radius))
        decimated: torch.Tensor = self.decimate(blurred)
        return decimated


def make_downsampler(factor: int, psf_sigma_lr: float = 0.0) -> nn.Module:
    """The degradation model: Lanczos-2 decimation, with a Gaussian PSF first if σ > 0."""
    if psf_sigma_lr > 0:
        return SensorDownsampler(factor, psf_sigma_lr)
    return Lanczos2Downsampler(factor)


def back_project(
    estimate: torch.Tensor, target: torch.Tensor, downsampler: nn.Module, steps: int
) -> torch.Tensor:
    """Iterative back-projection (Irani & Peleg 1991) of (N, C, H, W) onto ``target``:
    ``x ← x + bicubic↑(target − downsampler(x))``, ``steps`` times.

    Linear, so it commutes with per-band affine scaling: units do not matter.
    """
    for _ in range(steps):
        error = target - downsampler(estimate)
        estimate = estimate + F.interpolate(
            error, size=estimate.shape[-2:], mode="bicubic", align_corners=False
        )
    return estimate


def back_project_array(lr: np.ndarray, start: np.ndarray, steps: int, factor: int) -> np.ndarray:
    """:func:`back_project` for (bands, h, w) ``lr`` and a (bands, h·f, w·f) ``start``."""
    target = torch.from_numpy(np.ascontiguousarray(lr, dtype=np.float32))[None]
    estimate = torch.from_numpy(np.ascontiguousarray(start, dtype=np.float32))[None]
    with torch.no_grad():
        return back_project(estimate, target, Lanczos2Downsampler(factor), steps)[0].numpy()


def downsample(image: np.ndarray, factor: int) -> np.ndarray:
    """Lanczos-2 decimation of a (bands, H, W) array whose sides are multiples of ``factor``."""
    tensor = torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))[None]
    with torch.no_grad():
        out: torch.Tensor = Lanczos2Downsampler(factor)(tensor)
    return out[0].numpy()


def gaussian_blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of a (bands, H, W) array with edge replication."""
    kernel = torch.from_numpy(gaussian_kernel(sigma)).float()
    radius = (len(kernel) - 1) // 2
    tensor = torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))[None]
    with torch.no_grad():
        return separable_filter(tensor, kernel, pad=(radius, radius))[0].numpy()


def sentinel2_degrade(hr: np.ndarray, factor: int, sigma_lr: float = 0.5) -> np.ndarray:
    """Simulate a sensor ``factor``× coarser: Gaussian PSF then Lanczos-2 decimation.

    ``sigma_lr`` is the PSF width in low-resolution pixels (0.5 px gives an MTF of about
    0.3 at Nyquist, close to Sentinel-2's specified 0.15–0.3); it is applied at the high
    resolution as ``sigma_lr · factor`` pixels.
    """
    blurred = gaussian_blur(hr, sigma_lr * factor)
    return downsample(blurred, factor)


def area_downsample(image: np.ndarray, factor: int) -> np.ndarray:
    """Each output pixel is the mean of the ``factor × factor`` block it covers."""
    bands, h, w = image.shape
    blocks = image.reshape(bands, h // factor, factor, w // factor, factor)
    means: np.ndarray = blocks.mean(axis=(2, 4), dtype=np.float64)
    return means.astype(np.float32)


def bicubic_downsample(image: np.ndarray, factor: int) -> np.ndarray:
    """Anti-aliased bicubic decimation (torch's ``antialias=True``, as PIL's resize)."""
    tensor = torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))[None]
    with torch.no_grad():
        out = F.interpolate(
            tensor, scale_factor=1 / factor, mode="bicubic", antialias=True, align_corners=False
        )
    return out[0].numpy()


def gaussian_downsample(sigma_lr: float) -> Callable[[np.ndarray, int], np.ndarray]:
    """A sensor model: Gaussian PSF of ``sigma_lr`` low-resolution pixels, then Lanczos-2."""

    def degrade(image: np.ndarray, factor: int) -> np.ndarray:
        return sentinel2_degrade(image, factor, sigma_lr)

    return degrade


Degrader = Callable[[np.ndarray, int], np.ndarray]

# The fixed degradation models of the benchmark (bench/bench_honest.py). Training draws from
# the same kinds with random parameters (sr.sharpen.enhancer.data.Degradation).
DEGRADATIONS: dict[str, Degrader] = {
    "area": area_downsample,
    "gauss0.5": gaussian_downsample(0.5),
    "gauss1.0": gaussian_downsample(1.0),
    "bicubic-aa": bicubic_downsample,
    "lanczos2": downsample,
}
