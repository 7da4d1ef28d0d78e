"""How much sharp detail a method added beyond what interpolating the data gives.

Consistency (:mod:`sr.sharpen.consistency`) says a result averages back to its input: it proves
nothing about the detail *inside* each original pixel, where a sharp edge may be real or
invented. Following the synthesis / hallucination idea of ESA OpenSR's opensr-test, the
detail a method added is measured against the plainest honest result — bicubic
interpolation made consistent by back-projection (:func:`interpolation_reference`), which
invents nothing — and only in the high frequencies: the part of the difference that varies
inside an original pixel (its block mean removed), since everything coarser is fixed by
the data once a result is consistent.

- :func:`added_detail_map`: per original pixel, the mean |added detail| over its block and
  the bands, relative to the input's mean |value| (0.02 = 2 % of the typical brightness);
- :func:`added_detail`: the same over the whole area.

A result equal to bicubic + back-projection measures 0; one with invented edges measures
high. What it cannot say is whether added detail is *right*: that needs the truth, which
the benchmark has (``bench/bench_added_detail.py``) and the app has not — hence the
wording "added by the model — check against the original".
"""

from __future__ import annotations

import numpy as np

from sr.sharpen.baselines import interpolate
from sr.sharpen.consistency import check_shapes, enforce_consistency, reaverage


def interpolation_reference(lr: np.ndarray, factor: int) -> np.ndarray:
    """Bicubic upsampling of (bands, h, w) ``lr`` made consistent by back-projection."""
    lr32 = lr.astype(np.float32)
    return enforce_consistency(interpolate(lr32, factor, "bicubic"), lr32, factor)


def high_frequencies(image: np.ndarray, factor: int) -> np.ndarray:
    """(bands, H, W) → the part that varies inside each ``factor × factor`` block."""
    means = reaverage(image, factor)
    coarse: np.ndarray = np.repeat(np.repeat(means, factor, axis=1), factor, axis=2)
    fine: np.ndarray = image.astype(np.float64) - coarse
    return fine


def added_detail_map(
    hr: np.ndarray, lr: np.ndarray, factor: int, reference: np.ndarray | None = None
) -> np.ndarray:
    """(h, w) float32: per original pixel, the mean |detail added beyond the reference|
    over its block and the bands, relative to the input's mean |value|."""
    check_shapes(hr, lr, factor)
    if reference is None:
        reference = interpolation_reference(lr, factor)
    added = np.abs(high_frequencies(hr.astype(np.float64) - reference, factor)).mean(axis=0)
    scale = max(float(np.abs(lr.astype(np.float64)).mean()), 1e-12)
    blocks = reaverage(added[None], factor)[0]
    relative: np.ndarray = (blocks / scale).astype(np.float32)
    return relative


def added_detail(
    hr: np.ndarray, lr: np.ndarray, factor: int, reference: np.ndarray | None = None
) -> float:
    """The area's added detail: the mean of :func:`added_detail_map` (a fraction)."""
    return float(added_detail_map(hr, lr, factor, reference).mean())
