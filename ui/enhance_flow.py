"""The Enhance button's plumbing: background jobs, the result cache, enhanced map layers."""

from __future__ import annotations

import math
from functools import cache

from sr.cache import CachedResult, ResultCache
from sr.jobs import Job, JobBoard
from sr.pipeline import SharpenRequest, request_key, sharpen_area
from sr.scene import (
    METRES_PER_DEGREE_LAT,
    METRES_PER_DEGREE_LON_AT_EQUATOR,
    BBox,
    Scene,
    open_scene,
)
from ui.registry import ServedScene, registry
from ui.settings import cache_dir, default_area_pixels


@cache
def job_board() -> JobBoard:
    return JobBoard()


@cache
def result_cache() -> ResultCache:
    return ResultCache(cache_dir() / "enhanced")


def start_sharpening(request: SharpenRequest) -> Job:
    """Start (or join) the background job for a request; cached results finish at once."""
    return job_board().submit(
        request_key(request),
        lambda report, cancel: sharpen_area(request, result_cache(), report, cancel),
    )


def cached_result(request: SharpenRequest) -> CachedResult | None:
    return result_cache().get(request_key(request))


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
