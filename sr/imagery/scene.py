"""Reading satellite scenes: validation, band roles, lon/lat windows and display stretch.

Every file is opened through the guarded door of ``sr.imagery.raster_guard``: GeoTIFF and COG in
any CRS, nothing else. Big scenes are never read whole: statistics come from overviews or
from a decimated read, and areas are read through windows.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.errors import RasterioIOError
from rasterio.transform import array_bounds
from rasterio.warp import transform_bounds, transform_geom
from rasterio.windows import Window, from_bounds
from shapely.geometry import Polygon, box, shape

from sr.fsutil import file_version_key, safe_file_stem
from sr.imagery.bands import BandRoles, guess_band_roles
from sr.imagery.raster_guard import RasterRefusedError, open_raster
from sr.imagery.scene_errors import (
    AreaTooLargeError,
    CorruptRasterError,
    NoGeoreferenceError,
    NotARasterError,
    OutsideSceneError,
    SceneError,
    TooFewBandsError,
)

if TYPE_CHECKING:
    from sr.imagery.band_layout import BandLayout, LayoutBook, SceneDate
    from sr.imagery.baseline_offset import OffsetBook

BBox = tuple[float, float, float, float]  # west, south, east, north in degrees (EPSG:4326)

WGS84 = CRS.from_epsg(4326)
# Length of one degree of longitude at the equator (WGS84), and of latitude on average.
METRES_PER_DEGREE_LON_AT_EQUATOR = 111_320
METRES_PER_DEGREE_LAT = 110_574
# The largest area (in source pixels) that an interactive action may read at once.
DEFAULT_MAX_AREA_PIXELS = 4096 * 4096


@dataclass(frozen=True)
class Scene:
    """A validated, georeferenced raster scene (metadata only; pixels are read on demand)."""

    path: Path
    width: int
    height: int
    count: int
    dtype: str
    crs: CRS
    transform: Affine
    nodata: float | None
    descriptions: tuple[str | None, ...]
    bands: BandRoles
    overview_factors: tuple[int, ...] = field(default=())
    # its dates (sr.imagery.band_layout); None: one date, ``bands``
    layout: BandLayout | None = None
    # per band, the (scale, offset) the file declares (GDAL's band scale and offset); ()
    # where it declares none
    band_scaling: tuple[tuple[float, float], ...] = ()

    def as_declared(self, bands: tuple[int, ...], data: np.ndarray) -> np.ndarray:
        """``data`` (one plane per 1-based band of ``bands``) as the quantity the file
        declares: value × scale + offset (e.g. a Sentinel-2 L2A file of processing baseline
        04.00 that declares the −1000 added to its values); ``data`` itself where the file
        declares nothing. For indices such as NDVI,
        which an offset left in would bias."""
        if not self.band_scaling:
            return data
        scaling = np.array([self.band_scaling[b - 1] for b in bands], np.float64)
        shape = (len(bands),) + (1,) * (data.ndim - 1)
        declared: np.ndarray = data * scaling[:, 0].reshape(shape) + scaling[:, 1].reshape(shape)
        return declared

    @property
    def scene_id(self) -> str:
        """A short stable id, safe in URLs and file names: the file name (letters, digits,
        ``_.-`` only) plus a hash of its path, size and mtime."""
        digest = file_version_key(self.path)
        stem = safe_file_stem(self.path.stem, collapse=True, max_length=40)
        return f"{stem}-{digest}"

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def dates(self) -> tuple[SceneDate, ...]:
        """The scene's dates, in time order (one for a single-date scene)."""
        if self.layout is not None:
            return self.layout.dates
        from sr.imagery.band_layout import SceneDate

        return (SceneDate("the scene's date", None, self.bands),)

    def date_bands(self, date: int = 0) -> BandRoles:
        """The colour bands of date ``date`` (0 = the first); SceneError if there is none."""
        if not 0 <= date < len(self.dates):
            raise SceneError(f"This scene has {len(self.dates)} date(s), not {date + 1}.")
        return self.dates[date].bands

    @property
    def resolution(self) -> tuple[float, float]:
        """Pixel size (x, y) in CRS units."""
        return (abs(self.transform.a), abs(self.transform.e))

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) in the scene's CRS."""
        bounds: tuple[float, float, float, float] = array_bounds(
            self.height, self.width, self.transform
        )
        return bounds

    @cached_property
    def footprint(self) -> Polygon:
        """The scene's outline in lon/lat (EPSG:4326), densified so curved edges stay true."""
        native = box(*self.bounds)
        dense = native.segmentize(max(self.bounds[2] - self.bounds[0], 1e-9) / 32)
        geom = transform_geom(self.crs, WGS84, dense.__geo_interface__)
        return shape(geom)

    @cached_property
    def lonlat_bounds(self) -> BBox:
        """(west, south, east, north) of the footprint, in degrees."""
        bounds: BBox = transform_bounds(self.crs, WGS84, *self.bounds, densify_pts=21)
        return bounds

    @property
    def centre_latitude(self) -> float:
        """Latitude of the scene's centre, in radians."""
        _, south, _, north = self.lonlat_bounds
        return math.radians((south + north) / 2)

    @property
    def metres_per_pixel(self) -> float:
        """Approximate pixel width in metres (degrees converted at the scene's centre)."""
        res_x, _ = self.resolution
        if self.crs.is_geographic:
            return res_x * METRES_PER_DEGREE_LON_AT_EQUATOR * math.cos(self.centre_latitude)
        factor = self.crs.linear_units_factor
        return res_x * (factor[1] if factor else 1.0)

    @property
    def is_large(self) -> bool:
        return self.width * self.height > 2048 * 2048


