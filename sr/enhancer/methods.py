"""The enhancer as super-resolution methods: ``enhancer`` (on a bicubic upsample) and
``dip+enhancer`` (on Deep Image Prior's output, made consistent with the low-resolution
image by a few back-projection steps), registered in :data:`sr.enhance.METHODS`.

Both have the call shape of :func:`sr.dip.run_dip`: ``(lr, scale, **options) -> hr`` with
(bands, h, w) input in any units and a float32 (bands, h·scale, w·scale) result in the same
units, never clipped.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sr.baselines import interpolate
from sr.degrade import back_project_array
from sr.dip import check_scale, run_dip
from sr.enhance import register_method
from sr.enhancer.infer import (
    DEFAULT_OVERLAP,
    DEFAULT_TILE,
    Enhancer,
    EnhancerError,
    load_default_enhancer,
)

UPSAMPLERS = ("bicubic", "lanczos", "dip")
# Back-projection steps on DIP's output (measured: docs/enhancer.md). The quick DIP presets
# already end with back-projection; the reference preset does not.
CONSISTENCY_STEPS = 4


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
    **dip_options: Any,
) -> np.ndarray:
    """Upsample ``lr`` (bicubic, Lanczos-3 or DIP with ``dip_options`` followed by
    back-projection) and sharpen it.

    ``enhancer`` defaults to the shipped model on ``device`` (``precision`` as for
    :class:`~sr.enhancer.infer.Enhancer`); a missing or damaged model
    raises :class:`~sr.enhancer.checkpoint.CheckpointError` before any DIP work starts.
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
    if upsample == "dip":
        dip = run_dip(lr, scale, device=device, **dip_options)
        upsampled = back_project_array(lr.astype(np.float32), dip, CONSISTENCY_STEPS, scale)
    else:
        upsampled = interpolate(lr.astype(np.float32), scale, upsample)
    return model(upsampled, tile=tile, overlap=overlap)


def enhancer_method(lr: np.ndarray, scale: int = 4, **options: Any) -> np.ndarray:
    """The ``enhancer`` method: the shipped enhancer on a bicubic upsample."""
    return run_enhancer(lr, scale, upsample="bicubic", **options)


def dip_enhancer_method(lr: np.ndarray, scale: int = 4, **options: Any) -> np.ndarray:
    """The ``dip+enhancer`` method: DIP (options as for run_dip), then the enhancer."""
    return run_enhancer(lr, scale, upsample="dip", **options)


def register() -> None:
    register_method("enhancer", enhancer_method)
    register_method("dip+enhancer", dip_enhancer_method)
