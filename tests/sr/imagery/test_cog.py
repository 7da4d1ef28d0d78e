"""``python -m sr enhance`` writes a valid Cloud-Optimized GeoTIFF (rio-cogeo's strict
validator) that keeps its source's band names and tags and says how it was made (sr.imagery.cog)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rio_cogeo.cogeo import cog_validate

from sr.cli import main
from sr.version import sharpfields_version
from tests.conftest import write_raster

SOURCE_TAGS = {
    "LICENCE": "Copernicus Sentinel data: free, full and open",
    "SOURCE": "Sentinel-2 L2A, made up for this test",
    "UNITS": "uint16 surface reflectance x 10000 (L2A)",
    "DATETIME": "2024-03-01T04:55:31Z",
}
NAMES = ("B4 red", "B3 green", "B2 blue", "B8 nir")


def source(tmp_path: Path, dtype: str = "uint16", side: int = 300) -> Path:
    """A 4-band scene with band names and tags, large enough that 2× needs overviews."""
    rng = np.random.default_rng(0)
    pixels = rng.integers(200, 3000, size=(4, side, side)).astype(dtype)
    path = write_raster(tmp_path / f"in-{dtype}.tif", pixels)
    with rasterio.open(path, "r+") as ds:
        ds.update_tags(**SOURCE_TAGS)
        for band, name in enumerate(NAMES, start=1):
            ds.set_band_description(band, name)
    return path


@pytest.mark.parametrize("dtype", ["uint16", "float32"])
def test_enhance_writes_a_strictly_valid_cog_with_its_metadata(tmp_path: Path, dtype: str):
    out = tmp_path / "out.tif"
    code = main(["enhance", str(source(tmp_path, dtype)), str(out), "--method", "bicubic"])
    assert code == 0
    valid, errors, warnings = cog_validate(str(out), strict=True)
    assert valid, (errors, warnings)
    with rasterio.open(out) as ds:
        assert (ds.width, ds.height) == (1200, 1200)
        assert ds.overviews(1) == [2, 4]  # down to one 512² tile
        assert ds.block_shapes[0] == (512, 512)
        structure = ds.tags(ns="IMAGE_STRUCTURE")
        assert structure["LAYOUT"] == "COG" and structure["COMPRESSION"] == "DEFLATE"
        assert structure["PREDICTOR"] == ("2" if dtype == "uint16" else "3")
        assert ds.descriptions == NAMES
        tags = ds.tags()
    assert {k: tags[k] for k in SOURCE_TAGS} == SOURCE_TAGS
    assert tags["SHARPFIELDS_METHOD"] == "bicubic"
    assert tags["SHARPFIELDS_SCALE"] == "4"
    assert tags["SHARPFIELDS_MODEL_VERSION"] == "none"
    assert tags["SHARPFIELDS_SOFTWARE"] == f"sharpfields {sharpfields_version()}"
    consistency = json.loads(tags["SHARPFIELDS_CONSISTENCY"])
    assert consistency["badge"] == tags["SHARPFIELDS_CONSISTENCY_BADGE"]
    assert set(consistency["consistency"]) >= {"reflectance_l1_relative", "shift_px"}


def test_enhancer_records_its_model_version(tmp_path: Path) -> None:
    """The trained enhancer's tags name the model file and its digest."""
    out = tmp_path / "out.tif"
    src = source(tmp_path, side=64)
    assert main(["enhance", str(src), str(out), "--method", "enhancer", "--quiet"]) == 0
    with rasterio.open(out) as ds:
        version = ds.tags()["SHARPFIELDS_MODEL_VERSION"]
    assert version.startswith("enhancer@") and version != "none"
    assert cog_validate(str(out), strict=True)[0]
