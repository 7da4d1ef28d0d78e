"""Find Sentinel-2 L2A scenes for an area in a STAC API and fetch one as a local COG.

``search_candidates`` asks the catalogue (pystac-client) for items over the area, dates and
maximum tile cloud cover, groups the items of one acquisition (an area across two MGRS tiles
has two), and ranks the groups by what matters for labelling: cloud and missing data over
the *area*, measured from the scene classification band (SCL), then the newest date.
``fetch_candidate`` reads B04, B03, B02 and B08 for the area only (windowed COG reads,
mosaicking the tiles), and writes a local COG with band names, overviews and provenance tags.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict
from urllib.parse import urlsplit

import numpy as np
import pystac
import rasterio
import requests
from pystac_client import Client
from pystac_client.conformance import ConformanceClasses
from pystac_client.exceptions import APIError
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.features import geometry_mask
from rasterio.warp import transform_geom

from sr.fsutil import safe_file_stem
from sr.imagery import cog
from sr.imagery.scene import Scene, open_scene
from sr.stac.area import DEFAULT_MAX_AREA_KM2, Area, check_area_size
from sr.stac.harmonize import reflectance_tags, without_offset
from sr.stac.http import open_catalogue
from sr.stac.remote import (
    AssetError,
    Grid,
    check_href,
    coarser,
    grid_for_bbox,
    mosaic_onto_grid,
    remote_crs,
)

log = logging.getLogger(__name__)

DEFAULT_CATALOG = "https://earth-search.aws.element84.com/v1"
DEFAULT_COLLECTION = "sentinel-2-l2a"
# (asset key in Earth Search's sentinel-2-l2a, band name written to the COG)
BANDS = (("red", "B04"), ("green", "B03"), ("blue", "B02"), ("nir", "B08"))
SCL_ASSET = "scl"
# Scene classification classes that hide the ground: cloud shadow, cloud (medium, high
# probability), thin cirrus. 0 is no data.
CLOUD_CLASSES = (3, 8, 9, 10)
RESOLUTION_M = 10.0
ASSESS_MAX_SIDE = 256  # pixels along the longer side of the grid the SCL is judged on
ALL_CLOUD = 0.95  # an area this much hidden (cloud or no data) is not worth fetching
_DATES = re.compile(r"^\d{4}-\d{2}-\d{2}(/\d{4}-\d{2}-\d{2})?$")

ProgressFn = Callable[[int, int, str], None]


class StacError(Exception):
    """Finding or fetching imagery failed; the message says why in plain words."""


class CatalogError(StacError):
    """The catalogue cannot be reached or refused the search."""


class NoSceneError(StacError):
    """No scene in the catalogue matches the area, dates and cloud limit."""


class AllCloudError(StacError):
    """The scene (or every scene) is cloud or no data over the area."""


@dataclass(frozen=True)
class StacSettings:
    """Which catalogue to search and how much may be fetched."""

    catalog_url: str = DEFAULT_CATALOG
    collection: str = DEFAULT_COLLECTION
    max_area_km2: float = DEFAULT_MAX_AREA_KM2
    max_items: int = 100  # items asked from the catalogue
    max_assessed: int = 8  # candidates whose area cloud is measured (best tile cloud first)
    timeout_s: float = 30.0

    @classmethod
    def from_env(cls) -> StacSettings:
        """$SHARPFIELDS_STAC_URL, $SHARPFIELDS_STAC_COLLECTION, $SHARPFIELDS_STAC_MAX_KM2."""
        return cls(
            catalog_url=os.environ.get("SHARPFIELDS_STAC_URL", DEFAULT_CATALOG),
            collection=os.environ.get("SHARPFIELDS_STAC_COLLECTION", DEFAULT_COLLECTION),
            max_area_km2=float(os.environ.get("SHARPFIELDS_STAC_MAX_KM2", DEFAULT_MAX_AREA_KM2)),
        )


@dataclass
class Candidate:
    """One acquisition over the area: one item, or several tiles of the same pass."""

    items: tuple[pystac.Item, ...]
    area_cloud: float | None = None  # fraction of the area's valid pixels that is cloud
    area_nodata: float | None = None  # fraction of the area without data
    crs: CRS | None = field(default=None, repr=False)

    @property
    def datetime(self) -> datetime:
        value = self.items[0].datetime
        assert value is not None
        return value

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def tiles(self) -> tuple[str, ...]:
        return tuple(_tile_of(item) for item in self.items)

    @property
    def tile_cloud(self) -> float | None:
        """The catalogue's cloud cover of the whole tile(s), in percent."""
        values = [i.properties.get("eo:cloud_cover") for i in self.items]
        numbers = [float(v) for v in values if isinstance(v, int | float)]
        return sum(numbers) / len(numbers) if numbers else None

    @property
    def hidden(self) -> float | None:
        """Fraction of the area that is cloud or no data (None until assessed)."""
        if self.area_cloud is None or self.area_nodata is None:
            return None
        return self.area_nodata + (1 - self.area_nodata) * self.area_cloud

    def describe(self) -> str:
        when = self.datetime.strftime("%Y-%m-%d")
        tiles = " + ".join(self.tiles)
        if self.hidden is None:
            return f"{when} (tile {tiles}, area not checked)"
        return f"{when} (tile {tiles}, {self.area_cloud:.0%} cloud over the area)"


