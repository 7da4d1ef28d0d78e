"""The ``python -m sr enhance`` command: outputs, georeference, dtype and error handling."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine
from PIL import Image
from rasterio.crs import CRS

from sr.cli import main
from sr.imagery.raster_io import to_dtype, upscaled_transform

ROOT = Path(__file__).resolve().parents[2]
# 10 m pixels in UTM 33N near Vienna (about 15.0° E, 48.3° N).
TRANSFORM = Affine(10.0, 0.0, 500_000.0, 0.0, -10.0, 5_350_000.0)
CRS_UTM = CRS.from_epsg(32633)


def _geotiff(path: Path, bands: int = 4, size: tuple[int, int] = (10, 12), **extra) -> Path:
    rows, cols = size
    rng = np.random.default_rng(0)
    data = rng.integers(300, 4000, (bands, rows, cols)).astype("uint16")
    data[0, 0, 0] = 16000  # a bright value above the usual reflectance scale
    profile = {
        "driver": "GTiff",
        "width": cols,
        "height": rows,
        "count": bands,
        "dtype": "uint16",
        "crs": CRS_UTM,
        "transform": TRANSFORM,
        **extra,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
    return path


def _lonlat_of(col: float, row: float) -> tuple[float, float]:
    from rasterio.warp import transform

    x, y = TRANSFORM @ (col, row)
    lon, lat = transform(CRS_UTM, "EPSG:4326", [x], [y])
    return lon[0], lat[0]


@pytest.mark.parametrize("method", ["bicubic", "lanczos"])
def test_interpolation_keeps_bands_dtype_and_georeference(tmp_path: Path, method: str) -> None:
    src = _geotiff(tmp_path / "in.tif")
    out = tmp_path / "out.tif"
    assert main(["enhance", str(src), str(out), "--method", method, "--scale", "4"]) == 0
    with rasterio.open(out) as ds, rasterio.open(src) as ref:
        assert (ds.count, ds.dtypes[0], ds.width, ds.height) == (4, "uint16", 48, 40)
        assert ds.crs == CRS_UTM
        assert ds.transform == Affine(2.5, 0.0, 500_000.0, 0.0, -2.5, 5_350_000.0)
        assert ds.bounds == ref.bounds  # same footprint, finer grid
        data = ds.read().astype(float)
        low = ref.read().astype(float)
    # Interpolation keeps the band means and the bright pixel is not clipped away.
    np.testing.assert_allclose(data.mean(axis=(1, 2)), low.mean(axis=(1, 2)), rtol=0.05)
    assert data[0].max() > 10000


def test_dip_command_writes_a_georeferenced_geotiff(tmp_path: Path) -> None:
    src = _geotiff(tmp_path / "in.tif", bands=3, size=(8, 6))
    out = tmp_path / "out.tif"
    code = main(
        [
            "enhance",
            str(src),
            str(out),
            "--method",
            "dip",
            "--scale",
            "2",
            "--preset",
            "fast",
            "--iterations",
            "3",
            "--device",
            "cpu",
            "--quiet",
        ]
    )
    assert code == 0
    with rasterio.open(out) as ds:
        assert (ds.count, ds.dtypes[0], ds.width, ds.height) == (3, "uint16", 12, 16)
        assert ds.transform == upscaled_transform(TRANSFORM, 2)
        assert ds.transform.a == 5.0 and ds.crs == CRS_UTM
        assert 0 < ds.read().mean() < 65535


def test_bbox_reads_only_the_area(tmp_path: Path) -> None:
    src = _geotiff(tmp_path / "in.tif", size=(40, 40))
    west, north = _lonlat_of(10.2, 10.2)
    east, south = _lonlat_of(19.8, 19.8)
    out = tmp_path / "area.tif"
    bbox = f"{west},{south},{east},{north}"
    assert main(["enhance", str(src), str(out), "--method", "bicubic", "--bbox", bbox]) == 0
    with rasterio.open(out) as ds:
        assert ds.count == 4 and ds.crs == CRS_UTM
        col, row = ~TRANSFORM @ (ds.transform.c, ds.transform.f)
        assert (round(col), round(row)) == (10, 10)
        assert ds.transform.a == 2.5
        assert 36 <= ds.width <= 48 and 36 <= ds.height <= 48


def test_a_declared_scale_and_offset_are_kept_whole_or_by_area(tmp_path: Path) -> None:
    src = _geotiff(tmp_path / "in.tif", size=(40, 40))
    with rasterio.open(src, "r+") as ds:
        ds.offsets = (-1000.0,) * 4
        ds.scales = (0.0001,) * 4
    west, north = _lonlat_of(10.2, 10.2)
    east, south = _lonlat_of(19.8, 19.8)
    whole, area = tmp_path / "whole.tif", tmp_path / "area.tif"
    assert main(["enhance", str(src), str(whole), "--method", "bicubic"]) == 0
    bbox = f"{west},{south},{east},{north}"
    assert main(["enhance", str(src), str(area), "--method", "bicubic", "--bbox", bbox]) == 0
    for out in (whole, area):
        with rasterio.open(out) as ds:
            assert ds.offsets == (-1000.0,) * 4 and ds.scales == (0.0001,) * 4


def test_png_in_png_out(tmp_path: Path) -> None:
    src = tmp_path / "in.png"
    rgb = np.random.default_rng(1).integers(0, 256, (6, 7, 3)).astype("uint8")
    Image.fromarray(rgb).save(src)
    out = tmp_path / "out.png"
    assert (
        main(
            [
                "enhance",
                str(src),
                str(out),
                "--method",
                "dip",
                "--iterations",
                "2",
                "--device",
                "cpu",
                "--quiet",
            ]
        )
        == 0
    )
    with Image.open(out) as img:
        assert (img.size, img.mode) == ((28, 24), "RGB")


def test_to_dtype_rounds_and_clips_only_to_the_dtype_range() -> None:
    values = np.array([-3.0, 0.4, 0.6, 12345.5, 70000.0])
    np.testing.assert_array_equal(to_dtype(values, "uint16"), [0, 0, 1, 12346, 65535])
    assert to_dtype(values, "float32").dtype == np.float32


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    return err


def test_bad_scale_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _geotiff(tmp_path / "in.tif")
    err = _error(capsys, ["enhance", str(src), str(tmp_path / "o.tif"), "--scale", "3"])
    assert "use 2, 4 or 8" in err


def test_bbox_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _geotiff(tmp_path / "in.tif")
    out = str(tmp_path / "o.tif")
    assert "outside the scene" in _error(capsys, ["enhance", str(src), out, "--bbox", "1,1,2,2"])
    empty = _error(capsys, ["enhance", str(src), out, "--bbox", "15,48.3,15,48.3"])
    assert "not a valid lon/lat box" in empty
    assert "four numbers" in _error(capsys, ["enhance", str(src), out, "--bbox", "1,2,3"])


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_missing_georeference_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = tmp_path / "plain.tif"
    with rasterio.open(
        plain, "w", driver="GTiff", width=8, height=8, count=3, dtype="uint8"
    ) as dst:
        dst.write(np.zeros((3, 8, 8), "uint8"))
    assert "no georeference" in _error(capsys, ["enhance", str(plain), str(tmp_path / "o.tif")])
    png = tmp_path / "a.png"
    Image.fromarray(np.zeros((8, 8, 3), "uint8")).save(png)
    err = _error(capsys, ["enhance", str(png), str(tmp_path / "o.png"), "--bbox", "1,1,2,2"])
    assert "without georeference" in err


def test_other_input_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _geotiff(tmp_path / "in.tif")
    assert "No file" in _error(capsys, ["enhance", str(tmp_path / "nope.tif"), "o.tif"])
    assert "must be .tif" in _error(
        capsys, ["enhance", str(src), str(tmp_path / "o.png"), "--method", "bicubic"]
    )
    junk = tmp_path / "junk.tif"
    junk.write_bytes(b"not a tiff")
    assert "not a GeoTIFF" in _error(capsys, ["enhance", str(junk), "o.tif"])
    assert "invalid choice" in _error(capsys, ["enhance", str(src), "o.tif", "--method", "x"])


def test_area_too_large_for_memory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 9000 × 9000 px → 36000² at 4×: far beyond any machine's memory; the file is sparse.
    src = _geotiff(tmp_path / "big.tif", bands=4, size=(16, 16))
    big = tmp_path / "big2.tif"
    with rasterio.open(
        big,
        "w",
        driver="GTiff",
        width=9000,
        height=9000,
        count=4,
        dtype="uint16",
        crs=CRS_UTM,
        transform=TRANSFORM,
        tiled=True,
        sparse_ok=True,
    ) as dst:
        dst.write(np.ones((4, 16, 16), "uint16"), window=((0, 16), (0, 16)))
    assert src.exists()
    err = _error(capsys, ["enhance", str(big), str(tmp_path / "o.tif"), "--preset", "reference"])
    assert "Choose a smaller area" in err


def test_module_entry_point_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sr", "enhance", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "--preset" in result.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "sr", "enhance", "missing.tif", "o.tif", "--method", "bicubic"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and bad.stderr.strip().startswith("error: No file")
