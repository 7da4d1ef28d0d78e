"""Data consistency: iterative back-projection onto the low-resolution observation.

``x ← x + bicubic↑(lr − Lanczos2↓(x))`` pushes an estimate towards images whose Lanczos-2
downsampling (DIP's degradation model) equals ``lr``. Training uses it as a cheap stand-in
for DIP's output; the ``dip+enhancer`` chain applies it to DIP's output before the enhancer,
because DIP's quick presets stop before they fit the observation.
"""

from __future__ import annotations

import numpy as np

from sr.baselines import interpolate
from sr.degrade import downsample


def back_project(lr: np.ndarray, start: np.ndarray, iterations: int, scale: int = 4) -> np.ndarray:
    """``iterations`` back-projection steps from ``start`` (bands, h·scale, w·scale)."""
    estimate = start
    for _ in range(iterations):
        residual = lr - downsample(estimate, scale)
        estimate = estimate + interpolate(residual, scale, "bicubic")
    return estimate
