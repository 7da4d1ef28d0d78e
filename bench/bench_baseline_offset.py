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

from pathlib import Path
from typing import Any

import numpy as np

from bench.bench_water import AREA, SCENE
from bench.results_files import write_results
from sr.imagery.baseline_offset import (
    BASELINE_OFFSET_DN,
    EVIDENCE_PERCENTILE,
    bears_offset,
    darkest_percentile,
)
from sr.imagery.raster_guard import open_raster
from sr.imagery.render import ndvi

RESULTS = Path(__file__).resolve().parent / "results"
BANDS_PER_DATE = 4  # B4, B3, B2, B8 (the scene's README)


def with_offset(bands: np.ndarray) -> np.ndarray:
    """The values as baseline 04.00 delivers them (nodata stays 0)."""
    return np.where(bands > 0, bands.astype(np.int32) + BASELINE_OFFSET_DN, 0).astype(np.uint16)


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
        "areas_detail": rows,
    }
    ndvi_table = "\n".join(
        f"| {n['date']} | {n['vegetation_pixels']:,} | {n['median_ndvi']} | "
        f"{n['median_ndvi_offset_left_in']} |"
        for n in ndvi_rows
    )
    wrong_clean, wrong_shifted = result["wrong_without_offset"], result["wrong_with_offset"]
    table = f"""# Processing baseline 04.00's offset on the shared scene ({SCENE.name})

`.venv/bin/python -m bench.bench_baseline_offset` · {len(rows)} area-dates of {AREA}² pixels
(two dates), each judged by `sr.stac.harmonize.bears_offset` (the darkest {EVIDENCE_PERCENTILE:g} %
of red, green and blue at or above {BASELINE_OFFSET_DN}) on the values as stored and with
{BASELINE_OFFSET_DN} added to every valid value (as baseline 04.00 delivers them).

| values | lowest darkest-band 1st percentile | highest | judged wrong |
|---|---|---|---|
| as stored (no offset) | {min(clean):.0f} | {max(clean):.0f} | {wrong_clean} of {len(rows)} |
| with the offset | {min(offset_p1):.0f} | {max(offset_p1):.0f} | {wrong_shifted} of {len(rows)} |

NDVI of the scene's vegetation (pixels with NDVI ≥ 0.6 on the true values), median:

| date | pixels | true | offset left in |
|---|---|---|---|
{ndvi_table}
"""
    write_results(RESULTS / "baseline_offset.json", result, table)


if __name__ == "__main__":
    main()
