"""Campaign tasks on the map: coloured by state, names escaped, expired locks shown free."""

from __future__ import annotations

import folium
from shapely.geometry import box

from labels.campaigns import STATE_COLOURS, Task, TaskState
from ui.campaign_map import add_tasks, clicked_task, task_feature
from ui.campaign_view import area_from_drawing, legend_html

HOSTILE = '<img src=x onerror="alert(1)">'


def test_a_task_is_coloured_by_its_state_and_its_holder_escaped() -> None:
    task = Task(
        "c",
        7,
        box(0, 0, 1, 1),
        TaskState.LOCKED_MAPPING,
        locked_by=HOSTILE,
        locked_until="2026-01-01T12:00:00.000000Z",
        locked_from=TaskState.READY,
    )
    feature = task_feature(task, "2026-01-01T11:00:00.000000Z", show_holder=True)
    props = feature["properties"]
    assert props["_style"]["fillColor"] == STATE_COLOURS[TaskState.LOCKED_MAPPING]
    assert "<img" not in props["_tooltip"] and "&lt;img" in props["_tooltip"]
    assert props["_tooltip"].startswith("task 7 · mapping · held by")
    hidden = task_feature(task, "2026-01-01T11:00:00.000000Z", show_holder=False)
    assert "held by" not in hidden["properties"]["_tooltip"]  # only coordinators see it
    expired = task_feature(task, "2026-01-01T13:00:00.000000Z", show_holder=True)
    assert expired["properties"]["_style"]["fillColor"] == STATE_COLOURS[TaskState.READY]
    assert "held by" not in expired["properties"]["_tooltip"]


def test_the_map_html_carries_no_raw_name() -> None:
    fmap = folium.Map()
    task = Task("c", 1, box(0, 0, 1, 1), TaskState.LOCKED_MAPPING, locked_by=HOSTILE,
                locked_until="2999-01-01T00:00:00.000000Z")  # fmt: skip
    add_tasks(fmap, [task], "2026-01-01T00:00:00.000000Z", show_holders=True)
    assert HOSTILE not in fmap.get_root().render()


def test_the_task_held_is_left_unfilled_so_its_imagery_shows_true() -> None:
    checking = Task("c", 2, box(0, 0, 1, 1), TaskState.LOCKED_VALIDATION)
    other = Task("c", 3, box(1, 0, 2, 1), TaskState.LOCKED_VALIDATION)
    now = "2026-01-01T00:00:00.000000Z"
    clear = task_feature(checking, now, show_holder=False, filled=False)["properties"]["_style"]
    assert clear["fillOpacity"] == 0.0  # its state shows in its border's colour alone
    assert clear["color"] == STATE_COLOURS[TaskState.LOCKED_VALIDATION]
    fmap = folium.Map()
    add_tasks(fmap, [checking, other], now, show_holders=False, clear=checking)
    html = fmap.get_root().render()
    assert html.count('"fillOpacity": 0.0') == 1 and html.count('"fillOpacity": 0.45') == 1


def test_a_decided_task_says_who_mapped_and_decided_it_and_why_escaped() -> None:
    now = "2026-01-01T00:00:00.000000Z"
    sent_back = Task("c", 4, box(0, 0, 1, 1), TaskState.INVALIDATED, mappers=("Sita",),
                     validator=HOSTILE, comment="The river field is missing. " * 10)  # fmt: skip
    tooltip = task_feature(sent_back, now, show_holder=False)["properties"]["_tooltip"]
    assert tooltip.startswith("task 4 · invalidated by &lt;img")
    assert tooltip.endswith("missing. The … · mapped by Sita")  # shortened to 120 characters
    assert "<img" not in tooltip
    done = Task("c", 5, box(0, 0, 1, 1), TaskState.VALIDATED, mappers=("Sita",), validator="Maya")
    assert task_feature(done, now, show_holder=False)["properties"]["_tooltip"] == (
        "task 5 · validated by Maya · mapped by Sita"
    )


def test_a_task_set_aside_says_what_is_wrong_with_its_imagery_escaped() -> None:
    aside = Task("c", 6, box(0, 0, 1, 1), TaskState.BAD_IMAGERY, comment=f"clouds {HOSTILE}")
    feature = task_feature(aside, "2026-01-01T00:00:00.000000Z", show_holder=False)
    tooltip = feature["properties"]["_tooltip"]
    assert tooltip.startswith("task 6 · bad imagery: clouds &lt;img") and "<img" not in tooltip
    assert feature["properties"]["_style"]["fillColor"] == STATE_COLOURS[TaskState.BAD_IMAGERY]


def test_a_task_clicked_on_the_map_is_chosen_and_is_no_area_drawn() -> None:
    tasks = [Task("c", n, box(n, 0, n + 1, 1)) for n in (1, 2)]
    clicked = task_feature(tasks[1], "2026-01-01T00:00:00Z", False)  # as the map reports it
    assert clicked_task(clicked, tasks) == tasks[1]
    assert clicked_task(task_feature(Task("other", 2, box(0, 0, 1, 1)), "", False), tasks) is None
    for odd in (None, [], {"properties": None}, {"properties": {"task": 2}}):
        assert clicked_task(odd, tasks) is None
    assert area_from_drawing({"last_active_drawing": clicked, "all_drawings": []}) is None
    drawn = {"type": "Feature", "properties": {}, "geometry": clicked["geometry"]}
    area = area_from_drawing({"last_active_drawing": drawn, "all_drawings": [drawn]})
    assert area is not None and area.equals(tasks[1].geometry)


def test_a_task_to_map_first_has_a_black_border_and_says_so() -> None:
    task = Task("c", 4, box(0, 0, 1, 1), first=True)
    feature = task_feature(task, "2026-01-01T00:00:00Z", False)
    assert feature["properties"]["_style"]["color"] == "#000000"  # type: ignore[index]
    assert feature["properties"]["_tooltip"].endswith("to map first")  # type: ignore[index]
    assert "to map first" in legend_html()


def test_an_area_drawn_with_more_vertices_than_a_hand_draws_is_ignored() -> None:
    from shapely.geometry import Point, mapping

    ring = Point(0, 0).buffer(1, quad_segs=3000)  # 12,000 vertices, sent by a browser
    feature = {"type": "Feature", "properties": {}, "geometry": mapping(ring)}
    assert area_from_drawing({"last_active_drawing": feature, "all_drawings": [feature]}) is None
    odd = {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": 5}}
    assert area_from_drawing({"last_active_drawing": odd, "all_drawings": [odd]}) is None
