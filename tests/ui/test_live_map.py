"""The Label page's live map (ui.live_map, ui.date_swipe) and what it reports
(ui.map_events.map_news): the map part depends on the scene only, so streamlit-folium never
rebuilds it; what changes travels in the dynamic group, the same layers as the same script;
an event is acted on once."""

from __future__ import annotations

import json
from typing import Any

import folium
from shapely.geometry import box
from streamlit_folium import _get_feature_group_string, _get_map_string, generate_js_hash

from sr.imagery.scene import open_scene
from ui.date_swipe import date_swipe_spec
from ui.enhanced_areas import add_enhanced_outlines
from ui.field_layers import MapField, add_fields
from ui.live_map import (
    LABEL_MAP,
    basemap_spec,
    enhanced_spec,
    finish_layers,
    live_base_map,
    live_layers,
    scene_spec,
)
from ui.map_events import map_news
from ui.registry import ServedScene, registry
from ui.scene_map import add_area, add_outline
from ui.settings import SAMPLE_SCENE


def _served() -> ServedScene:
    return registry().register(open_scene(SAMPLE_SCENE))


def _shipped(fmap: folium.Map) -> str:
    fmap.get_root().render()
    return _get_map_string(fmap)


def _group_script(served: ServedScene, group: folium.FeatureGroup) -> str:
    """What streamlit-folium sends as the dynamic group (and compares with the last one)."""
    fmap = live_base_map(served)
    _shipped(fmap)
    return _get_feature_group_string(finish_layers(group), fmap)


def _spec(script: str) -> dict[str, Any]:
    spec, _ = json.JSONDecoder().raw_decode(script.split(".update(", 1)[1])
    return spec  # type: ignore[no-any-return]


def _layers(served: ServedScene, date: int = 0, crop: str = "rice") -> folium.FeatureGroup:
    """A group like the Label page's: tiles, my field, others' fields, outlines."""
    c = served.scene.footprint.centroid
    tiles = [*basemap_spec("none"), scene_spec(served, "true", lambda _: "k", date)]
    group = live_layers(
        tool="polygon",
        tiles=tiles,
        editable=[MapField(box(c.x, c.y, c.x + 0.001, c.y + 0.001), "id-1", crop, "draft")],
        revision=3,
        fit=(c.x, c.y, c.x + 0.01, c.y + 0.01),
        saves=("Save as draft",),
        waits=("Keep",),
        button_keys={"k": "assist-keep"},
    )
    add_fields(group, [MapField(box(c.x, c.y, c.x + 0.002, c.y + 0.002), "id-2", "maize")], "x")
    add_area(group, (c.x, c.y, c.x + 0.01, c.y + 0.01), fit=False)
    add_outline(group, served.scene.footprint, "scene outline", "#ffcc00", weight=2)
    add_enhanced_outlines(group, [], "Sita")
    return group


def test_the_map_part_is_the_same_whatever_is_drawn_on_it() -> None:
    first, second = (_shipped(live_base_map(_served())) for _ in range(2))
    # streamlit-folium's component key is this hash: equal, so the map is never rebuilt
    assert generate_js_hash(first, LABEL_MAP) == generate_js_hash(second, LABEL_MAP)
    assert "sharpfieldsLive" in first and "__sharpfieldsKeys" in first
    assert "var drawnItems = [];" not in first  # the live map's group is window.drawnItems
    assert "/tiles/" not in first  # every tile layer (the scene too) comes with the spec


def test_the_same_layers_make_the_same_script_and_a_change_another() -> None:
    served = _served()
    first, again = (_group_script(served, _layers(served)) for _ in range(2))
    assert first == again  # a rerun that changes nothing: the browser does nothing
    assert _group_script(served, _layers(served, crop="wheat")) != first


def test_what_changes_travels_in_the_spec() -> None:
    served = _served()
    c = served.scene.footprint.centroid
    spec = _spec(_group_script(served, _layers(served, date=1)))
    assert spec["tool"] == "polygon"
    [scene_tiles] = spec["overlays"]
    assert scene_tiles["key"] == "scene" and "/true-d1/" in scene_tiles["url"]
    assert scene_tiles["swipe"] is None
    [feature] = spec["fields"]["features"]
    assert feature["properties"]["label_id"] == "id-1"
    assert spec["revision"].startswith("3:")
    assert json.loads(spec["fit"]["id"]) == [c.x, c.y, c.x + 0.01, c.y + 0.01]
    assert spec["saves"] == ["Save as draft"]  # clicks the map holds for its last drawing
    assert spec["waits"] == ["Keep"]  # held too, without the Save's count of E presses
    assert spec["keys"] == {"k": "assist-keep"}  # key K presses that button, map or page


def test_the_date_swipe_and_the_enhanced_compare_are_swipes_of_one_kind() -> None:
    served = _served()
    other = date_swipe_spec(served, "false", lambda _: "k", 0, 1)
    assert other["key"] == "other-date" and "/false-d1/" in other["url"]
    assert other["swipe"] == [served.scene.dates[0].label, served.scene.dates[1].label]
    shown = enhanced_spec(served, "true", lambda _: "k", 0.7, compare=True)
    assert shown["swipe"] == ["original", "enhanced"] and shown["opacity"] == 0.7
    assert enhanced_spec(served, "true", lambda _: "k", 0.0)["swipe"] is None
    assert other["zIndex"] < shown["zIndex"]  # the enhanced area stays on top


def test_the_named_layers_are_listed_in_the_switcher_escaped() -> None:
    served = _served()
    group = _layers(served)
    add_fields(group, [], "<b>Ram</b>'s fields")
    script = _group_script(served, group)
    listed = script.split(".listLayers(", 1)[1]
    assert '"x"' in listed and '"enhanced areas"' in listed  # the named layers
    assert "<b>" not in listed and "\\u003cb" not in listed  # text, never markup:
    assert '"\\u0026lt;b\\u0026gt;Ram' in listed  # "&lt;b&gt;Ram" once JSON is read
    assert "chosen area" not in listed  # a rectangle is not a layer of its own


def test_a_spec_with_two_layers_of_one_key_is_refused() -> None:
    served = _served()
    tiles = [scene_spec(served, "true", lambda _: "k")] * 2
    try:
        live_layers(tool="polygon", tiles=tiles, editable=[], revision=0, fit=(0, 0, 1, 1))
    except ValueError as exc:
        assert "one key" in str(exc)
    else:
        raise AssertionError("two layers with one key were accepted")


def _event(drawings: list[Any] | None = None, click: dict[str, float] | None = None) -> dict:
    return {
        "all_drawings": drawings,
        "last_active_drawing": None,
        "last_clicked": click,
        "last_object_clicked": None,
    }


def test_an_event_counts_once_and_a_saved_drawing_is_not_drawn_again() -> None:
    state: dict[str, Any] = {}
    assert map_news(state, LABEL_MAP) == {}  # nothing yet
    drawing = {"type": "Feature", "properties": {}, "geometry": {"type": "Point"}}
    state[LABEL_MAP] = _event([drawing])
    assert map_news(state, LABEL_MAP) == {"all_drawings": [drawing]}
    assert map_news(state, LABEL_MAP) == {}  # the same event again (a rerun): nothing new
    # after the save the map still reports the drawing, now with a click: only the click
    state[LABEL_MAP] = _event([drawing], {"lat": 1.0, "lng": 2.0})
    news = map_news(state, LABEL_MAP)
    assert "all_drawings" not in news and news["last_clicked"] == {"lat": 1.0, "lng": 2.0}
    assert map_news(state, LABEL_MAP) == {}