def open_scene(
    path: str | os.PathLike[str],
    book: LayoutBook | None = None,
    ask_layout: bool = True,
    offsets: OffsetBook | None = None,
) -> Scene:
    """Open and validate a GeoTIFF scene through the guarded door (``sr.imagery.raster_guard``),
    or raise a SceneError saying what is wrong (never naming a server folder).

    Its dates come from the file (``sr.imagery.band_layout``) or from a layout a coordinator
    confirmed in ``book`` (default: the data folder's); a file whose bands cannot be told
    apart raises ``sr.imagery.band_layout.AmbiguousLayoutError`` — unless ``ask_layout`` is False
    (callers that read every band, like the command line's ``--bbox``): then it is one date
    with the first bands as red, green, blue, NIR.

    A file that declares no scale or offset gets the baseline offset a coordinator confirmed
    for it in ``offsets`` (default: the data folder's; ``sr.imagery.baseline_offset``)."""
    from sr.imagery.band_layout import LayoutBook
    from sr.imagery.baseline_offset import OffsetBook

    path = Path(path)
    try:
        ds = open_raster(path)
        with ds:
            scene = _describe(path, ds, book or LayoutBook(), ask_layout)
            if not scene.band_scaling:
                answer = (offsets or OffsetBook()).get(path, scene.count)
                if answer is not None and answer.taken_out:
                    scene = replace(scene, band_scaling=answer.scaling())
            _check_readable(ds)
    except RasterRefusedError as exc:
        raise NotARasterError(f"{path.name}: {exc}") from exc
    except RasterioIOError as exc:
        raise NotARasterError(
            f"{path.name} is not a GeoTIFF that can be read (damaged or another format). "
            "Export the scene again as a GeoTIFF or Cloud-Optimized GeoTIFF."
        ) from exc
    return scene


def declared_scaling(ds: rasterio.io.DatasetReader) -> tuple[tuple[float, float], ...]:
    """Each band's (scale, offset) as the file declares them; () when every band is (1, 0)
    (or declares nothing, which GDAL reports as that, or nothing usable)."""
    pairs = tuple(
        _usable(1.0 if s is None else float(s), 0.0 if o is None else float(o))
        for s, o in zip(ds.scales, ds.offsets, strict=True)
    )
    return () if all(pair == (1.0, 0.0) for pair in pairs) else pairs


