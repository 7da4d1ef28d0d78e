"""A swipe between two dates on the Label map: the other date's tiles over the date on screen,
clipped at a slider (the technique of leaflet-side-by-side: a CSS clip on the layer's
container), so a boundary that shows on one date can be followed across to the other."""

from __future__ import annotations

import json

import folium
from branca.element import MacroElement
from jinja2 import Template

from sr.imagery.bands import DisplayMode
from ui.registry import ServedScene
from ui.scene_map import MODE_NAMES, TileKey, add_scene_tiles

SWIPE_CLASS = "sharpfields-swipe"


class DateSwipe(MacroElement):
    """A slider at the bottom left; the layer shows right of it, the map's own left of it."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }}, layer = {{ this.layer }}, range = null;
          var clip = function () {
            var box = layer.getContainer();
            if (!box || !range) { return; }
            var size = map.getSize();
            var nw = map.containerPointToLayerPoint([0, 0]);
            var se = map.containerPointToLayerPoint(size);
            var x = map.containerPointToLayerPoint([size.x * range.value / 100, 0]).x;
            box.style.clip = "rect(" + [nw.y, se.x, se.y, x].join("px, ") + "px)";
          };
          var control = L.control({position: "bottomleft"});
          control.onAdd = function () {
            var div = L.DomUtil.create("div", "{{ this.css_class }} leaflet-bar");
            div.style.background = "white";
            div.style.padding = "4px 8px";
            var text = L.DomUtil.create("div", "", div);
            text.style.font = "12px sans-serif";
            text.textContent = {{ this.caption }};
            range = L.DomUtil.create("input", "", div);
            range.type = "range"; range.min = 0; range.max = 100; range.value = 50;
            range.style.width = "220px";
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            L.DomEvent.on(range, "mousedown touchstart pointerdown", L.DomEvent.stopPropagation);
            range.addEventListener("mouseover", function () { map.dragging.disable(); });
            range.addEventListener("mouseout", function () { map.dragging.enable(); });
            range.addEventListener("input", clip);
            return div;
          };
          control.addTo(map);
          map.on("move zoom resize viewreset", clip);
          layer.on("load tileload", clip);
          clip();
        })();
        {% endmacro %}"""
    )

    def __init__(self, layer: folium.TileLayer, left: str, right: str) -> None:
        super().__init__()
        self._name = "DateSwipe"
        self.layer = layer.get_name()
        self.css_class = SWIPE_CLASS
        self.caption = json.dumps(f"◀ {left} · {right} ▶")  # text, never HTML


def add_date_swipe(
    fmap: folium.Map,
    served: ServedScene,
    mode: DisplayMode,
    tile_key: TileKey,
    date: int,
    other: int,
) -> None:
    """The scene's date ``other`` over the map (showing ``date``), with the swipe slider."""
    dates = served.scene.dates
    name = f"{served.scene.name} ({MODE_NAMES[mode]}, {dates[other].label}, swipe)"
    layer = add_scene_tiles(fmap, served, mode, name, tile_key, date=other)
    fmap.add_child(DateSwipe(layer, dates[date].label, dates[other].label), name="date_swipe")
