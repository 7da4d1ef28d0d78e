"""The Enhance button's plumbing: the job engine, the result cache, enhanced map layers."""

from __future__ import annotations

import atexit
import math
from functools import cache
from pathlib import Path

from sr.imagery.scene import (
    METRES_PER_DEGREE_LAT,
    METRES_PER_DEGREE_LON_AT_EQUATOR,
    BBox,
    Scene,
    check_area_size,
    open_scene,
)
from sr.imagery.scene_errors import AreaTooLargeError
from sr.jobs.engine import JobEngine
from sr.jobs.records import JobRecords
from sr.sharpen.cache import CachedResult, ResultCache
from sr.sharpen.pipeline import SharpenRequest, request_key
from ui.methods import method_text
from ui.registry import ServedScene, registry
from ui.settings import cache_dir, data_dir, default_area_pixels


def job_engine() -> JobEngine:
    """The process's job engine for the data folder (its futures outlive Streamlit reruns)."""
    return _job_engine(data_dir())


@cache
def _job_engine(data: Path) -> JobEngine:
    """server.py starts its connection (and the embedded cluster's workers) in the
    background when the server starts; it closes them when the server stops."""
    engine = JobEngine(JobRecords(data / "jobs"), result_cache())
    atexit.register(engine.close)
    return engine


def result_cache() -> ResultCache:
    """Enhanced areas; on a multi-machine cluster this folder must be shared by all."""
    return _result_cache(cache_dir() / "enhanced")


@cache
def _result_cache(folder: Path) -> ResultCache:
    return ResultCache(folder)


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
    """An enhanced area as a map layer, coloured like its parent scene's date."""
    date = int(result.provenance.get("date_index") or 0)
    return registry().register(open_scene(result.path), like=parent, like_date=date)


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


def ready_message(engine: JobEngine, result: CachedResult) -> str:
    """'Enhanced area ready.' for a result a job of this server computed, else where it
    came from: '… (from the cache: made 2026-12-02 by Ram).'"""
    snap = engine.snapshot(result.key)
    if snap is not None and snap.record.started is not None:
        return "Enhanced area ready."
    created = str(result.provenance.get("created", ""))[:10]
    by = result.provenance.get("enhanced_by")
    made = " ".join(p for p in (created and f"made {created}", by and f"by {by}") if p)
    return f"Enhanced area ready (from the cache{': ' + made if made else ''})."
