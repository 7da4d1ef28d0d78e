"""Interpolation baselines with the same call shape as :func:`sr.sharpen.dip.run_dip`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image

from sr.sharpen.degrade import check_scale

_FILTERS = {"bicubic": Image.Resampling.BICUBIC, "lanczos": Image.Resampling.LANCZOS}


def interpolate(lr: np.ndarray, scale: int, method: str = "bicubic") -> np.ndarray:
    """Upscale a (bands, h, w) image ``scale``× per band with PIL's bicubic or Lanczos-3.

    Works in float32 (no clipping or rounding); returns (bands, h·scale, w·scale).
    """
    check_scale(scale)
    if method not in _FILTERS:
        raise ValueError(f"unknown interpolation {method!r}; choose from {', '.join(_FILTERS)}")
    bands, h, w = lr.shape
    size = (w * scale, h * scale)
    out = [
        np.asarray(
            Image.fromarray(band.astype(np.float32), mode="F").resize(size, _FILTERS[method])
        )
        for band in lr
    ]
    return np.stack(out).astype(np.float32).reshape(bands, h * scale, w * scale)


def bicubic(lr: np.ndarray, scale: int = 4, **_ignored: object) -> np.ndarray:
    """Bicubic upscaling (extra keyword arguments of run_dip are accepted and ignored)."""
    return interpolate(lr, scale, "bicubic")


def lanczos(lr: np.ndarray, scale: int = 4, **_ignored: object) -> np.ndarray:
    """Lanczos-3 upscaling (extra keyword arguments of run_dip are accepted and ignored)."""
    return interpolate(lr, scale, "lanczos")


BASELINES: dict[str, Callable[..., np.ndarray]] = {"bicubic": bicubic, "lanczos": lanczos}
