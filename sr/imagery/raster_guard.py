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
* The work a scene can cause is budgeted before any is done: the images in the file
  (overviews, masks) are counted by walking the TIFF's directory chain before GDAL sees it
  (at most ``MAX_IMAGES_IN_FILE``), and a scene that would need a reduced copy (large, no
  overviews) may make it read at most ``SHARPFIELDS_MAX_REDUCE_MB`` of pixels
  (width × height × bands × bytes per value).

Limits have defaults that admit a full 10980 × 10980 Sentinel-2 tile with room to spare and
can be changed by the operator (``SHARPFIELDS_MAX_SCENE_SIDE``, ``SHARPFIELDS_MAX_SCENE_PIXELS``,
``SHARPFIELDS_MAX_SCENE_BANDS``).
"""

from __future__ import annotations

import os
import struct
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
# Images in one TIFF (full resolution, overviews, masks): a 30,000-pixel side needs 15
# overview levels; a COG with masks twice that. Every open walks them all.
MAX_IMAGES_IN_FILE = 64
# Large scenes without overviews get a reduced copy (sr.imagery.render): above this many pixels.
REDUCED_COPY_ABOVE_PIXELS = 2048 * 2048
# Pixels read to make that copy: a 10980² Sentinel-2 tile of 4 uint16 bands is 0.9 GiB.
DEFAULT_MAX_REDUCE_MB = 2048


class RasterRefusedError(Exception):
    """The file is not accepted as a raster; the message says why, in plain words."""


@dataclass(frozen=True)
class RasterLimits:
    """Caps checked when a raster is opened, before any pixel is read."""

    max_side: int = DEFAULT_MAX_SIDE
    max_pixels: int = DEFAULT_MAX_PIXELS
    max_bands: int = DEFAULT_MAX_BANDS
    max_reduce_bytes: int = DEFAULT_MAX_REDUCE_MB * 1024 * 1024

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
            max_reduce_bytes=read("SHARPFIELDS_MAX_REDUCE_MB", DEFAULT_MAX_REDUCE_MB) * 1024 * 1024,
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
    if count_images(real, MAX_IMAGES_IN_FILE) > MAX_IMAGES_IN_FILE:
        raise RasterRefusedError(
            f"The file holds more than {MAX_IMAGES_IN_FILE} images (overviews and masks); "
            "write it again with normal overviews (gdal_translate -of COG)."
        )
    return real


def count_images(path: Path, limit: int) -> int:
    """How many images (IFDs) a TIFF's directory chain holds, counting at most ``limit`` + 1
    (a loop in the chain counts as too many). Reads a few bytes per image, no pixels."""
    with open(path, "rb") as handle:
        head = handle.read(16)
        order = "<" if head[:2] == b"II" else ">"
        big = head[2:4] in (b"+\x00", b"\x00+")
        if big:
            (offset,) = struct.unpack(order + "Q", head[8:16])
            count_fmt, count_size, entry_size, next_fmt = "Q", 8, 20, "Q"
        else:
            (offset,) = struct.unpack(order + "I", head[4:8])
            count_fmt, count_size, entry_size, next_fmt = "H", 2, 12, "I"
        seen: set[int] = set()
        while offset and len(seen) <= limit:
            if offset in seen:
                return limit + 1
            seen.add(offset)
            handle.seek(offset)
            raw = handle.read(count_size)
            if len(raw) < count_size:
                break  # damaged: GDAL says so when it opens the file
            (entries,) = struct.unpack(order + count_fmt, raw)
            handle.seek(offset + count_size + entries * entry_size)
            raw = handle.read(struct.calcsize(next_fmt))
            if len(raw) < struct.calcsize(next_fmt):
                break
            (offset,) = struct.unpack(order + next_fmt, raw)
        return len(seen)


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
    work = reduced_copy_work(ds)
    if work > limits.max_reduce_bytes:
        raise RasterRefusedError(
            f"The image has no overviews, and preparing it for the map would read "
            f"{work / 2**30:,.1f} GiB of pixels (at most {limits.max_reduce_bytes / 2**30:,.1f} "
            "GiB are accepted). Add overviews (gdaladdo -r average FILE) or write it as a COG "
            "(gdal_translate -of COG), or cut the area you need."
        )


def reduced_copy_work(ds: rasterio.io.DatasetReader) -> int:
    """Bytes of pixels a reduced copy of this dataset would read (0: it needs none)."""
    if ds.overviews(1) or ds.width * ds.height <= REDUCED_COPY_ABOVE_PIXELS:
        return 0
    itemsize = int(max(np.dtype(d).itemsize for d in ds.dtypes))
    return int(ds.width) * int(ds.height) * int(ds.count) * itemsize
