"""Serve Leaflet and Leaflet.draw from the app itself instead of CDNs, so maps work offline.

The files are installed from the npm lockfile into static/vendor by scripts/setup.sh and
served by Streamlit's static file serving at /app/static/vendor.
"""

from __future__ import annotations

from collections.abc import Iterator

import folium
from branca.element import Element

from ui.settings import PROJECT_ROOT

VENDOR_URL = "/app/static/vendor"
VENDOR_DIR = PROJECT_ROOT / "static" / "vendor"
LOCAL_JS = {
    "leaflet": f"{VENDOR_URL}/leaflet/leaflet.js",
    "leaflet_draw_js": f"{VENDOR_URL}/leaflet-draw/leaflet.draw.js",
}
LOCAL_CSS = {
    "leaflet_css": f"{VENDOR_URL}/leaflet/leaflet.css",
    "leaflet_draw_css": f"{VENDOR_URL}/leaflet-draw/leaflet.draw.css",
}


class MissingAssetsError(RuntimeError):
    """static/vendor has not been installed (run scripts/setup.sh)."""


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def use_local_assets(fmap: folium.Map) -> folium.Map:
    """Point every Leaflet asset of the map at the local copies; drop assets we do not use.

    folium also links jQuery, Bootstrap and Font Awesome for markers and popups with
    icons; sharpfields uses none of them, so they are removed rather than fetched.
    """
    if not (VENDOR_DIR / "leaflet" / "leaflet.js").exists():
        raise MissingAssetsError(
            "The map's JavaScript libraries are not installed: run `bash scripts/setup.sh`."
        )
    for element in _walk(fmap):
        if hasattr(element, "default_js"):
            element.default_js = [(n, LOCAL_JS[n]) for n, _ in element.default_js if n in LOCAL_JS]
        if hasattr(element, "default_css"):
            element.default_css = [
                (n, LOCAL_CSS[n]) for n, _ in element.default_css if n in LOCAL_CSS
            ]
    return fmap
