"""Where the assist finds fields on the bundled sample's enhanced area, for browser tests and
benches that click one: the largest and the smallest field, a point inside one, and a click
repeated until the page answers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from rasterio.warp import transform as transform_points

from bench.bench_fields import innermost_pixel
from sr.imagery.raster_io import Raster
from sr.imagery.scene import open_scene
from sr.imagery.water import water_checks
from sr.outline.polygons import mask_to_polygon
from sr.sharpen.cache import ResultCache
from tests.e2e.harness import page_point
from ui.outline_assist import area_fields, outline_in_lonlat
from ui.settings import SAMPLE_SCENE

BOTH_DATES = ("date 1", "date 2")


def sample_fields(data: Path) -> tuple[np.ndarray, Raster]:
    """The fields the assist finds on the (only) enhanced area in the app's data folder's
    cache, with both dates as the page does by default (numbered; 0: none), and the area's
    raster."""
    [result] = sorted((data / "cache" / "enhanced").glob("*.json"))
    shown = ResultCache(result.parent).get(result.stem)
    assert shown is not None
    view = area_fields(open_scene(SAMPLE_SCENE), shown, every_date=True)
    assert view.dates == BOTH_DATES
    return np.where(view.instances > 0, view.instances, 0), view.raster


def largest_field(data: Path) -> tuple[np.ndarray, Raster]:
    """The largest field of :func:`sample_fields` that is not open water (the assist finds a
    reach of the Danube as readily as a field: :mod:`sr.imagery.water`), as a mask, and the
    area's raster."""
    instances, raster = sample_fields(data)
    scene = open_scene(SAMPLE_SCENE)
    sizes = np.bincount(instances.ravel())
    sizes[0] = 0
    for number in np.argsort(sizes)[::-1]:
        if sizes[number] == 0:  # no field left to try
            break
        mask = instances == number
        outline = mask_to_polygon(mask, raster.transform)
        assert outline is not None
        if not water_checks(scene, [outline_in_lonlat(outline, raster)])[0].looks_like_water:
            return mask, raster
    raise AssertionError("every field the assist found there looks like open water")


def smallest_field(data: Path) -> tuple[np.ndarray, Raster]:
    """The smallest field of :func:`sample_fields` (a mask) and the area's raster."""
    instances, raster = sample_fields(data)
    sizes = np.bincount(instances.ravel())
    sizes[0] = 0
    return instances == int(np.argmin(np.where(sizes > 0, sizes, sizes.max() + 1))), raster


def lonlat(raster: Raster, col: float, row: float) -> tuple[float, float]:
    """lon/lat of a (column, row) pixel position of a raster."""
    assert raster.transform is not None and raster.crs is not None
    x, y = raster.transform @ (col, row)
    [lon], [lat] = transform_points(raster.crs, "EPSG:4326", [x], [y])
    return lon, lat


def inside_a_field(data: Path, smallest: bool = False) -> tuple[float, float]:
    """lon/lat of the innermost point of the largest (or the smallest) field the assist finds
    on the (only) enhanced area in the cache."""
    field, raster = (smallest_field if smallest else largest_field)(data)
    row, col = innermost_pixel(field)
    return lonlat(raster, col + 0.5, row + 0.5)


def click_until(
    page: Page, lon: float, lat: float, answer: Locator, timeout_ms: float = 30_000
) -> None:
    """Click the map at lon/lat until the page shows ``answer`` (a click while a fresh map is
    still wiring its events is lost)."""
    for _ in range(3):
        page.mouse.click(*page_point(page, lon, lat))
        try:
            answer.wait_for(timeout=timeout_ms)
            return
        except PlaywrightTimeout:
            continue
    answer.wait_for(timeout=timeout_ms)
