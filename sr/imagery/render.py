"""Turning scene pixels into display images: PNGs of any area and slippy-map tiles.

Memory stays bounded for any scene size: a tile or a window reads only the source
pixels it covers, from the coarsest overview that is still sharp enough. Scenes that
are large and have no overviews get a one-off reduced copy with overviews in a cache
folder (the source file is never modified).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from affine import Affine
from PIL import Image
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform_bounds

from sr.fsutil import replace_with
from sr.imagery.bands import BandRoles, DisplayMode
from sr.imagery.raster_guard import REDUCED_COPY_ABOVE_PIXELS, open_raster
from sr.imagery.scene import WGS84, BBox, Scene, Stretch
from sr.imagery.scene_errors import SceneError

WEB_MERCATOR = CRS.from_epsg(3857)
TILE_SIZE = 256
_HALF_WORLD = 20037508.342789244  # metres from the Web Mercator origin to the edge
# Large scenes without overviews get a reduced copy this many times smaller.
_REDUCED_FACTOR = 4
# ... and the work is budgeted (sr.imagery.raster_guard).
_REDUCED_MIN_PIXELS = REDUCED_COPY_ABOVE_PIXELS
# The most source pixels one tile or area image may read (a zoomed-out tile of a scene
# whose overviews are missing or too few would otherwise read the whole scene).
MAX_RENDER_SOURCE_PIXELS = 4096 * 4096
# GDAL's warper by default maps destination pixels to source pixels through a linear
# approximation, fitted within each image to 0.125 pixel: two tiles side by side then place
# pixel edges differently where they join (a faint seam on magnified tiles). Near-exact, a
# tile shows exactly the pixels one image of it and its neighbour would.
WARP_TOLERANCE = 0.001  # source pixels (0 fails in rasterio's WarpedVRT)
# The NDVI view's colours: (NDVI, R, G, B) stops from bare soil and water to dense crops.
NDVI_COLOURS = np.array(
    [
        (-0.2, 120, 80, 40),
        (0.1, 190, 160, 110),
        (0.3, 235, 225, 130),
        (0.5, 150, 200, 80),
        (0.7, 60, 150, 50),
        (0.9, 0, 90, 30),
    ],
    dtype=np.float64,
)


def to_rgba(data: np.ndarray, valid: np.ndarray, stretch: Stretch) -> np.ndarray:
    """(3, H, W) band values and an (H, W) validity mask → (H, W, 4) uint8 RGBA."""
    rgb = stretch.apply(data)
    alpha = np.where(valid, 255, 0).astype(np.uint8)[None]
    return np.concatenate([rgb, alpha]).transpose(1, 2, 0)


def view_bands(bands: BandRoles, mode: DisplayMode) -> tuple[int, ...]:
    """The bands a view reads: (R, G, B) for true and false colour, (red, NIR) for NDVI."""
    if mode == "ndvi":
        if bands.nir is None:
            raise SceneError("This scene has no near-infrared band, so no NDVI view.")
        return (bands.red, bands.nir)
    return bands.for_mode(mode)


def ndvi(red: np.ndarray, nir: np.ndarray) -> np.ndarray:
    """(NIR − red) / (NIR + red) as float32; 0 where both are 0."""
    red = red.astype(np.float32)
    nir = nir.astype(np.float32)
    total = nir + red
    out: np.ndarray = np.where(total != 0, (nir - red) / np.where(total != 0, total, 1), 0)
    return out.astype(np.float32)


def ndvi_rgba(data: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """(2, H, W) red and NIR values → (H, W, 4) uint8 RGBA on the NDVI colour ramp."""
    values = ndvi(data[0], data[1])
    stops = NDVI_COLOURS[:, 0]
    rgb = [np.interp(values, stops, NDVI_COLOURS[:, c]) for c in (1, 2, 3)]
    alpha = np.where(valid, 255, 0)
    return np.stack([*rgb, alpha], axis=-1).round().astype(np.uint8)


def view_rgba(
    data: np.ndarray, valid: np.ndarray, mode: DisplayMode, stretch: Stretch
) -> np.ndarray:
    """The pixels of a view (``view_bands``) as RGBA: stretched colour, or the NDVI ramp."""
    return ndvi_rgba(data, valid) if mode == "ndvi" else to_rgba(data, valid, stretch)


def encode_png(rgba: np.ndarray) -> bytes:
    """RGBA array → PNG bytes."""
    buffer = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """Web Mercator (EPSG:3857) bounds of an XYZ tile: (left, bottom, right, top)."""
    size = 2 * _HALF_WORLD / (1 << z)
    left = -_HALF_WORLD + x * size
    top = _HALF_WORLD - y * size
    return (left, top - size, left + size, top)


def native_zoom(scene: Scene) -> int:
    """The zoom level whose tile pixels are about as fine as the scene's own pixels."""
    world_px = 2 * _HALF_WORLD * math.cos(scene.centre_latitude) / scene.metres_per_pixel
    return max(0, min(22, math.ceil(math.log2(world_px / TILE_SIZE))))


