"""Benchmark: serving a full 10980 × 10980 × 4 uint16 Sentinel-2-sized tile on the map.

Generates the tile on the fly (stripped GeoTIFF without overviews: the hardest case,
or --cog for a COG with overviews), textured with real Sentinel-2 pixels from
../shared/data when present. Each measurement runs in a fresh child process so its
peak RSS is that of the work alone. Writes bench/results/scene.json and scene.md.

    .venv/bin/python -m bench.bench_scene [--size 10980] [--keep PATH]
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import platform
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.windows import Window

ROOT = Path(__file__).resolve().parents[1]
SHARED_S2 = ROOT.parent / "shared" / "data" / "sentinel2" / "austria_danube_s2_2date_8band.tif"
RESULTS = ROOT / "bench" / "results"


def make_tile(path: Path, size: int, cog: bool) -> float:
    """Write a size × size × 4 uint16 scene row block by row block; returns seconds."""
    start = time.perf_counter()
    if SHARED_S2.exists():
        with rasterio.open(SHARED_S2) as src:
            texture = src.read([1, 2, 3, 4])
    else:
        texture = np.random.default_rng(0).integers(200, 4000, (4, 379, 578), dtype=np.uint16)
    # Mirror the texture so tiles join without seams, then repeat it across the scene.
    texture = np.concatenate([texture, texture[:, ::-1]], axis=1)
    texture = np.concatenate([texture, texture[:, :, ::-1]], axis=2)
    th, tw = texture.shape[1:]
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 4,
        "dtype": "uint16",
        "crs": "EPSG:32645",
        "transform": Affine(10, 0, 300_000, 0, -10, 3_100_020),
        "nodata": 0,
    }
    if cog:
        profile.update(tiled=True, blockxsize=512, blockysize=512, compress="deflate")
    rows = 512
    with rasterio.open(path, "w", **profile) as dst:
        for row in range(0, size, rows):
            n = min(rows, size - row)
            r_idx = (np.arange(row, row + n) % th)[:, None]
            c_idx = (np.arange(size) % tw)[None, :]
            dst.write(texture[:, r_idx, c_idx], window=Window(0, row, size, n))
        if cog:
            dst.build_overviews([2, 4, 8, 16, 32], rasterio.enums.Resampling.average)
    return time.perf_counter() - start


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB.

    getrusage's ru_maxrss is not used: Linux carries it across fork and exec, so a child
    would report its parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(task: str, scene_path: str, cache: str, queue: mp.Queue) -> None:
    """Child process: run one task and report (seconds, peak RSS in MB, details)."""
    from sr.imagery.render import Pyramid, native_zoom, render_area
    from sr.imagery.scene import open_scene, percentile_stretch

    start = time.perf_counter()
    scene = open_scene(scene_path)
    pyramid = Pyramid(scene, Path(cache))
    details: dict[str, float] = {"prepare_s": time.perf_counter() - start}
    stretch = percentile_stretch(scene, (1, 2, 3))
    details["stretch_s"] = time.perf_counter() - start - details["prepare_s"]
    west, south, east, north = scene.lonlat_bounds
    t0 = time.perf_counter()
    if task == "overview":
        # The whole scene in one 1024 × 1024 image, and the zoom-8 tiles that cover it.
        render_area(pyramid, scene.lonlat_bounds, (1024, 1024), "true", stretch)
        details["overview_1024_s"] = time.perf_counter() - t0
        z = native_zoom(scene) - 6
        t1 = time.perf_counter()
        count = _render_tiles(pyramid, z, (west, south, east, north), stretch)
        details.update(overview_tiles=count, overview_tiles_s=time.perf_counter() - t1)
    else:
        # A full-resolution 1024 × 1024 px window (10 km²) and native-zoom tiles over it.
        cx, cy = (west + east) / 2, (south + north) / 2
        half_lon = 5120 / (111_320 * math.cos(math.radians(cy)))
        half_lat = 5120 / 110_540
        bbox = (cx - half_lon, cy - half_lat, cx + half_lon, cy + half_lat)
        render_area(pyramid, bbox, (1024, 1024), "true", stretch)
        details["fullres_1024_s"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        count = _render_tiles(pyramid, native_zoom(scene), bbox, stretch, limit=16)
        details.update(fullres_tiles=count, fullres_tiles_s=time.perf_counter() - t1)
    peak_mb = peak_rss_mb()
    queue.put((time.perf_counter() - start, peak_mb, details))


def tile_position(lon: float, lat: float, z: int) -> tuple[float, float]:
    """Where a lon/lat point falls in the XYZ tile grid of zoom ``z``, in tiles (x, y)."""
    n = 1 << z
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return (lon + 180) / 360 * n, y


def _render_tiles(pyramid, z, bbox, stretch, limit: int = 64) -> int:  # type: ignore[no-untyped-def]
    from sr.imagery.render import render_tile

    west, south, east, north = bbox
    x0, y0 = (int(v) for v in tile_position(west, north, z))
    x1, y1 = (int(v) for v in tile_position(east, south, z))
    count = 0
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            if count >= limit:
                return count
            render_tile(pyramid, z, x, y, "true", stretch)
            count += 1
    return count


def run_child(task: str, scene: Path, cache: Path) -> dict[str, object]:
    queue: mp.Queue = mp.get_context("spawn").Queue()
    proc = mp.get_context("spawn").Process(
        target=_measure, args=(task, str(scene), str(cache), queue)
    )
    proc.start()
    total, peak, details = queue.get()
    proc.join()
    return {
        "task": task,
        "total_s": round(total, 2),
        "peak_rss_mb": round(peak),
        **{k: round(v, 3) if isinstance(v, float) else v for k, v in details.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10980)
    parser.add_argument("--cog", action="store_true", help="write a tiled COG with overviews")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scene = Path(tmp) / "T45RUL_synthetic.tif"
        write_s = make_tile(scene, args.size, args.cog)
        cache = Path(tmp) / "cache"
        runs = [run_child("overview", scene, cache), run_child("fullres", scene, cache)]
        # The same again with the reduced copy already in the cache (a later session).
        runs.append({**run_child("overview", scene, cache), "task": "overview (cached)"})
    result = {
        "scene": f"{args.size} x {args.size} x 4 uint16, "
        + ("tiled COG with overviews" if args.cog else "stripped GeoTIFF, no overviews"),
        "scene_mb": round(args.size * args.size * 8 / 1e6),
        "generate_s": round(write_s, 1),
        "machine": f"{platform.machine()}, {mp.cpu_count()} cores",
        "runs": runs,
        "command": "python -m bench.bench_scene" + (" --cog" if args.cog else ""),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "scene_cog" if args.cog else "scene"
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
