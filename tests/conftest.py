"""Shared pytest fixtures: paths to the project and to the shared data beside it."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from affine import Affine

from tests.postgres import SKIP_ENV, PostgresServer

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"


@contextlib.contextmanager
def main_module_kept() -> Iterator[None]:
    """Put this process's ``__main__`` module back after code that replaces it.

    Streamlit's script runner (AppTest's too) installs each page it runs as
    ``sys.modules["__main__"]`` and leaves it there. A process started later with
    multiprocessing's "spawn" (a Dask nanny's worker) runs the main module first, so it would
    run that page and fail to start ("Nanny failed to start").
    """
    main = sys.modules["__main__"]
    try:
        yield
    finally:
        sys.modules["__main__"] = main


@pytest.fixture(autouse=True)
def _main_module_kept_for_each_test() -> Iterator[None]:
    with main_module_kept():
        yield


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ../shared/data folder; tests that need it are skipped without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the project")
    return SHARED_DATA


def write_raster(
    path: Path,
    array: np.ndarray,
    *,
    crs: str | None = "EPSG:32645",
    transform: Affine | None = None,
    nodata: float | None = None,
    **profile: object,
) -> Path:
    """Write a (bands, rows, cols) array as a GeoTIFF; ``crs=None`` writes no CRS."""
    import rasterio

    bands, rows, cols = array.shape
    if transform is None:
        transform = Affine(10.0, 0, 300_000.0, 0, -10.0, 3_100_000.0)
    options = {
        "driver": "GTiff",
        "width": cols,
        "height": rows,
        "count": bands,
        "dtype": str(array.dtype),
        "transform": transform,
        "nodata": nodata,
        **profile,
    }
    if crs is not None:
        options["crs"] = crs
    with rasterio.open(path, "w", **options) as dst:
        dst.write(array)
    return path


SENTINEL2_SAMPLE = PROJECT_ROOT / "samples" / "danube_farmland_sentinel2.tif"


def with_baseline_offset(
    target: Path, source: Path = SENTINEL2_SAMPLE, bands: tuple[int, ...] | None = None
) -> Path:
    """A copy of ``source`` whose ``bands`` (1-based; default all) hold 1000 more on every
    valid value, as Sentinel-2 L2A of processing baseline 04.00 delivers them, with the
    same names and tags and no offset declared."""
    import rasterio

    with rasterio.open(source) as src:
        profile, data = src.profile, src.read()
        names, tags = src.descriptions, src.tags()
    chosen = [b - 1 for b in (bands or range(1, len(data) + 1))]
    data[chosen] = np.where(data[chosen] > 0, data[chosen].astype(np.int32) + 1000, 0)
    with rasterio.open(target, "w", **profile) as dst:
        dst.write(data)
        dst.descriptions = names
        dst.update_tags(**tags)
    return target


@pytest.fixture()
def s2_like(tmp_path: Path) -> Path:
    """A small 4-band uint16 Sentinel-2-like stack (B4 B3 B2 B8) in UTM 45N (Nepal)."""

    rng = np.random.default_rng(0)
    array = rng.integers(200, 3000, size=(4, 64, 80), dtype=np.uint16)
    return write_raster(tmp_path / "s2.tif", array)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL + PostGIS server for the whole test run, stopped at the end.

    Fails with the reason when PostgreSQL or PostGIS is missing (CI installs both); set
    ``SHARPFIELDS_SKIP_POSTGIS=1`` to skip the PostGIS variants instead.
    """
    if os.environ.get(SKIP_ENV):
        pytest.skip(f"{SKIP_ENV} is set")
    server = PostgresServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture()
def postgis_url(postgres_server: PostgresServer) -> str:
    """The URL of a fresh PostGIS database holding an empty label store."""
    return postgres_server.database()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's chromium through Playwright, one for the whole run: a second sync Playwright
    in the same process would find the first one's event loop running."""
    from tests.e2e.harness import CHROMIUM, launch_chromium

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/setup.sh --dev installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()
