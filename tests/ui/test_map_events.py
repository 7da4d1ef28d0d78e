"""Reading the Label page's map events: area choice, drawings, deletions."""

from __future__ import annotations

import json
from pathlib import Path

from shapely.geometry import Polygon, box, mapping
from shapely.geometry.base import BaseGeometry

from labels.model import Label
from sr.imagery.scene import open_scene
from ui.field_layers import MapField, field_feature
from ui.map_events import VIEW_REPORT, chosen_area, drawn_work, map_news


def geojson(geometry: BaseGeometry, **properties: object) -> dict:
    """A feature as Leaflet's toGeoJSON and streamlit-folium hand it over (JSON lists)."""
    feature = {"type": "Feature", "properties": properties, "geometry": mapping(geometry)}
    return json.loads(json.dumps(feature))


RECTANGLE = geojson(box(84.96, 28.005, 84.97, 28.009))
POINT = {"lat": 28.007, "lng": 84.97}


def test_a_drawn_rectangle_or_a_click_on_empty_ground_chooses_the_area(s2_like: Path) -> None:
    scene = open_scene(s2_like)
    drawn = {"last_active_drawing": RECTANGLE, "all_drawings": [RECTANGLE]}
    assert chosen_area(drawn, scene) == (84.96, 28.005, 84.97, 28.009)
    west, south, east, north = chosen_area({"last_clicked": POINT}, scene)
    assert (west + east) / 2 == 84.97 and round((south + north) / 2, 9) == 28.007
    assert round((north - south) * 110_574) == 1280  # 128 pixels of 10 m
    assert chosen_area({}, scene) is None


def test_clicking_a_field_while_choosing_an_area_chooses_nothing(s2_like: Path) -> None:
    """A click on a field arrives as the field's GeoJSON, the map click and the object click."""
    scene = open_scene(s2_like)
    field = Label(box(84.961, 28.006, 84.962, 28.007), "rice", "s", "Gita", status="accepted")
    clicked = geojson(
        field.geometry, **field_feature(MapField(field.geometry, field.id, "rice"))["properties"]
    )
    on_field = {"last_active_drawing": clicked, "all_drawings": [], "last_clicked": POINT}
    on_field["last_object_clicked"] = dict(POINT)
    assert chosen_area(on_field, scene) is None
    # after a rectangle was drawn on this map, a click on a field still chooses nothing
    assert chosen_area({**on_field, "all_drawings": [RECTANGLE]}, scene) is None
    # the next click, on empty ground, does
    elsewhere = {"lat": 28.0072, "lng": 84.9702}
    west, _, east, _ = chosen_area({**on_field, "last_clicked": elsewhere}, scene)
    assert (west + east) / 2 == 84.9702


def test_a_field_outline_drawn_with_the_polygon_tool_is_not_an_area(s2_like: Path) -> None:
    outline = geojson(Polygon([(84.96, 28.005), (84.97, 28.006), (84.965, 28.009)]))
    event = {"last_active_drawing": outline, "all_drawings": [outline]}
    assert chosen_area(event, open_scene(s2_like)) is None


def test_drawings_become_unsaved_work_and_removals_are_reported() -> None:
    kept = Label(box(84.0, 28.0, 84.001, 28.001), "rice", "s", "Sita", version=2)
    gone = Label(box(84.01, 28.0, 84.011, 28.001), "rice", "s", "Sita", version=1)
    moved = box(84.0, 28.0, 84.002, 28.001)
    new = box(84.02, 28.0, 84.021, 28.001)
    event = {
        "all_drawings": [
            {"properties": {"label_id": kept.id}, "geometry": mapping(moved)},
            {"properties": {}, "geometry": mapping(new)},
        ]
    }
    draft, removed = drawn_work(event, [kept, gone])
    assert draft is not None and draft.new[0].equals(new)
    assert draft.edits[kept.id][0].equals(moved) and draft.edits[kept.id][1] == 2
    assert removed == [gone.id]
    assert drawn_work({}, [kept]) == (None, [])


def test_a_click_that_drew_a_vertex_is_no_click_on_the_map() -> None:
    """The live map tells the last click Leaflet.draw took (a vertex, an edit): the page
    reads it as no click, then or later; a click on the ground after it is one."""
    state: dict[str, object] = {}
    vertex = {"lat": 28.006, "lng": 84.965}
    drawing = {"map": "m1", "presses": 0, "draw_click": dict(vertex)}
    state["map"] = {"last_clicked": vertex, VIEW_REPORT: drawing}
    assert map_news(state, "map") == {
        "last_clicked": None,
        "last_object_clicked": None,
        "last_active_drawing": None,
    }
    drawn = geojson(box(84.96, 28.005, 84.97, 28.009))
    state["map"] = {  # the field finished: a drawing event, the vertex still the last click
        "last_clicked": vertex,
        "last_active_drawing": drawn,
        "all_drawings": [drawn],
        VIEW_REPORT: drawing,
    }
    news = map_news(state, "map")
    assert news["last_clicked"] is None and news["all_drawings"] == [drawn]
    state["map"] = {**state["map"], "last_clicked": POINT}  # then a click on the ground
    assert map_news(state, "map")["last_clicked"] == POINT


def test_a_malformed_drawing_report_is_no_vertex_and_breaks_nothing() -> None:
    """The map's report comes from the browser: a value the live map would not send leaves
    the click a click."""
    for report in ("x", {"draw_click": "x"}, {"draw_click": {"lat": "north"}}, [1, 2]):
        state: dict[str, object] = {"map": {"last_clicked": POINT, VIEW_REPORT: report}}
        assert map_news(state, "map")["last_clicked"] == POINT


def test_drawings_taken_alone_leave_a_click_for_the_next_look() -> None:
    """A button's callback takes the map's drawings first (ui.map_first); a click reported
    with them is still news when the page looks next."""
    drawn = geojson(box(84.96, 28.005, 84.97, 28.009))
    state: dict[str, object] = {"map": {"last_clicked": POINT, "all_drawings": [drawn]}}
    assert map_news(state, "map", clicks=False) == {"all_drawings": [drawn]}
    news = map_news(state, "map")
    assert news["last_clicked"] == POINT and "all_drawings" not in news
    assert map_news(state, "map") == {}