class Pyramid:
    """The sources a scene can be rendered from, finest first: (path, overview level, factor)."""

    def __init__(
        self, scene: Scene, cache_dir: Path | None = None, reduce_above: int = _REDUCED_MIN_PIXELS
    ) -> None:
        self.scene = scene
        self.levels: list[tuple[Path, int | None, int]] = [(scene.path, None, 1)]
        self.levels += [(scene.path, i, factor) for i, factor in enumerate(scene.overview_factors)]
        if not scene.overview_factors and scene.width * scene.height > reduce_above:
            if cache_dir is None:
                raise ValueError("a cache folder is needed for a large scene without overviews")
            reduced = build_reduced_copy(scene, cache_dir)
            with open_raster(reduced) as ds:
                factors = ds.overviews(1)
            self.levels.append((reduced, None, _REDUCED_FACTOR))
            self.levels += [(reduced, i, _REDUCED_FACTOR * f) for i, f in enumerate(factors)]

    def source_for(self, scale: float, out_pixels: int = 0) -> tuple[Path, int | None]:
        """The coarsest source whose pixels are no coarser than ``scale`` scene pixels.

        ``out_pixels``: the size of the image to render; a render that would read more than
        MAX_RENDER_SOURCE_PIXELS source pixels is refused (zoom in, or add overviews).
        """
        best = self.levels[0]
        for level in self.levels:
            if level[2] <= max(scale, 1.0):
                best = level
        if out_pixels * (max(scale, 1.0) / best[2]) ** 2 > MAX_RENDER_SOURCE_PIXELS:
            raise SceneError("Zoom in to see this scene: it has no overviews for this zoom.")
        return best[0], best[1]


