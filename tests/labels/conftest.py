"""Fixtures for the label tests: tiny stores and fields made on the spot (tmp_path)."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyproj import Transformer
from shapely.geometry import Polygon, box

from labels.base_store import BaseLabelStore
from labels.model import Label
from labels.store import is_database_url, open_store

SCENE = "S2A_T45RUL_20240301"
# Real processes for the concurrency tests: spawned, not forked. A fork copies a test process
# of many threads (the browser driver's, stores' snapshot writers…) with whatever locks they
# held at that moment, so a child can wait forever on one (seen in CI), and it keeps the
# parent's pipes open, so the run never ends. A spawned child starts clean, and the tests
# hold their children at a start line so that they still run at once.
PROCESSES = mp.get_context("spawn")
FOOTPRINT = box(85.0, 27.5, 85.6, 28.0)  # lon/lat
UTM45N_TO_LONLAT = Transformer.from_crs(32645, 4326, always_xy=True)


def square(lon: float = 85.3, lat: float = 27.7, side_m: float = 100.0) -> Polygon:
    """A square of ``side_m`` metres (drawn in UTM 45N) with its south-west corner at lon/lat."""
    to_utm = Transformer.from_crs(4326, 32645, always_xy=True)
    x, y = to_utm.transform(lon, lat)
    corners = [(x, y), (x + side_m, y), (x + side_m, y + side_m), (x, y + side_m), (x, y)]
    return Polygon([UTM45N_TO_LONLAT.transform(cx, cy) for cx, cy in corners])


def make_label(geometry: Polygon | None = None, **kw) -> Label:
    """A draft rice label by volunteer 'ram' on the test scene."""
    values = {"crop": "rice", "scene_id": SCENE, "annotator": "ram"}
    values.update(kw)
    return Label(geometry=geometry if geometry is not None else square(), **values)


@pytest.fixture(params=["sqlite", "postgis"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where an empty label store lives: a folder (SQLite) or a fresh PostGIS database."""
    if request.param == "postgis":
        return request.getfixturevalue("postgis_url")
    return str(tmp_path / "store")


def open_test_store(target: str, tmp_path: Path, **options) -> BaseLabelStore:
    """The store at ``target``; a PostGIS one writes its snapshots into ``tmp_path``."""
    if is_database_url(target):
        options.setdefault("snapshot_dir", tmp_path / "geojson")
    return open_store(target, **options)


@pytest.fixture
def store(store_target: str, tmp_path: Path) -> Iterator[BaseLabelStore]:
    """An empty store (SQLite, then PostGIS) with the test scene registered."""
    s = open_test_store(store_target, tmp_path)
    s.register_scene(SCENE, FOOTPRINT)
    yield s
    s.close()
