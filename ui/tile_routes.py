"""HTTP routes that serve scenes as XYZ PNG tiles, mounted beside Streamlit (see server.py)."""

from __future__ import annotations

import numpy as np
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sr.render import TILE_SIZE, encode_png, render_tile
from sr.scene import SceneError
from ui.registry import registry

TILE_URL = "/tiles/{scene_id}/{mode}/{{z}}/{{x}}/{{y}}.png"
_EMPTY_TILE = encode_png(np.zeros((TILE_SIZE, TILE_SIZE, 4), dtype=np.uint8))
_CACHE_HEADERS = {"Cache-Control": "public, max-age=3600"}


def tile_url(scene_id: str, mode: str) -> str:
    """The Leaflet URL template of a registered scene's tiles."""
    return TILE_URL.format(scene_id=scene_id, mode=mode)


def serve_tile(request: Request) -> Response:
    """GET /tiles/{scene_id}/{mode}/{z}/{x}/{y}.png (runs in Starlette's thread pool)."""
    params = request.path_params
    served = registry().get(params["scene_id"])
    if served is None:
        return Response("unknown scene (reload the page)", status_code=404)
    mode = params["mode"]
    if mode not in ("true", "false"):
        return Response("mode must be 'true' or 'false'", status_code=400)
    try:
        png = render_tile(
            served.pyramid, params["z"], params["x"], params["y"], mode, served.stretch(mode)
        )
    except SceneError as exc:
        return Response(str(exc), status_code=400)
    return Response(png or _EMPTY_TILE, media_type="image/png", headers=_CACHE_HEADERS)


def routes() -> list[Route]:
    return [
        Route("/tiles/{scene_id}/{mode}/{z:int}/{x:int}/{y:int}.png", serve_tile, methods=["GET"])
    ]
