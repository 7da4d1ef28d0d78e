"""How far the shared Sentinel-2 scene is from processing baseline 04.00's offset, and what
leaving the offset in does to NDVI.

    .venv/bin/python -m bench.bench_baseline_offset

The shared scene (../shared/data/sentinel2/, two dates, reflectance × 10000 without the
offset) is cut into areas of 128² pixels, as ``bench.bench_water`` cuts it. For each area
and date, the rule of :mod:`sr.stac.harmonize` (``sr.imagery.baseline_offset.bears_offset``:
the darkest 1 % of the valid pixels of red, green and blue all at or above 1000) is applied
to the values as they are (it must say "no offset") and with 1000 added to every valid
value, as a baseline 04.00 product delivers them (it must say "offset"). Reported: the
margin each way (the lowest and highest of the areas' darkest-band 1st percentile), how
many areas the rule gets wrong, and the median NDVI of the scene's vegetation (NDVI ≥ 0.6
on the true values) with and without the offset.

Writes bench/results/baseline_offset.json and .md.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import rasterio

from bench.bench_water import AREA, SCENE
from bench.results_files import write_results
from sr.imagery.band_layout import LayoutBook
from sr.imagery.baseline_offset import (
    BASELINE_OFFSET_DN,
    EVIDENCE_PERCENTILE,
    FILE_EVIDENCE_SPAN,
    OffsetBook,
    bears_offset,
    darkest_percentile,
)
from sr.imagery.offset_evidence import offset_evidence
from sr.imagery.raster_guard import open_raster
from sr.imagery.render import ndvi
from sr.imagery.scene import open_scene

RESULTS = Path(__file__).resolve().parent / "results"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
#: the files the Home page's question is measured on: the two bundled samples and the scene
FILES = (
    SAMPLES / "danube_farmland_sentinel2.tif",
    SAMPLES / "parana_farmland_landsat8_20200518.tif",
    SCENE,
)
BANDS_PER_DATE = 4  # B4, B3, B2, B8 (the scene's README)
SCENE_LAYOUT = "2 x (B4 B3 B2 B8)"


def with_offset(bands: np.ndarray) -> np.ndarray:
    """The values as baseline 04.00 delivers them (nodata stays 0)."""
    return np.where(bands > 0, bands.astype(np.int32) + BASELINE_OFFSET_DN, 0).astype(np.uint16)


def offset_copy(source: Path, target: Path) -> Path:
    """A copy of ``source`` with :func:`with_offset` applied to every band, names and tags
    kept, no offset declared (a stack built from a baseline 04.00 product's bands)."""
    with open_raster(source) as src:
        profile, data, names, tags = src.profile, src.read(), src.descriptions, src.tags()
    with rasterio.open(target, "w", **profile) as dst:
        dst.write(with_offset(data))
        dst.descriptions = names
        dst.update_tags(**tags)
    return target


def file_rows() -> list[dict[str, Any]]:
    """The Home page's question (``sr.imagery.offset_evidence``) on the scene files: each as
    stored and with the offset added, per date the darkest 1st percentile, and whether it
    is asked about."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        answers = OffsetBook(Path(tmp) / "answers")
        for source in FILES:
            copy = offset_copy(source, Path(tmp) / source.name)
            for values, path in (("as stored", source), ("with the offset", copy)):
                layouts = LayoutBook(Path(tmp) / "layouts")
                if source == SCENE:  # eight unnamed bands: as a coordinator confirms them
                    layouts.confirm(path, SCENE_LAYOUT, 2 * BANDS_PER_DATE, "bench")
                scene = open_scene(path, layouts, offsets=answers)
                evidence = offset_evidence(scene)
                assert evidence is not None  # none of them declares a scale or offset
                rows.append(
                    {
                        "file": source.name,
                        "values": values,
                        "dates": len(scene.dates),
                        "darkest_p1": list(evidence.darkest),
                        "asked_dates": len(evidence.dates),
                    }
                )
    return rows


def main() -> None:
    with open_raster(SCENE) as ds:
        scene = ds.read()
    dates = scene.shape[0] // BANDS_PER_DATE
    rows: list[dict[str, Any]] = []
    for date in range(dates):
        stack = scene[date * BANDS_PER_DATE : (date + 1) * BANDS_PER_DATE]
        for row in range(0, stack.shape[1], AREA):
            for col in range(0, stack.shape[2], AREA):
                area = stack[:, row : row + AREA, col : col + AREA]
                shifted = with_offset(area)
                rows.append(
                    {
                        "date": date + 1,
                        "row": row,
                        "col": col,
                        "darkest_p1": darkest_percentile(area),
                        "darkest_p1_with_offset": darkest_percentile(shifted),
                        "says_offset": bears_offset(area, BASELINE_OFFSET_DN),
                        "says_offset_with_offset": bears_offset(shifted, BASELINE_OFFSET_DN),
                    }
                )
    ndvi_rows = []
    for date in range(dates):
        red, nir = (scene[date * BANDS_PER_DATE + b].astype(np.float64) for b in (0, 3))
        valid = (red > 0) & (nir > 0)
        true = ndvi(red, nir)
        vegetation = valid & (true >= 0.6)
        offset = ndvi(red + BASELINE_OFFSET_DN, nir + BASELINE_OFFSET_DN)
        ndvi_rows.append(
            {
                "date": date + 1,
                "vegetation_pixels": int(vegetation.sum()),
                "median_ndvi": round(float(np.median(true[vegetation])), 3),
                "median_ndvi_offset_left_in": round(float(np.median(offset[vegetation])), 3),
            }
        )
    clean = [p for r in rows if (p := r["darkest_p1"]) is not None]
    offset_p1 = [p for r in rows if (p := r["darkest_p1_with_offset"]) is not None]
    result = {
        "scene": SCENE.name,
        "areas": len(rows),
        "wrong_without_offset": sum(r["says_offset"] for r in rows),
        "wrong_with_offset": sum(not r["says_offset_with_offset"] for r in rows),
        "darkest_p1_range": [min(clean), max(clean)],
        "darkest_p1_range_with_offset": [min(offset_p1), max(offset_p1)],
        "ndvi": ndvi_rows,
        "files": file_rows(),
        "areas_detail": rows,
    }
    ndvi_table = "\n".join(
        f"| {n['date']} | {n['vegetation_pixels']:,} | {n['median_ndvi']} | "
        f"{n['median_ndvi_offset_left_in']} |"
        for n in ndvi_rows
    )
    files_table = "\n".join(
        f"| {f['file']} | {f['values']} | {f['dates']} | "
        f"{', '.join('—' if d is None else f'{d:.0f}' for d in f['darkest_p1'])} | "
        f"{f['asked_dates']} of {f['dates']} |"
        for f in result["files"]
    )
    wrong_clean, wrong_shifted = result["wrong_without_offset"], result["wrong_with_offset"]
    table = f"""# Processing baseline 04.00's offset: the shared scene and the samples

`.venv/bin/python -m bench.bench_baseline_offset` · {SCENE.name}: {len(rows)} area-dates of
{AREA}² pixels (two dates), each judged by `sr.stac.harmonize.bears_offset` (the darkest
{EVIDENCE_PERCENTILE:g} % of red, green and blue at or above {BASELINE_OFFSET_DN}) on the
values as stored and with {BASELINE_OFFSET_DN} added to every valid value (as baseline
04.00 delivers them).

| values | lowest darkest-band 1st percentile | highest | judged wrong |
|---|---|---|---|
| as stored (no offset) | {min(clean):.0f} | {max(clean):.0f} | {wrong_clean} of {len(rows)} |
| with the offset | {min(offset_p1):.0f} | {max(offset_p1):.0f} | {wrong_shifted} of {len(rows)} |

NDVI of the scene's vegetation (pixels with NDVI ≥ 0.6 on the true values), median:

| date | pixels | true | offset left in |
|---|---|---|---|
{ndvi_table}

Scene files given to the app, as stored and with the offset added to every band. The Home
page asks a coordinator about a file that declares no offset when a date's darkest
{EVIDENCE_PERCENTILE:g} % of red, green and blue lie between {BASELINE_OFFSET_DN} and
{BASELINE_OFFSET_DN + FILE_EVIDENCE_SPAN} (`sr.imagery.offset_evidence`, from a decimated
sample of each date; the shared scene with its two dates confirmed as `{SCENE_LAYOUT}`):

| file | values | dates | darkest 1st percentile per date | dates asked about |
|---|---|---|---|---|
{files_table}
"""
    write_results(RESULTS / "baseline_offset.json", result, table)


if __name__ == "__main__":
    main()
