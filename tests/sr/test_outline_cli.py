"""``python -m sr outline``: clicks to GeoJSON outlines, pixel and georeferenced input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import rasterio
from PIL import Image
from rasterio.warp import transform as transform_points
from rasterio.windows import Window
from shapely.geometry import Point, shape

from bench.bench_fields import innermost_pixel
from sr.cli import main
from sr.imagery.raster_io import upscaled_transform
from sr.sharpen.degrade import area_downsample
from sr.sharpen.methods import enhance
from tests.conftest import write_raster
from ui.settings import SAMPLE_SCENE

RIVER = (80, 314)  # (column, row) of the bundled sample on the Danube (tests/ui/test_water_note)
CHIP = "naip_43.4066_-83.6220"  # a training chip of bench/fields_data.py
SIDE = 256  # 2 m pixels: a 512 m square of the chip


@pytest.fixture(scope="module")
def farmland(shared_data: Path) -> tuple[np.ndarray, np.ndarray, rasterio.Affine, object]:
    """A 2 m crop of a field chip, its drawn fields, its transform and CRS."""
    with rasterio.open(shared_data / "fields" / f"{CHIP}.tif") as ds:
        rgb = ds.read().astype(np.float32)
        transform, crs = ds.transform @ rasterio.Affine.scale(2), ds.crs
    mask = np.asarray(Image.open(shared_data / "fields" / f"{CHIP}_mask.png")).astype(np.int32)
    return area_downsample(rgb, 2)[:, :SIDE, :SIDE], mask[::2, ::2][:SIDE, :SIDE], transform, crs


def inside_click(fields: np.ndarray) -> tuple[int, int]:
    """The innermost pixel of the largest drawn field, as (column, row)."""
    row, col = innermost_pixel(fields == np.bincount(fields[fields > 0]).argmax())
    return col, row


def farm_png(farmland: tuple, folder: Path) -> tuple[Path, tuple[int, int]]:
    """The farmland crop as a plain 8-bit PNG (no georeference), and a click in its largest
    drawn field."""
    rgb, fields, _, _ = farmland
    png = folder / "farm.png"
    Image.fromarray(np.moveaxis(np.clip(rgb, 0, 255).astype(np.uint8), 0, -1)).save(png)
    return png, inside_click(fields)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["outline", *args])
    return code, capsys.readouterr().err


@pytest.mark.shared_data
def test_pixel_image_a_click_in_a_field_gives_its_outline_in_pixels(
    farmland: tuple, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png, (col, row) = farm_png(farmland, tmp_path)
    out = tmp_path / "out.geojson"
    code, err = run([str(png), "--at", f"{col},{row}", "--at=-5,10", "--out", str(out)], capsys)
    assert code == 0, err
    [feature] = json.loads(out.read_text())["features"]
    assert feature["properties"]["click"] == 0
    polygon = shape(feature["geometry"])
    assert polygon.is_valid and polygon.contains(Point(col + 0.5, row + 0.5))
    assert polygon.bounds[0] >= 0 and polygon.bounds[2] <= SIDE  # pixel coordinates
    assert feature["properties"]["open_water"] is None  # red, green and blue: cannot tell
    assert "click 1 at -5,10 is outside the image (256 × 256 px): no outline" in err


@pytest.mark.shared_data
def test_georeferenced_image_gives_lon_lat_and_a_click_on_no_data_is_in_no_field(
    farmland: tuple, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rgb, fields, transform, crs = farmland
    image = rgb.copy()
    image[:, :, :12] = 0  # a strip without data on the left edge
    tif = write_raster(
        tmp_path / "farm.tif", image.astype(np.uint16), crs=str(crs), transform=transform, nodata=0
    )
    col, row = inside_click(fields)
    out = tmp_path / "out.geojson"
    args = [str(tif), "--at", "4,100", "--at", f"{col},{row}", "--out", str(out)]
    code, err = run(args, capsys)
    assert code == 0, err
    [feature] = json.loads(out.read_text())["features"]
    assert feature["properties"]["click"] == 1  # the index of its --at, not of the feature
    x, y = transform @ (col + 0.5, row + 0.5)
    [lon], [lat] = transform_points(crs, "EPSG:4326", [x], [y])
    polygon = shape(feature["geometry"])
    assert polygon.contains(Point(lon, lat))
    assert -84 < polygon.centroid.x < -83 and 43 < polygon.centroid.y < 44  # RFC 7946 lon/lat
    assert "click 0 at 4,100 is in no field" in err


@pytest.mark.shared_data
def test_all_proposes_every_field_as_valid_disjoint_polygons(
    farmland: tuple, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rgb, _, transform, crs = farmland
    tif = write_raster(tmp_path / "farm.tif", rgb, crs=str(crs), transform=transform)
    out = tmp_path / "all.geojson"
    code, err = run([str(tif), "--all", "--out", str(out)], capsys)
    assert code == 0, err
    features = json.loads(out.read_text())["features"]
    assert len(features) >= 3
    assert [f["properties"]["field"] for f in features] == list(range(len(features)))
    edges = [f["properties"]["edge"] for f in features]
    assert any(edges) and not all(edges) and edges == sorted(edges)  # off the edge first
    polygons = [shape(f["geometry"]) for f in features]
    assert all(p.is_valid and len(p.exterior.coords) <= 41 for p in polygons)
    overlap = sum(a.intersection(b).area for i, a in enumerate(polygons) for b in polygons[:i])
    assert overlap < 0.06 * sum(p.area for p in polygons)  # one field each (simplified edges)


def river_view(folder: Path) -> Path:
    """A 64² scene-pixel area of the bundled sample around the Danube, both dates upsampled
    4× (bicubic) as the app's enhanced views are, its band names kept (B3 green, B8 nir …)."""
    window = Window(RIVER[0] - 32, RIVER[1] - 32, 64, 64)
    with rasterio.open(SAMPLE_SCENE) as ds:
        array = ds.read(window=window).astype(np.float32)
        transform, crs, names = ds.window_transform(window), ds.crs, ds.descriptions
    view = np.clip(enhance(array, 4, "bicubic", floor=0.0), 1, 65535).astype(np.uint16)
    path = write_raster(
        folder / "river.tif", view, crs=str(crs), transform=upscaled_transform(transform, 4)
    )
    with rasterio.open(path, "r+") as ds:
        for band, name in enumerate(names, 1):
            ds.set_band_description(band, name)
    return path