def _usable(scale: float, offset: float) -> tuple[float, float]:
    """A declared (scale, offset), or (1, 0) where it could not be meant (not finite, or a
    scale of 0, which would make every value the same)."""
    if math.isfinite(scale) and math.isfinite(offset) and scale != 0:
        return scale, offset
    return 1.0, 0.0


def _describe(
    path: Path, ds: rasterio.io.DatasetReader, book: LayoutBook, ask_layout: bool = True
) -> Scene:
    if ds.crs is None:
        raise NoGeoreferenceError(
            f"{path.name} has no coordinate reference system, so it cannot be placed on the "
            "map. Export it as a GeoTIFF with its CRS (e.g. EPSG:32645 for Nepal)."
        )
    if ds.transform == Affine.identity():
        hint = "warp it to a map projection first (gdalwarp)" if ds.gcps[0] else "add one"
        raise NoGeoreferenceError(
            f"{path.name} has no geotransform (pixel positions on the ground): {hint}."
        )
    if ds.transform.b != 0 or ds.transform.d != 0:
        raise NoGeoreferenceError(f"{path.name} is rotated; warp it north-up first (gdalwarp).")
    if ds.count < 3:
        raise TooFewBandsError(
            f"{path.name} has {ds.count} band(s); at least 3 (red, green, blue) are needed."
        )
    from sr.imagery.band_layout import AmbiguousLayoutError, detect_layout

    default = guess_band_roles(ds.descriptions, ds.colorinterp)
    try:
        layout: BandLayout | None = detect_layout(
            path.name,
            ds.descriptions,
            [ds.tags(i) for i in range(1, ds.count + 1)],
            ds.tags(),
            default,
            confirmed=book.get(path),
        )
    except AmbiguousLayoutError:
        if ask_layout:
            raise
        layout = None
    return Scene(
        path=path,
        width=ds.width,
        height=ds.height,
        count=ds.count,
        dtype=ds.dtypes[0],
        crs=ds.crs,
        transform=ds.transform,
        nodata=ds.nodata,
        descriptions=tuple(ds.descriptions),
        bands=layout.dates[0].bands if layout else default,
        overview_factors=tuple(ds.overviews(1)),
        band_scaling=declared_scaling(ds),
        layout=layout,
    )


def _check_readable(ds: rasterio.io.DatasetReader) -> None:
    """Read one small decimated sample so that truncated or corrupt files fail now."""
    try:
        ds.read(1, out_shape=(min(ds.height, 64), min(ds.width, 64)))
        ds.read(1, window=Window(ds.width - 1, ds.height - 1, 1, 1))
    except RasterioIOError as exc:
        raise CorruptRasterError(
            f"{Path(ds.name).name} is damaged: its pixels cannot be read. "
            "Download or export it again."
        ) from exc


def parse_bbox(text: str) -> BBox | None:
    """'W,S,E,N' in degrees (lon/lat) → a box, or None when it is not four numbers."""
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        return None
    return (west, south, east, north)


def lonlat_window(scene: Scene, bbox: BBox) -> Window:
    """The pixel window of a lon/lat box, clipped to the scene; raises if they do not meet."""
    west, south, east, north = bbox
    values = np.array(bbox, dtype=float)
    if not np.all(np.isfinite(values)):
        raise OutsideSceneError("The area has missing or infinite coordinates.")
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise OutsideSceneError(
            f"The area ({west:.5f}, {south:.5f}, {east:.5f}, {north:.5f}) is not a valid "
            "lon/lat box (west < east, south < north, within ±180°/±90°)."
        )
    native = transform_bounds(WGS84, scene.crs, west, south, east, north, densify_pts=21)
    window = from_bounds(*native, transform=scene.transform)
    full = Window(0, 0, scene.width, scene.height)
    try:
        clipped = window.intersection(full)
    except rasterio.errors.WindowError:
        clipped = None
    if clipped is None or clipped.width < 1 or clipped.height < 1:
        raise OutsideSceneError(
            "The chosen area is outside the scene. Pick an area inside the scene's outline."
        )
    col0, row0 = math.floor(clipped.col_off), math.floor(clipped.row_off)
    col1 = math.ceil(clipped.col_off + clipped.width - 1e-9)
    row1 = math.ceil(clipped.row_off + clipped.height - 1e-9)
    return Window(col0, row0, col1 - col0, row1 - row0)


