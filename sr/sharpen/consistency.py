"""Consistency of a super-resolved image with the low-resolution image it came from.

A sharpened area is *consistent* when averaging each ``factor × factor`` block of it gives
back the original pixel: the sharpening then only redistributes each pixel's reflectance
inside its footprint and never changes what the satellite measured. Averaging over the
block (the footprint of a coarse pixel) is the plainest model of how a sensor integrates
light; it is also what a volunteer can check by eye.

- :func:`enforce_consistency` (and :func:`project` for tensors) pushes any estimate onto the
  set of images that average back to the input: iterative back-projection with the block
  average as the forward model and bicubic upsampling of the residual (smooth corrections,
  no blocks), finished by one exact correction of the remaining residual.
- :func:`consistency_report` measures how far a result is from that set, following the
  consistency and synthesis groups of ESA OpenSR's opensr-test: reflectance L1, spectral
  angle, spatial shift (phase correlation) between the re-averaged result and the input,
  the detail added over bicubic, and a per-pixel map at the input's resolution.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F

from sr.sharpen.baselines import interpolate

DEFAULT_STEPS = 6


def block_mean(image: torch.Tensor, factor: int) -> torch.Tensor:
    """(N, C, H, W) → (N, C, H/f, W/f): the mean of each ``factor × factor`` block."""
    return F.avg_pool2d(image, factor)


def project(
    estimate: torch.Tensor,
    lr: torch.Tensor,
    factor: int,
    steps: int = DEFAULT_STEPS,
    floor: float | None = None,
) -> torch.Tensor:
    """Make (N, C, H, W) ``estimate`` average back to (N, C, H/f, W/f) ``lr``.

    ``steps`` rounds of ``x ← x + bicubic↑(lr − mean(x))``, then one exact correction:
    without ``floor``, ``x ← x + nearest↑(lr − mean(x))`` (block means of a nearest upsample
    are the values themselves; linear and differentiable, so it can sit inside a training
    loss); with ``floor`` (e.g. 0 for reflectance, which cannot be negative), values are
    raised to the floor and each block is scaled about the floor so that its mean is exact
    and no value falls below it (a block entirely at the floor takes the input's value).
    """
    size = estimate.shape[-2:]
    for _ in range(steps):
        error = lr - block_mean(estimate, factor)
        estimate = estimate + F.interpolate(error, size=size, mode="bicubic", align_corners=False)
    if floor is None:
        error = lr - block_mean(estimate, factor)
        return estimate + F.interpolate(error, size=size, mode="nearest")

    def up(t: torch.Tensor) -> torch.Tensor:
        return F.interpolate(t, size=size, mode="nearest")

    estimate = estimate.clamp_min(floor)
    above = block_mean(estimate, factor) - floor
    wanted = (lr - floor).clamp_min(0)
    ratio = wanted / above.clamp_min(torch.finfo(above.dtype).tiny)
    scaled = floor + (estimate - floor) * up(ratio)
    return torch.where(up(above) > 0, scaled, up(lr).clamp_min(floor))


def enforce_consistency(
    hr: np.ndarray,
    lr: np.ndarray,
    factor: int,
    steps: int = DEFAULT_STEPS,
    floor: float | None = None,
) -> np.ndarray:
    """:func:`project` for a (bands, h·f, w·f) result and its (bands, h, w) input."""
    check_shapes(hr, lr, factor)
    estimate = torch.from_numpy(np.ascontiguousarray(hr, dtype=np.float64))[None]
    target = torch.from_numpy(np.ascontiguousarray(lr, dtype=np.float64))[None]
    with torch.no_grad():
        projected = project(estimate, target, factor, steps, floor)
    return projected[0].numpy().astype(np.float32)


def reaverage(hr: np.ndarray, factor: int) -> np.ndarray:
    """The (bands, H/f, W/f) block means of a (bands, H, W) image, in float64."""
    tensor = torch.from_numpy(np.ascontiguousarray(hr, dtype=np.float64))[None]
    return block_mean(tensor, factor)[0].numpy()


def check_shapes(hr: np.ndarray, lr: np.ndarray, factor: int) -> None:
    if hr.ndim != 3 or lr.ndim != 3:
        raise ValueError(f"expected (bands, rows, cols) arrays, got {hr.shape} and {lr.shape}")
    want = (lr.shape[0], lr.shape[1] * factor, lr.shape[2] * factor)
    if hr.shape != want:
        raise ValueError(f"a {factor}× result of {lr.shape} must be {want}, not {hr.shape}")


def spectral_angle_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per-pixel angle (degrees) between the band vectors of two (bands, h, w) images."""
    dot = np.sum(a * b, axis=0)
    norms = np.linalg.norm(a, axis=0) * np.linalg.norm(b, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cosine = np.where(norms > 0, dot / np.where(norms > 0, norms, 1.0), 1.0)
    angle: np.ndarray = np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))
    return angle