@pytest.mark.parametrize("dates", [["--dates", "all"], []])
def test_all_leaves_out_open_water_and_a_click_on_it_says_it_looks_like_water(
    dates: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "river.geojson"
    on_the_river = "130,130"  # RIVER, in the view's pixels
    code, err = run(
        [str(river_view(tmp_path)), *dates, "--all", "--at", on_the_river, "--out", str(out)],
        capsys,
    )
    assert code == 0, err
    clicked, *fields = json.loads(out.read_text())["features"]
    assert clicked["properties"]["click"] == 0 and clicked["properties"]["open_water"] is True
    assert len(fields) >= 3 and all(f["properties"]["open_water"] is False for f in fields)
    [left_out] = re.findall(r"--all left out (\d+) outline\(s\) that look like open water", err)
    assert int(left_out) >= 1
    assert clicked["geometry"] not in [f["geometry"] for f in fields]  # it was left out


def test_without_a_click_or_all_and_with_a_bad_click_it_says_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "a.png"
    Image.fromarray(np.zeros((16, 16, 3), np.uint8)).save(png)
    code, err = run([str(png), "--out", str(tmp_path / "o.geojson")], capsys)
    assert code == 2 and "give at least one --at COL,ROW or --box COL,ROW,COL,ROW, or --all" in err
    code, err = run([str(png), "--at", "left,top", "--out", str(tmp_path / "o.geojson")], capsys)
    assert code == 2 and "a click needs a pixel position COL,ROW" in err
    for bad in ("nan,1", "1,inf"):
        code, err = run([str(png), "--at", bad, "--out", str(tmp_path / "o.geojson")], capsys)
        assert code == 2 and "a click needs a pixel position COL,ROW" in err
    for bad in ("1,2,3", "1,2,3,nan", "a,b,c,d"):
        code, err = run([str(png), "--box", bad, "--out", str(tmp_path / "o.geojson")], capsys)
        assert code == 2 and "a box needs two opposite corners COL,ROW,COL,ROW" in err
    assert not (tmp_path / "o.geojson").exists()


@pytest.mark.shared_data
def test_grow_outlines_at_another_level_and_says_which(
    farmland: tuple, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png, (col, row) = farm_png(farmland, tmp_path)
    found = {}
    for grow in (-2, 0, 2):
        out = tmp_path / f"grow{grow}.geojson"
        code, err = run(
            [str(png), "--at", f"{col},{row}", "--grow", str(grow), "--out", str(out)], capsys
        )
        assert code == 0, err
        [feature] = json.loads(out.read_text())["features"]
        assert feature["properties"]["assist"].endswith(f"@{0.5 - 0.1 * grow:g}")
        found[grow] = shape(feature["geometry"])
    assert found[-2].area < found[0].area < found[2].area
    code, err = run(
        [str(png), "--all", "--grow", "9", "--out", str(tmp_path / "x.geojson")], capsys
    )
    assert code == 2 and "--grow" in err


@pytest.mark.shared_data
def test_add_and_cut_correct_the_outline_of_one_click_in_order(
    farmland: tuple, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png, (col, row) = farm_png(farmland, tmp_path)

    def outline(*more: str) -> object:
        out = tmp_path / "o.geojson"
        code, err = run([str(png), "--at", f"{col},{row}", *more, "--out", str(out)], capsys)
        assert code == 0, err
        [feature] = json.loads(out.read_text())["features"]
        assert feature["properties"]["click"] == 0
        return shape(feature["geometry"])

    plain = outline()
    # A cut inside the outline, a quarter of the way in from its corner farthest from the
    # click: a part is taken away, the click's part stays.
    corner = max((Point(c) for c in plain.exterior.coords), key=Point(col, row).distance)
    centre = plain.centroid
    at = (corner.x + (centre.x - corner.x) / 4, corner.y + (centre.y - corner.y) / 4)
    cut = outline("--cut", f"{at[0]},{at[1]}")
    assert cut.area < plain.area and cut.contains(Point(col + 0.5, row + 0.5))
    assert not cut.contains(Point(*at))
    # Added again at the same place: the later click wins.
    assert outline("--cut", f"{at[0]},{at[1]}", "--add", f"{at[0]},{at[1]}").equals(plain)
    code, err = run(
        [str(png), "--at", "1,1", "--at", "2,2", "--cut", "3,3", "--out", str(tmp_path / "x")],
        capsys,
    )
    assert code == 2 and "give one --at" in err


@pytest.mark.shared_data
def test_box_outlines_the_field_between_two_corners_trimmed_to_them(
    farmland: tuple, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png, _ = farm_png(farmland, tmp_path)
    fields = farmland[1]
    largest = np.bincount(fields[fields > 0]).argmax()
    rows, cols = np.nonzero(fields == largest)
    corners = f"{cols.max() + 1},{rows.max() + 1},{cols.min()},{rows.min()}"  # either order
    out = tmp_path / "box.geojson"
    boxes = ["--box", corners, "--box", "300,300,400,400", "--box", "5,5,7,60"]
    code, err = run([str(png), *boxes, "--out", str(out)], capsys)
    assert code == 0, err
    [feature] = json.loads(out.read_text())["features"]
    assert feature["properties"]["box"] == 0
    assert feature["properties"]["assist"].endswith("@0.5+box")
    polygon = shape(feature["geometry"])
    drawn = np.zeros_like(fields, bool)
    drawn[rows, cols] = True
    assert polygon.is_valid
    minx, miny, maxx, maxy = polygon.bounds  # trimmed to the box
    assert minx >= cols.min() and miny >= rows.min()
    assert maxx <= cols.max() + 1 and maxy <= rows.max() + 1
    assert polygon.area > 0.5 * drawn.sum()
    assert "box 1 at 300,300,400,400 holds no field" in err
    assert "box 2 at 5,5,7,60 holds no field (or is under 4 px across" in err
