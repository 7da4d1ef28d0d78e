"""The enhancer's NAIP resolution ladder: area averages, scaled transforms, no benchmark chip."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import rasterio
from affine import Affine

from bench.fields_data import BENCH_CHIPS, FIT_CHIPS, VALIDATION_CHIPS
from tests.conftest import write_raster

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_training_data.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_training_data", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _chip(path: Path, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, size=(3, 16, 16)).astype(np.uint8)
    return write_raster(path, image, transform=Affine(1.0, 0, 500_000, 0, -1.0, 4_400_000))


def test_a_rung_is_the_block_average_on_a_coarser_grid(tmp_path: Path) -> None:
    source = _chip(tmp_path / "chip.tif")
    out = tmp_path / "chip_4m.tif"
    _script().coarsen(source, 4, out)
    with rasterio.open(source) as ds:
        fine = ds.read().astype(np.float64)
    with rasterio.open(out) as ds:
        coarse = ds.read()
        assert ds.transform == Affine(4.0, 0, 500_000, 0, -4.0, 4_400_000)
        assert ds.dtypes[0] == "float32" and ds.tags()["source_file"] == "chip.tif"
    expected = fine.reshape(3, 4, 4, 4, 4).mean(axis=(2, 4))
    assert coarse.shape == (3, 4, 4)
    np.testing.assert_allclose(coarse, expected, rtol=1e-6)


def test_the_ladder_reads_only_the_fit_and_validation_chips(tmp_path: Path) -> None:
    fields = tmp_path / "fields"
    fields.mkdir()
    for i, chip in enumerate(FIT_CHIPS + VALIDATION_CHIPS):  # no benchmark chip is there
        _chip(fields / f"{chip}.tif", seed=i)
    out = tmp_path / "training"
    out.mkdir()
    _script().naip_ladder(fields, out)
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 3 * len(FIT_CHIPS) + len(VALIDATION_CHIPS)
    assert f"train_{FIT_CHIPS[0]}_8m.tif" in written
    assert f"val_{VALIDATION_CHIPS[0]}_2m.tif" in written
    assert not any(chip in name for chip in BENCH_CHIPS for name in written)