@dataclass(frozen=True)
class FetchResult:
    scene: Scene
    candidate: Candidate
    tags: dict[str, str]


def _tile_of(item: pystac.Item) -> str:
    props = item.properties
    for key in ("s2:mgrs_tile", "grid:code", "mgrs:grid_square"):
        if props.get(key):
            value = str(props[key])
            if key == "mgrs:grid_square":
                zone = f"{props.get('mgrs:utm_zone', '')}{props.get('mgrs:latitude_band', '')}"
                value = zone + value
            return value.removeprefix("MGRS-")
    return item.id


def _pass_of(item: pystac.Item) -> tuple[str, str]:
    """Items of one satellite pass share the platform and the acquisition day."""
    when = item.datetime.strftime("%Y-%m-%d") if item.datetime else ""
    return (str(item.properties.get("platform", "")), when)


def check_dates(dates: str) -> str:
    """'YYYY-MM-DD/YYYY-MM-DD' (or one day), start not after end."""
    dates = dates.strip()
    if not _DATES.match(dates):
        raise StacError(f"Dates must look like 2024-06-01/2024-09-30, not {dates!r}.")
    start, _, end = dates.partition("/")
    try:
        first = datetime.fromisoformat(start)
        last = datetime.fromisoformat(end or start)
    except ValueError as exc:
        raise StacError(f"{dates!r} has an impossible date: {exc}.") from exc
    if first > last:
        raise StacError(f"The start date {start} is after the end date {end}.")
    return f"{start}/{end}" if end else f"{start}/{start}"


def search_items(
    area: Area, dates: str, max_cloud: float, settings: StacSettings
) -> list[pystac.Item]:
    """Items over the area in the date range with tile cloud cover ≤ ``max_cloud`` percent."""
    if not 0 <= max_cloud <= 100:
        raise StacError(f"The cloud limit is a percentage from 0 to 100, not {max_cloud}.")
    try:
        client = open_catalogue(settings.catalog_url, settings.timeout_s)
        search = client.search(
            collections=[settings.collection],
            intersects=area.geojson(),
            datetime=check_dates(dates),
            max_items=settings.max_items,
            **_cloud_limit(client, max_cloud),
        )
        found = list(search.items())
    except (requests.ConnectionError, requests.Timeout) as exc:
        host = urlsplit(settings.catalog_url).netloc or settings.catalog_url
        raise CatalogError(
            f"The imagery catalogue ({host}) cannot be reached from this server: it has no "
            "internet connection, or the catalogue is down. Try again later; scenes already "
            "in the app still work."
        ) from exc
    except APIError as exc:
        raise CatalogError(
            f"The catalogue at {settings.catalog_url} could not be searched: "
            f"{_short(str(exc))}. Check the address and the internet connection."
        ) from exc
    except (OSError, pystac.STACError, ValueError) as exc:
        raise CatalogError(
            f"The catalogue at {settings.catalog_url} answered something unexpected: "
            f"{_short(str(exc))}."
        ) from exc
    # Catalogues without the filter or query extension send everything: limit here too.
    return [item for item in found if _tile_cloud_of(item) <= max_cloud]


