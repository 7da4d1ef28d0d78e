"""Crop-field polygons on the folium map: styled by crop, safe tooltips, editable or not.

Leaflet.draw can only edit polygons that sit directly in its feature group, so the
polygons of a GeoJSON layer are moved into that group one by one (see ``_TEMPLATE``).
Every text a user typed is HTML-escaped before it reaches the map, and the JSON is
embedded so that it cannot close the surrounding ``<script>``.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import folium
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from labels.crop_colours import CROP_COLOURS as CROP_COLOURS  # re-exported for the map's callers
from labels.crop_colours import crop_colour
from labels.model import Label
from ui.scene_map import MapParent

UNSAVED_TIP = "unsaved: choose its crop, then Save"  # short: it follows the pointer
STATUS_DASH = {"draft": "6 4", "submitted": None, "accepted": None, "rejected": "2 4"}


@dataclass(frozen=True)
class MapField:
    """What the map needs to know of one field outline."""

    geometry: BaseGeometry
    label_id: str | None
    crop: str | None
    status: str = "draft"
    annotator: str = ""
    note: str = ""

    @classmethod
    def of(cls, label: Label, geometry: BaseGeometry | None = None) -> MapField:
        """A saved field as the map shows it (its outline, or ``geometry`` where it is being
        edited), with the reviewer's comment as its note."""
        return cls(
            label.geometry if geometry is None else geometry,
            label.id,
            label.crop,
            label.status.value,
            label.annotator,
            label.review_comment or "",
        )


def field_feature(field: MapField) -> dict[str, object]:
    """A GeoJSON feature with its style and an escaped tooltip."""
    if field.label_id is None:
        tooltip = UNSAVED_TIP
        style = {"color": "#ffffff", "weight": 2, "dashArray": "4 4", "fillOpacity": 0.1}
    else:
        parts = [field.crop or "?", field.status, field.annotator, field.note]
        tooltip = " · ".join(html.escape(p) for p in parts if p)
        colour = crop_colour(field.crop)
        style = {
            "color": colour,
            "weight": 3,
            "fillColor": colour,
            "fillOpacity": 0.25,
            "dashArray": STATUS_DASH.get(field.status),
        }
    props = {"label_id": field.label_id, "_tooltip": tooltip, "_style": style}
    return {"type": "Feature", "properties": props, "geometry": mapping(field.geometry)}


def safe_json(value: object) -> str:
    """JSON that is also safe inside an HTML ``<script>`` element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_TEMPLATE = """
{% macro script(this, kwargs) %}
(function () {
  var data = {{ this.data }};
  var layer = L.geoJson(data, {
    style: function (f) { return f.properties._style; },
    onEachFeature: function (f, l) {
      l.bindTooltip(f.properties._tooltip, {sticky: true});
    }
  });
  layer.eachLayer(function (l) { {{ this.group.get_name() }}.addLayer(l); });
})();
{% endmacro %}
"""


class _FieldsInGroup(MacroElement):
    """Adds the polygons of a FeatureCollection directly into a FeatureGroup."""

    _template = Template(_TEMPLATE)

    def __init__(self, group: folium.FeatureGroup, features: Sequence[dict[str, object]]):
        super().__init__()
        self._name = "FieldsInGroup"
        self.group = group
        self.data = safe_json({"type": "FeatureCollection", "features": list(features)})


def add_fields(
    fmap: MapParent, fields: Iterable[MapField], name: str, editable: bool = False
) -> folium.FeatureGroup:
    """A layer of field outlines; with ``editable`` it is the group Leaflet.draw edits."""
    return add_features(fmap, [field_feature(f) for f in fields], name, control=not editable)


def add_features(
    fmap: MapParent, features: Sequence[dict[str, object]], name: str, control: bool = True
) -> folium.FeatureGroup:
    """A layer of GeoJSON features styled by their ``_style`` property, with their
    ``_tooltip`` (already HTML-escaped) shown on hover."""
    group = folium.FeatureGroup(name=name, control=control)
    group.add_to(fmap)
    fmap.add_child(_FieldsInGroup(group, features))
    return group


def _line(colour: str, dash: str | None, width: int = 3) -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<svg width="28" height="10" style="vertical-align:middle"><line x1="1" y1="5" '
        f'x2="27" y2="5" stroke="{colour}" stroke-width="{width}"{dashes}/></svg>'
    )


LEGEND_TITLE = "Map legend: crops and field states"  # the expander that holds it


def fields_legend_html() -> str:
    """The map's field colours (one per crop) and line styles (draft, rejected, unsaved),
    as HTML built from the app's own constants only."""
    crops = " ".join(
        f'<span style="white-space:nowrap">{_line(colour, None, 8)} {html.escape(crop)}</span>'
        for crop, colour in CROP_COLOURS.items()
    )
    lines = " · ".join(
        f'<span style="white-space:nowrap">{_line("#555555", STATUS_DASH[status])} {words}</span>'
        for status, words in [
            ("submitted", "submitted or accepted"),
            ("draft", "draft"),
            ("rejected", "rejected"),
        ]
    )
    unsaved = (
        f'<span style="white-space:nowrap">{_line("#999999", "4 4", 2)} unsaved drawing</span>'
    )
    return f'<div style="font-size:0.8rem;line-height:1.8">{crops}<br>{lines} · {unsaved}</div>'
