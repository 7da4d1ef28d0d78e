"""Scene reading: formats, CRSs, band roles, windows, stretch, and every bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine
from pyproj import Transformer
from shapely import Point

from sr.imagery.band_layout import AmbiguousLayoutError, LayoutBook
from sr.imagery.bands import BandRoles, guess_band_roles
from sr.imagery.scene import open_scene, parse_bbox, percentile_stretch, read_area
from sr.imagery.scene_errors import (
    AreaTooLargeError,
    CorruptRasterError,
    NoGeoreferenceError,
    NotARasterError,
    OutsideSceneError,
    SceneError,
    TooFewBandsError,
)
from tests.conftest import write_raster


def test_sentinel2_stack_defaults_to_b4_b3_b2_b8(s2_like: Path) -> None:
    scene = open_scene(s2_like)
    assert (scene.width, scene.height, scene.count, scene.dtype) == (80, 64, 4, "uint16")
    assert scene.bands == BandRoles(red=1, green=2, blue=3, nir=4)
    assert scene.bands.for_mode("true") == (1, 2, 3)
    assert scene.bands.for_mode("false") == (4, 1, 2)
    assert scene.resolution == (10.0, 10.0)


def test_band_roles_follow_band_names_when_present() -> None:
    roles = guess_band_roles(("B2", "B3", "B4", "B8", "B11"))
    assert roles == BandRoles(red=3, green=2, blue=1, nir=4)
    assert guess_band_roles(("Blue", "Green", "Red")) == BandRoles(3, 2, 1, None)
    # Words of longer names count too; red-edge bands are not red.
    named = ("Red edge 1 (B5)", "B2 blue", "B3 green", "B4 red", "B8 nir")
    assert guess_band_roles(named) == BandRoles(4, 3, 2, 5)


def test_rgb_without_nir_has_no_false_colour(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "rgb.tif", np.full((3, 8, 8), 100, np.uint8))
    scene = open_scene(path)
    with pytest.raises(SceneError, match="no near-infrared band"):
        scene.bands.for_mode("false")


@pytest.mark.parametrize(
    ("crs", "transform"),
    [
        ("EPSG:32645", Affine(10, 0, 300_000, 0, -10, 3_100_000)),  # UTM 45N, Nepal
        ("EPSG:4326", Affine(0.0001, 0, 84.0, 0, -0.0001, 28.0)),  # geographic
        ("EPSG:3035", Affine(10, 0, 4_300_000, 0, -10, 2_800_000)),  # LAEA Europe
        ("EPSG:3857", Affine(10, 0, 9_350_000, 0, -10, 3_250_000)),  # Web Mercator
    ],
)
def test_footprint_in_lonlat_for_any_crs(tmp_path: Path, crs: str, transform: Affine) -> None:
    path = write_raster(
        tmp_path / "s.tif", np.ones((3, 50, 60), np.uint16), crs=crs, transform=transform
    )
    scene = open_scene(path)
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    for col, row in [(0, 0), (60, 0), (60, 50), (0, 50), (30, 25)]:
        lon, lat = to_lonlat.transform(*(transform @ (col, row)))
        assert scene.footprint.buffer(1e-7).contains(Point(lon, lat)), (col, row)
    west, south, east, north = scene.lonlat_bounds
    assert -180 <= west < east <= 180 and -90 <= south < north <= 90


def test_read_area_returns_the_pixels_and_their_georeference(s2_like: Path) -> None:
    scene = open_scene(s2_like)
    # The lon/lat box around pixel block cols 10..30, rows 5..25, shrunk slightly inside.
    to_lonlat = Transformer.from_crs(scene.crs, "EPSG:4326", always_xy=True)
    x0, y0 = scene.transform @ (10.2, 5.2)
    x1, y1 = scene.transform @ (29.8, 24.8)
    lon0, lat0 = to_lonlat.transform(x0, y0)
    lon1, lat1 = to_lonlat.transform(x1, y1)
    area = read_area(scene, (min(lon0, lon1), min(lat0, lat1), max(lon0, lon1), max(lat0, lat1)))
    with rasterio.open(s2_like) as ds:
        full = ds.read()
    c0, r0 = int(area.window.col_off), int(area.window.row_off)
    h, w = area.array.shape[1:]
    np.testing.assert_array_equal(area.array, full[:, r0 : r0 + h, c0 : c0 + w])
    assert area.transform == scene.transform @ Affine.translation(c0, r0)
    assert area.crs == scene.crs
    # The area covers the requested block (lon/lat boxes are slightly larger in UTM).
    assert c0 <= 10 and r0 <= 5 and c0 + w >= 30 and r0 + h >= 25


def test_area_outside_the_scene_is_refused(s2_like: Path) -> None:
    scene = open_scene(s2_like)
    with pytest.raises(OutsideSceneError, match="outside the scene"):
        read_area(scene, (10.0, 10.0, 10.01, 10.01))


@pytest.mark.parametrize(
    "bbox", [(85.0, 28.0, 84.0, 28.1), (84, 28, 84.1, 95), (float("nan"), 28, 84.1, 28.1)]
)
def test_invalid_lonlat_boxes_are_refused(s2_like: Path, bbox: tuple[float, ...]) -> None:
    with pytest.raises(OutsideSceneError):
        read_area(open_scene(s2_like), bbox)  # type: ignore[arg-type]


def test_area_too_large_for_the_action_is_refused(s2_like: Path) -> None:
    scene = open_scene(s2_like)
    with pytest.raises(AreaTooLargeError, match=r"too large for sharpening.*at most 100 pixels"):
        read_area(scene, scene.lonlat_bounds, max_pixels=100, action="sharpening")


def test_not_a_raster(tmp_path: Path) -> None:
    path = tmp_path / "notes.tif"
    path.write_text("these are field notes, not an image")
    with pytest.raises(NotARasterError, match="not a GeoTIFF"):
        open_scene(path)
    with pytest.raises(NotARasterError, match="no such file"):
        open_scene(tmp_path / "missing.tif")


def test_corrupt_raster(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    path = write_raster(tmp_path / "c.tif", rng.integers(0, 9999, (3, 256, 256), np.uint16))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # a download cut half-way
    with pytest.raises((CorruptRasterError, NotARasterError), match=r"damaged|not a GeoTIFF"):
        open_scene(path)


def test_no_crs_is_not_georeferenced(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "nocrs.tif", np.ones((3, 8, 8), np.uint8), crs=None)
    with pytest.raises(NoGeoreferenceError, match="no coordinate reference system"):
        open_scene(path)


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_identity_transform_is_not_georeferenced(tmp_path: Path) -> None:
    path = write_raster(
        tmp_path / "plain.tif", np.ones((3, 8, 8), np.uint8), transform=Affine.identity()
    )
    with pytest.raises(NoGeoreferenceError, match="no geotransform"):
        open_scene(path)


def test_other_image_formats_are_refused(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "photo.png"
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(path)
    with pytest.raises(NotARasterError, match="not a GeoTIFF"):
        open_scene(path)


def test_fewer_than_three_bands(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "two.tif", np.ones((2, 8, 8), np.uint16))
    with pytest.raises(TooFewBandsError, match="2 band"):
        open_scene(path)


def test_stretch_ignores_nodata_and_uses_percentiles(tmp_path: Path) -> None:
    values = np.tile(np.arange(100, dtype=np.float32), (3, 100, 1))  # each row 0..99
    values[:, :50, :] = -9999  # half the scene is nodata
    path = write_raster(tmp_path / "f.tif", values, nodata=-9999)
    stretch = percentile_stretch(open_scene(path), (1, 2, 3))
    assert stretch.low == pytest.approx((1.98,) * 3, abs=0.5)
    assert stretch.high == pytest.approx((97.02,) * 3, abs=0.5)


def test_uint8_and_float_reflectance_both_stretch(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    reflectance = rng.uniform(0.02, 0.4, (4, 40, 40)).astype(np.float32)
    scene = open_scene(write_raster(tmp_path / "r.tif", reflectance))
    low, high = percentile_stretch(scene, (1, 2, 3)).low, percentile_stretch(scene, (1, 2, 3)).high
    assert all(0.02 <= lo < hi <= 0.4 for lo, hi in zip(low, high, strict=True))
    rgb = write_raster(tmp_path / "u8.tif", rng.integers(0, 256, (3, 40, 40), dtype=np.uint8))
    assert percentile_stretch(open_scene(rgb), (1, 2, 3)).high[0] > 200


def test_cog_overviews_are_detected(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    array = rng.integers(0, 5000, (4, 512, 512), dtype=np.uint16)
    path = write_raster(tmp_path / "cog.tif", array, driver="COG", blocksize=256)
    scene = open_scene(path)
    assert scene.overview_factors == (2,)
    assert open_scene(write_raster(tmp_path / "strip.tif", array)).overview_factors == ()


@pytest.mark.shared_data
def test_shared_sentinel2_scene_opens_with_the_right_bands(
    shared_data: Path, tmp_path: Path
) -> None:
    path = shared_data / "sentinel2" / "austria_danube_s2_2date_8band.tif"
    book = LayoutBook(tmp_path / "layouts")
    with pytest.raises(AmbiguousLayoutError, match="8 bands"):  # no band names: asked, not guessed
        open_scene(path, book)
    book.confirm(path, "2 × (B4 B3 B2 B8)", 8, "coordinator")
    scene = open_scene(path, book)
    assert (scene.width, scene.height, scene.count) == (578, 379, 8)
    assert scene.crs.to_epsg() == 32633
    # Two dates × (B4, B3, B2, B8): true colour is bands 1-3 of the first date, NIR is 4.
    assert scene.bands == BandRoles(red=1, green=2, blue=3, nir=4)
    assert scene.date_bands(1) == BandRoles(red=5, green=6, blue=7, nir=8)
    west, south, east, north = scene.lonlat_bounds
    assert 13.0 < west < east < 13.3 and 48.2 < south < north < 48.4  # the Danube in Austria


def test_metres_per_pixel_in_projected_and_geographic_scenes(tmp_path: Path) -> None:
    array = np.ones((3, 20, 20), np.uint16)
    utm = open_scene(write_raster(tmp_path / "utm.tif", array))
    assert utm.metres_per_pixel == pytest.approx(10.0)
    # 0.0001° pixels at the equator are about 11.1 m wide, at 60° N half of that.
    for lat, expected in ((0.0, 11.132), (60.0, 5.566)):
        transform = Affine(0.0001, 0, 85.0, 0, -0.0001, lat + 0.001)
        geo = open_scene(
            write_raster(tmp_path / f"geo{lat}.tif", array, crs="EPSG:4326", transform=transform)
        )
        assert geo.metres_per_pixel == pytest.approx(expected, rel=1e-3)


def test_parse_bbox_takes_four_numbers_or_gives_none() -> None:
    assert parse_bbox("85.3,27.6,85.4,27.7") == (85.3, 27.6, 85.4, 27.7)
    assert parse_bbox(" 85.3, 27.6 ,85.4,27.7") == (85.3, 27.6, 85.4, 27.7)
    for bad in ("", "85.3,27.6,85.4", "85.3,27.6,85.4,27.7,1", "a,b,c,d"):
        assert parse_bbox(bad) is None
