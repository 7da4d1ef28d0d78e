"""The Label page's map, built once and changed in place (it keeps its zoom and centre).

streamlit-folium rebuilds a map (blank for seconds, back to its first view) whenever the
map's own script changes: the component's key is a hash of that script. So the map part
(:func:`live_base_map`: the live-update and keyboard code) depends on the scene only, and
everything else goes through ``feature_group_to_add``, which streamlit-folium evaluates on
the live map whenever its script changes:

- vector layers (the scene outline, the chosen area, others' fields, enhanced-area
  outlines, the task outline, the proposal waiting for Keep / Skip, the consistency and
  added-detail maps) as ordinary children of the group (redrawn at once, nothing to load);
  the named ones are listed in the live map's layer switcher, which remembers what the
  volunteer switched off;
- a :class:`LiveUpdate` with a spec for ``ui/js/live_map.js``: the drawing tool, the tile
  layers (:func:`tiles_spec`: basemap, the date and view on screen, the other date of the
  swipe, the enhanced area; a layer whose spec did not change is kept, an opacity change is
  applied in place, a layer may carry a swipe), the editable fields (replaced only when
  their revision changes: a save, a delete, an undo, …), the fit target (the view moves
  only when it changes: a new area or a typed place) and the original / enhanced view (the
  map flips it itself on key E and tells the page, ui.label_choices.take_view_presses).

:func:`finish_layers` adds the layer list. streamlit-folium names the group's elements in
order, so a rerun which changes nothing on the map sends the same script and the browser
does nothing at all.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import folium
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.plugins import Draw
from jinja2 import Template

from sr.imagery.bands import DisplayMode
from sr.imagery.render import native_zoom
from sr.imagery.scene import BBox
from ui.assets import use_local_assets
from ui.field_layers import MapField, field_feature, safe_json
from ui.layout import NARROW_SCREEN_PX, PAGE_TOP_PX
from ui.registry import ServedScene
from ui.scene_map import (
    MAX_ZOOM,
    NO_BASEMAP,
    PIXEL_TILES,
    DrawKeys,
    TileKey,
    TouchScrolls,
    scene_frame,
    scene_layer_name,
)
from ui.settings import basemap_urls
from ui.tile_routes import tile_url

LIVE_MAP_JS = (Path(__file__).parent / "js" / "live_map.js").read_text()
LABEL_MAP = "label-map"  # the map's key: the same for the whole visit of the page
# The map's height fits the window (ui/js/live_map.js): on a short one it leaves UNDER_MAP px
# under it for the controls a volunteer presses next (Keep, the assist's answer, the crop,
# Save: bench.bench_label_reach), never shorter than MIN_MAP_HEIGHT nor taller than MAP_HEIGHT
# (what streamlit-folium is given). Narrow screens keep ui.layout's rule.
MAP_HEIGHT = 680
MIN_MAP_HEIGHT = 400
UNDER_MAP = 300
TOOLS = ("rectangle", "polygon")
SWIPE_CLASS = "sharpfields-swipe"  # the slider of a swipe (ui/js/live_map.js)
# tile layers' order: basemap, the scene's date on screen, another date (swipe), enhanced
BASEMAP_Z, SCENE_Z, OTHER_DATE_Z, ENHANCED_Z = 0, 1, 2, 10
ENHANCED = "enhanced"  # the enhanced area's tile layer (hidden by the view "original")
Swipe = tuple[str, str]  # the captions left and right of a swipe's slider


class LiveMap(JSCSSMixin, MacroElement):
    """Defines ``window.sharpfieldsLive`` (ui/js/live_map.js) on the map, with Leaflet.draw."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        + LIVE_MAP_JS.rstrip().rstrip(";")
        + "({{ this._parent.get_name() }}, {{ this.frame }});{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "LiveMap"
        self.frame = safe_json(
            {
                "max": MAP_HEIGHT,
                "min": MIN_MAP_HEIGHT,
                "under": UNDER_MAP,
                "narrow": NARROW_SCREEN_PX,
            }
        )
        self.default_js = list(Draw.default_js)  # Leaflet.draw (ui.assets: the local copy)
        self.default_css = list(Draw.default_css)


