"""The scene map uses only local assets, and the tile route serves registered scenes."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import numpy as np
from PIL import Image
from starlette.requests import Request

from labels.model import Role
from sr.imagery.scene import open_scene
from ui.auth import Identity, shared_auth_store
from ui.registry import SceneRegistry
from ui.scene_map import build_scene_map
from ui.settings import LANDSAT_SAMPLE, SAMPLE_SCENE
from ui.tile_routes import serve_tile, tile_url


def _request(key: str = "", **path_params: object) -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/",
            "headers": [],
            "query_string": f"k={key}".encode(),
            "path_params": path_params,
        }
    )


def _key(scene_id: str) -> str:
    return f"key-of-{scene_id}"


def test_map_links_no_cdn_and_points_at_local_leaflet(tmp_path: Path) -> None:
    served = SceneRegistry(tmp_path).register(open_scene(SAMPLE_SCENE))
    fmap = build_scene_map(served, "true", _key)
    html = fmap.get_root().render()
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html
    scene_id = served.scene.scene_id
    assert tile_url(scene_id, "true", _key(scene_id)) in html


def test_tile_route_serves_png_tiles_of_a_registered_scene(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path))
    registry = SceneRegistry(tmp_path)
    monkeypatch.setattr("ui.tile_routes.registry", lambda: registry)
    scene = registry.register(open_scene(LANDSAT_SAMPLE)).scene
    auth = shared_auth_store(tmp_path)
    session, _ = auth.open_session(Identity("Sita", Role.VOLUNTEER))
    key = auth.tile_key(session, scene.scene_id)
    west, south, east, north = scene.lonlat_bounds
    z = 13
    x = int(((west + east) / 2 + 180) / 360 * (1 << z))
    lat = math.radians((south + north) / 2)
    y = int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * (1 << z))

    response = serve_tile(_request(key, scene_id=scene.scene_id, mode="true", z=z, x=x, y=y))
    assert response.status_code == 200 and response.media_type == "image/png"
    rgba = np.asarray(Image.open(io.BytesIO(response.body)).convert("RGBA"))
    assert rgba.shape == (256, 256, 4) and rgba[..., 3].mean() > 250  # imagery, not empty
    assert rgba[..., :3].std() > 10  # fields, roads and water: not a flat colour

    unknown = serve_tile(
        _request(auth.tile_key(session, "nope"), scene_id="nope", mode="true", z=z, x=x, y=y)
    )
    assert unknown.status_code == 404
    # The Landsat sample has no NIR band: a false-colour tile is a clear 400, not a crash.
    false_colour = serve_tile(_request(key, scene_id=scene.scene_id, mode="false", z=z, x=x, y=y))
    assert false_colour.status_code == 400 and b"near-infrared" in false_colour.body


def test_layer_names_from_file_names_are_escaped(tmp_path: Path, s2_like: Path) -> None:
    evil = tmp_path / "<b>field<b>.tif"
    evil.write_bytes(s2_like.read_bytes())
    served = SceneRegistry(tmp_path).register(open_scene(evil))
    html = build_scene_map(served, "true", _key).get_root().render()
    # folium writes strings as JSON ("<" as \u003c); what reaches Leaflet must be escaped.
    assert "<b>field" not in html and "\\u003cb\\u003efield" not in html
    assert "\\u0026lt;b\\u0026gt;field" in html
    assert "/tiles/_b_field_b_-" in html  # the scene id in URLs is reduced to safe characters


def test_a_long_tooltip_wraps_instead_of_running_past_the_maps_edge(tmp_path: Path) -> None:
    """A tooltip follows the pointer and opens toward the map's centre: a line wider than
    half the map was cut off at its edge. Every map (the Label page's live one too) wraps
    tooltips at a width under half of the map a 1366 px laptop shows (610 px)."""
    from ui.live_map import live_base_map
    from ui.scene_map import TOOLTIP_CSS

    served = SceneRegistry(tmp_path).register(open_scene(SAMPLE_SCENE))
    for fmap in (build_scene_map(served, "true", _key), live_base_map(served)):
        assert TOOLTIP_CSS in fmap.get_root().render()
    assert "white-space: normal" in TOOLTIP_CSS
    # with its padding (6 px a side) and offset (6 px) it fits in half of that map
    assert int(re.search(r"max-width: (\d+)px", TOOLTIP_CSS)[1]) + 18 < 610 / 2  # type: ignore[index]


def test_the_scene_tiles_are_magnified_as_pixels_and_a_web_basemap_is_not(tmp_path: Path) -> None:
    """Above the native zoom the browser magnifies the scene's tiles as blocks, as the tile
    server does (the browser test checks no seam shows at tile edges); a basemap is left as
    its server made it."""
    from ui.live_map import basemap_spec, enhanced_spec, scene_spec
    from ui.scene_map import PIXEL_TILES, PIXEL_TILES_CSS

    served = SceneRegistry(tmp_path).register(open_scene(SAMPLE_SCENE))
    html = build_scene_map(served, "true", _key).get_root().render()
    assert PIXEL_TILES_CSS in html and "image-rendering: pixelated" in PIXEL_TILES_CSS
    assert f'"className": "{PIXEL_TILES}"' in html  # the scene's folium tile layer
    assert scene_spec(served, "true", _key)["className"] == PIXEL_TILES  # the Label page's
    assert enhanced_spec(served, "true", _key, 1.0)["className"] == PIXEL_TILES
    [basemap] = basemap_spec("OpenStreetMap")
    assert basemap["className"] == ""
