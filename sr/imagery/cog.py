"""Enhanced rasters as Cloud-Optimized GeoTIFFs that say what they are.

GDAL's COG driver writes the file (internal tiles of 512² by default, DEFLATE with a predictor,
overviews down to one tile, averaged), so any GIS or tile server reads an area or a zoom
level without the whole file. The source's band names and its own tags (licence, source,
units, acquisition date …) are kept; how the raster was enhanced is written as
``SHARPFIELDS_*`` tags (:func:`enhancement_tags`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import rasterio.shutil
from affine import Affine
from rasterio.crs import CRS

from sr.fsutil import replace_with, temp_path_beside

TAG_PREFIX = "SHARPFIELDS_"
COG_OPTIONS = {
    "COMPRESS": "DEFLATE",
    "PREDICTOR": "YES",  # horizontal differencing for integers, floating point for floats
    "OVERVIEWS": "AUTO",
    "OVERVIEW_RESAMPLING": "AVERAGE",
    "BIGTIFF": "IF_SAFER",
    "NUM_THREADS": "ALL_CPUS",
}


def source_tags(ds: rasterio.io.DatasetReader) -> dict[str, str]:
    """The dataset's own tags worth keeping: all but GDAL's ``TIFFTAG_*`` (file-writing
    details such as the file's write time) and ``AREA_OR_POINT`` (GDAL sets it again)."""
    return {
        key: value
        for key, value in ds.tags().items()
        if not key.startswith("TIFFTAG_") and key != "AREA_OR_POINT"
    }


def enhancement_tags(
    *,
    method: str,
    scale: int,
    model_version: str | None,
    consistency: Mapping[str, Any] | None,
    software_version: str,
) -> dict[str, str]:
    """``SHARPFIELDS_*`` tags: method, model version, scale and the consistency figures."""
    tags = {
        "METHOD": method,
        "SCALE": str(scale),
        "MODEL_VERSION": model_version or "none",
        "SOFTWARE": f"sharpfields {software_version}",
    }
    if consistency is not None:
        tags["CONSISTENCY"] = json.dumps(consistency, sort_keys=True)
        if "badge" in consistency:
            tags["CONSISTENCY_BADGE"] = str(consistency["badge"])
    return {TAG_PREFIX + key: value for key, value in tags.items()}


def write_cog(
    path: Path,
    pixels: np.ndarray,
    *,
    crs: CRS,
    transform: Affine,
    nodata: float | None = None,
    descriptions: Sequence[str | None] = (),
    tags: Mapping[str, str] | None = None,
    band_tags: Sequence[Mapping[str, str]] = (),
    band_scaling: Sequence[tuple[float, float]] = (),
    blocksize: int = 512,
) -> None:
    """Write (bands, rows, cols) ``pixels`` as a COG of ``blocksize``² tiles at ``path``,
    atomically (a crash or a full disk leaves no partial file and the old one intact);
    ``band_scaling``: each band's (scale, offset) to declare (GDAL's), none when empty."""
    bands, rows, cols = pixels.shape
    profile = {
        "driver": "GTiff",
        "width": cols,
        "height": rows,
        "count": bands,
        "dtype": pixels.dtype.name,
        "crs": crs,
        "transform": transform,
        "nodata": nodata,
        "tiled": True,
        "blockxsize": blocksize,
        "blockysize": blocksize,
    }
    staging = temp_path_beside(path)  # a plain GeoTIFF the COG driver copies from
    final = temp_path_beside(path)
    try:
        with rasterio.open(staging, "w", **profile) as dst:
            dst.write(pixels)
            if tags:
                dst.update_tags(**tags)
            for band, name in enumerate(descriptions[:bands], start=1):
                if name:
                    dst.set_band_description(band, name)
            for band, values in enumerate(band_tags[:bands], start=1):
                dst.update_tags(band, **values)
            if band_scaling:
                dst.scales = [scale for scale, _ in band_scaling]
                dst.offsets = [offset for _, offset in band_scaling]
        options = {**COG_OPTIONS, "BLOCKSIZE": str(blocksize)}
        rasterio.shutil.copy(staging, final, driver="COG", **options)
        replace_with(final, path)
    finally:
        for leftover in (staging, final):
            leftover.unlink(missing_ok=True)
