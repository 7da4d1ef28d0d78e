"""The enhancer chains: ``enhancer`` (on a bicubic upsample made consistent with the
low-resolution image) and ``dip+enhancer`` (on Deep Image Prior's output, made consistent
the same way), listed in the method registry :data:`sr.sharpen.methods.METHODS`.

Both have the call shape of :func:`sr.sharpen.dip.run_dip`: ``(lr, scale, **options) -> hr`` with
(bands, h, w) input in any units and a float32 (bands, h·scale, w·scale) result in the same
units, never clipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from sr.sharpen.baselines import interpolate
from sr.sharpen.consistency import enforce_consistency
from sr.sharpen.degrade import check_scale
from sr.sharpen.dip import run_dip
from sr.sharpen.enhancer.infer import (
    DEFAULT_OVERLAP,
    DEFAULT_TILE,
    Enhancer,
    EnhancerError,
    load_default_enhancer,
)

# What the network is run on: an upsample of the low-resolution image, made consistent with
# it (block means equal the input) before the network as it was in training.
UPSAMPLERS = ("bicubic", "lanczos", "dip")


def run_enhancer(
    lr: np.ndarray,
    scale: int = 4,
    *,
    upsample: str = "bicubic",
    enhancer: Enhancer | None = None,
    device: str = "auto",
    precision: str = "auto",
    tile: int = DEFAULT_TILE,
    overlap: int = DEFAULT_OVERLAP,
    tile_progress: Callable[[int, int], None] | None = None,
    **dip_options: Any,
) -> np.ndarray:
    """Upsample ``lr`` (bicubic, Lanczos-3 or DIP with ``dip_options``), make the upsample
    consistent with ``lr`` and sharpen it (``tile_progress(done, total)`` after each tile).
    The caller applies the final consistency step.

    ``enhancer`` defaults to the shipped model on ``device`` (``precision`` as for
    :class:`~sr.sharpen.enhancer.infer.Enhancer`); a missing or damaged model
    raises :class:`~sr.sharpen.enhancer.checkpoint.CheckpointError` before any DIP work starts.
    """
    check_scale(scale)
    if upsample not in UPSAMPLERS:
        raise EnhancerError(f"Unknown upsampling {upsample!r}; choose one of {UPSAMPLERS}.")
    model = enhancer or load_default_enhancer(device, precision)
    if scale != model.scale:
        raise EnhancerError(
            f"The enhancer is trained for {model.scale}× only; use scale {model.scale}, or "
            "the 'dip' or 'bicubic' method for other factors."
        )
    lr = lr.astype(np.float32)
    if upsample == "dip":
        upsampled = run_dip(lr, scale, device=device, **dip_options)
    else:
        upsampled = interpolate(lr, scale, upsample)
    upsampled = enforce_consistency(upsampled, lr, scale)
    return model(upsampled, tile=tile, overlap=overlap, tile_progress=tile_progress)


def enhancer_method(lr: np.ndarray, scale: int = 4, **options: Any) -> np.ndarray:
    """The ``enhancer`` method: the shipped enhancer on a consistent bicubic upsample."""
    return run_enhancer(lr, scale, upsample="bicubic", **options)


def dip_enhancer_method(lr: np.ndarray, scale: int = 4, **options: Any) -> np.ndarray:
    """The ``dip+enhancer`` method: DIP (options as for run_dip), then the enhancer."""
    return run_enhancer(lr, scale, upsample="dip", **options)