class CloudSearchOptions(TypedDict, total=False):
    """The keyword arguments of ``Client.search`` that carry the cloud limit."""

    filter: dict[str, Any]
    filter_lang: str
    query: dict[str, Any]
    sortby: list[dict[str, str]]


def _cloud_limit(client: Client, max_cloud: float) -> CloudSearchOptions:
    """Search options that make the catalogue apply the cloud limit and send the least
    cloudy first, with whichever STAC API extensions it offers."""
    options: CloudSearchOptions = {}
    if client.conforms_to(ConformanceClasses.FILTER):
        options["filter"] = {"op": "<=", "args": [{"property": "eo:cloud_cover"}, max_cloud]}
        options["filter_lang"] = "cql2-json"
    elif client.conforms_to(ConformanceClasses.QUERY):
        options["query"] = {"eo:cloud_cover": {"lte": max_cloud}}
    if client.conforms_to(ConformanceClasses.SORT):
        options["sortby"] = [{"field": "properties.eo:cloud_cover", "direction": "asc"}]
    return options


def _tile_cloud_of(item: pystac.Item) -> float:
    value = item.properties.get("eo:cloud_cover")
    return float(value) if isinstance(value, int | float) else 0.0


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 240 else text[:240] + " …"


def group_candidates(items: list[pystac.Item], area: Area) -> list[Candidate]:
    """One candidate per satellite pass; within it, one item per tile, most of the area first."""
    passes: dict[tuple[str, str], dict[str, pystac.Item]] = {}
    # A tile reprocessed later (a newer processing baseline) is listed twice: keep the newest.
    newest_first = sorted(items, key=lambda i: str(i.properties.get("updated", "")), reverse=True)
    for item in newest_first:
        if item.datetime is None:
            continue
        tiles = passes.setdefault(_pass_of(item), {})
        tiles.setdefault(_tile_of(item), item)
    candidates = []
    for tiles in passes.values():
        ordered = sorted(tiles.values(), key=lambda i: -_overlap(i, area))
        candidates.append(Candidate(tuple(ordered)))
    candidates.sort(key=lambda c: c.tile_cloud if c.tile_cloud is not None else 100.0)
    return candidates


def _overlap(item: pystac.Item, area: Area) -> float:
    if item.geometry is None:
        return 0.0
    from shapely.geometry import shape

    return float(shape(item.geometry).intersection(area.geometry).area)


def asset_href(item: pystac.Item, key: str) -> str:
    """The http(s) URL of an item's asset, or an AssetError naming what is missing."""
    asset = item.assets.get(key)
    if asset is None:
        raise AssetError(
            f"Item {item.id} has no {key!r} asset; the catalogue is not a Sentinel-2 L2A "
            f"collection with Earth Search asset names ({', '.join(k for k, _ in BANDS)}, scl)."
        )
    return check_href(asset.href)


def candidate_crs(candidate: Candidate) -> CRS:
    """The CRS of the candidate's main tile (from proj:* properties, else the image header)."""
    if candidate.crs is None:
        props = candidate.items[0].properties
        code = props.get("proj:code") or (
            f"EPSG:{props['proj:epsg']}" if props.get("proj:epsg") else None
        )
        candidate.crs = (
            CRS.from_user_input(code)
            if code
            else remote_crs(asset_href(candidate.items[0], BANDS[0][0]))
        )
    return candidate.crs


def _area_mask(area: Area, grid: Grid) -> np.ndarray:
    """True inside the area on ``grid``."""
    geometry = transform_geom("EPSG:4326", grid.crs, area.geojson())
    outside: np.ndarray = geometry_mask(
        [geometry], out_shape=(grid.height, grid.width), transform=grid.transform, all_touched=True
    )
    return ~outside


def asset_on_grid(
    candidate: Candidate, key: str, grid: Grid, resampling: Resampling, dtype: str
) -> np.ndarray:
    """The asset ``key`` of the candidate's tiles read onto ``grid`` and mosaicked, each pixel
    from the first tile that has it (``mosaic_onto_grid``)."""
    hrefs = [asset_href(item, key) for item in candidate.items]
    return mosaic_onto_grid(hrefs, grid, resampling, dtype)


