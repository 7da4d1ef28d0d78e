"""Campaign tasks on the folium map: coloured by state (progress map), the task being mapped
outlined, and the fields of the task a reviewer checks."""

from __future__ import annotations

import html
from collections.abc import Sequence
from textwrap import shorten

import folium
from shapely.geometry import mapping

from labels.campaigns import STATE_COLOURS, STATE_TITLES, Task, TaskState
from ui.field_layers import add_features
from ui.scene_map import MapParent

TOOLTIP_COMMENT = 120  # characters of a reviewer's comment in a task's tooltip
TASK_OUTLINE = {"color": "#ff1744", "weight": 4, "fill": False, "dashArray": "10 6"}
FIRST_BORDER = {"color": "#000000", "weight": 3}  # a task a coordinator wants mapped first
HIDDEN_OUTLINE = {"color": "#9e9e9e", "weight": 2, "fill": True, "fillOpacity": 0.1,
                  "dashArray": "2 6"}  # fmt: skip
HIDDEN_TASKS = "tasks being mapped twice"  # the layer's name in the map's switcher
HIDDEN_TIP = (
    "Task {n} is mapped independently by two volunteers: its fields show here once both "
    "have handed it in."
)


def task_words(task: Task, now: str, show_holder: bool) -> list[str]:
    """What is said of a task on the map and when it is chosen: its number and state, who
    mapped it, who validated or invalidated it and why, what is wrong with the imagery of a
    task set aside, and (``show_holder``, for coordinators) who holds it. Not escaped."""
    state = task.state_at(now)
    decided = task.validator and state in (TaskState.VALIDATED, TaskState.INVALIDATED)
    said = f": {shorten(task.comment, TOOLTIP_COMMENT, placeholder=' …')}" if task.comment else ""
    by = f" by {task.validator}{said}" if decided else ""  # who decided, and why
    if state is TaskState.BAD_IMAGERY:
        by = said  # what its mapper said is wrong with the imagery
    words = [f"task {task.number}", STATE_TITLES[state] + by]
    if task.copies > 1:
        words.append(f"mapped twice ({len(task.mappers)} of 2 done)")
    if task.mappers:
        words.append(f"mapped by {' and '.join(task.mappers)}")
    if show_holder and task.locked_by and state is task.state:
        words.append(f"held by {task.locked_by}")
    if task.first and state is not TaskState.VALIDATED:
        words.append("to map first")
    if task.assigned_to and state is not TaskState.VALIDATED:
        words.append(f"assigned to {task.assigned_to}")
    return words


def task_feature(task: Task, now: str, show_holder: bool, filled: bool = True) -> dict[str, object]:
    """A task as a GeoJSON feature: filled with its state's colour (unless not ``filled``:
    its border alone in that colour), its :func:`task_words` as a tooltip, escaped, and its
    ref (``task``), by which a click on it chooses it (:func:`clicked_task`)."""
    colour = STATE_COLOURS[task.state_at(now)]
    style = {"color": "#424242", "weight": 1, "fillColor": colour, "fillOpacity": 0.45}
    if task.first:
        style.update(FIRST_BORDER)
    if not filled:
        style.update(color=colour, weight=2, fillOpacity=0.0)
    tooltip = html.escape(" · ".join(task_words(task, now, show_holder)))
    props = {"_tooltip": tooltip, "_style": style, "task": task.ref}
    return {"type": "Feature", "properties": props, "geometry": mapping(task.geometry)}


def clicked_task(drawing: object, tasks: Sequence[Task]) -> Task | None:
    """The task clicked on the map, among ``tasks``: streamlit-folium reports a click on a
    shape as its last active drawing, with the feature's properties."""
    props = drawing.get("properties") if isinstance(drawing, dict) else None
    ref = props.get("task") if isinstance(props, dict) else None
    if not isinstance(ref, str):
        return None
    return next((task for task in tasks if task.ref == ref), None)


def add_tasks(
    fmap: folium.Map,
    tasks: Sequence[Task],
    now: str,
    show_holders: bool,
    clear: Task | None = None,
) -> None:
    """The campaign's tasks as one layer, coloured by state; the task ``clear`` (the one the
    person holds, to map or to check) unfilled, so its imagery and fields show true."""
    held = None if clear is None else clear.ref
    features = [task_feature(t, now, show_holders, filled=t.ref != held) for t in tasks]
    add_features(fmap, features, "tasks")


def add_hidden_tasks(fmap: MapParent, tasks: Sequence[Task]) -> None:
    """The tasks whose fields are hidden from the person (``ui.fields_in_sight``): a grey
    dashed outline each, saying why nothing shows in it (no layer for none)."""
    if not tasks:
        return
    features = [
        {
            "type": "Feature",
            "properties": {
                "_tooltip": html.escape(HIDDEN_TIP.format(n=task.number)),
                "_style": HIDDEN_OUTLINE,
            },
            "geometry": mapping(task.geometry),
        }
        for task in tasks
    ]
    add_features(fmap, features, HIDDEN_TASKS)


def add_task_outline(fmap: MapParent, task: Task) -> None:
    """The task being mapped or validated: a bold dashed outline, named in its tooltip."""
    folium.GeoJson(
        mapping(task.geometry),
        name=f"task {task.number}",
        style_function=lambda _: TASK_OUTLINE,
        tooltip=f"your task: {task.number}",
    ).add_to(fmap)
