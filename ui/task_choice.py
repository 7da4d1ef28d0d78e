"""A task chosen by a click on the Campaigns map: what it is, and what this person may do
with it (as HOT Tasking Manager's task panel): map it, validate it, and for a coordinator
release its lock, put it back in the queue, have it mapped first or assign it to a volunteer.
A volunteer who knows a village can so take its task instead of the next one, and a
coordinator act on one task seen on the map."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import streamlit as st

from labels.campaigns import LOCKED_STATES, Task, TaskEvent, TaskState
from labels.model import Label, same_person
from ui.auth import Identity
from ui.campaign_map import task_words
from ui.campaign_view import by_mapper
from ui.local_time import browser_zone, date_time
from ui.task_check import show_drawn
from ui.text import escape_markdown

MAP_IT = "Map this task"
VALIDATE_IT = "Validate this task"
RELEASE_IT = "Release its lock"
PUT_IT_BACK = "Put it back in the queue"
FIRST = "Map it first"
NOT_FIRST = "No longer first"
TAKE_BACK = "Take the assignment back"


@dataclass(frozen=True)
class TaskChoice:
    """What is said of the task chosen, why nothing can be done with it (if so), and the
    actions offered (button labels, in order)."""

    line: str
    note: str | None
    actions: tuple[str, ...]


def choice_for(task: Task, identity: Identity, held: Task | None, now: str) -> TaskChoice:
    """The task chosen as this person sees it (``held``: the task they hold, if any)."""
    line = " · ".join(task_words(task, now, identity.is_coordinator))
    line = line[:1].upper() + line[1:]
    state = task.state_at(now)
    mine = any(same_person(identity.name, m) for m in task.mappers)
    actions: list[str] = []
    note = None
    if identity.is_coordinator and state in LOCKED_STATES:
        actions.append(RELEASE_IT)
    if identity.is_coordinator and state is TaskState.BAD_IMAGERY:
        actions.append(PUT_IT_BACK)
    if identity.is_coordinator and state is not TaskState.VALIDATED:
        actions.append(NOT_FIRST if task.first else FIRST)
    if held is not None:
        if held.ref == task.ref:
            note = "You hold this task."
        else:
            note = f"You hold task {held.number}: hand it in or give it back to take another."
        return TaskChoice(line, note, tuple(actions))
    if state is TaskState.READY and mine:  # mapped twice: the second mapper is someone else
        note = "You mapped it already: a second volunteer maps it on their own."
    elif state in (TaskState.READY, TaskState.INVALIDATED) and not task.assigned_to_or_free(
        identity.name
    ):
        note = f"Assigned to {task.assigned_to}: ask the coordinator for another."
    elif state in (TaskState.READY, TaskState.INVALIDATED):
        actions.insert(0, MAP_IT)  # the store refuses, saying why, where the rules forbid it
    elif state is TaskState.MAPPED and identity.can_review:
        if mine:
            note = "You mapped it: another reviewer validates it."
        else:
            actions.insert(0, VALIDATE_IT)
    elif state is TaskState.MAPPED:
        note = "Mapped: it waits for a reviewer."
    elif state in LOCKED_STATES:
        note = "Someone is working on it."
    return TaskChoice(line, note, tuple(actions))


def task_history_lines(events: Sequence[TaskEvent], zone: ZoneInfo | None = None) -> list[str]:
    """A task's recorded transitions, newest first, a Markdown line each: '2026-12-06 10:20
    UTC · bad imagery by Sita: clouds' (in ``zone``, the person's, when known; names and
    comments escaped). Lines wrap in the side panel, where a table of them ran 596 px in
    320 and cut the comments, what the history is read for."""
    return [
        f"{date_time(e.at, zone)} · {escape_markdown(e.action)} by {escape_markdown(e.actor)}"
        + (f": {escape_markdown(e.comment)}" if e.comment else "")
        for e in reversed(events)
    ]


@dataclass(frozen=True)
class TaskRecord:
    """What a reviewer or coordinator sees of the task chosen: its fields (to summarise) and
    its history."""

    fields: Sequence[Label]
    events: Sequence[TaskEvent]


def choice_panel(
    choice: TaskChoice,
    task: Task,
    act: Callable[[Task, str], None],
    record: TaskRecord | None = None,
) -> None:
    """The chosen task above the side panel; ``act(task, label)`` is the buttons' callback;
    ``record`` (for reviewers and coordinators) adds what its mappers saved and its history."""
    st.markdown(f"**{escape_markdown(choice.line)}**")  # names and comments come from users
    if record is not None and (record.fields or task.mappers):
        show_drawn(by_mapper(record.fields, task))
    if choice.note:
        st.caption(escape_markdown(choice.note))  # it may name the volunteer assigned
    for n, label in enumerate(choice.actions):
        st.button(label, key=f"chosen-task-{n}", type="primary" if n == 0 else "secondary",
                  on_click=act, args=(task, label))  # fmt: skip
    if record is not None and record.events:
        with st.expander(f"History of task {task.number} ({len(record.events)})"):
            for line in task_history_lines(record.events, browser_zone()):
                st.caption(line)


def assign_box(
    label: str,
    key: str,
    plan: tuple[str, tuple[int, ...]],
    assign: Callable[[str, str, tuple[int, ...]], None],
    take_back: Callable[[str, str, tuple[int, ...]], None] | None,
) -> None:
    """For a coordinator: a volunteer's name and a button assigning tasks to them, and one
    taking the assignment back when there is one (``take_back``). ``plan``: the campaign
    and the task numbers; the callbacks get the box's session key, then those."""
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input("Assign to (a volunteer's name)", key=key, max_chars=80)
        st.button(label, key=f"{key}-button", on_click=assign, args=(key, *plan))
    if take_back is not None:
        st.button(TAKE_BACK, key=f"{key}-take-back", on_click=take_back, args=(key, *plan))
