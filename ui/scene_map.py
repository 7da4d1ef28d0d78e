"""The folium map of a scene: its tiles at full resolution, its outline, an optional basemap."""

from __future__ import annotations

import folium

from sr.render import native_zoom
from sr.scene import DisplayMode
from ui.assets import use_local_assets
from ui.registry import ServedScene
from ui.tile_routes import tile_url

MAX_ZOOM = 20
MODE_NAMES = {"true": "true colour", "false": "false colour (NIR-R-G)"}


def build_scene_map(served: ServedScene, mode: DisplayMode, basemap: bool = False) -> folium.Map:
    """A Leaflet map showing the scene as XYZ tiles served by this app, fitted to the scene."""
    scene = served.scene
    west, south, east, north = scene.lonlat_bounds
    fmap = folium.Map(
        location=((south + north) / 2, (west + east) / 2),
        zoom_start=12,
        tiles=None,
        max_zoom=MAX_ZOOM,
        control_scale=True,
    )
    if basemap:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (needs internet)").add_to(fmap)
    folium.TileLayer(
        tiles=tile_url(scene.scene_id, mode),
        name=f"{scene.name} ({MODE_NAMES[mode]})",
        attr=f"{scene.name}",
        max_native_zoom=native_zoom(scene),
        max_zoom=MAX_ZOOM,
        overlay=True,
        control=True,
    ).add_to(fmap)
    folium.GeoJson(
        scene.footprint.__geo_interface__,
        name="scene outline",
        style_function=lambda _: {"color": "#ffcc00", "weight": 2, "fill": False},
    ).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    fmap.fit_bounds([[south, west], [north, east]])
    return use_local_assets(fmap)
