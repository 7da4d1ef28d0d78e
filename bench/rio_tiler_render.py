"""``sr.imagery.render``'s tiles and area images done by rio-tiler, for ``bench.bench_tiles`` only.

The candidate that issue 11 asked to measure: the same source choice and read bound as
``sr.imagery.render`` (``Pyramid``, ``tile_source``, ``area_source``), the same guarded dataset
(``sr.imagery.raster_guard.open_raster``; rio-tiler is handed the open dataset and never opens a
path), but the tile grid, reading, warping and masking are rio-tiler's (``Reader.tile`` and
``Reader.part`` on morecantile's WebMercatorQuad). It lost the comparison
(bench/results/tiles.md), so the app does not use it; it needs ``pip install
rio-tiler==9.4.12`` (not in requirements.txt).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import morecantile
from rasterio.warp import transform_bounds
from rio_tiler.errors import NoOverviewWarning
from rio_tiler.io import Reader
from rio_tiler.models import ImageData

from sr.imagery.bands import DisplayMode
from sr.imagery.raster_guard import open_raster
from sr.imagery.render import (
    TILE_SIZE,
    Pyramid,
    SourceChoice,
    area_source,
    encode_png,
    tile_source,
    to_rgba,
)
from sr.imagery.scene import WGS84, BBox, Stretch

WEB_MERCATOR_TMS = morecantile.tms.get("WebMercatorQuad")
ReadFn = Callable[[Reader], ImageData]


def _read(choice: SourceChoice, read: ReadFn) -> ImageData:
    """Run a rio-tiler read on the guarded dataset of the chosen source (or overview)."""
    level = choice.overview_level
    kwargs = {"overview_level": level} if level is not None else {}
    with open_raster(choice.path, limits=None, **kwargs) as dataset, warnings.catch_warnings():
        # The pyramid has already chosen the level; rio-tiler need not warn about overviews.
        warnings.simplefilter("ignore", NoOverviewWarning)
        with Reader(str(choice.path), dataset=dataset, tms=WEB_MERCATOR_TMS) as reader:
            return read(reader)


def _png(image: ImageData, stretch: Stretch) -> bytes:
    return encode_png(to_rgba(image.data, image.mask > 0, stretch))


def render_tile(
    pyramid: Pyramid, z: int, x: int, y: int, mode: DisplayMode, stretch: Stretch
) -> bytes | None:
    """``sr.imagery.render.render_tile`` through ``rio_tiler.io.Reader.tile``."""
    choice = tile_source(pyramid, z, x, y)
    if choice is None:
        return None
    method = choice.resampling.name
    image = _read(
        choice,
        lambda reader: reader.tile(
            x,
            y,
            z,
            tilesize=TILE_SIZE,
            indexes=pyramid.scene.bands.for_mode(mode),
            resampling_method=method,
            reproject_method=method,
        ),
    )
    return _png(image, stretch)


def render_area(
    pyramid: Pyramid, bbox: BBox, size: tuple[int, int], mode: DisplayMode, stretch: Stretch
) -> bytes:
    """``sr.imagery.render.render_area`` through ``rio_tiler.io.Reader.part``."""
    scene = pyramid.scene
    bounds = transform_bounds(WGS84, scene.crs, *bbox, densify_pts=21)
    choice = area_source(pyramid, bounds, size)
    method = choice.resampling.name
    image = _read(
        choice,
        lambda reader: reader.part(
            bounds,
            dst_crs=scene.crs,
            bounds_crs=scene.crs,
            width=size[0],
            height=size[1],
            indexes=scene.bands.for_mode(mode),
            resampling_method=method,
            reproject_method=method,
        ),
    )
    return _png(image, stretch)