def phase_correlation_shift(moved: np.ndarray, reference: np.ndarray) -> tuple[float, float]:
    """(dy, dx) in pixels by which ``moved`` is displaced from ``reference`` (2-D arrays).

    The peak of the normalised cross-power spectrum, refined to sub-pixel precision by a
    parabola through the peak and its neighbours along each axis; a Hann window keeps the
    image borders from dominating.
    """
    if moved.shape != reference.shape or moved.ndim != 2:
        raise ValueError("phase correlation needs two 2-D arrays of one shape")
    window = np.outer(np.hanning(moved.shape[0]), np.hanning(moved.shape[1]))
    fa = np.fft.fft2((moved - moved.mean()) * window)
    fb = np.fft.fft2((reference - reference.mean()) * window)
    cross = fa * np.conj(fb)
    magnitude = np.abs(cross)
    if magnitude.max() == 0:
        return 0.0, 0.0
    surface = np.real(np.fft.ifft2(cross / np.maximum(magnitude, 1e-12 * magnitude.max())))
    peak = np.unravel_index(int(np.argmax(surface)), surface.shape)
    shift = []
    for axis, size in enumerate(surface.shape):
        index = list(peak)
        neighbours = []
        for step in (-1, 0, 1):
            index[axis] = (peak[axis] + step) % size
            neighbours.append(surface[tuple(index)])
        left, centre, right = neighbours
        denominator = left - 2 * centre + right
        offset = 0.0 if denominator == 0 else 0.5 * (left - right) / denominator
        position = peak[axis] + float(np.clip(offset, -0.5, 0.5))
        if position > size / 2:
            position -= size
        shift.append(position)
    return shift[0], shift[1]


@dataclass(frozen=True)
class ConsistencyReport:
    """How a result agrees with its input (units: those of the input unless stated)."""

    reflectance_l1: float  # mean |mean(result block) − input|
    reflectance_l1_relative: float  # the same divided by the input's mean |value|
    spectral_angle_deg: float  # mean angle between band vectors, degrees
    shift_px: float  # spatial shift of the re-averaged result, input pixels
    synthesis: float  # mean |result − bicubic| relative to the input's mean |value|

    def as_dict(self) -> dict[str, dict[str, float] | float]:
        """The JSON layout of ``python -m sr enhance --report``."""
        values = asdict(self)
        synthesis = values.pop("synthesis")
        return {"consistency": values, "synthesis": synthesis}


def consistency_map(hr: np.ndarray, lr: np.ndarray, factor: int) -> np.ndarray:
    """Per input pixel, |block mean − input| averaged over bands, relative to the input's
    mean |value|: a (h, w) float32 map where 0.01 means a 1 % change."""
    check_shapes(hr, lr, factor)
    error: np.ndarray = np.abs(reaverage(hr, factor) - lr).mean(axis=0)
    return (error / max(float(np.abs(lr).mean()), 1e-12)).astype(np.float32)


def consistency_report(
    hr: np.ndarray, lr: np.ndarray, factor: int, bicubic: np.ndarray | None = None
) -> ConsistencyReport:
    """Measure a (bands, h·f, w·f) result against its (bands, h, w) input.

    ``bicubic`` is the bicubic upsample of ``lr`` (computed when not given), the reference
    the added detail (synthesis) is measured from.
    """
    check_shapes(hr, lr, factor)
    lr64 = lr.astype(np.float64)
    back = reaverage(hr, factor)
    scale = max(float(np.abs(lr64).mean()), 1e-12)
    l1 = float(np.abs(back - lr64).mean())
    angle = float(spectral_angle_deg(back, lr64).mean())
    dy, dx = phase_correlation_shift(back.mean(axis=0), lr64.mean(axis=0))
    if bicubic is None:
        bicubic = interpolate(lr.astype(np.float32), factor, "bicubic")
    synthesis = float(np.abs(hr.astype(np.float64) - bicubic).mean()) / scale
    return ConsistencyReport(
        reflectance_l1=l1,
        reflectance_l1_relative=l1 / scale,
        spectral_angle_deg=angle,
        shift_px=float(math.hypot(dy, dx)),
        synthesis=synthesis,
    )
