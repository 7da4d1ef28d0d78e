"""Fixtures for the attack tests: the bundled sample scene, a store that knows it, the CLI, and
a loopback listener that records every request it gets."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import box, mapping

from labels.sqlite_store import SQLiteLabelStore
from labels.store import open_store
from sr.imagery.scene import Scene, open_scene
from tests.conftest import PROJECT_ROOT
from tests.sign_in import auth, clock  # noqa: F401  (fixtures for the sign-in tests)
from tests.ui.conftest import app_data  # noqa: F401 (a fixture: the pages' data folder)
from ui.settings import LANDSAT_SAMPLE


@pytest.fixture(scope="session")
def sample_scene() -> Scene:
    """The bundled Landsat 8 farmland scene (a real GeoTIFF read through rasterio)."""
    return open_scene(LANDSAT_SAMPLE)


@pytest.fixture()
def store_dir(tmp_path: Path, sample_scene: Scene) -> Path:
    """A label store folder with the sample scene's footprint registered, and no labels."""
    path = tmp_path / "store"
    store = open_store(path)
    store.register_scene(sample_scene.scene_id, sample_scene.footprint)
    store.close()
    return path


@pytest.fixture()
def store(store_dir: Path) -> Iterator[SQLiteLabelStore]:
    s = open_store(store_dir)
    yield s
    s.close()


def one_field(scene: Scene, side_deg: float = 0.002) -> dict[str, Any]:
    """A GeoJSON geometry: a small square field in the middle of ``scene`` (about 4 ha)."""
    c = scene.footprint.centroid
    return mapping(box(c.x, c.y, c.x + side_deg, c.y + side_deg))


def feature(geometry: Any, **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"crop:name": "rice", **properties},
        "geometry": geometry,
    }


def write_features(path: Path, *features: Mapping[str, Any]) -> Path:
    """A FeatureCollection file; ``json.dumps`` writes NaN / Infinity as JavaScript does."""
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    return path


def run_cli(*args: str | Path, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m labels ARGS`` in a fresh process, as an operator would run it."""
    return subprocess.run(
        [sys.executable, "-m", "labels", *map(str, args)],
        cwd=PROJECT_ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@dataclass
class Listener:
    """A loopback HTTP server that answers 404 and records the paths asked for."""

    port: int
    requests: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture()
def listener() -> Iterator[Listener]:
    record: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            record.append(f"{self.command} {self.path}")
            self.send_error(404)

        do_GET = do_HEAD = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Listener(server.server_address[1], record)
    server.shutdown()
    server.server_close()
