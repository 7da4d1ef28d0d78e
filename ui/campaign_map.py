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


def task_feature(task: Task, now: str, show_holder: bool, filled: bool = True) -> dict[str, object]:
    """A task as a GeoJSON feature: filled with its state's colour (unless not ``filled``:
    its border alone in that colour), a tooltip with its number and state, who mapped it,
    who validated or invalidated it and why, what is wrong with the imagery of a task set
    aside (and who holds it, for coordinators), escaped."""
    state = task.state_at(now)
    colour = STATE_COLOURS[state]
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
    style = {"color": "#424242", "weight": 1, "fillColor": colour, "fillOpacity": 0.45}
    if not filled:
        style.update(color=colour, weight=2, fillOpacity=0.0)
    props = {"_tooltip": html.escape(" · ".join(words)), "_style": style}
    return {"type": "Feature", "properties": props, "geometry": mapping(task.geometry)}


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


def add_task_outline(fmap: MapParent, task: Task) -> None:
    """The task being mapped or validated: a bold dashed outline, named in its tooltip."""
    folium.GeoJson(
        mapping(task.geometry),
        name=f"task {task.number}",
        style_function=lambda _: TASK_OUTLINE,
        tooltip=f"your task: {task.number}",
    ).add_to(fmap)
