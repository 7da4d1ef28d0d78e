"""Folium maps of a scene: its tiles at full resolution, its outline, enhanced areas, fields.

Pages compose a map from these pieces and finish it with ``finish_map`` (layer control
and the app's own Leaflet files).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

import folium
from branca.element import Figure, MacroElement
from folium.plugins import Draw
from jinja2 import Template
from shapely.geometry.base import BaseGeometry

from sr.imagery.bands import DisplayMode
from sr.imagery.render import native_zoom
from sr.imagery.scene import BBox, Scene
from ui.assets import use_local_assets
from ui.page_keys import NEXT_DATE_KEY, KeysToPage
from ui.registry import ServedScene
from ui.settings import basemap_urls
from ui.tile_routes import tile_url

MAX_ZOOM = 20
MODE_NAMES = {"true": "true colour", "false": "false colour (NIR-R-G)", "ndvi": "NDVI"}
NO_BASEMAP = "none"
# The scene's and enhanced areas' tile layers: magnified by the browser (above the scene's
# native zoom) they show their pixels as blocks, as the tile server magnifies (nearest).
# Smoothing would blend each tile only with itself and leave a seam at every tile edge.
PIXEL_TILES = "sharpfields-pixels"
PIXEL_TILES_CSS = (
    f"<style>.{PIXEL_TILES} img.leaflet-tile "
    "{ image-rendering: -moz-crisp-edges; image-rendering: pixelated; }</style>"
)
# A field's tooltip follows the pointer and opens toward the map's centre; one line wider
# than half the map was cut off by the map's edge (a long review note, on a laptop's map of
# 610 px). Long ones wrap instead.
TOOLTIP_CSS = (
    "<style>.leaflet-tooltip { white-space: normal; width: max-content; max-width: 280px; }</style>"
)
DRAW_KEYS_JS = (Path(__file__).parent / "js" / "draw_keys.js").read_text()
# scene id → the key its tiles need for the signed-in viewer (ui.state.tile_key)
TileKey = Callable[[str], str]
# What the layer helpers add to: a map, or the group of layers redrawn on a live map
# (ui.live_map).
MapParent = folium.Map | folium.FeatureGroup

AREA_STYLE: dict[str, Any] = {"color": "#00e5ff", "weight": 2, "fill": False, "dashArray": "8 6"}


def scene_layer_name(scene: Scene, mode: DisplayMode, date: int) -> str:
    """The scene's layer as the map's switcher names it: 'x.tif (NDVI, date 2)' (no date for
    a scene of one date)."""
    dated = f", {scene.dates[date].label}" if len(scene.dates) > 1 else ""
    return f"{scene.name} ({MODE_NAMES[mode]}{dated})"


def base_map(
    served: ServedScene,
    mode: DisplayMode,
    tile_key: TileKey,
    basemap: str = NO_BASEMAP,
    date: int = 0,
) -> folium.Map:
    """A map with the scene's tiles (of one of its dates) and outline, fitted to the scene,
    over a basemap."""
    scene = served.scene
    fmap = scene_frame(served)
    add_basemap(fmap, basemap)
    add_scene_tiles(fmap, served, mode, scene_layer_name(scene, mode, date), tile_key, date=date)
    add_outline(fmap, scene.footprint, "scene outline", "#ffcc00", weight=2)
    fly_to(fmap, scene.lonlat_bounds)
    return fmap


def scene_frame(served: ServedScene) -> folium.Map:
    """An empty map centred on the scene, without tiles (every page adds its own)."""
    west, south, east, north = served.scene.lonlat_bounds
    fmap = folium.Map(
        location=((south + north) / 2, (west + east) / 2),
        zoom_start=12,
        tiles=None,
        max_zoom=MAX_ZOOM,
        control_scale=True,
    )
    header = cast(Figure, fmap.get_root()).header
    header.add_child(folium.Element(PIXEL_TILES_CSS), name="sharpfields_pixels")
    header.add_child(folium.Element(TOOLTIP_CSS), name="sharpfields_tooltips")
    KeysToPage([NEXT_DATE_KEY]).add_to(fmap)  # Next date's key, pressed in the map too
    return fmap


def add_basemap(fmap: folium.Map, name: str) -> None:
    """A web basemap under everything (loaded by the browser: when it cannot reach the
    tile server the map still works, just without that background)."""
    if name == NO_BASEMAP:
        return
    url, attribution = basemap_urls()[name]
    folium.TileLayer(
        tiles=url,
        name=html.escape(f"{name} (needs internet)"),
        attr=html.escape(attribution),
        max_zoom=MAX_ZOOM,
        max_native_zoom=19,
        overlay=False,
        control=True,
    ).add_to(fmap)


def basemap_choices() -> list[str]:
    """'none' first, then the configured basemaps."""
    return [NO_BASEMAP, *basemap_urls()]


def add_scene_tiles(
    fmap: folium.Map,
    served: ServedScene,
    mode: DisplayMode,
    name: str,
    tile_key: TileKey,
    opacity: float = 1.0,
    date: int = 0,
) -> folium.TileLayer:
    """A scene (or an enhanced area) as XYZ tiles served by this app, with the viewer's key.

    Leaflet shows layer names and attributions as HTML, and file names come from users.
    """
    name = html.escape(name)
    layer = folium.TileLayer(
        tiles=tile_url(served.scene.scene_id, mode, tile_key(served.scene.scene_id), date),
        name=name,
        attr=name,
        max_native_zoom=native_zoom(served.scene),
        max_zoom=MAX_ZOOM,
        overlay=True,
        control=True,
        opacity=opacity,
        class_name=PIXEL_TILES,
    )
    layer.add_to(fmap)
    return layer  # a swipe (ui.date_swipe) clips it


def add_outline(
    fmap: MapParent, geometry: BaseGeometry, name: str, colour: str, weight: int
) -> None:
    """An unfilled outline of a lon/lat geometry, as a named layer."""
    style = {"color": colour, "weight": weight, "fill": False}
    folium.GeoJson(geometry.__geo_interface__, name=name, style_function=lambda _: style).add_to(
        fmap
    )


def add_area(fmap: MapParent, bbox: BBox, fit: bool = True) -> None:
    """The chosen area as a dashed rectangle; the map zooms to it."""
    west, south, east, north = bbox
    folium.Rectangle([[south, west], [north, east]], **AREA_STYLE, tooltip="chosen area").add_to(
        fmap
    )
    if fit:
        fly_to(fmap, bbox)


class FitWhenSized(MacroElement):
    """Fit the map to a box, and again whenever its frame changes size in the first seconds
    (streamlit-folium gives the frame its height after the map's script ran, so a fit made
    at that moment is lost), until the volunteer moves the map."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }}, bounds = {{ this.bounds }};
          var until = Date.now() + 3000, moved = false;
          var stop = function () { moved = true; };
          ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (name) {
            map.getContainer().addEventListener(name, stop, {passive: true});
          });
          var fit = function () {
            if (moved || Date.now() > until) { return; }
            map.invalidateSize();
            map.fitBounds(bounds);
          };
          map.fitBounds(bounds);
          if (window.ResizeObserver) { new ResizeObserver(fit).observe(map.getContainer()); }
          setTimeout(fit, 250);
        })();
        {% endmacro %}"""
    )

    def __init__(self, bbox: BBox) -> None:
        super().__init__()
        self._name = "FitWhenSized"
        west, south, east, north = (float(v) for v in bbox)
        self.bounds = json.dumps([[south, west], [north, east]])


def fly_to(fmap: MapParent, bbox: BBox) -> None:
    """Fit the map to a lon/lat box; a later call replaces an earlier one (the last wins)."""
    fmap.add_child(FitWhenSized(bbox), name="sharpfields_fit")


def add_draw_control(fmap: folium.Map, group: folium.FeatureGroup | None, shape: str) -> None:
    """Leaflet.draw with one tool: 'rectangle' (choose an area) or 'polygon' (draw fields).

    With a group, its polygons can be edited (move, add, delete vertices) and removed. While
    drawing, Ctrl+Z or Backspace remove the last vertex, Enter finishes, Esc asks first.
    """
    tools: dict[str, Any] = {
        name: False for name in ("polyline", "circle", "marker", "circlemarker")
    }
    tools["rectangle"] = shape == "rectangle"
    tools["polygon"] = (
        {"allowIntersection": False, "showArea": True} if shape == "polygon" else False
    )
    edit = {"edit": True, "remove": True} if group is not None else {"edit": False, "remove": False}
    Draw(
        export=False,
        feature_group=group,
        draw_options=tools,
        edit_options=edit,
        show_geometry_on_click=False,
    ).add_to(fmap)
    # Ctrl+Z / Backspace / Enter / Esc while drawing (ui/js/draw_keys.js); once per map. A
    # child of the map, not of the page: streamlit-folium ships only the map's own scripts.
    fmap.add_child(DrawKeys(), name="sharpfields_draw_keys")


class DrawKeys(MacroElement):
    """The keyboard while drawing (ui/js/draw_keys.js), in the map's script."""

    _template = Template("{% macro script(this, kwargs) %}" + DRAW_KEYS_JS + "{% endmacro %}")


class TouchScrolls(MacroElement):
    """On touch screens one finger scrolls the page, not the map (two fingers pan and zoom)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        if (L.Browser.mobile) { {{ this._parent.get_name() }}.dragging.disable(); }
        {% endmacro %}"""
    )


def finish_map(fmap: folium.Map) -> folium.Map:
    """Add the layer switcher and point every asset at the app's own Leaflet files."""
    folium.LayerControl(collapsed=True).add_to(fmap)
    TouchScrolls().add_to(fmap)
    return use_local_assets(fmap)


def build_scene_map(
    served: ServedScene,
    mode: DisplayMode,
    tile_key: TileKey,
    basemap: str = NO_BASEMAP,
    date: int = 0,
    overlays: Sequence[Callable[[folium.Map], object]] = (),
) -> folium.Map:
    """The Map page: the scene on one of its dates, with ``overlays`` (each adds its layers,
    listed in the layer switcher)."""
    fmap = base_map(served, mode, tile_key, basemap, date)
    for overlay in overlays:
        overlay(fmap)
    return finish_map(fmap)
