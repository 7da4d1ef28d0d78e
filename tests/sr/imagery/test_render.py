"""Display rendering: tile geometry, tiles and areas that show the right pixels, big scenes."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine
from PIL import Image

from sr.imagery.render import (
    TILE_SIZE,
    WEB_MERCATOR,
    Pyramid,
    _read_warped,
    native_zoom,
    render_area,
    render_tile,
    tile_bounds,
    tile_source,
    view_bands,
    view_rgba,
)
from sr.imagery.scene import Scene, Stretch, open_scene, percentile_stretch
from sr.imagery.scene_errors import SceneError
from tests.conftest import write_raster


def _decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def _tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 1 << z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def test_tile_bounds_split_the_world() -> None:
    half = 20037508.342789244
    assert tile_bounds(0, 0, 0) == pytest.approx((-half, -half, half, half))
    assert tile_bounds(1, 0, 0) == pytest.approx((-half, 0, 0, half))
    assert tile_bounds(1, 1, 1) == pytest.approx((0, -half, half, 0))


def test_native_zoom_matches_ten_metre_pixels(s2_like: Path) -> None:
    # 10 m pixels near 28° N: zoom 14 tiles have ~8.4 m pixels, zoom 13 ~16.9 m.
    assert native_zoom(open_scene(s2_like)) == 14


def test_every_tile_of_a_zoom_reads_the_same_source_the_same_way(tmp_path: Path) -> None:
    """Tiles side by side must not differ in source or resampling (a seam): the choice is made
    at the scene's latitude, not each tile's. A tall scene (about 60 km north to south) makes
    the tiles' own latitudes differ enough to matter."""
    rng = np.random.default_rng(1)
    array = rng.integers(200, 3000, size=(4, 6000, 40), dtype=np.uint16)
    path = write_raster(tmp_path / "tall.tif", array)
    with rasterio.open(path, "r+") as dst:
        dst.build_overviews([2, 4])
    scene = open_scene(path)
    pyramid = Pyramid(scene)
    west, south, east, north = scene.lonlat_bounds
    for z in (11, 12, 13, 14):
        n = 2**z
        x = int((west + east) / 2 / 360 * n + n / 2)
        rows = {
            int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
            for lat in np.linspace(south + 1e-4, north - 1e-4, 40)
        }
        choices = {tile_source(pyramid, z, x, y) for y in rows} - {None}
        assert len(rows) > 1 and len(choices) == 1, (z, choices)


def test_two_tiles_side_by_side_show_what_one_image_of_both_shows(s2_like: Path) -> None:
    """No seam where two tiles join: each tile shows exactly the pixels of one image of the
    pair, not its own approximation of the reprojection (UTM → Web Mercator): with GDAL's
    default (0.125 pixel) 133 pixels of the pair at zoom 14 differ."""
    scene = open_scene(s2_like)
    pyramid = Pyramid(scene)
    stretch = percentile_stretch(scene, (1, 2, 3))
    c = scene.footprint.centroid
    east = scene.lonlat_bounds[2]
    for z in (14, 15, 16):  # to a ×4 enhanced area's native zoom; beyond, the browser magnifies
        x = int((east + 180) / 360 * (1 << z)) - 1  # the pair whose join crosses the scene
        y = _tile_of(c.x, c.y, z)[1]
        pair = [render_tile(pyramid, z, x + i, y, "true", stretch) for i in (0, 1)]
        assert pair[0] is not None and pair[1] is not None, z
        left, right = (_decode(png) for png in pair)
        choice = tile_source(pyramid, z, x, y)
        assert choice is not None
        west, _, tile_east, north = tile_bounds(z, x, y)
        res = (tile_east - west) / TILE_SIZE
        data, valid = _read_warped(
            choice,
            view_bands(scene.date_bands(0), "true"),
            WEB_MERCATOR,
            Affine(res, 0, west, 0, -res, north),
            (2 * TILE_SIZE, TILE_SIZE),
        )
        both = view_rgba(data, valid, "true", stretch)
        assert valid[:, TILE_SIZE - 1 : TILE_SIZE + 1].any(), z  # the join crosses the scene
        assert np.array_equal(np.concatenate([left, right], axis=1), both), z


def test_area_render_shows_the_scene_pixels_in_true_colour(tmp_path: Path) -> None:
    red = np.zeros((32, 32), np.uint16)
    red[:, :16] = 1000  # left half red
    blue = np.zeros((32, 32), np.uint16)
    blue[:, 16:] = 1000  # right half blue
    array = np.stack([red, np.zeros_like(red), blue, np.full_like(red, 500)])
    scene = open_scene(write_raster(tmp_path / "rb.tif", array))
    stretch = Stretch((0.0, 0.0, 0.0), (1000.0, 1000.0, 1000.0))
    bounds = scene.lonlat_bounds
    rgba = _decode(render_area(Pyramid(scene), bounds, (200, 200), "true", stretch))
    assert rgba.shape == (200, 200, 4)
    middle = rgba[90:110]
    assert (middle[:, 30:60, 0] == 255).all() and (middle[:, 30:60, 2] == 0).all()
    assert (middle[:, 140:170, 2] == 255).all() and (middle[:, 140:170, 0] == 0).all()
    # False colour puts NIR (band 4, value 500) in the red channel.
    false_rgba = _decode(render_area(Pyramid(scene), bounds, (200, 200), "false", stretch))
    assert (false_rgba[90:110, 90:110, 0] == 128).all()


