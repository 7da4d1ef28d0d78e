"""The Enhance button's plumbing: background jobs, the result cache, enhanced map layers."""

from __future__ import annotations

import math
import threading
from functools import cache

from sr.cache import CachedResult, CacheWriteError, ResultCache
from sr.jobs import Job, JobBoard, JobCancelled, Report
from sr.pipeline import SharpenRequest, request_key, sharpen_area
from sr.scene import (
    METRES_PER_DEGREE_LAT,
    METRES_PER_DEGREE_LON_AT_EQUATOR,
    AreaTooLargeError,
    BBox,
    Scene,
    SceneError,
    check_area_size,
    open_scene,
)
from ui.methods import method_text
from ui.registry import ServedScene, registry
from ui.settings import cache_dir, default_area_pixels


@cache
def job_board() -> JobBoard:
    return JobBoard()


@cache
def result_cache() -> ResultCache:
    return ResultCache(cache_dir() / "enhanced")


JOB_FAILED = (
    "The enhancement stopped because of a problem on the server (its log has the details). "
    "Try again, or choose a quicker method."
)


class EnhancementFailed(RuntimeError):
    """An unexpected failure of a job, told plainly (the cause stays chained for the log)."""


def _sharpen_plainly(request: SharpenRequest, report: Report, cancel: threading.Event) -> object:
    """``sharpen_area``; failures other than the explained ones (a bad area, a full disk,
    a cancel) become ``JOB_FAILED``, never an exception's name."""
    try:
        return sharpen_area(request, result_cache(), report, cancel)
    except (SceneError, CacheWriteError, JobCancelled):
        raise
    except Exception as exc:
        raise EnhancementFailed(JOB_FAILED) from exc


def start_sharpening(request: SharpenRequest) -> Job:
    """Start (or join) the background job for a request; cached results finish at once."""
    return job_board().submit(
        request_key(request), lambda report, cancel: _sharpen_plainly(request, report, cancel)
    )


def cached_result(request: SharpenRequest) -> CachedResult | None:
    return result_cache().get(request_key(request))


def enhance_blocker(request: SharpenRequest) -> str | None:
    """Why Enhance cannot run on this request (the area is too large), or None.

    The same limit as the job's (the method's ``max_area_pixels``), told before pressing."""
    _, _, width, height = request.window
    limit = request.chosen.max_area_pixels
    try:
        check_area_size(width, height, limit, f"sharpening with {method_text(request.method)}")
    except AreaTooLargeError as exc:
        return str(exc)
    return None


def served_result(result: CachedResult, parent: ServedScene) -> ServedScene:
    """An enhanced area as a map layer, coloured like its parent scene."""
    return registry().register(open_scene(result.path), like=parent)


def area_around(scene: Scene, lon: float, lat: float, size_px: int | None = None) -> BBox:
    """A lon/lat box of about ``size_px`` × ``size_px`` scene pixels centred on a click."""
    size_px = size_px or default_area_pixels()
    res_x, res_y = scene.resolution
    if scene.crs.is_geographic:
        half_lon, half_lat = res_x * size_px / 2, res_y * size_px / 2
    else:
        half_metres = scene.metres_per_pixel * size_px / 2
        half_lat = half_metres / METRES_PER_DEGREE_LAT
        half_lon = half_metres / (METRES_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(lat)))
    return (lon - half_lon, lat - half_lat, lon + half_lon, lat + half_lat)


def results_of_scene(scene_id: str) -> list[CachedResult]:
    """Every enhanced area of a scene in the cache (newest first)."""
    folder = result_cache().folder
    results = [r for p in folder.glob("*.json") if (r := result_cache().get(p.stem))]
    results = [r for r in results if r.provenance.get("scene_id") == scene_id]
    return sorted(results, key=lambda r: r.provenance.get("created", ""), reverse=True)
