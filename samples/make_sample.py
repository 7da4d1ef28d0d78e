"""Cut the bundled sample scenes (see samples/README.md for their provenance).

Usage:
    python samples/make_sample.py sentinel2 \
        ../shared/data/sentinel2/austria_danube_s2_2date_8band.tif
    python samples/make_sample.py landsat PATH/TO/LC08_L1TP_224078_20200518_20200518_01_RT.TIF

Each writes a Cloud-Optimized GeoTIFF with named bands, overviews (DEFLATE, predictor 2) and
its provenance in the file's tags.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import rasterio
from rasterio.windows import Window

HERE = Path(__file__).parent
SENTINEL2_OUT = HERE / "danube_farmland_sentinel2.tif"
LANDSAT_OUT = HERE / "parana_farmland_landsat8_20200518.tif"
# The Sentinel-2 cut: both dates (bands 1-4 and 5-8 = B4, B3, B2, B8 of the first and the
# second date), columns 190-465, every row.
# These columns are held out of the enhancer's training data (scripts/make_training_data.py
# trains on columns 0-189 and 466-577), so the sample shows what a new scene would get.
SENTINEL2_WINDOW = Window(col_off=190, row_off=0, width=276, height=379)
S2_BANDS = ("B4 red", "B3 green", "B2 blue", "B8 nir")
LANDSAT_WINDOW = Window(col_off=0, row_off=300, width=960, height=960)


def write_cog(
    out: Path, data: np.ndarray, src: rasterio.io.DatasetReader, window: Window, **tags: str
) -> None:
    """Write ``data`` (bands, rows, cols) as a COG georeferenced like ``window`` of ``src``."""
    profile = {
        "driver": "COG",
        "width": int(window.width),
        "height": int(window.height),
        "count": data.shape[0],
        "dtype": str(data.dtype),
        "crs": src.crs,
        "transform": src.window_transform(window),
        "nodata": 0,
        "compress": "deflate",
        "predictor": 2,
        "level": 9,
        "overview_resampling": "average",
        "blocksize": 256,
        "overviews": "AUTO",
    }
    with rasterio.open(out, "w", **profile) as dst:
        dst.write(data)
        dst.descriptions = tags.pop("descriptions").split(",")  # names: sr.imagery.band_layout
        dst.update_tags(**tags)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB)")


def sentinel2(source: str) -> None:
    with rasterio.open(source) as src:
        data = src.read(list(range(1, 9)), window=SENTINEL2_WINDOW)
        # Band names repeat once per date (sr.imagery.band_layout reads them as two
        # dates, in order).
        names = [f"{band} (date {n})" for n in (1, 2) for band in S2_BANDS]
        write_cog(
            SENTINEL2_OUT,
            data,
            src,
            SENTINEL2_WINDOW,
            descriptions=",".join(names),
            SOURCE=(
                "Sentinel-2 L2A, Copernicus Sentinel data; the test image of the Fields of The "
                "World baselines repository (tests/data-files/inference-img.tif, MIT), both of "
                "its dates, columns 190-465"
            ),
            DATES_NOTE=(
                "two dates, in the source's order (Fields of The World stacks its window A, "
                "around planting, then window B, around harvest); the source file does not "
                "record their calendar dates"
            ),
            LICENCE="Copernicus Sentinel data: free, full and open (credit: Copernicus)",
            UNITS="uint16 surface reflectance x 10000 (L2A)",
        )


def landsat(source: str) -> None:
    with rasterio.open(source) as src:
        data = src.read([3, 2, 1], window=LANDSAT_WINDOW)  # B4, B3, B2 → red, green, blue
        write_cog(
            LANDSAT_OUT,
            data,
            src,
            LANDSAT_WINDOW,
            descriptions="B4 red,B3 green,B2 blue",
            SOURCE="Landsat 8 OLI/TIRS L1TP LC08_L1TP_224078_20200518_20200518_01_RT (USGS)",
            ACQUISITION_DATE="2020-05-18",
            LICENCE="public domain (USGS Landsat)",
            UNITS="uint16 digital numbers (L1TP, not surface reflectance)",
        )


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("sentinel2", "landsat"):
        sys.exit(__doc__)
    {"sentinel2": sentinel2, "landsat": landsat}[sys.argv[1]](sys.argv[2])
