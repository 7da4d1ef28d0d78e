"""One entry point for every super-resolution method, on arrays or georeferenced rasters.

``METHODS`` maps a method name to a function ``(lr, scale, **options) -> hr``; a new method
(e.g. a trained enhancer, or DIP followed by it) is added by registering it here, and the
``sr enhance`` command offers it at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from sr.baselines import BASELINES
from sr.dip import check_scale, run_dip
from sr.raster_io import Raster, upscaled_transform
from sr.scene import AreaRead

Method = Callable[..., np.ndarray]

METHODS: dict[str, Method] = {"dip": run_dip, **BASELINES}


def register_method(name: str, method: Method) -> None:
    """Make ``method`` available to :func:`enhance` and the command line as ``name``."""
    METHODS[name] = method


def enhance(lr: np.ndarray, scale: int, method: str = "dip", **options: Any) -> np.ndarray:
    """Super-resolve a (bands, h, w) float image with a registered method."""
    check_scale(scale)
    if method not in METHODS:
        raise ValueError(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    return METHODS[method](lr.astype(np.float32), scale, **options)


def enhance_raster(raster: Raster, scale: int, method: str = "dip", **options: Any) -> Raster:
    """Super-resolve a raster: same bands and dtype, pixel size divided by ``scale``.

    8-bit rasters are fitted in the fixed range 0–255 (the paper's setting); others use
    DIP's per-band scaling with headroom. The result stays float until it is written.
    """
    if method == "dip" and raster.dtype == "uint8":
        options.setdefault("value_range", (0.0, 255.0))
    hr = enhance(raster.array, scale, method, **options)
    transform = None if raster.transform is None else upscaled_transform(raster.transform, scale)
    return Raster(hr, raster.dtype, transform, raster.crs, raster.nodata)


def enhance_area(area: AreaRead, scale: int, method: str = "dip", **options: Any) -> Raster:
    """Super-resolve an area read with :func:`sr.scene.read_area`; keeps CRS and grid."""
    raster = Raster(area.array, str(area.array.dtype), area.transform, area.crs, area.nodata)
    return enhance_raster(raster, scale, method, **options)
