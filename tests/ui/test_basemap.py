"""The basemap under a scene: none, OpenStreetMap or satellite, with configurable URLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from sr.imagery.scene import open_scene
from ui.registry import SceneRegistry
from ui.scene_map import basemap_choices, build_scene_map
from ui.settings import OSM_TILES, SAMPLE_SCENE, SATELLITE_TILES


def _html(tmp_path: Path, basemap: str) -> str:
    served = SceneRegistry(tmp_path).register(open_scene(SAMPLE_SCENE))
    return build_scene_map(served, "true", lambda _: "k", basemap=basemap).get_root().render()


def test_no_basemap_means_no_outside_tiles(tmp_path: Path) -> None:
    html = _html(tmp_path, "none")
    assert "openstreetmap" not in html and "arcgisonline" not in html


@pytest.mark.parametrize(
    ("name", "url"), [("OpenStreetMap", OSM_TILES), ("Satellite", SATELLITE_TILES)]
)
def test_a_basemap_is_a_tile_layer_under_the_scene(tmp_path: Path, name: str, url: str) -> None:
    html = _html(tmp_path, name)
    assert url in html
    assert html.index(url) < html.index("/tiles/"), "the basemap comes first, under the scene"


def test_basemap_urls_come_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARPFIELDS_BASEMAP_SATELLITE", "https://tiles.example.org/{z}/{x}/{y}.jpg")
    monkeypatch.setenv("SHARPFIELDS_BASEMAP_OSM", "")
    assert basemap_choices() == ["none", "Satellite"]
    assert "https://tiles.example.org/{z}/{x}/{y}.jpg" in _html(tmp_path, "Satellite")