def build_reduced_copy(scene: Scene, cache_dir: Path) -> Path:
    """Write (once) a reduced, tiled copy of a big scene with internal overviews."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    out = cache_dir / f"{scene.scene_id}-reduced{_REDUCED_FACTOR}.tif"
    if out.exists():
        return out
    tmp = out.with_suffix(".partial.tif")
    height = math.ceil(scene.height / _REDUCED_FACTOR)
    width = math.ceil(scene.width / _REDUCED_FACTOR)
    transform = scene.transform @ Affine.scale(scene.width / width, scene.height / height)
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": scene.count,
        "dtype": scene.dtype,
        "crs": scene.crs,
        "transform": transform,
        "nodata": scene.nodata,
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
        "compress": "deflate",
    }
    rows_per_chunk = 256
    with open_raster(scene.path) as src, rasterio.open(tmp, "w", **profile) as dst:
        for row in range(0, height, rows_per_chunk):
            n = min(rows_per_chunk, height - row)
            window = rasterio.windows.Window(
                0,
                row * _REDUCED_FACTOR,
                scene.width,
                min(n * _REDUCED_FACTOR, scene.height - row * _REDUCED_FACTOR),
            )
            chunk = src.read(
                window=window, out_shape=(scene.count, n, width), resampling=Resampling.average
            )
            dst.write(chunk, window=rasterio.windows.Window(0, row, width, n))
        dst.build_overviews([2, 4, 8, 16, 32], Resampling.average)
    replace_with(tmp, out)
    return out


def _read_warped(
    choice: SourceChoice,
    bands: Sequence[int],
    dst_crs: CRS,
    dst_transform: Affine,
    size: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray]:
    """Warp a source (or one of its overviews) onto a destination grid: (data, valid mask)."""
    width, height = size
    level = choice.overview_level
    kwargs: dict[str, object] = {"overview_level": level} if level is not None else {}
    with open_raster(choice.path, limits=None, **kwargs) as src:
        # Without nodata, an alpha band marks where the source covers the destination.
        use_alpha = src.nodata is None
        with WarpedVRT(
            src,
            crs=dst_crs,
            transform=dst_transform,
            width=width,
            height=height,
            resampling=choice.resampling,
            add_alpha=use_alpha,
            tolerance=WARP_TOLERANCE,
        ) as vrt:
            data = vrt.read(list(bands))
            valid = vrt.read(vrt.count) > 0 if use_alpha else vrt.dataset_mask() > 0
    return data, valid


@dataclass(frozen=True)
class SourceChoice:
    """Where an image of the scene is read from, and how much it shrinks the scene."""

    path: Path
    overview_level: int | None
    scale: float  # scene pixels per output pixel

    @property
    def resampling(self) -> Resampling:
        """Nearest when magnifying (pixels stay crisp), bilinear when shrinking."""
        return Resampling.nearest if self.scale < 1 else Resampling.bilinear


def tile_source(pyramid: Pyramid, z: int, x: int, y: int) -> SourceChoice | None:
    """The source an XYZ tile is read from, or None where the tile misses the scene."""
    scene = pyramid.scene
    left, bottom, right, top = tile_bounds(z, x, y)
    s_west, s_south, s_east, s_north = transform_bounds(WGS84, WEB_MERCATOR, *scene.lonlat_bounds)
    if right <= s_west or left >= s_east or top <= s_south or bottom >= s_north:
        return None
    tile_res = (right - left) / TILE_SIZE
    # At the scene's latitude, not the tile's: every tile of a zoom then reads the same source
    # with the same resampling, and no seam shows where a tile's own latitude would tip the
    # choice (nearest ↔ bilinear, one overview ↔ the next).
    scale = tile_res * math.cos(scene.centre_latitude) / scene.metres_per_pixel
    return SourceChoice(*pyramid.source_for(scale, TILE_SIZE * TILE_SIZE), scale)


def area_source(
    pyramid: Pyramid, bounds: tuple[float, float, float, float], size: tuple[int, int]
) -> SourceChoice:
    """The source an image of ``bounds`` (in the scene's CRS) at ``size`` is read from."""
    left, bottom, right, top = bounds
    width, height = size
    scale = max((right - left) / width, (top - bottom) / height) / pyramid.scene.resolution[0]
    return SourceChoice(*pyramid.source_for(scale, width * height), scale)


def render_tile(
    pyramid: Pyramid,
    z: int,
    x: int,
    y: int,
    mode: DisplayMode,
    stretch: Stretch,
    date: int = 0,
) -> bytes | None:
    """A 256 × 256 PNG XYZ tile of one of the scene's dates, or None where the tile misses
    the scene."""
    choice = tile_source(pyramid, z, x, y)
    if choice is None:
        return None
    left, _, right, top = tile_bounds(z, x, y)
    tile_res = (right - left) / TILE_SIZE
    bands = view_bands(pyramid.scene.date_bands(date), mode)
    data, valid = _read_warped(
        choice,
        bands,
        WEB_MERCATOR,
        Affine(tile_res, 0, left, 0, -tile_res, top),
        (TILE_SIZE, TILE_SIZE),
    )
    return encode_png(view_rgba(_for_view(pyramid.scene, bands, data, mode), valid, mode, stretch))


def render_area(
    pyramid: Pyramid,
    bbox: BBox,
    size: tuple[int, int],
    mode: DisplayMode,
    stretch: Stretch,
    date: int = 0,
) -> bytes:
    """A PNG of a lon/lat area of one of the scene's dates at (width, height) pixels."""
    scene = pyramid.scene
    left, bottom, right, top = transform_bounds(WGS84, scene.crs, *bbox, densify_pts=21)
    width, height = size
    choice = area_source(pyramid, (left, bottom, right, top), size)
    transform = Affine((right - left) / width, 0, left, 0, -(top - bottom) / height, top)
    bands = view_bands(scene.date_bands(date), mode)
    data, valid = _read_warped(choice, bands, scene.crs, transform, size)
    return encode_png(view_rgba(_for_view(scene, bands, data, mode), valid, mode, stretch))


def _for_view(
    scene: Scene, bands: tuple[int, ...], data: np.ndarray, mode: DisplayMode
) -> np.ndarray:
    """The values a view colours: NDVI from the quantities the file declares (an offset
    left in would bias it), colour from the values as stored (the stretch is the scene's)."""
    return scene.as_declared(bands, data) if mode == "ndvi" else data
