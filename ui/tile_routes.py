"""HTTP routes that serve scenes as XYZ PNG tiles, mounted beside Streamlit (see server.py).

Every tile request carries a key (``?k=…``) tied to an open sign-in session and to the scene
(``ui.auth.AuthStore.tile_key``): without a valid one the answer is 403. Malformed tile
addresses get 404 and impossible tile numbers 400, never a server error or the app's page.
"""

from __future__ import annotations

import logging
import re

import numpy as np
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sr.imagery.bands import DisplayMode
from sr.imagery.render import TILE_SIZE, encode_png, render_tile
from sr.imagery.scene_errors import SceneError
from ui.auth import shared_auth_store
from ui.registry import registry
from ui.settings import data_dir

log = logging.getLogger("sharpfields.tiles")
TILE_URL = "/tiles/{scene_id}/{mode}/{{z}}/{{x}}/{{y}}.png?k={key}"
MAX_TILE_ZOOM = 24
_VIEW = re.compile(r"^(true|false|ndvi)(?:-d(\d{1,2}))?$")
_EMPTY_TILE = encode_png(np.zeros((TILE_SIZE, TILE_SIZE, 4), dtype=np.uint8))
# Tiles depend on who asks (the key), so shared caches must not keep them.
_CACHE_HEADERS = {"Cache-Control": "private, max-age=3600"}


def tile_url(scene_id: str, mode: str, key: str, date: int = 0) -> str:
    """The Leaflet URL template of a registered scene's tiles (one date's: ``true-d1`` is
    the second date in true colour), for one session's key."""
    view = mode if date == 0 else f"{mode}-d{date}"
    return TILE_URL.format(scene_id=scene_id, mode=view, key=key)


def parse_view(text: str) -> tuple[DisplayMode, int] | None:
    """'true', 'false', 'ndvi', optionally '-dN' (date N, from 0) → (mode, date), else None."""
    match = _VIEW.match(text)
    if match is None:
        return None
    mode: DisplayMode = match[1]  # type: ignore[assignment]
    return mode, int(match[2] or 0)


def _text(message: str, status: int) -> Response:
    return Response(message, status_code=status, media_type="text/plain")


def serve_tile(request: Request) -> Response:
    """GET /tiles/{scene_id}/{mode}/{z}/{x}/{y}.png?k=KEY (runs in Starlette's thread pool)."""
    params = request.path_params
    scene_id, z, x, y = params["scene_id"], params["z"], params["x"], params["y"]
    if not shared_auth_store(data_dir()).tile_key_valid(
        request.query_params.get("k", ""), scene_id
    ):
        return _text("sign in to see this scene", 403)
    if not 0 <= z <= MAX_TILE_ZOOM or not (0 <= x < 2**z and 0 <= y < 2**z):
        return _text(f"no such tile: zoom 0–{MAX_TILE_ZOOM}, x and y in 0 … 2^zoom − 1", 400)
    served = registry().get(scene_id)
    if served is None:
        return _text("unknown scene (reload the page)", 404)
    view = parse_view(params["mode"])
    if view is None:
        return _text("mode must be 'true', 'false' or 'ndvi' (with -dN for date N)", 400)
    mode, date = view
    try:
        png = render_tile(served.pyramid, z, x, y, mode, served.stretch(mode, date), date)
    except SceneError as exc:
        return _text(str(exc), 400)
    except Exception:  # a tile must never take the server's error page with it
        log.exception("tile %s/%s/%d/%d/%d failed", scene_id, mode, z, x, y)
        return _text("this tile could not be drawn", 500)
    return Response(png or _EMPTY_TILE, media_type="image/png", headers=_CACHE_HEADERS)


def not_a_tile(request: Request) -> Response:
    """Anything else under /tiles/: 404, not the app's HTML page."""
    return _text("not a tile address", 404)


def routes() -> list[Route]:
    from ui.session_cookie import routes as session_routes

    return [
        *session_routes(),
        Route("/tiles/{scene_id}/{mode}/{z:int}/{x:int}/{y:int}.png", serve_tile, methods=["GET"]),
        Route("/tiles/{rest:path}", not_a_tile, methods=["GET", "HEAD", "POST"]),
        Route("/tiles", not_a_tile, methods=["GET", "HEAD", "POST"]),
    ]
