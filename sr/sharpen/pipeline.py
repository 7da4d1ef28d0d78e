"""Sharpen a lon/lat area of a scene: read it, run a method, cache a georeferenced result.

This is what the app's Enhance button calls (in a background job). The cache key is the
scene, the pixel window, the method, its preset, the scale, the seed, the model version and
whether the consistency step ran, so the same request again is served from disk at once.
Each result is stored with its consistency report (:mod:`sr.sharpen.consistency`, measured on the
values as written) in its provenance and its per-pixel consistency map beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np

from sr.errors import SharpenError
from sr.imagery.raster_io import as_written, write_raster
from sr.imagery.scene import BBox, Scene, lonlat_window, read_area
from sr.imagery.scene_errors import SceneError
from sr.progress import CancelToken, Progress, ProgressCallback, check_cancel
from sr.sharpen.assessment import ADDED_MAP, CONSISTENCY_MAP, assess, write_consistency_map
from sr.sharpen.cache import CachedResult, ResultCache, cache_key
from sr.sharpen.dip import get_config
from sr.sharpen.methods import DEFAULT_METHOD, Method, enhance_area, get_method

# 2: every method ends with the consistency step, and results carry their report.
PIPELINE_VERSION = "2"


@dataclass(frozen=True)
class SharpenRequest:
    """One area to sharpen, and how."""

    scene: Scene
    bbox: BBox
    method: str = DEFAULT_METHOD
    preset: str = "fast"
    scale: int = 4
    seed: int = 0
    device: str = "auto"
    iterations: int | None = None  # overrides the DIP preset's (tests, quick looks)
    consistency: bool = True  # end with the consistency step (off only for experiments)
    requested_by: str | None = None  # who pressed Enhance: provenance only, not in the key
    date: int = 0  # which of the scene's dates (sr.imagery.band_layout) is sharpened

    @property
    def date_bands(self) -> tuple[int, ...] | None:
        """The bands read: the date's colour bands for a scene of several dates, else all."""
        if len(self.scene.dates) == 1:
            return None
        self.scene.date_bands(self.date)  # a SceneError for a date the scene lacks
        return self.scene.dates[self.date].indexes

    @property
    def chosen(self) -> Method:
        """The registered method (SharpenError for an unknown name)."""
        return get_method(self.method)

    @property
    def window(self) -> tuple[int, int, int, int]:
        """(col, row, width, height) of the area in scene pixels."""
        win = lonlat_window(self.scene, self.bbox)
        return (int(win.col_off), int(win.row_off), int(win.width), int(win.height))


def preset_version(request: SharpenRequest) -> str | None:
    """The DIP preset's name and settings digest (None for methods without DIP), so a
    retuned preset never serves results computed with its old settings."""
    if not request.chosen.takes_dip_options:
        return None
    return f"{request.preset}@{get_config(request.preset).fingerprint()}"


def _declared_for(request: SharpenRequest) -> tuple[tuple[float, float], ...]:
    """The scale and offset the scene declares for the bands sharpened (none: ())."""
    scaling = request.scene.band_scaling
    if not scaling:
        return ()
    bands = request.date_bands or tuple(range(1, len(scaling) + 1))
    return tuple(scaling[b - 1] for b in bands)


def request_key(request: SharpenRequest) -> str:
    """The cache key; for a scene of several dates it holds the date's bands, so each date
    is sharpened and cached on its own, and the scale and offset the scene declares for
    them, which the result declares too (keys without either are unchanged)."""
    parts: dict[str, object] = {"bands": request.date_bands} if request.date_bands else {}
    declared = _declared_for(request)  # a coordinator may answer it later: not the same result
    if declared:
        parts["declared"] = declared
    return cache_key(
        **parts,
        scene=request.scene.scene_id,
        window=request.window,
        method=request.method,
        preset=preset_version(request),
        scale=request.scale,
        seed=request.seed,
        model=request.chosen.model_version,
        iterations=request.iterations,
        consistency=request.consistency,
        pipeline=PIPELINE_VERSION,
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
    try:
        method = request.chosen
    except SharpenError as exc:
        raise SceneError(str(exc)) from exc
    key = request_key(request)
    cached = cache.get(key)
    if cached is not None:
        return cached
    if report is not None:
        report(Progress(0, 1, "reading the area"))
    area = read_area(
        request.scene,
        request.bbox,
        bands=request.date_bands,
        max_pixels=method.max_area_pixels,
        action=f"sharpening with {request.method}",
    )
    check_cancel(cancel)
    if report is not None:
        size = f"{area.array.shape[2]} × {area.array.shape[1]} pixels"
        report(Progress(0, 1, f"starting ({size})"))

    options: dict[str, Any] = {"device": request.device, "consistency": request.consistency}
    if method.takes_dip_options:
        options.update(
            preset=request.preset,
            progress=report,
            cancel=cancel,
            preview_every=25,
            iterations=request.iterations,
            seed=request.seed,
        )
    raster = enhance_area(area, request.scale, request.method, **options)
    raster = replace(raster, band_scaling=_declared_for(request))  # NDVI of it reads true
    check_cancel(cancel)
    provenance: dict[str, Any] = {
        "scene_id": request.scene.scene_id,
        "scene_path": str(request.scene.path),
        "bbox": list(request.bbox),
        "window": list(request.window),
        "method": request.method,
        "preset": request.preset if method.takes_dip_options else None,
        "scale": request.scale,
        "seed": request.seed,
        "iterations": request.iterations,
        "model_version": method.model_version,
        "consistency_step": request.consistency,
        "enhanced_by": request.requested_by,
        "date_index": request.date,
        "date": request.scene.dates[request.date].label,
        "date_bands": list(request.date_bands or ()),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    # Judged on the values as they will be stored (rounded and clipped to the scene's dtype).
    stored = as_written(raster).astype(np.float32)
    assessment = assess(stored, area.array, request.scale)
    provenance["consistency"] = assessment.as_dict()
    return cache.put(
        key,
        lambda path: write_raster(path, raster),
        provenance,
        extras={
            CONSISTENCY_MAP: lambda path: write_consistency_map(path, assessment.map, area),
            ADDED_MAP: lambda path: write_consistency_map(
                path, assessment.added_map, area, "detail added beyond bicubic + back-projection"
            ),
        },
    )