@dataclass(frozen=True)
class AreaRead:
    """Pixels of an area with their georeference: array is (bands, rows, cols)."""

    array: np.ndarray
    transform: Affine
    crs: CRS
    window: Window
    nodata: float | None


def check_area_size(width: int, height: int, max_pixels: int, action: str = "this action") -> None:
    """Raise ``AreaTooLargeError`` (saying how large and what fits) above ``max_pixels``."""
    if width * height > max_pixels:
        side = int(math.sqrt(max_pixels))
        raise AreaTooLargeError(
            f"The area is {width} × {height} pixels, too large for "
            f"{action} (at most {max_pixels:,} pixels, about {side} × {side}). "
            "Choose a smaller area."
        )


def read_area(
    scene: Scene,
    bbox: BBox,
    *,
    bands: tuple[int, ...] | None = None,
    max_pixels: int = DEFAULT_MAX_AREA_PIXELS,
    action: str = "this action",
) -> AreaRead:
    """Read a lon/lat area at full resolution, refusing areas above ``max_pixels``."""
    window = lonlat_window(scene, bbox)
    check_area_size(int(window.width), int(window.height), max_pixels, action)
    indexes = list(bands) if bands else list(range(1, scene.count + 1))
    with open_raster(scene.path) as ds:
        array = ds.read(indexes, window=window)
        transform = ds.window_transform(window)
    return AreaRead(array, transform, scene.crs, window, scene.nodata)


@dataclass(frozen=True)
class Stretch:
    """Per-band linear stretch: value ``low`` maps to 0 and ``high`` to 255."""

    low: tuple[float, ...]
    high: tuple[float, ...]

    def apply(self, array: np.ndarray) -> np.ndarray:
        """(3, H, W) values → (3, H, W) uint8."""
        low = np.asarray(self.low, dtype=np.float32)[:, None, None]
        high = np.asarray(self.high, dtype=np.float32)[:, None, None]
        scaled = (array.astype(np.float32) - low) / np.maximum(high - low, 1e-12)
        levels: np.ndarray = np.clip(scaled, 0.0, 1.0) * 255.0 + 0.5
        return levels.astype(np.uint8)


def sample_for_statistics(
    scene: Scene, bands: tuple[int, ...], max_side: int = 1024
) -> np.ma.MaskedArray:
    """A decimated read of whole bands (overviews are used when present), nodata masked."""
    scale = max(scene.width, scene.height) / max_side
    out_h = max(1, round(scene.height / max(scale, 1)))
    out_w = max(1, round(scene.width / max(scale, 1)))
    with open_raster(scene.path) as ds:
        data = ds.read(list(bands), out_shape=(len(bands), out_h, out_w), masked=True)
    invalid = ~np.isfinite(data.filled(0).astype(np.float64))
    if scene.nodata is None and np.issubdtype(data.dtype, np.integer):
        # Many exports mark outside-of-swath pixels as 0 without declaring nodata.
        invalid |= np.all(data.filled(0) == 0, axis=0, keepdims=True)
    return np.ma.masked_array(data, mask=np.ma.getmaskarray(data) | invalid)


def percentile_stretch(
    scene: Scene, bands: tuple[int, ...], low_pct: float = 2.0, high_pct: float = 98.0
) -> Stretch:
    """Per-band 2–98 % stretch from a decimated sample, never a whole-scene read."""
    sample = sample_for_statistics(scene, bands)
    lows, highs = [], []
    for band in sample:
        valid = band.compressed().astype(np.float64)
        if valid.size == 0:
            lows.append(0.0)
            highs.append(1.0)
            continue
        lo, hi = np.percentile(valid, [low_pct, high_pct])
        if hi <= lo:
            hi = lo + 1.0
        lows.append(float(lo))
        highs.append(float(hi))
    return Stretch(tuple(lows), tuple(highs))
