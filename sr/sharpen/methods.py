"""The super-resolution methods, in one explicit registry, and running them.

Each :class:`Method` says what the command line, the pipeline, the cache keys and the Label
page need to know about it: its title, the function ``(lr, scale, **options) -> hr``, its
family, whether it takes Deep Image Prior's options, the largest area it may sharpen at
once, the trained model it uses and whether 8-bit input is fitted in the fixed range
0–255. Adding a method is adding one entry to :data:`METHODS`.

:func:`enhance` ends every method with the consistency step
(:func:`sr.sharpen.consistency.enforce_consistency`): the result, averaged over each block of
``scale × scale`` pixels, gives back the input. ``consistency=False`` skips it (experiments).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from sr.errors import SharpenError
from sr.fsutil import file_version
from sr.imagery.raster_io import Raster, upscaled_transform
from sr.imagery.scene import AreaRead
from sr.sharpen.baselines import bicubic, lanczos
from sr.sharpen.consistency import enforce_consistency
from sr.sharpen.degrade import check_scale
from sr.sharpen.device import available_memory
from sr.sharpen.dip import run_dip
from sr.sharpen.enhancer.chain import dip_enhancer_method, enhancer_method
from sr.sharpen.enhancer.infer import DEFAULT_MODEL

MethodFunction = Callable[..., np.ndarray]


@dataclass(frozen=True)
class Method:
    """A super-resolution method and what the rest of the product needs to know of it."""

    name: str
    title: str  # what people read on the Label page
    run: MethodFunction
    family: str  # "dip", "enhancer" or "interpolation"
    takes_dip_options: bool  # preset, iterations, progress, cancel, seed …
    max_area_pixels: int  # largest area (source pixels) sharpened at once on a CPU
    model: Path | None = None  # the trained model it runs, if any
    fixed_range_uint8: bool = False  # 8-bit input fitted in 0–255 (the DIP paper's setting)
    in_app: bool = True  # offered on the Label page
    # Peak working memory per output value (all bands), with the consistency step; DIP
    # checks its own network's needs on top (sr.sharpen.dip.check_memory).
    bytes_per_output_value: int = 48

    def check_memory(self, shape: tuple[int, ...], scale: int) -> None:
        """Refuse (SharpenError) an image whose result would not fit in free memory."""
        bands, h, w = shape
        need = bands * h * w * scale * scale * self.bytes_per_output_value
        free = available_memory(torch.device("cpu"))
        if need > 0.8 * free:
            raise SharpenError(
                f"The image ({w} × {h} px, {w * scale} × {h * scale} px after {scale}×) needs "
                f"about {need / 2**30:.1f} GiB with {self.name} but only {free / 2**30:.1f} "
                "GiB is free. Choose a smaller area."
            )

    @property
    def model_version(self) -> str | None:
        """The trained model's file name and the first 12 hex digits of its SHA-256."""
        return None if self.model is None else checkpoint_version(self.model)

    def drawn_on(self, preset: str, iterations: int | None) -> str:
        """How a label records the imagery it was drawn on, e.g. ``dip+enhancer:fast``."""
        if not self.takes_dip_options:
            return self.name
        suffix = f":iterations={iterations}" if iterations is not None else ""
        return f"{self.name}:{preset}{suffix}"


@functools.cache
def checkpoint_version(path: Path) -> str:
    """:func:`sr.fsutil.file_version` of a model file (read once), ``<stem>@missing`` if absent."""
    try:
        return file_version(path)
    except OSError:
        return f"{path.stem}@missing"


# Deep Image Prior optimises a network per area (~1 min for 128², ~4 min for 256² on 2 cores).
DIP_AREA, ENHANCER_AREA, INTERPOLATION_AREA = 256 * 256, 1024 * 1024, 2048 * 2048

METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method(
            "enhancer",
            "Enhancer (quick)",
            enhancer_method,
            "enhancer",
            takes_dip_options=False,
            max_area_pixels=ENHANCER_AREA,
            model=DEFAULT_MODEL,
            bytes_per_output_value=112,
        ),
        Method(
            "dip+enhancer",
            "Deep Image Prior + enhancer",
            dip_enhancer_method,
            "dip",
            takes_dip_options=True,
            max_area_pixels=DIP_AREA,
            model=DEFAULT_MODEL,
            fixed_range_uint8=True,
            bytes_per_output_value=112,
        ),
        Method(
            "dip",
            "Deep Image Prior",
            run_dip,
            "dip",
            takes_dip_options=True,
            max_area_pixels=DIP_AREA,
            fixed_range_uint8=True,
        ),
        Method(
            "bicubic",
            "Bicubic (no sharpening)",
            bicubic,
            "interpolation",
            takes_dip_options=False,
            max_area_pixels=INTERPOLATION_AREA,
        ),
        Method(
            "lanczos",
            "Lanczos-3",
            lanczos,
            "interpolation",
            takes_dip_options=False,
            max_area_pixels=INTERPOLATION_AREA,
            in_app=False,
        ),
    )
}
# The default of the app and the command line: the best boundaries at a PSNR no worse than
# bicubic + back-projection under every degradation model (bench/results/honest.md and
# bench/results/fields.md, README "Sharpening").
DEFAULT_METHOD = "enhancer"


def get_method(name: str) -> Method:
    """The registered method called ``name`` (SharpenError naming the choices otherwise)."""
    try:
        return METHODS[name]
    except KeyError:
        raise SharpenError(
            f"Unknown method {name!r}; choose one of {', '.join(METHODS)}."
        ) from None


def enhance(
    lr: np.ndarray,
    scale: int,
    method: str = DEFAULT_METHOD,
    *,
    consistency: bool = True,
    floor: float | None = None,
    **options: Any,
) -> np.ndarray:
    """Super-resolve a (bands, h, w) image with a registered method, then (by default)
    make the result consistent with ``lr``, never below ``floor`` if one is given."""
    check_scale(scale)
    chosen = get_method(method)
    chosen.check_memory(lr.shape, scale)
    lr = lr.astype(np.float32)
    hr = chosen.run(lr, scale, **options)
    return enforce_consistency(hr, lr, scale, floor=floor) if consistency else hr


def enhance_raster(
    raster: Raster, scale: int, method: str = DEFAULT_METHOD, **options: Any
) -> Raster:
    """Super-resolve a raster: same bands and dtype, pixel size divided by ``scale``.

    Unsigned-integer rasters are made consistent without going below 0. 8-bit rasters are
    fitted in the fixed range 0–255 by the methods that say so (DIP's paper setting);
    others use DIP's per-band scaling with headroom. The result stays float until written.
    """
    if get_method(method).fixed_range_uint8 and raster.dtype == "uint8":
        options.setdefault("value_range", (0.0, 255.0))
    if np.issubdtype(np.dtype(raster.dtype), np.unsignedinteger):
        options.setdefault("floor", 0.0)  # stored values cannot go below 0
    hr = enhance(raster.array, scale, method, **options)
    transform = None if raster.transform is None else upscaled_transform(raster.transform, scale)
    return replace(raster, array=hr, transform=transform)  # same bands, names and tags


def enhance_area(
    area: AreaRead, scale: int, method: str = DEFAULT_METHOD, **options: Any
) -> Raster:
    """Super-resolve an area read with :func:`sr.imagery.scene.read_area`; keeps CRS and grid."""
    raster = Raster(area.array, str(area.array.dtype), area.transform, area.crs, area.nodata)
    return enhance_raster(raster, scale, method, **options)