def scene_classes(candidate: Candidate, grid: Grid) -> np.ndarray:
    """The candidate's scene classification (SCL) on ``grid``, nearest (0 where no tile has
    data)."""
    return asset_on_grid(candidate, SCL_ASSET, grid, Resampling.nearest, "uint8")


def assess(candidate: Candidate, area: Area) -> Candidate:
    """Measure cloud and missing data over the area from the SCL band (on a coarse grid)."""
    grid = coarser(grid_for_bbox(area.bbox, candidate_crs(candidate), 20.0), ASSESS_MAX_SIDE)
    scl = scene_classes(candidate, grid)
    inside = _area_mask(area, grid)
    total = int(inside.sum()) or 1
    valid = inside & (scl != 0)
    cloudy = valid & np.isin(scl, CLOUD_CLASSES)
    candidate.area_nodata = 1 - int(valid.sum()) / total
    candidate.area_cloud = int(cloudy.sum()) / int(valid.sum()) if valid.any() else 1.0
    return candidate


def rank(candidates: list[Candidate]) -> list[Candidate]:
    """Least hidden area first (to the percent), then the newest; unassessed ones last."""

    def key(c: Candidate) -> tuple[int, float, float]:
        if c.hidden is None:
            return (1, 0.0, -c.datetime.timestamp())
        return (0, round(c.hidden, 2), -c.datetime.timestamp())

    return sorted(candidates, key=key)


def search_candidates(
    area: Area,
    dates: str,
    max_cloud: float,
    settings: StacSettings,
    progress: ProgressFn | None = None,
) -> list[Candidate]:
    """Candidates for the area, best first; raises NoSceneError when there is none."""
    check_area_size(area, settings.max_area_km2)
    items = search_items(area, dates, max_cloud, settings)
    candidates = group_candidates(items, area)
    log.info(
        "search %s %s %s ≤%g %% cloud: %d item(s), %d scene(s)",
        settings.catalog_url,
        area.bbox,
        dates,
        max_cloud,
        len(items),
        len(candidates),
    )
    if not candidates:
        raise NoSceneError(
            f"No {settings.collection} scene covers the area between {dates.replace('/', ' and ')} "
            f"with at most {max_cloud:g} % cloud. Widen the dates or raise the cloud limit."
        )
    checked = candidates[: settings.max_assessed]
    for number, candidate in enumerate(checked, 1):
        if progress:
            progress(number - 1, len(checked), f"checking clouds on {candidate.describe()}")
        assess(candidate, area)
    if progress:
        progress(len(checked), len(checked), "done")
    return rank(candidates)


def preview_rgb(candidate: Candidate, area: Area, max_side: int = 160) -> np.ndarray:
    """A small true-colour picture of the area (uint8, rows × cols × 3), from overviews."""
    grid = coarser(grid_for_bbox(area.bbox, candidate_crs(candidate), RESOLUTION_M), max_side)
    bands = []
    for key, _ in BANDS[:3]:
        bands.append(asset_on_grid(candidate, key, grid, Resampling.average, "float32"))
    rgb = np.stack(bands, axis=-1)
    valid = rgb[..., 0] > 0
    if not valid.any():
        return np.zeros((*rgb.shape[:2], 3), dtype=np.uint8)
    # Stretch on the clear ground, so that clouds show white and the fields stay visible.
    scl = scene_classes(candidate, grid)
    clear = valid & ~np.isin(scl, (0, *CLOUD_CLASSES))
    low, high = np.percentile(rgb[clear if clear.sum() >= 16 else valid], [2, 98])
    scaled: np.ndarray = np.clip((rgb - low) / max(high - low, 1e-6), 0, 1)
    return (scaled * 255).astype(np.uint8)