def test_the_ndvi_view_is_of_the_quantities_the_file_declares(tmp_path: Path) -> None:
    """The same ground stored as is, and with 1000 added and the −1000 declared as GDAL's
    band offset (a Sentinel-2 product of processing baseline 04.00): one NDVI picture; the
    true colour, stretched on the values as stored, is the other's shifted by the stretch."""
    rng = np.random.default_rng(4)
    array = rng.integers(200, 4000, size=(4, 32, 32)).astype(np.uint16)
    plain = open_scene(write_raster(tmp_path / "plain.tif", array))
    shifted_path = write_raster(tmp_path / "shifted.tif", array + 1000)
    with rasterio.open(shifted_path, "r+") as ds:
        ds.offsets = (-1000.0,) * 4
    shifted = open_scene(shifted_path)
    assert plain.band_scaling == () and shifted.band_scaling == ((1.0, -1000.0),) * 4
    stretch = Stretch((0.0, 0.0, 0.0), (4000.0, 4000.0, 4000.0))
    bounds = plain.lonlat_bounds

    def ndvi_picture(scene: Scene) -> np.ndarray:
        return _decode(render_area(Pyramid(scene), bounds, (64, 64), "ndvi", stretch))

    assert np.array_equal(ndvi_picture(plain), ndvi_picture(shifted))
    undeclared = open_scene(write_raster(tmp_path / "undeclared.tif", array + 1000))
    assert not np.array_equal(ndvi_picture(plain), ndvi_picture(undeclared))  # what it fixes


def test_a_scale_that_cannot_be_meant_is_not_applied(tmp_path: Path) -> None:
    path = write_raster(tmp_path / "odd.tif", np.full((4, 8, 8), 500, np.uint16))
    with rasterio.open(path, "r+") as ds:
        ds.scales = (0.0, float("nan"), 1.0, 1.0)
        ds.offsets = (5.0, 0.0, float("inf"), 0.0)
    assert open_scene(path).band_scaling == ()


def test_tiles_are_transparent_outside_and_empty_when_missing(s2_like: Path) -> None:
    scene = open_scene(s2_like)
    pyramid = Pyramid(scene)
    stretch = percentile_stretch(scene, (1, 2, 3))
    west, south, east, north = scene.lonlat_bounds
    x, y = _tile_of((west + east) / 2, (south + north) / 2, 12)
    rgba = _decode(render_tile(pyramid, 12, x, y, "true", stretch) or b"")
    assert rgba.shape == (256, 256, 4)
    opaque = rgba[..., 3] == 255
    # An 800 m × 640 m scene covers a small part of a ~9 km zoom-12 tile; the rest is clear.
    assert 0 < opaque.mean() < 0.2
    assert (rgba[~opaque][..., 3] == 0).all()
    assert render_tile(pyramid, 12, x + 5, y, "true", stretch) is None


def test_nodata_pixels_are_transparent(tmp_path: Path) -> None:
    array = np.full((3, 40, 40), 700, np.uint16)
    array[:, :, :20] = 0
    scene = open_scene(write_raster(tmp_path / "nd.tif", array, nodata=0))
    rgba = _decode(
        render_area(
            Pyramid(scene),
            scene.lonlat_bounds,
            (100, 100),
            "true",
            Stretch((0.0,) * 3, (1000.0,) * 3),
        )
    )
    assert (rgba[40:60, 5:40, 3] == 0).all()
    assert (rgba[40:60, 60:95, 3] == 255).all()


def test_big_scene_without_overviews_gets_a_reduced_copy(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    array = rng.integers(100, 2000, (4, 600, 600), dtype=np.uint16)
    scene = open_scene(write_raster(tmp_path / "big.tif", array))
    pyramid = Pyramid(scene, cache_dir=tmp_path / "cache", reduce_above=100_000)
    factors = [factor for _, _, factor in pyramid.levels]
    assert factors[:2] == [1, 4]
    reduced_path = pyramid.levels[1][0]
    with rasterio.open(reduced_path) as reduced:
        assert (reduced.width, reduced.height) == (150, 150)
        # Average resampling: each reduced pixel is the mean of a 4 × 4 block.
        expected = array[0, :4, :4].astype(float).mean()
        assert reduced.read(1)[0, 0] == pytest.approx(expected, abs=1)
        assert reduced.overviews(1)[:1] == [2]
    # Coarse requests read from the reduced copy; fine ones from the original.
    assert pyramid.source_for(1.0) == (scene.path, None)
    assert pyramid.source_for(9.0) == (reduced_path, 0)
    # The source file was not modified and the copy is reused.
    assert Pyramid(scene, tmp_path / "cache", reduce_above=100_000).levels[1][0] == reduced_path


def test_renders_that_would_read_too_many_source_pixels_are_refused(tmp_path: Path) -> None:
    # A 6000² scene without overviews, kept whole (no reduced copy): a zoomed-out tile would
    # read every pixel of it.
    path = tmp_path / "wide.tif"
    profile = {
        "driver": "GTiff",
        "width": 6000,
        "height": 6000,
        "count": 3,
        "dtype": "uint16",
        "crs": "EPSG:32645",
        "transform": rasterio.Affine(10, 0, 300000, 0, -10, 3100020),
        "tiled": True,
        "sparse_ok": True,
    }
    with rasterio.open(path, "w", **profile):
        pass
    pyramid = Pyramid(open_scene(path), reduce_above=10**9)
    with pytest.raises(SceneError, match="Zoom in"):
        pyramid.source_for(24.0, 256 * 256)  # 6144² source pixels for one tile
    assert pyramid.source_for(1.0, 256 * 256) == (path.resolve(), None)