class LiveUpdate(MacroElement):
    """Hands a spec to the live map (run each time streamlit-folium adds the group)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "window.sharpfieldsLive && window.sharpfieldsLive.update({{ this.spec }});"
        "{% endmacro %}"
    )

    def __init__(self, spec: Mapping[str, Any]) -> None:
        super().__init__()
        self._name = "LiveUpdate"
        self.spec = safe_json(spec)


MAP_COLUMN = "sharpfields-map-column"  # marks the column the live map is in (FRAME_HEIGHT_CSS)
PAGE_END_PX = 160  # Streamlit's space under a page, moved into the side panel (below)
_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
_FITTED = f"clamp({MIN_MAP_HEIGHT}px, calc(100vh - {UNDER_MAP}px), {MAP_HEIGHT}px)"
FRAME_HEIGHT_CSS = f"""<span class="{MAP_COLUMN}"></span><style>
div[data-testid="stElementContainer"]:has(> div > .{MAP_COLUMN}),
div[data-testid="stElementContainer"]:has(> .{MAP_COLUMN}) {{
  display: none;
}}
@media (min-width: {NARROW_SCREEN_PX + 1}px) {{
  {_FRAME},
  div:has(> {_FRAME}) {{
    height: {_FITTED} !important;
  }}
  div[data-testid="stColumn"]:has(.{MAP_COLUMN}):not(:has({_FRAME})) {{
    visibility: hidden;
  }}
  div[data-testid="stColumn"]:has(.{MAP_COLUMN}) {{
    position: sticky;
    top: {PAGE_TOP_PX}px;
    align-self: flex-start;
    max-height: calc(100vh - {PAGE_TOP_PX}px);
    overflow-y: auto;
  }}
  div[data-testid="stMainBlockContainer"]:has(.{MAP_COLUMN}) {{
    padding-bottom: 0;
  }}
  div[data-testid="stHorizontalBlock"]:has(.{MAP_COLUMN})
    > div[data-testid="stColumn"]:not(:has(.{MAP_COLUMN})) {{
    padding-bottom: {PAGE_END_PX}px;
  }}
}}
</style>"""
"""Put first in the Label page's map column, so that the controls under the map (Save) do not
move as the map starts (wide windows; narrow ones keep ui.layout's rule). After a load of the
page they showed before the map's frame, then streamlit-folium showed the frame at height 0
for a moment: they jumped down by the map's height, up and down again, and a click in those
moments landed on something else and was lost (one-off measurements in the note on issue
21). Now the column shows once the frame is there, and the frame and its holder have the
height ui/js/live_map.js fits the map to from their first paint (streamlit-folium's 680 px
while it starts, then 0, then what the script sets). And the column stays in view while the
side panel scrolls (a laptop's window shows a screen of the panel's three): what its toggles
change (swipe, opacity, the consistency map) is seen as they change it. Taller than the window
(answers and the season profile under the map), the column scrolls on its own. Streamlit's
space under the page goes under the side panel instead, so that the row holding both reaches
the page's end and the map stays in place to the end of the panel."""


def live_base_map(served: ServedScene) -> folium.Map:
    """The part of the Label map that never changes for a scene: the live-update code (with
    its layer switcher) and the keyboard while drawing. Every layer comes with the group."""
    fmap = scene_frame(served)
    fmap.add_child(LiveMap(), name="sharpfields_live")
    fmap.add_child(DrawKeys(), name="sharpfields_draw_keys")
    TouchScrolls().add_to(fmap)
    return use_local_assets(fmap)


def tiles_spec(
    key: str,
    url: str,
    *,
    z_index: int,
    opacity: float = 1.0,
    max_native_zoom: int = 19,
    name: str,
    attribution: str = "",
    swipe: Swipe | None = None,
    class_name: str = PIXEL_TILES,
) -> dict[str, Any]:
    """A tile layer of the spec, named in the layer switcher; with ``swipe`` it shows right
    of a slider only; with ``class_name`` ``PIXEL_TILES`` the browser magnifies it as blocks.
    Leaflet shows names and attributions as HTML: both are escaped."""
    return {
        "key": key,
        "name": html.escape(name),
        "url": url,
        "opacity": float(opacity),
        "maxNativeZoom": int(max_native_zoom),
        "maxZoom": MAX_ZOOM,
        "zIndex": z_index,
        "attribution": html.escape(attribution),
        "swipe": list(swipe) if swipe else None,
        "className": class_name,
    }


def basemap_spec(name: str) -> list[dict[str, Any]]:
    """The chosen web basemap under the scene ([] for none)."""
    if name == NO_BASEMAP or name not in basemap_urls():
        return []
    url, attribution = basemap_urls()[name]
    name_shown = f"{name} (needs internet)"
    return [  # a web basemap: magnified smoothly, as its server made it
        tiles_spec(
            "basemap",
            url,
            z_index=BASEMAP_Z,
            name=name_shown,
            attribution=attribution,
            class_name="",
        )
    ]


def scene_spec(
    served: ServedScene,
    mode: DisplayMode,
    tile_key: TileKey,
    date: int = 0,
    *,
    key: str = "scene",
    z_index: int = SCENE_Z,
    swipe: Swipe | None = None,
) -> dict[str, Any]:
    """One date of the scene in one view (another key and a swipe: the date swipe)."""
    scene = served.scene
    name = scene_layer_name(scene, mode, date)
    return tiles_spec(
        key,
        tile_url(scene.scene_id, mode, tile_key(scene.scene_id), date),
        z_index=z_index,
        max_native_zoom=native_zoom(scene),
        name=f"{name}, swipe" if swipe else name,
        attribution=name,
        swipe=swipe,
    )


def enhanced_spec(
    served: ServedScene,
    mode: DisplayMode,
    tile_key: TileKey,
    opacity: float,
    compare: bool = False,
) -> dict[str, Any]:
    """An enhanced area's tiles at the volunteer's opacity (the view "original" of
    :func:`live_layers` hides it without reloading it); ``compare`` shows it right of a
    slider, the original left of it, at the same view."""
    scene_id = served.scene.scene_id
    return tiles_spec(
        "enhanced",
        tile_url(scene_id, mode, tile_key(scene_id)),
        z_index=ENHANCED_Z,
        opacity=opacity,
        max_native_zoom=native_zoom(served.scene),
        name="enhanced area",
        swipe=("original", "enhanced") if compare else None,
    )


def fit_target(bbox: BBox) -> dict[str, Any]:
    """Where the map should look; the map moves only when this changes."""
    west, south, east, north = (float(v) for v in bbox)
    return {"id": json.dumps([west, south, east, north]), "bounds": [[south, west], [north, east]]}


def fields_revision(features: list[dict[str, object]], forced: int) -> str:
    """Changes when the editable fields change, or when the page forces a redraw."""
    digest = hashlib.sha256(json.dumps(features, sort_keys=True).encode()).hexdigest()[:16]
    return f"{forced}:{digest}"


def live_layers(
    *,
    tool: str,
    tiles: Sequence[Mapping[str, Any]],
    editable: Iterable[MapField],
    revision: int,
    fit: BBox,
    view: Mapping[str, Any] | None = None,
    saves: Sequence[str] = (),
    waits: Sequence[str] = (),
    button_keys: Mapping[str, str] | None = None,
) -> folium.FeatureGroup:
    """The changing part of the map: add vector layers to the returned group (they are
    redrawn with it); hand it on through :func:`finish_layers` (``feature_group_to_add``).
    ``view`` (with an enhanced area: ui.label_choices.view_spec) says whether the enhanced
    area shows and which of the map's key presses the page has counted. ``saves`` are the
    labels of the page's Save buttons: the map holds a click on one until it has reported
    its last drawing, and tells the page which key presses came before it. It holds a click
    on one of ``waits`` in the same way (a button that redraws the map would otherwise lose
    a drawing not reported yet). ``button_keys`` (a key → a button's Streamlit key) press the
    page's buttons, in the map as on the page (outside its text boxes)."""
    if tool not in TOOLS:
        raise ValueError(f"unknown drawing tool {tool!r}")
    keys = [t["key"] for t in tiles]
    if len(set(keys)) != len(keys):
        raise ValueError(f"two tile layers with one key: {keys}")
    features = [field_feature(f) for f in editable]
    spec = {
        "tool": tool,
        "overlays": list(tiles),
        "fields": {"type": "FeatureCollection", "features": features},
        "revision": fields_revision(features, revision),
        "fit": fit_target(fit),
        "view": dict(view) if view is not None else None,
        "saves": list(saves),
        "waits": list(waits),
        "keys": dict(button_keys or {}),
    }
    group = folium.FeatureGroup(name="live layers", control=False)
    group.add_child(LiveUpdate(spec), name="live_update")
    return group


class LayerList(MacroElement):
    """Hands the group's named layers to the live map's layer switcher (run after them)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "window.sharpfieldsLive && window.sharpfieldsLive.listLayers("
        "{{ this._parent.get_name() }}, ["
        "{% for name, layer in this.listed %}"
        "{name: {{ name }}, layer: {{ layer.get_name() }}},"
        "{% endfor %}]);"
        "{% endmacro %}"
    )

    def __init__(self, listed: Sequence[tuple[str, Layer]]) -> None:
        super().__init__()
        self._name = "LayerList"
        self.listed = list(listed)


def finish_layers(group: folium.FeatureGroup) -> folium.FeatureGroup:
    """Finish the group for ``st_folium``: list its named layers in the layer switcher.
    (streamlit-folium names the group's elements in order, so the same layers make the same
    script and it leaves the map alone.)"""
    listed = [
        (safe_json(html.escape(child.layer_name)), child)
        for child in group._children.values()
        if isinstance(child, Layer) and child.control and child.layer_name != child.get_name()
    ]
    group.add_child(LayerList(listed), name="layer_list")
    return group