def fetch_candidate(
    candidate: Candidate,
    area: Area,
    out_path: Path,
    settings: StacSettings,
    progress: ProgressFn | None = None,
) -> FetchResult:
    """Read the four 10 m bands for the area, mosaic the tiles and write a local COG."""
    check_area_size(area, settings.max_area_km2)
    if candidate.hidden is None:
        assess(candidate, area)
    assert candidate.hidden is not None and candidate.area_cloud is not None
    if candidate.hidden >= ALL_CLOUD:
        raise AllCloudError(
            f"The scene of {candidate.describe()} shows {1 - candidate.hidden:.0%} of the area "
            "clear of cloud and with data; pick another date."
        )
    grid = grid_for_bbox(area.bbox, candidate_crs(candidate), RESOLUTION_M)
    max_pixels = settings.max_area_km2 * 1e6 / RESOLUTION_M**2
    if grid.pixels > max_pixels * 1.5:  # the box around a polygon may be larger than it
        raise StacError(f"The area's box is too large to read ({grid.pixels:,} pixels per band).")
    stack = np.zeros((len(BANDS), grid.height, grid.width), dtype="uint16")
    steps = len(BANDS) + 1
    log.info(
        "fetching %s (%s) for %s: %d × %d px",
        ",".join(candidate.item_ids),
        settings.catalog_url,
        area.bbox,
        grid.width,
        grid.height,
    )
    for number, (key, name) in enumerate(BANDS):
        if progress:
            progress(number, steps, f"reading {name}")
        stack[number] = asset_on_grid(candidate, key, grid, Resampling.bilinear, "uint16")
    stack, removed = without_offset(stack, candidate.items)
    if progress:
        progress(len(BANDS), steps, "writing the COG")
    tags = provenance_tags(candidate, area, settings, removed)
    write_cog(out_path, stack, grid, [name for _, name in BANDS], tags)
    log.info("fetched %s into %s", ",".join(candidate.item_ids), out_path)
    if progress:
        progress(steps, steps, "done")
    return FetchResult(open_scene(out_path), candidate, tags)


def provenance_tags(
    candidate: Candidate, area: Area, settings: StacSettings, removed: int = 0
) -> dict[str, str]:
    """Where the pixels came from, written into the COG's metadata (``removed``: the
    baseline offset taken out, :mod:`sr.stac.harmonize`)."""
    assert candidate.area_cloud is not None and candidate.area_nodata is not None
    return {
        "STAC_CATALOG": settings.catalog_url,
        "STAC_COLLECTION": settings.collection,
        "STAC_ITEM_IDS": ",".join(candidate.item_ids),
        "MGRS_TILES": ",".join(candidate.tiles),
        "DATETIME": candidate.datetime.isoformat(),
        "AREA_CLOUD_PERCENT": f"{candidate.area_cloud * 100:.1f}",
        "AREA_NODATA_PERCENT": f"{candidate.area_nodata * 100:.1f}",
        "TILE_CLOUD_PERCENT": "" if candidate.tile_cloud is None else f"{candidate.tile_cloud:.1f}",
        "AREA_BBOX": ",".join(f"{v:.6f}" for v in area.bbox),
        **reflectance_tags(candidate.items[0], [removed]),
        "FETCHED_AT": datetime.now(UTC).isoformat(timespec="seconds"),
        "SOFTWARE": "sharpfields sr.stac.search",
    }


def write_cog(
    path: Path,
    array: np.ndarray,
    grid: Grid,
    names: list[str],
    tags: dict[str, str],
    band_tags: list[dict[str, str]] | None = None,
) -> None:
    """Write a uint16 COG (nodata 0, 256² tiles) atomically with band names, tags and
    per-band tags (e.g. each band's DATETIME in a time stack) (:func:`sr.imagery.cog.write_cog`: a
    plain tiled GeoTIFF beside the target, not memory, then GDAL's COG driver)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    cog.write_cog(
        path,
        array,
        crs=grid.crs,
        transform=grid.transform,
        nodata=0,
        descriptions=names,
        tags=tags,
        band_tags=band_tags or (),
        blocksize=256,
    )


def default_output_name(candidate: Candidate, area: Area) -> str:
    """e.g. ``S2_45RUL_20240703_1a2b3c.tif``: tiles, date and a hash of the area."""
    tiles = "+".join(candidate.tiles)
    digest = hashlib.sha1(area.geometry.wkb).hexdigest()[:6]
    stem = f"S2_{tiles}_{candidate.datetime:%Y%m%d}_{digest}"
    return safe_file_stem(stem, keep="._+-") + ".tif"


def read_tags(path: Path) -> dict[str, str]:
    with rasterio.open(path) as ds:
        return dict(ds.tags())
