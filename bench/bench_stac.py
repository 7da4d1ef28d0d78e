"""Benchmark: searching and fetching an area from a Sentinel-2-sized tile over HTTP.

Builds one 5490 × 5490 px tile (a quarter of a Sentinel-2 tile; 10 m bands B04, B03, B02,
B08 as separate COGs with overviews, SCL at 20 m), textured by mirroring the real Sentinel-2
pixels of ../shared/data (a cloud painted over its north-west quarter), lists it in a static
STAC catalogue served by stac-fastapi-static and the COGs by the tests' Range HTTP server,
both on loopback. For areas of 2, 10, 30 and 48 km a side (centred on the tile, so a quarter of
each under the cloud), a fresh child process searches (judging the area's cloud from
SCL) and fetches the area; we record time, HTTP requests, bytes sent and peak RSS (VmHWM:
ru_maxrss would carry the parent's peak over exec).

Loopback has no network latency, so the times are a floor: against a real catalogue add
about (requests × round trip) / the requests GDAL runs in parallel. The bytes are the honest
measure of how little a windowed read transfers. Writes bench/results/stac.json and stac.md.

    .venv/bin/python -m bench.bench_stac [--side 5490]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.warp import transform_bounds

from tests.stac_catalog import (
    SOURCE,
    RangeServer,
    derive_scl,
    save_catalog,
    start_stac_api,
    stop,
    tile_item,
)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
AREAS_KM = (2, 10, 30, 48)  # 48 km: near the default limit (2,500 km² for its lon/lat box)

CHILD = """
import json, re, sys, time
from pathlib import Path
from sr.stac.search import StacSettings, fetch_candidate, search_candidates
from sr.stac.area import area_from_bbox
url, bbox, out = sys.argv[1], [float(v) for v in sys.argv[2].split(",")], Path(sys.argv[3])
settings = StacSettings(catalog_url=url)
area = area_from_bbox(*bbox)
t0 = time.perf_counter()
[best] = search_candidates(area, "2024-07-01/2024-07-31", 100, settings)
t1 = time.perf_counter()
result = fetch_candidate(best, area, out, settings)
t2 = time.perf_counter()
peak_kb = re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text())[1]
print(json.dumps({"search_s": t1 - t0, "fetch_s": t2 - t1, "area_cloud": best.area_cloud,
    "width": result.scene.width, "height": result.scene.height,
    "peak_rss_mb": int(peak_kb) / 1024}))
"""


def build_tile(root: Path, side: int, image_url: str) -> tuple[Path, Affine, object]:
    """Write the tile's COGs and catalogue; returns catalog.json, the transform and CRS."""
    with rasterio.open(SOURCE) as src:
        data = src.read([1, 2, 3, 4])
        transform, crs = src.transform, src.crs
    pad = ((0, 0), (0, side - data.shape[1]), (0, side - data.shape[2]))
    bands = np.pad(data, pad, mode="symmetric")
    scl = derive_scl(bands[0], bands[3])
    half = side // 2
    scl[:half, :half] = 9
    bands[:, :half, :half] = np.maximum(bands[:, :half, :half], 7000)
    item = tile_item(
        "sentinel-2-l2a", "BENCH", datetime(2024, 7, 10, 10), "33UXP", bands, scl,
        transform, crs, root / "images", image_url,
    )  # fmt: skip
    return save_catalog(root, {"sentinel-2-l2a": [item]}), transform, crs


def centred_bbox(transform: Affine, crs: object, side: int, km: float) -> str:
    centre_x, centre_y = transform @ (side / 2, side / 2)
    half = km * 500
    box = (centre_x - half, centre_y - half, centre_x + half, centre_y + half)
    lonlat = transform_bounds(crs, "EPSG:4326", *box, densify_pts=21)
    return ",".join(f"{v:.6f}" for v in lonlat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--side", type=int, default=5490)
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        images = RangeServer(root / "images")
        started = time.perf_counter()
        catalog_json, transform, crs = build_tile(root, args.side, images.url)
        build_s = time.perf_counter() - started
        tile_bytes = sum(p.stat().st_size for p in (root / "images").rglob("*.tif"))
        process, url = start_stac_api(catalog_json, root / "api.log")
        try:
            for km in AREAS_KM:
                images.hits.clear()
                images.bytes_sent.clear()
                out = root / f"area-{km}km.tif"
                bbox = centred_bbox(transform, crs, args.side, km)
                done = subprocess.run(
                    [sys.executable, "-c", CHILD, url, bbox, str(out)],
                    cwd=ROOT, capture_output=True, text=True, check=True,
                )  # fmt: skip
                run = json.loads(done.stdout.strip().splitlines()[-1])
                run |= {
                    "area_km": km,
                    "http_requests": sum(images.hits.values()),
                    "mb_sent": sum(images.bytes_sent.values()) / 1e6,
                    "output_mb": out.stat().st_size / 1e6,
                }
                runs.append(run)
                print(json.dumps(run), flush=True)
        finally:
            stop(process)
            images.close()
    result = {
        "tile_side_px": args.side,
        "tile_cogs_mb": tile_bytes / 1e6,
        "build_s": build_s,
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, shared 2-core dev box",
        "runs": runs,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "stac.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        f"Tile {args.side} × {args.side} px, 5 COGs = {tile_bytes / 1e6:.0f} MB; loopback.",
        "",
        "| area | pixels | area cloud | search (SCL) | fetch | requests | MB sent | peak RSS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r['area_km']} km | {r['width']} × {r['height']} | {r['area_cloud']:.0%} | "
            f"{r['search_s']:.2f} s | {r['fetch_s']:.2f} s | {r['http_requests']} | "
            f"{r['mb_sent']:.1f} | {r['peak_rss_mb']:.0f} MB |"
        )
    (RESULTS / "stac.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
