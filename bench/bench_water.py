"""Open water in Outline all's proposals on the shared Sentinel-2 scene, and the water check.

    OMP_NUM_THREADS=2 .venv/bin/python -m bench.bench_water

The scene (../shared/data/sentinel2/, farmland beside the Danube, two dates, 578 × 379 px at
10 m) has no drawn fields, so this bench measures what needs none. The whole scene is cut
into areas of 128² scene pixels, each outlined as Outline all outlines an area where nothing
is enhanced: both dates' originals upsampled 4× (bicubic + back-projection, the app's
instant method), segmented together by the shipped assist, every proposal kept (no drawing
checks: a bench of the segmenter, not of a volunteer's store). For each proposal the water
check (:mod:`sr.imagery.water`) gives the share of its 10 m pixels that are open water on
each date.

Reported:

- how many proposals the check leaves out (water on both dates), and how many it would on
  one date alone (a one-date scene), and with the share needed at 0.3 and 0.7 instead of
  0.5 (a rule on a knife's edge would move a lot);
- how the proposals' water shares spread (the lower of the two dates), in tenths;
- the time the check adds to one area's Outline all;
- a picture, ``bench/results/water_check.png``: the scene's second date in true colour,
  the proposals left out in red, the others in yellow — to judge by eye what was left out
  (the scene has no water truth; that judgement is in the README and the issue's note).

Writes bench/results/water_check.json and .md.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw
from rasterio.warp import transform_geom
from rasterio.windows import Window
from shapely.geometry import Polygon, mapping, shape

from bench.results_files import cpu_model, write_results
from sr.imagery.band_layout import LayoutBook
from sr.imagery.raster_guard import open_raster
from sr.imagery.raster_io import upscaled_transform
from sr.imagery.scene import Scene, open_scene, percentile_stretch
from sr.imagery.water import WATER_SHARE, WaterCheck, water_checks
from sr.outline.assist import all_outlines, field_instances
from sr.outline.segment import default_segmenter
from sr.sharpen.methods import enhance

SHARED = Path(__file__).resolve().parents[2] / "shared/data"
SCENE = SHARED / "sentinel2/austria_danube_s2_2date_8band.tif"
RESULTS = Path(__file__).resolve().parent / "results"
AREA = 128  # scene pixels per side of an area (its view: 512² px at 2.5 m)
SCALE = 4
SHARES = (0.3, WATER_SHARE, 0.7)
LAYOUT = "2 x (B4 B3 B2 B8)"


def area_proposals(scene: Scene, col: int, row: int) -> list[Polygon]:
    """Outline all's proposals (lon/lat) on the area at (col, row), both dates together."""
    window = Window(col, row, min(AREA, scene.width - col), min(AREA, scene.height - row))
    with open_raster(scene.path) as ds:
        array = ds.read(window=window).astype(np.float32)
        transform = ds.window_transform(window)
    views = []
    for date in scene.dates:
        bands = [b - 1 for b in (date.bands.red, date.bands.green, date.bands.blue)]
        views.append(enhance(array[bands], SCALE, "bicubic", floor=0.0))
    instances = field_instances(views, default_segmenter())
    grid = upscaled_transform(transform, SCALE)
    return [
        shape(transform_geom(scene.crs, "EPSG:4326", mapping(p)))
        for p in all_outlines(instances, grid)
    ]


def left_out(checks: list[WaterCheck], share: float, dates: slice = slice(None)) -> int:
    """How many proposals are water (at least ``share``) on every one of ``dates`` that can
    tell (:meth:`WaterCheck.water_on`)."""
    return sum(c.water_on(share, dates) for c in checks)


