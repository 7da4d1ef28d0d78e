"""A field's season profile on a constructed two-date stack with known values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.warp import transform_bounds
from shapely.geometry import box

from sr.imagery.band_layout import LayoutBook, SceneDate
from sr.imagery.bands import BandRoles
from sr.imagery.profile import field_profile, profile_of_pixels, season_properties
from sr.imagery.scene import open_scene
from sr.imagery.scene_errors import OutsideSceneError
from tests.conftest import write_raster


def two_date_stack() -> np.ndarray:
    """8 × 10 × 10: date 1 bare (red 2000, NIR 3000), date 2 green (red 500, NIR 4500) on the
    left half; the right half is water on both dates (red 800, NIR 200)."""
    stack = np.zeros((8, 10, 10), dtype=np.uint16)
    for offset, (red, green, blue, nir) in (
        (0, (2000, 1500, 1000, 3000)),
        (4, (500, 900, 400, 4500)),
    ):
        stack[offset : offset + 4, :, :5] = np.array([red, green, blue, nir])[:, None, None]
        stack[offset : offset + 4, :, 5:] = np.array([800, 700, 600, 200])[:, None, None]
    return stack


DATES = (
    SceneDate("2024-05-01", "2024-05-01T00:00:00Z", BandRoles(1, 2, 3, 4)),
    SceneDate("2024-08-01", "2024-08-01T00:00:00Z", BandRoles(5, 6, 7, 8)),
)


def test_means_per_date_on_known_values() -> None:
    stack = two_date_stack()
    left = np.zeros((10, 10), dtype=bool)
    left[:, :5] = True
    first, second = profile_of_pixels(stack, left, DATES)
    assert (first.date, first.pixels) == ("2024-05-01", 50)
    assert first.ndvi == pytest.approx(0.2)  # (3000 - 2000) / 5000
    assert second.ndvi == pytest.approx(0.8)  # (4500 - 500) / 5000
    assert (second.red, second.green, second.blue, second.nir) == (500, 900, 400, 4500)
    # Half field, half water: the mean of the per-pixel NDVI, not the NDVI of the means.
    middle = np.zeros((10, 10), dtype=bool)
    middle[:, 3:7] = True
    mixed = profile_of_pixels(stack, middle, DATES)[1]
    water = (200 - 800) / 1000
    assert mixed.ndvi == pytest.approx((0.8 + water) / 2)
    assert mixed.red == pytest.approx((500 + 800) / 2)


def test_nodata_and_empty_dates_are_left_out() -> None:
    stack = two_date_stack()
    stack[4:8, :, :2] = 0  # no data on date 2 in two columns
    left = np.zeros((10, 10), dtype=bool)
    left[:, :5] = True
    first, second = profile_of_pixels(stack, left, DATES)
    assert (first.pixels, second.pixels) == (50, 30)
    assert second.ndvi == pytest.approx(0.8)
    stack[4:8] = 0
    empty = profile_of_pixels(stack, left, DATES)[1]
    assert empty.pixels == 0 and empty.ndvi is None and empty.red is None
    props = season_properties([first, empty])
    assert props["season_dates"] == "2024-05-01, 2024-08-01"
    assert props["ndvi_d1"] == pytest.approx(0.2) and props["ndvi_d2"] is None
    assert props["nir_d1"] == 3000.0


def test_field_profile_reads_the_field_from_a_scene(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "season.tif", two_date_stack())
    with rasterio.open(path, "r+") as ds:
        ds.update_tags(BAND_LAYOUT="2 x (B4 B3 B2 B8) @ 2024-05-01, 2024-08-01")
    scene = open_scene(path, LayoutBook(tmp_path / "book"))
    left, top = scene.transform @ (1, 1)
    right, bottom = scene.transform @ (4, 9)
    field = box(*transform_bounds(scene.crs, "EPSG:4326", left, bottom, right, top))
    first, second = field_profile(scene, field)
    assert first.ndvi == pytest.approx(0.2) and second.ndvi == pytest.approx(0.8)
    assert first.pixels > 0
    with pytest.raises(OutsideSceneError):
        field_profile(scene, box(10.0, 10.0, 10.001, 10.001))


def test_ndvi_is_of_the_quantities_the_file_declares(tmp_path: Path) -> None:
    """Date 2 as a Sentinel-2 product of processing baseline 04.00 stores it: 1000 added to
    every value, the −1000 declared as GDAL's band offset. Its NDVI is the true one (0.8,
    not (5500 − 1500) / 7000 = 0.57); its band means are the values as stored."""
    stack = two_date_stack()
    stack[4:8] += 1000
    path = write_raster(tmp_path / "baseline4.tif", stack)
    with rasterio.open(path, "r+") as ds:
        ds.update_tags(BAND_LAYOUT="2 x (B4 B3 B2 B8) @ 2024-05-01, 2024-08-01")
        ds.offsets = (0.0,) * 4 + (-1000.0,) * 4
    scene = open_scene(path, LayoutBook(tmp_path / "book"))
    assert scene.band_scaling == ((1.0, 0.0),) * 4 + ((1.0, -1000.0),) * 4
    left, top = scene.transform @ (1, 1)
    right, bottom = scene.transform @ (4, 9)
    field = box(*transform_bounds(scene.crs, "EPSG:4326", left, bottom, right, top))
    first, second = field_profile(scene, field)
    assert first.ndvi == pytest.approx(0.2) and second.ndvi == pytest.approx(0.8)
    assert (second.red, second.nir) == (1500, 5500)
