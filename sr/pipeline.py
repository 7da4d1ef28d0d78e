"""Sharpen a lon/lat area of a scene: read it, run a method, cache a georeferenced result.

This is what the app's Enhance button calls (in a background job). The cache key is the
scene, the pixel window, the method, its preset, the scale, the seed and the model
version, so the same request again is served from disk at once.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sr.cache import CachedResult, ResultCache, cache_key
from sr.dip import get_config
from sr.enhance import METHODS, enhance_area
from sr.enhancer import DEFAULT_MODEL  # also registers 'enhancer' and 'dip+enhancer'
from sr.progress import CancelToken, Progress, ProgressCallback, check_cancel
from sr.raster_io import write_raster
from sr.scene import BBox, Scene, SceneError, lonlat_window, read_area

PIPELINE_VERSION = "1"
# The largest area (source pixels) each kind of method may sharpen at once on a CPU:
# Deep Image Prior optimises a network per area (~1 min for 128², ~4 min for 256²).
MAX_AREA_PIXELS = {"dip": 256 * 256, "enhancer": 1024 * 1024, "interpolation": 2048 * 2048}


@dataclass(frozen=True)
class SharpenRequest:
    """One area to sharpen, and how."""

    scene: Scene
    bbox: BBox
    method: str = "dip"
    preset: str = "fast"
    scale: int = 4
    seed: int = 0
    device: str = "auto"
    iterations: int | None = None  # overrides the DIP preset's (tests, quick looks)

    @property
    def window(self) -> tuple[int, int, int, int]:
        """(col, row, width, height) of the area in scene pixels."""
        win = lonlat_window(self.scene, self.bbox)
        return (int(win.col_off), int(win.row_off), int(win.width), int(win.height))


def method_family(method: str) -> str:
    if "dip" in method:
        return "dip"
    if "enhancer" in method:
        return "enhancer"
    return "interpolation"


def model_version(method: str) -> str | None:
    """The version of the trained model a method uses (None for untrained methods):
    the shipped checkpoint's name and the first 12 hex digits of its SHA-256."""
    if "enhancer" not in method:
        return None
    return _checkpoint_version(DEFAULT_MODEL)


@functools.cache
def _checkpoint_version(path: Path) -> str:
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return f"{path.stem}@missing"
    return f"{path.stem}@{digest}"


def preset_version(request: SharpenRequest) -> str | None:
    """The DIP preset's name and settings digest (None for methods without DIP), so a
    retuned preset never serves results computed with its old settings."""
    if method_family(request.method) != "dip":
        return None
    return f"{request.preset}@{get_config(request.preset).fingerprint()}"


def request_key(request: SharpenRequest) -> str:
    return cache_key(
        scene=request.scene.scene_id,
        window=request.window,
        method=request.method,
        preset=preset_version(request),
        scale=request.scale,
        seed=request.seed,
        model=model_version(request.method),
        iterations=request.iterations,
        pipeline=PIPELINE_VERSION,
    )


def _check(request: SharpenRequest) -> None:
    if request.method not in METHODS:
        raise SceneError(
            f"Unknown method {request.method!r}; available: {', '.join(sorted(METHODS))}."
        )


def sharpen_area(
    request: SharpenRequest,
    cache: ResultCache,
    report: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> CachedResult:
    """Sharpen the area (or return the cached result); raises SceneError for bad areas.

    ``report`` receives :class:`Progress` (DIP's, passed through as it comes);
    ``cancel`` is checked before the work, every DIP iteration and before the result is
    stored, raising :class:`sr.progress.Cancelled`: nothing half-done is cached.
    """
    _check(request)
    key = request_key(request)
    cached = cache.get(key)
    if cached is not None:
        return cached
    family = method_family(request.method)
    area = read_area(
        request.scene,
        request.bbox,
        max_pixels=MAX_AREA_PIXELS[family],
        action=f"sharpening with {request.method}",
    )
    check_cancel(cancel)
    if report is not None:
        size = f"{area.array.shape[2]} × {area.array.shape[1]} px area"
        report(Progress(0, 1, f"{request.method}: {size}"))

    options: dict[str, Any] = {"seed": request.seed, "device": request.device}
    if family == "dip":
        options.update(
            preset=request.preset,
            progress=report,
            cancel=cancel,
            preview_every=25,
            iterations=request.iterations,
        )
    raster = enhance_area(area, request.scale, request.method, **options)
    check_cancel(cancel)
    provenance = {
        "scene_id": request.scene.scene_id,
        "scene_path": str(request.scene.path),
        "bbox": list(request.bbox),
        "window": list(request.window),
        "method": request.method,
        "preset": request.preset if family == "dip" else None,
        "scale": request.scale,
        "seed": request.seed,
        "iterations": request.iterations,
        "model_version": model_version(request.method),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return cache.put(key, lambda path: write_raster(path, raster), provenance)
