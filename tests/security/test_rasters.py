"""Attacks through rasters: file read through VRT raw bands, SSRF through /vsicurl/, memory
exhaustion through huge declared sizes, escapes from the scene folders."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import rasterio

from labels.model import Role
from sr.imagery.raster_guard import RasterLimits, open_raster
from sr.imagery.scene import open_scene
from sr.imagery.scene_errors import NotARasterError, SceneError
from tests.security.conftest import Listener
from ui.auth import Identity
from ui.scene_choice import NOT_ALLOWED, open_by_path, open_ref, person_upload_dir, save_upload

COORDINATOR = Identity("Gita", Role.COORDINATOR)
SECRET = b"root:x:0:0:root:/root:/bin/bash\n" * 8


def raw_band_vrt(target: Path, width: int = 64, height: int = 4) -> str:
    """A VRT whose three raw bands read the bytes of ``target``."""
    bands = "".join(
        f"""<VRTRasterBand dataType="Byte" band="{i}" subClass="VRTRawRasterBand">
  <SourceFilename relativetoVRT="0">{target}</SourceFilename>
  <ImageOffset>0</ImageOffset><PixelOffset>1</PixelOffset><LineOffset>{width}</LineOffset>
</VRTRasterBand>"""
        for i in (1, 2, 3)
    )
    return (
        f'<VRTDataset rasterXSize="{width}" rasterYSize="{height}">'
        "<SRS>EPSG:32645</SRS><GeoTransform>500000, 10, 0, 3000000, 0, -10</GeoTransform>"
        f"{bands}</VRTDataset>"
    )


def source_vrt(source: str, size: int = 256) -> str:
    """A VRT of ``size``² pixels whose bands come from ``source`` (a path or /vsi… URL)."""
    bands = "".join(
        f"""<VRTRasterBand dataType="UInt16" band="{i}"><SimpleSource>
  <SourceFilename relativeToVRT="0">{source}</SourceFilename><SourceBand>1</SourceBand>
