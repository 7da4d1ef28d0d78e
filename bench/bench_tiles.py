"""Benchmark: map tiles and area images of a full 10980 × 10980 scene,
sr/imagery/render.py vs rio-tiler.

Renders the same XYZ tiles (and the same two 1024² area images) with two renderers and
compares speed, peak memory and pixels: ``sr.imagery.render`` (hand-written tile math, overview
choice and WarpedVRT warping) and ``bench.rio_tiler_render`` (the same source choice and
guarded dataset, with morecantile + rio-tiler doing the tile grid, reading and warping).
The scene is made by ``bench.bench_scene.make_tile`` (a stripped GeoTIFF without overviews,
or ``--cog``), its reduced copy is built once before any timing, and every renderer × task
runs in a fresh child process, so its peak RSS is that of the work alone. A child renders
its tiles once cold (GDAL's block cache empty) and then WARM_PASSES times; the median warm
pass is reported. Needs ``pip install rio-tiler==9.4.12`` (not in requirements.txt).
Writes bench/results/tiles.json and tiles.md (tiles_cog.* with --cog).

    .venv/bin/python -m bench.bench_tiles [--size 10980] [--cog]
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import math
import multiprocessing as mp
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from bench.bench_scene import make_tile, peak_rss_mb, tile_position

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
# (name, zoom below the native one, most tiles): full resolution, 8× out, 64× out.
TILE_SETS = (("native", 0, 48), ("zoomed out 8x", 3, 48), ("zoomed out 64x", 6, 48))


RENDERERS = {"hand_written": "sr.imagery.render", "rio_tiler": "bench.rio_tiler_render"}
TITLES = {
    "hand_written": "hand-written (sr/imagery/render.py)",
    "rio_tiler": "rio-tiler 9.4.12 + morecantile 7.1.0",
}
WARM_PASSES = 4


def tiles_over(bbox: tuple[float, float, float, float], z: int, limit: int) -> list[tuple]:
    """Up to ``limit`` (z, x, y) tiles over a lon/lat box, nearest its centre first."""
    west, south, east, north = bbox
    x0, y0 = (int(v) for v in tile_position(west, north, z))
    x1, y1 = (int(v) for v in tile_position(east, south, z))
    cx, cy = tile_position((west + east) / 2, (south + north) / 2, z)
    tiles = [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    tiles.sort(key=lambda t: (t[1] + 0.5 - cx) ** 2 + (t[2] + 0.5 - cy) ** 2)
    return tiles[:limit]


def _areas(bounds: tuple[float, float, float, float]) -> list[tuple]:
    """The two area images of bench_scene: the whole scene, and a full-resolution window."""
    west, south, east, north = bounds
    cx, cy = (west + east) / 2, (south + north) / 2
    half_lon = 5120 / (111_320 * math.cos(math.radians(cy)))
    half_lat = 5120 / 110_540
    return [bounds, (cx - half_lon, cy - half_lat, cx + half_lon, cy + half_lat)]


def _measure(renderer: str, scene_path: str, cache: str, work: dict, queue: mp.Queue) -> None:
    """Child process: render the tiles (or areas) cold once, then warm; report times, RSS
    and the images."""
    from sr.imagery.scene import Stretch, open_scene

    render = importlib.import_module(RENDERERS[renderer])
    scene = open_scene(scene_path)
    pyramid = render.Pyramid(scene, Path(cache))  # the reduced copy exists already
    stretch = Stretch((200.0, 200.0, 200.0), (3000.0, 3000.0, 3000.0))
    if work["areas"]:
        jobs = [
            lambda b=b: render.render_area(pyramid, b, (1024, 1024), "true", stretch)
            for b in work["areas"]
        ]
    else:
        jobs = [lambda t=t: render.render_tile(pyramid, *t, "true", stretch) for t in work["tiles"]]
    before_mb = peak_rss_mb()
    passes = []
    images: list[bytes | None] = []
    for _ in range(1 + WARM_PASSES):
        start = time.perf_counter()
        images = [job() for job in jobs]
        passes.append(time.perf_counter() - start)
    queue.put((len(jobs), passes, before_mb, peak_rss_mb(), images))


def run_child(renderer: str, scene: Path, cache: Path, work: dict) -> tuple[dict, list]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_measure, args=(renderer, str(scene), str(cache), work, queue))
    proc.start()
    # A child that fails prints its traceback; do not wait for it for ever.
    count, passes, before_mb, peak_mb, images = queue.get(timeout=900)
    proc.join()
    warm = statistics.median(passes[1:])
    row = {
        "images": count,
        "cold_per_s": round(count / passes[0], 2),
        "warm_per_s": round(count / warm, 2),
        "warm_ms_each": round(1000 * warm / count, 1),
        "rss_before_mb": round(before_mb),
        "peak_rss_mb": round(peak_mb),
    }
    return row, images


def _decode(png: bytes | None) -> np.ndarray:
    if png is None:
        return np.zeros((256, 256, 4), np.int16)
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(np.int16)


def agreement(a: list, b: list) -> dict[str, float]:
    """How alike two renderers' tiles are: mean |ΔRGB| where both are opaque, and the share
    of pixels whose transparency differs."""
    diffs, alpha_mismatch, pixels = [], 0, 0
    for png_a, png_b in zip(a, b, strict=True):
        ra, rb = _decode(png_a), _decode(png_b)
        both = (ra[..., 3] == 255) & (rb[..., 3] == 255)
        if both.any():
            diffs.append(np.abs(ra[..., :3] - rb[..., :3])[both].mean())
        alpha_mismatch += int(((ra[..., 3] == 255) != (rb[..., 3] == 255)).sum())
        pixels += ra.shape[0] * ra.shape[1]
    return {
        "mean_abs_rgb_difference": round(float(np.mean(diffs)), 2) if diffs else 0.0,
        "alpha_mismatch_share": round(alpha_mismatch / pixels, 5),
    }


def write_markdown(result: dict, path: Path) -> None:
    lines = [
        "# Map tiles and area images: sr/imagery/render.py vs rio-tiler",
        "",
        f"Scene: {result['scene']}. Machine: {result['machine']}, shared with other work, so",
        "absolute speeds are noisy; both renderers ran back to back on the same images.",
        f"Command: `{result['command']}`. Per s: images per second; warm: median of "
        f"{WARM_PASSES} passes after the cold one.",
        "",
        "| images | renderer | n | cold per s | warm per s | warm ms each | RSS before MB "
        "| peak RSS MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for run in result["runs"]:
        for name in RENDERERS:
            r = run[name]
            lines.append(
                f"| {run['set']} | {TITLES[name]} | {r['images']} | {r['cold_per_s']} | "
                f"{r['warm_per_s']} | {r['warm_ms_each']} | {r['rss_before_mb']} | "
                f"{r['peak_rss_mb']} |"
            )
    lines += ["", "How alike the two renderers' images are:", ""]
    lines += ["| images | mean abs RGB difference (0–255) | transparency differs |"]
    lines += ["|---|---|---|"]
    for run in result["runs"]:
        a = run["agreement"]
        lines.append(
            f"| {run['set']} | {a['mean_abs_rgb_difference']} | {a['alpha_mismatch_share']:.3%} |"
        )
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10980)
    parser.add_argument("--cog", action="store_true", help="write a tiled COG with overviews")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the results")
    args = parser.parse_args()
    from sr.imagery.render import Pyramid, native_zoom
    from sr.imagery.scene import open_scene

    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        scene_path = Path(tmp) / "T45RUL_synthetic.tif"
        make_tile(scene_path, args.size, args.cog)
        cache = Path(tmp) / "cache"
        scene = open_scene(scene_path)
        Pyramid(scene, cache)  # builds the reduced copy once, outside every timing
        zoom = native_zoom(scene)
        work = [
            (
                f"{name} tiles (z{zoom - below})",
                {"tiles": tiles_over(scene.lonlat_bounds, zoom - below, limit), "areas": []},
            )
            for name, below, limit in TILE_SETS
        ]
        work.append(
            (
                "1024² areas: whole scene + full-res window",
                {"tiles": [], "areas": _areas(scene.lonlat_bounds)},
            )
        )
        for title, job in work:
            run: dict = {"set": title}
            images = {}
            for name in RENDERERS:
                run[name], images[name] = run_child(name, scene_path, cache, job)
            run["agreement"] = agreement(images["hand_written"], images["rio_tiler"])
            runs.append(run)
            print(json.dumps(run), flush=True)
    result = {
        "scene": f"{args.size} x {args.size} x 4 uint16, "
        + ("tiled COG with overviews" if args.cog else "stripped GeoTIFF, no overviews"),
        "machine": f"{platform.machine()}, {mp.cpu_count()} cores",
        "renderers": TITLES,
        "runs": runs,
        "command": "python -m bench.bench_tiles" + (" --cog" if args.cog else ""),
    }
    args.results.mkdir(parents=True, exist_ok=True)
    name = "tiles_cog" if args.cog else "tiles"
    (args.results / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    write_markdown(result, args.results / f"{name}.md")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
