"""Field outlines on the map: colours by crop, and user text that cannot inject HTML."""

from __future__ import annotations

import json

import folium
from shapely.geometry import box

from labels.model import DEFAULT_CROPS, Label, Status
from ui.field_layers import (
    CROP_COLOURS,
    MapField,
    add_fields,
    crop_colour,
    field_feature,
    safe_json,
)


def test_saved_fields_are_coloured_by_crop_and_drafts_are_dashed() -> None:
    saved = field_feature(MapField(box(0, 0, 1, 1), "id-1", "rice", "submitted", "Sita"))
    assert saved["properties"]["_style"]["color"] == crop_colour("rice") == "#1f9e89"
    assert saved["properties"]["label_id"] == "id-1"
    assert saved["properties"]["_tooltip"] == "rice · submitted · Sita"
    draft = field_feature(MapField(box(0, 0, 1, 1), None, None))
    assert draft["properties"]["_style"]["dashArray"] == "4 4"


def test_a_saved_field_shows_with_its_reviewers_comment_and_where_it_is_being_edited() -> None:
    label = Label(
        geometry=box(0, 0, 1, 1),
        crop="maize",
        scene_id="s",
        annotator="Sita",
        status=Status.REJECTED,
        review_comment="misses the north corner",
    )
    shown = field_feature(MapField.of(label))
    assert shown["properties"]["label_id"] == label.id
    assert shown["properties"]["_tooltip"] == "maize · rejected · Sita · misses the north corner"
    moved = MapField.of(label, box(0, 0, 2, 1))
    assert moved.geometry.equals(box(0, 0, 2, 1)) and moved.label_id == label.id


def test_user_text_is_escaped_in_tooltips() -> None:
    evil = '<img src=x onerror="alert(1)">'
    feature = field_feature(MapField(box(0, 0, 1, 1), "id", "rice", "rejected", evil, evil))
    tooltip = feature["properties"]["_tooltip"]
    assert "<img" not in tooltip and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in tooltip


def test_embedded_json_cannot_close_the_script_element() -> None:
    text = safe_json({"note": "</script><script>alert(1)</script>"})
    assert "</script>" not in text and "<" not in text
    assert json.loads(text) == {"note": "</script><script>alert(1)</script>"}


def test_fields_are_added_into_the_group_in_the_map_script() -> None:
    fmap = folium.Map(tiles=None)
    group = add_fields(
        fmap, [MapField(box(84, 28, 84.001, 28.001), "id-9", "wheat")], "My fields", editable=True
    )
    script = fmap.get_root().render()
    assert f"{group.get_name()}.addLayer(l)" in script
    assert '"label_id": "id-9"' in script


def test_every_default_crop_has_its_own_colour() -> None:
    assert list(CROP_COLOURS) == list(DEFAULT_CROPS)
    assert len(set(CROP_COLOURS.values())) == len(DEFAULT_CROPS)
    assert crop_colour("Maize") == CROP_COLOURS["maize"] == "#ff7f00"
    assert crop_colour("not a crop") == "#ffffff"


def test_the_legend_names_every_crop_in_its_colour_and_each_line_style() -> None:
    from ui.field_layers import CROP_COLOURS, STATUS_DASH, fields_legend_html

    legend = fields_legend_html()
    for crop, colour in CROP_COLOURS.items():
        assert f'stroke="{colour}"' in legend and crop in legend
    for words in ("draft", "rejected", "unsaved drawing", "submitted or accepted"):
        assert words in legend
    assert f'stroke-dasharray="{STATUS_DASH["draft"]}"' in legend
    assert f'stroke-dasharray="{STATUS_DASH["rejected"]}"' in legend
