"""Quality against a known truth: boundary F-scores and where detail was gained or invented.

For benchmarks, where the high-resolution truth is known (``bench/bench_honest.py``).

- :func:`boundary_f_score`: boundaries (any boolean map: edges, segment borders) of a
  result against those of the truth, each pixel counted as matched when the other map has
  a boundary within ``tolerance`` pixels (the usual tolerant precision / recall / F1).
- :func:`edge_map`: Sobel gradient magnitude of the band mean above a threshold.
- :func:`correctness`: following opensr-test's correctness group, each pixel where the
  truth has detail is classed by how far the result is from the truth (``d_hr``) and from
  the plain upsample it started from (``d_lr``), both relative to the detail the upsample
  lacks: nearest to (0, 1) is an *improvement* (the result moved to the truth), to (1, 0)
  an *omission* (it stayed at the blurry upsample), to (1, 1) a *hallucination* (it moved
  away from both: detail that is not there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

SOBEL = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])


def normalise(image: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Band-wise (x − mean) / std of ``reference``: bands of any units weigh alike."""
    mean = reference.mean(axis=(1, 2), keepdims=True)
    std = reference.std(axis=(1, 2), keepdims=True) + 1e-12
    normalised: np.ndarray = (image - mean) / std
    return normalised


def gradient_magnitude(image: np.ndarray) -> np.ndarray:
    """(H, W) Sobel gradient magnitude of a 2-D image (edges replicated)."""
    t = torch.from_numpy(np.ascontiguousarray(image, dtype=np.float64))[None, None]
    t = F.pad(t, (1, 1, 1, 1), mode="replicate")
    kx = torch.from_numpy(SOBEL).view(1, 1, 3, 3)
    ky = torch.from_numpy(SOBEL.T.copy()).view(1, 1, 3, 3)
    gx, gy = F.conv2d(t, kx), F.conv2d(t, ky)
    return torch.sqrt(gx**2 + gy**2)[0, 0].numpy()


def edge_map(image: np.ndarray, threshold: float) -> np.ndarray:
    """Pixels whose Sobel gradient magnitude (of a 2-D image) exceeds ``threshold``."""
    return gradient_magnitude(image) > threshold


def dilate(mask: np.ndarray, radius: int) -> np.ndarray:
    """Boolean dilation by a (2r+1)² square."""
    if radius <= 0:
        return mask.copy()
    t = torch.from_numpy(mask.astype(np.float32))[None, None]
    return F.max_pool2d(t, 2 * radius + 1, stride=1, padding=radius)[0, 0].numpy() > 0


@dataclass(frozen=True)
class FScore:
    precision: float
    recall: float
    f1: float


def boundary_f_score(result: np.ndarray, truth: np.ndarray, tolerance: int) -> FScore:
    """Tolerant precision, recall and F1 of boolean boundary maps of one shape."""
    if result.shape != truth.shape:
        raise ValueError(f"shapes differ: {result.shape} vs {truth.shape}")
    found, wanted = int(result.sum()), int(truth.sum())
    if wanted == 0 and found == 0:
        return FScore(1.0, 1.0, 1.0)
    precision = float((result & dilate(truth, tolerance)).sum() / found) if found else 0.0
    recall = float((truth & dilate(result, tolerance)).sum() / wanted) if wanted else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return FScore(precision, recall, f1)


@dataclass(frozen=True)
class Correctness:
    """Fractions of the truth's detail pixels (they sum to 1)."""

    improvement: float
    omission: float
    hallucination: float


def correctness(
    result: np.ndarray, truth: np.ndarray, upsample: np.ndarray, quantile: float = 0.8
) -> Correctness:
    """Class each pixel where the truth departs most from ``upsample`` (its top
    ``1 − quantile`` of |truth − upsample|) as improvement, omission or hallucination.

    Distances are per pixel over bands (normalised by the truth's band statistics) and
    divided by that pixel's |truth − upsample|, so every pixel weighs alike.
    """
    r, t, u = (normalise(a.astype(np.float64), truth) for a in (result, truth, upsample))
    detail = np.linalg.norm(t - u, axis=0)
    mask = detail > np.quantile(detail, quantile)
    if not mask.any():
        return Correctness(0.0, 0.0, 0.0)
    d_hr = np.linalg.norm(r - t, axis=0)[mask] / detail[mask]
    d_lr = np.linalg.norm(r - u, axis=0)[mask] / detail[mask]
    points = np.array([(0.0, 1.0), (1.0, 0.0), (1.0, 1.0)])  # improvement, omission, halluc.
    distances = np.hypot(d_hr[:, None] - points[:, 0], d_lr[:, None] - points[:, 1])
    counts = np.bincount(distances.argmin(axis=1), minlength=3) / mask.sum()
    return Correctness(float(counts[0]), float(counts[1]), float(counts[2]))
