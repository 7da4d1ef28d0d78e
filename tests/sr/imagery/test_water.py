"""The water check on constructed bands and on a constructed two-date scene."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.warp import transform_bounds
from shapely.geometry import Polygon, box

from sr.imagery.band_layout import LayoutBook
from sr.imagery.scene import Scene, open_scene
from sr.imagery.water import WATER_SHARE, WaterCheck, water_checks, water_share
from tests.conftest import write_raster

LAND = (2000, 1500, 1000, 3000)  # red, green, blue, NIR: NIR above green
WATER = (800, 700, 600, 200)  # NIR far below green
FLOODED_THEN_GREEN = ((900, 800, 700, 300), (500, 900, 400, 4500))  # a paddy: planted, grown


def season_scene(tmp_path: Path, nir: bool = True) -> Scene:
    """Columns 0–3 land on both dates, 4–7 water on both, 8–11 flooded on date 1 only."""
    stack = np.zeros((8, 10, 12), dtype=np.uint16)
    for date, offset in enumerate((0, 4)):
        for cols, values in (
            (slice(0, 4), LAND),
            (slice(4, 8), WATER),
            (slice(8, 12), FLOODED_THEN_GREEN[date]),
        ):
            stack[offset : offset + 4, :, cols] = np.array(values)[:, None, None]
    if not nir:
        stack = np.concatenate([stack[0:3], stack[4:7]])
    path = write_raster(tmp_path / f"season-{'nir' if nir else 'rgb'}.tif", stack)
    layout = "2 x (B4 B3 B2 B8)" if nir else "2 x (B4 B3 B2)"
    with rasterio.open(path, "r+") as ds:
        ds.update_tags(BAND_LAYOUT=f"{layout} @ 2024-05-01, 2024-08-01")
    return open_scene(path, LayoutBook(tmp_path / "book"))


def columns(scene: Scene, first: int, last: int) -> Polygon:
    """A lon/lat box over columns ``first``–``last`` (inclusive), rows 1–8."""
    left, top = scene.transform @ (first + 0.1, 1)
    right, bottom = scene.transform @ (last + 0.9, 9)
    return box(*transform_bounds(scene.crs, "EPSG:4326", left, bottom, right, top))


def test_share_of_water_pixels_on_known_values() -> None:
    green = np.array([[700, 1500], [700, 0]])
    nir = np.array([[200, 3000], [100, 0]])
    everywhere = np.ones((2, 2), dtype=bool)
    assert water_share(green, nir, everywhere) == pytest.approx(2 / 3)  # 0 in both: no data
    assert water_share(green, nir, everywhere, nodata=100) == pytest.approx(1 / 2)
    assert water_share(green, nir, np.zeros((2, 2), dtype=bool)) is None


def test_water_on_every_date_is_water_and_a_paddy_flooded_once_is_not(tmp_path: Path) -> None:
    scene = season_scene(tmp_path)
    land, water, paddy, half = water_checks(
        scene,
        [columns(scene, 0, 3), columns(scene, 4, 7), columns(scene, 8, 11), columns(scene, 2, 5)],
    )
    assert land.shares == (0.0, 0.0) and not land.looks_like_water
    assert water.shares == (1.0, 1.0) and water.looks_like_water
    assert paddy.shares == (1.0, 0.0) and not paddy.looks_like_water
    assert half.shares == (pytest.approx(0.5), pytest.approx(0.5))
    assert half.looks_like_water  # half is enough: WATER_SHARE
    assert WATER_SHARE == 0.5


def test_a_scene_that_cannot_tell_says_nothing(tmp_path: Path) -> None:
    scene = season_scene(tmp_path, nir=False)
    [check] = water_checks(scene, [columns(scene, 4, 7)])
    assert check.shares == (None, None) and not check.looks_like_water
    scene = season_scene(tmp_path)
    [off] = water_checks(scene, [box(10.0, 10.0, 10.001, 10.001)])
    assert off.shares == (None, None) and not off.looks_like_water
    assert water_checks(scene, []) == []


def test_a_date_without_valid_pixels_is_passed_over() -> None:
    assert WaterCheck((None, 0.9)).looks_like_water
    assert not WaterCheck((None, None)).looks_like_water
    assert not WaterCheck((0.9, 0.2)).looks_like_water


def test_water_on_a_share_and_some_dates() -> None:
    check = WaterCheck((0.6, 0.35, None))
    assert not check.water_on() and not check.looks_like_water  # 0.35 < WATER_SHARE
    assert check.water_on(share=0.3)  # every date that tells, at the lower share
    assert check.water_on(dates=slice(0, 1)) and not check.water_on(dates=slice(1, 2))
    assert not check.water_on(dates=slice(2, 3))  # a date that cannot tell says nothing


def test_the_check_reads_the_quantities_the_file_declares(tmp_path: Path) -> None:
    """Land whose green band is stored 3000 too high, the −3000 declared as GDAL's band
    offset: read as stored it would look like water (green above NIR); it is land."""
    stack = np.zeros((4, 10, 12), dtype=np.uint16)
    stack[:, :, :] = np.array(LAND)[:, None, None]
    stack[1] += 3000
    path = write_raster(tmp_path / "offset-green.tif", stack)
    with rasterio.open(path, "r+") as ds:
        ds.offsets = (0.0, -3000.0, 0.0, 0.0)
    scene = open_scene(path)
    [check] = water_checks(scene, [columns(scene, 0, 11)])
    assert check.shares == (0.0,)
    with rasterio.open(path, "r+") as ds:
        ds.offsets = (0.0, 0.0, 0.0, 0.0)
    [undeclared] = water_checks(open_scene(path), [columns(scene, 0, 11)])
    assert undeclared.shares == (1.0,)  # what the declared offset changes