def picture(scene: Scene, proposals: list[Polygon], checks: list[WaterCheck], path: Path) -> None:
    """The second date in true colour, 2× enlarged, the proposals outlined."""
    date = scene.dates[-1].bands
    bands = (date.red, date.green, date.blue)
    with open_raster(scene.path) as ds:
        rgb = percentile_stretch(scene, bands).apply(ds.read(list(bands)))
    zoom = 2
    image = Image.fromarray(rgb.transpose(1, 2, 0)).resize(
        (scene.width * zoom, scene.height * zoom), Image.Resampling.NEAREST
    )
    draw = ImageDraw.Draw(image)
    inverse = ~scene.transform
    for polygon, check in zip(proposals, checks, strict=True):
        native = shape(transform_geom("EPSG:4326", scene.crs, mapping(polygon)))
        ring = [inverse @ xy for xy in native.exterior.coords]
        colour = (255, 40, 40) if check.looks_like_water else (255, 214, 0)
        width = 2 if check.looks_like_water else 1
        draw.line([(c * zoom, r * zoom) for c, r in ring], fill=colour, width=width)
    image.save(path)


def two_date_scene(book_folder: Path) -> Scene:
    """The shared scene with its layout (its file names no band): two dates of B4 B3 B2 B8,
    as the bundled sample cut from it says."""
    book = LayoutBook(book_folder)
    book.confirm(SCENE, LAYOUT, 8, by="bench")
    return open_scene(SCENE, book)


def main() -> None:
    with tempfile.TemporaryDirectory() as book_folder:
        scene = two_date_scene(Path(book_folder))
    assert len(scene.dates) == 2
    proposals: list[Polygon] = []
    check_seconds: list[float] = []
    started = time.perf_counter()
    for row in range(0, scene.height, AREA):
        for col in range(0, scene.width, AREA):
            found = area_proposals(scene, col, row)
            t0 = time.perf_counter()
            water_checks(scene, found)
            check_seconds.append(time.perf_counter() - t0)
            proposals.extend(found)
    outline_seconds = time.perf_counter() - started - sum(check_seconds)
    checks = water_checks(scene, proposals)
    lowest = [min(c.known) if c.known else None for c in checks]
    spread = np.histogram([s for s in lowest if s is not None], bins=10, range=(0, 1))[0]
    result: dict[str, Any] = {
        "scene": SCENE.name,
        "areas": len(check_seconds),
        "proposals": len(proposals),
        "left_out": {
            f"{share:.1f}": {
                "both dates": left_out(checks, share),
                "date 1 alone": left_out(checks, share, slice(0, 1)),
                "date 2 alone": left_out(checks, share, slice(1, 2)),
            }
            for share in SHARES
        },
        "lower_share_in_tenths": [int(n) for n in spread],
        "check_ms_per_area": {
            "median": round(1000 * float(np.median(check_seconds)), 1),
            "max": round(1000 * max(check_seconds), 1),
        },
        "outline_all_s_per_area": round(outline_seconds / len(check_seconds), 2),
        "cpu": cpu_model(),
    }
    picture(scene, proposals, checks, RESULTS / "water_check.png")
    rows = "\n".join(
        f"| {share} | {v['both dates']} | {v['date 1 alone']} | {v['date 2 alone']} |"
        for share, v in result["left_out"].items()
    )
    tenths = " · ".join(str(n) for n in result["lower_share_in_tenths"])
    table = f"""# Open water among Outline all's proposals ({SCENE.name})

`OMP_NUM_THREADS=2 .venv/bin/python -m bench.bench_water` · {result["areas"]} areas of {AREA}²
scene pixels, both dates upsampled {SCALE}× (bicubic + back-projection) and outlined together
· {result["proposals"]} proposals · {result["cpu"]}

Proposals left out as open water (NDWI > 0 on at least the share of their pixels):

| share needed | on both dates (shipped: {WATER_SHARE}) | date 1 alone | date 2 alone |
|---|---|---|---|
{rows}

Proposals by their water share on the drier date, in tenths (0–0.1 … 0.9–1.0):
{tenths}

The check adds a median {result["check_ms_per_area"]["median"]} ms per area (max
{result["check_ms_per_area"]["max"]} ms) to Outline all's {result["outline_all_s_per_area"]} s.
Picture: `water_check.png` (red: left out; yellow: kept).
"""
    write_results(RESULTS / "water_check.json", result, table)


if __name__ == "__main__":
    main()
