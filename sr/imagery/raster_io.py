"""Reading inputs and writing outputs of the ``sr`` command: GeoTIFFs and plain images.

A GeoTIFF (any band count, any dtype) keeps its georeference; the output's pixel size is
divided by the scale factor and integer outputs are rounded and clipped to the dtype's
range only. PNG/JPEG inputs (no georeference) are read as 8-bit RGB or grey and written
back as PNG.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from affine import Affine
from PIL import Image, UnidentifiedImageError
from rasterio.crs import CRS
from rasterio.errors import NotGeoreferencedWarning, RasterioIOError

from sr.imagery.cog import source_tags, write_cog
from sr.imagery.raster_guard import RasterRefusedError, open_raster
from sr.imagery.scene import (
    DEFAULT_MAX_AREA_PIXELS,
    BBox,
    declared_scaling,
    open_scene,
    read_area,
)
from sr.imagery.scene_errors import NoGeoreferenceError, NotARasterError

GEOTIFF_SUFFIXES = {".tif", ".tiff"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}


@dataclass(frozen=True)
class Raster:
    """Pixels (bands, rows, cols) with their georeference (None for plain images)."""

    array: np.ndarray
    dtype: str
    transform: Affine | None = None
    crs: CRS | None = None
    nodata: float | None = None
    descriptions: tuple[str | None, ...] = ()  # band names, kept in the output
    tags: Mapping[str, str] = field(default_factory=dict)  # dataset tags, kept in the output
    # each band's declared (scale, offset) (sr.imagery.scene.declared_scaling), kept too
    band_scaling: tuple[tuple[float, float], ...] = ()

    @property
    def georeferenced(self) -> bool:
        return self.crs is not None and self.transform is not None


def upscaled_transform(transform: Affine, scale: int) -> Affine:
    """The same grid origin with pixels ``scale``× smaller."""
    return transform @ Affine.scale(1 / scale)


def read_raster(path: Path, bbox: BBox | None = None, max_pixels: int | None = None) -> Raster:
    """Read a GeoTIFF (optionally a lon/lat area of it) or a PNG/JPEG image."""
    suffix = path.suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        if bbox is not None:
            raise NoGeoreferenceError(
                f"{path.name} is a plain image without georeference, so --bbox cannot be used "
                "on it; give a GeoTIFF or leave out --bbox."
            )
        return _read_image(path)
    if suffix not in GEOTIFF_SUFFIXES:
        raise NotARasterError(f"{path.name}: expected a .tif/.tiff, .png or .jpg file.")
    if bbox is not None:
        scene = open_scene(path, ask_layout=False)  # every band is read: no layout needed
        limit = DEFAULT_MAX_AREA_PIXELS if max_pixels is None else max_pixels
        area = read_area(scene, bbox, action="super-resolution", max_pixels=limit)
        with open_raster(path) as ds:
            tags = source_tags(ds)
        return Raster(
            area.array,
            scene.dtype,
            area.transform,
            area.crs,
            area.nodata,
            scene.descriptions,
            tags,
            scene.band_scaling,
        )
    return _read_geotiff(path)


def _read_image(path: Path) -> Raster:
    if not path.exists():
        raise NotARasterError(f"No file at {path}.")
    try:
        with Image.open(path) as opened:
            img = opened.convert("L" if opened.mode in ("L", "I;16", "I", "F") else "RGB")
            array = np.asarray(img)
    except (UnidentifiedImageError, OSError) as exc:
        raise NotARasterError(f"{path.name} is not an image that can be read: {exc}") from exc
    array = array[None] if array.ndim == 2 else array.transpose(2, 0, 1)
    return Raster(np.ascontiguousarray(array), "uint8")


def _read_geotiff(path: Path) -> Raster:
    if not path.exists():
        raise NotARasterError(f"No file at {path}.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with open_raster(path) as ds:
                if ds.crs is None or ds.transform == Affine.identity():
                    raise NoGeoreferenceError(
                        f"{path.name} has no georeference (CRS and geotransform), so the "
                        "output could not be placed on the map. Add one (gdal_translate "
                        "-a_srs/-a_ullr) or convert it to PNG for a plain image."
                    )
                return Raster(
                    ds.read(),
                    ds.dtypes[0],
                    ds.transform,
                    ds.crs,
                    ds.nodata,
                    tuple(ds.descriptions),
                    source_tags(ds),
                    declared_scaling(ds),
                )
    except RasterRefusedError as exc:
        raise NotARasterError(f"{path.name}: {exc}") from exc
    except RasterioIOError as exc:
        raise NotARasterError(f"{path.name} is not a GeoTIFF that can be read: {exc}") from exc


def to_dtype(array: np.ndarray, dtype: str) -> np.ndarray:
    """Cast float results to ``dtype``: integers are rounded and clipped to its range."""
    target = np.dtype(dtype)
    if np.issubdtype(target, np.integer):
        info = np.iinfo(target)
        clipped: np.ndarray = np.clip(np.rint(array), info.min, info.max)
        return clipped.astype(target)
    return array.astype(target)


def as_written(raster: Raster) -> np.ndarray:
    """The values :func:`write_raster` stores for ``raster``: cast to its dtype (GeoTIFF)
    or to 8 bits (PNG), rounded and clipped."""
    return to_dtype(raster.array, raster.dtype if raster.georeferenced else "uint8")


def write_raster(path: Path, raster: Raster) -> None:
    """Write a Cloud-Optimized GeoTIFF with the raster's band names and tags
    (georeferenced rasters, :func:`sr.imagery.cog.write_cog`) or a PNG (plain images)."""
    suffix = path.suffix.lower()
    if raster.georeferenced:
        if suffix not in GEOTIFF_SUFFIXES:
            raise ValueError(f"The input is a GeoTIFF, so the output must be .tif, not {suffix}.")
        assert raster.crs is not None and raster.transform is not None
        write_cog(
            path,
            as_written(raster),
            crs=raster.crs,
            transform=raster.transform,
            nodata=raster.nodata,
            descriptions=raster.descriptions,
            tags=raster.tags,
            band_scaling=raster.band_scaling,
        )
        return
    if suffix != ".png":
        raise ValueError(f"The input is a plain image, so the output must be .png, not {suffix}.")
    pixels = as_written(raster)
    image = Image.fromarray(pixels[0] if pixels.shape[0] == 1 else pixels.transpose(1, 2, 0))
    image.save(path)