</SimpleSource></VRTRasterBand>"""
        for i in (1, 2, 3)
    )
    return (
        f'<VRTDataset rasterXSize="{size}" rasterYSize="{size}">'
        "<SRS>EPSG:32645</SRS><GeoTransform>500000, 10, 0, 3000000, 0, -10</GeoTransform>"
        f"{bands}</VRTDataset>"
    )


@pytest.fixture(autouse=True)
def _folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path / "data"))
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    monkeypatch.setenv("SHARPFIELDS_SCENE_DIRS", str(scenes))
    return scenes


def test_vrt_with_raw_bands_never_reads_the_file(tmp_path: Path, _folders: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_bytes(SECRET)
    vrt = raw_band_vrt(secret).encode()
    # Uploaded as x.tif: refused, and nothing is kept.
    with pytest.raises(NotARasterError, match="not a GeoTIFF"):
        save_upload("x.tif", vrt, COORDINATOR)
    assert list(person_upload_dir(COORDINATOR).iterdir()) == []
    # Placed in a scene folder and opened by path or by reference: refused.
    (_folders / "x.tif").write_bytes(vrt)
    with pytest.raises(SceneError, match="not an allowed scene"):
        open_by_path("x.tif", COORDINATOR)
    with pytest.raises(SceneError, match="not an allowed scene"):  # like a missing file
        open_ref("server1:x.tif")
    # The attack is real: GDAL on its own would read the file through the VRT.
    with rasterio.open(_folders / "x.tif") as ds:
        assert bytes(ds.read(1)[0, :5]) == SECRET[:5]
    # A VRT behind a TIFF signature is still no GeoTIFF for the GTiff-only door.
    disguised = _folders / "disguised.tif"
    disguised.write_bytes(b"II*\x00" + vrt)
    with pytest.raises(NotARasterError):
        open_scene(disguised)


def test_vrt_or_url_to_a_loopback_server_sends_no_request(
    tmp_path: Path, _folders: Path, listener: Listener
) -> None:
    url = f"/vsicurl/{listener.url}/secret.tif"
    (_folders / "ssrf.tif").write_text(source_vrt(url))
    with pytest.raises(NotARasterError):
        save_upload("ssrf.tif", (_folders / "ssrf.tif").read_bytes(), COORDINATOR)
    with pytest.raises(SceneError, match="not an allowed scene"):
        open_by_path("ssrf.tif", COORDINATOR)
    for name in (url, f"{listener.url}/secret.tif", f"/vsizip/{url}/a.tif"):
        with pytest.raises(SceneError):
            open_scene(name)
        with pytest.raises(SceneError, match="not an allowed scene"):
            open_by_path(name, COORDINATOR)
    # GDAL itself is locked too: a /vsicurl/ open outside the guarded door makes no request.
    with pytest.raises(rasterio.errors.RasterioIOError):
        rasterio.open(url)
    time.sleep(0.2)
    assert listener.requests == []


def test_huge_declared_sizes_are_refused_before_reading(tmp_path: Path, _folders: Path) -> None:
    sample = Path(__file__).resolve().parents[2] / "samples"
    source = next(sample.glob("*.tif"))
    (_folders / "huge.tif").write_text(source_vrt(str(source), size=1_000_000))
    with pytest.raises(SceneError):
        open_by_path("huge.tif", COORDINATOR)
    # A real, sparse GeoTIFF declaring 10⁶ × 10⁶ pixels (a few hundred bytes on disk).
    huge = _folders / "sparse.tif"
    profile = {
        "driver": "GTiff",
        "width": 1_000_000,
        "height": 1_000_000,
        "count": 3,
        "dtype": "uint16",
        "crs": "EPSG:32645",
        "transform": rasterio.Affine(10, 0, 500000, 0, -10, 3000000),
        "tiled": True,
        "sparse_ok": True,
        "BIGTIFF": "YES",
    }
    with rasterio.open(huge, "w", **profile):
        pass
    started = time.monotonic()
    with pytest.raises(NotARasterError, match="at most 30,000 pixels a side"):
        open_scene(huge)
    assert time.monotonic() - started < 5  # refused from the header, no pixel read
    with pytest.raises(SceneError, match="not an allowed scene"):
        open_by_path("sparse.tif", COORDINATOR)


def test_a_full_sentinel2_tile_is_within_the_limits(tmp_path: Path) -> None:
    tile = tmp_path / "T45RUL.tif"
    profile = {
        "driver": "GTiff",
        "width": 10980,
        "height": 10980,
        "count": 4,
        "dtype": "uint16",
        "crs": "EPSG:32645",
        "transform": rasterio.Affine(10, 0, 300000, 0, -10, 3100020),
        "tiled": True,
        "sparse_ok": True,
    }
    with rasterio.open(tile, "w", **profile):
        pass
    scene = open_scene(tile)
    assert (scene.width, scene.height, scene.count) == (10980, 10980, 4)


def test_limits_are_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import write_raster

    path = write_raster(tmp_path / "small.tif", np.ones((3, 64, 64), np.uint16))
    monkeypatch.setenv("SHARPFIELDS_MAX_SCENE_SIDE", "32")
    assert RasterLimits.from_env().max_side == 32
    with pytest.raises(NotARasterError, match="at most 32 pixels a side"):
        open_scene(path)
    monkeypatch.setenv("SHARPFIELDS_MAX_SCENE_SIDE", "nonsense")
    with open_raster(path) as ds:
        assert ds.width == 64


def test_symlink_out_of_a_scene_folder_is_refused(
    tmp_path: Path, _folders: Path, s2_like: Path
) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "private.tif").write_bytes(s2_like.read_bytes())
    (_folders / "innocent.tif").symlink_to(outside / "private.tif")
    (_folders / "dir").symlink_to(outside, target_is_directory=True)
    for text in ("innocent.tif", "dir/private.tif", "../elsewhere/private.tif"):
        with pytest.raises(SceneError) as caught:
            open_by_path(text, COORDINATOR)
        assert str(caught.value) == NOT_ALLOWED
    for ref in ("server1:innocent.tif", "server1:dir/private.tif"):
        with pytest.raises(SceneError, match="not an allowed scene"):
            open_ref(ref)
