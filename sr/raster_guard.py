"""The one guarded door through which every raster is opened.

GDAL opens far more than image files: a VRT (XML) can read raw bytes of any file on the
server, ``/vsicurl/`` fetches URLs, ``/vsizip/`` and friends open archives, and a 1 KB file
can declare a million-by-million-pixel image. Scenes come from users, so the app treats
every raster as hostile:

* Only GeoTIFF (COG included) is accepted: the file must start with a TIFF signature and is
  opened with the GTiff driver alone, so a VRT or any XML/text raster is refused whatever its
  name. This is the door that matters: GDAL 3.10 (rasterio 1.4's wheels) has no run-time
  switch for a VRT's raw bands (``GDAL_VRT_ENABLE_RAWRASTERBAND`` is a build option; 3.12
  adds ``GDAL_VRT_RAWRASTERBAND_ALLOWED_SOURCE``), so a VRT must never reach GDAL.
* GDAL is configured process-wide so that nothing outside the named file is reached: no
  sibling files probed (``.aux.xml``, ``.ovr``, ``.msk``) and no network (``/vsicurl/``
  refuses every URL unless a caller opens a scoped ``rasterio.Env`` that allows it, as the
  STAC fetcher does).
* Width, height, band count, pixel count and block size are capped before a pixel is read.

Limits have defaults that admit a full 10980 × 10980 Sentinel-2 tile with room to spare and
can be changed by the operator (``SHARPFIELDS_MAX_SCENE_SIDE``, ``SHARPFIELDS_MAX_SCENE_PIXELS``,
``SHARPFIELDS_MAX_SCENE_BANDS``).
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from rasterio.errors import NotGeoreferencedWarning

# GDAL settings that keep a raster from reaching anything but its own file. They are put in
# the environment (GDAL reads configuration options from it at each use), so they hold for
# every thread; a scoped ``rasterio.Env`` may override them for trusted code only.
SAFE_GDAL_CONFIG = {
    # Behave as if the folder were empty: no side-car file is looked for or opened.
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    # No .aux.xml side-cars read or written next to user files.
    "GDAL_PAM_ENABLED": "NO",
    # /vsicurl/ only fetches names with an allowed extension: none by default.
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".sharpfields-network-disabled",
    "GDAL_HTTP_TIMEOUT": "10",
    "GDAL_HTTP_MAX_RETRY": "0",
}
os.environ.update(SAFE_GDAL_CONFIG)

TIFF_SIGNATURES = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")  # TIFF and BigTIFF
ALLOWED_DTYPES = frozenset(
    {"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "float64"}
)
# Default caps: a full Sentinel-2 tile is 10980² = 120.6 M pixels.
DEFAULT_MAX_SIDE = 30_000
DEFAULT_MAX_PIXELS = 400_000_000
DEFAULT_MAX_BANDS = 32
# One strip or tile is read whole by GDAL: a single 1 GB strip would be read for one pixel.
MAX_BLOCK_BYTES = 64 * 1024 * 1024


class RasterRefusedError(Exception):
    """The file is not accepted as a raster; the message says why, in plain words."""


@dataclass(frozen=True)
class RasterLimits:
    """Caps checked when a raster is opened, before any pixel is read."""

    max_side: int = DEFAULT_MAX_SIDE
    max_pixels: int = DEFAULT_MAX_PIXELS
    max_bands: int = DEFAULT_MAX_BANDS

    @classmethod
    def from_env(cls) -> RasterLimits:
        """The limits set by the operator (``SHARPFIELDS_MAX_SCENE_*``), else the defaults."""

        def read(name: str, default: int) -> int:
            value = os.environ.get(name, "").replace("_", "").strip()
            return int(value) if value.isdigit() and int(value) > 0 else default

        return cls(
            max_side=read("SHARPFIELDS_MAX_SCENE_SIDE", DEFAULT_MAX_SIDE),
            max_pixels=read("SHARPFIELDS_MAX_SCENE_PIXELS", DEFAULT_MAX_PIXELS),
            max_bands=read("SHARPFIELDS_MAX_SCENE_BANDS", DEFAULT_MAX_BANDS),
        )


def check_raster_path(path: str | os.PathLike[str]) -> Path:
    """The path of a plain local file that starts with a TIFF signature, or a refusal.

    GDAL's virtual file systems (``/vsicurl/``, ``/vsizip/`` …) and URLs are refused by name;
    symlinks are resolved so the caller sees the real file.
    """
    text = os.fspath(path)
    if "\x00" in text or "/vsi" in text.lower() or "://" in text:
        raise RasterRefusedError("Only GeoTIFF files on this server can be opened.")
    real = Path(text).resolve()
    if not real.is_file():
        raise RasterRefusedError("There is no such file.")
    try:
        with open(real, "rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise RasterRefusedError("The file cannot be read.") from exc
    if head not in TIFF_SIGNATURES:
        raise RasterRefusedError(
            "The file is not a GeoTIFF. Export the scene as a GeoTIFF or Cloud-Optimized "
            "GeoTIFF (other formats, VRT included, are not accepted)."
        )
    return real


def open_raster(
    path: str | os.PathLike[str], limits: RasterLimits | None = None, **kwargs: object
) -> rasterio.io.DatasetReader:
    """Open a local GeoTIFF read-only through the GTiff driver alone, within ``limits``.

    Raises RasterRefusedError for anything else, and rasterio's RasterioIOError when the TIFF
    itself is damaged. ``kwargs`` go to ``rasterio.open`` (e.g. ``overview_level``).
    """
    real = check_raster_path(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        ds = rasterio.open(real, driver="GTiff", **kwargs)
    try:
        check_limits(ds, limits or RasterLimits.from_env())
    except RasterRefusedError:
        ds.close()
        raise
    return ds


def check_limits(ds: rasterio.io.DatasetReader, limits: RasterLimits) -> None:
    """Refuse a dataset whose declared size could exhaust the server's memory."""
    if ds.driver != "GTiff":
        raise RasterRefusedError("The file is not a GeoTIFF.")
    if ds.width > limits.max_side or ds.height > limits.max_side:
        raise RasterRefusedError(
            f"The image is {ds.width:,} × {ds.height:,} pixels; at most {limits.max_side:,} "
            "pixels a side are accepted. Cut the area you need (gdal_translate -srcwin)."
        )
    if ds.width * ds.height > limits.max_pixels:
        raise RasterRefusedError(
            f"The image has {ds.width * ds.height:,} pixels; at most {limits.max_pixels:,} "
            "are accepted. Cut the area you need (gdal_translate -srcwin)."
        )
    if ds.count > limits.max_bands:
        raise RasterRefusedError(
            f"The image has {ds.count} bands; at most {limits.max_bands} are accepted."
        )
    for dtype in set(ds.dtypes):
        if dtype not in ALLOWED_DTYPES:
            raise RasterRefusedError(f"Pixels of type {dtype} are not supported.")
    itemsize = max(np.dtype(d).itemsize for d in ds.dtypes)
    block_h, block_w = ds.block_shapes[0]
    interleaved = ds.interleaving is not None and ds.interleaving.name == "PIXEL"
    block_bytes = block_h * block_w * itemsize * (ds.count if interleaved else 1)
    if block_bytes > MAX_BLOCK_BYTES:
        raise RasterRefusedError(
            "The file is stored in blocks too large to read safely; write it as a tiled "
            "GeoTIFF or COG (gdal_translate -of COG)."
        )
