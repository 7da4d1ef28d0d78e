"""A reviewer checking a campaign task on the Campaigns page: what its mappers drew, the date
and view to look at it on, one version kept of a task mapped twice, and Validate /
Invalidate. All of it sits at the top of the side panel, beside the map, so that the decision
is in view on a laptop and the fields can be told apart by the season, as on Review."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import streamlit as st

from labels.campaigns import Task
from labels.limits import MAX_TEXT_CHARS
from labels.model import PROPOSED, Label
from labels.review_reasons import TASK_REASONS
from labels.validate import format_hectares
from sr.imagery.bands import DisplayMode
from sr.imagery.scene import Scene
from sr.sharpen.cache import CachedResult
from ui.campaign_view import by_mapper, waiting_for_review
from ui.date_view import date_switch
from ui.page_keys import ACCEPT_KEY, REJECT_KEY
from ui.plain_words import outlined_words
from ui.review_feedback import take_reason
from ui.text import escape_markdown

COMMENT_KEY = "task_comment"  # the comment typed for Validate / Invalidate
REASON_KEY = "task_reason"  # the reasons to invalidate under the buttons
SWITCH_KEY = "campaign"  # the date switch's widget keys on this page


def drawn_summary(versions: dict[str, list[Label]]) -> list[str]:
    """One line per mapper of the task: how many fields, of which crops, how many hectares, and
    how many are the assist's proposals saved unedited, whose edges deserve a look ('Sita
    saved 3 field(s), 4.2 ha: 2 wheat, 1 maize; 1 by the assist, not edited: check their
    edges'); a line saying none when nobody drew. ``versions``: the task's fields by mapper
    (:func:`ui.campaign_view.by_mapper`)."""
    if not versions:
        return ["No fields were saved in this task."]
    lines = []
    for mapper, drawn in versions.items():
        crops = Counter(label.crop for label in drawn).most_common()
        kinds = ", ".join(f"{count} {crop}" for crop, count in crops)
        hectares = format_hectares(sum(label.area_ha or 0.0 for label in drawn))
        unedited = sum(label.drawing == PROPOSED for label in drawn)
        check = f"; {unedited} {outlined_words(PROPOSED)}: check their edges" if unedited else ""
        lines.append(f"{mapper} saved {len(drawn)} field(s), {hectares} ha: {kinds}{check}")
    return lines


def show_drawn(versions: dict[str, list[Label]]) -> None:
    """The :func:`drawn_summary` lines, escaped: mappers' names and crops come from users."""
    for line in drawn_summary(versions):
        st.caption(escape_markdown(line))


def check_panel(
    task: Task,
    fields: list[Label],
    scene: Scene,
    decide: Callable[[Task, bool, list[Label]], None],
    keep_version: Callable[[Task, str, list[Label]], None],
) -> tuple[int, DisplayMode]:
    """The task held to check, with its decision; returns the date and view for the map.

    ``decide(task, valid, fields)`` and ``keep_version(task, mapper, fields)`` are the page's
    button callbacks (``fields``: the task's fields as shown, whose waiting ones Validate
    accepts and whose other versions Keep removes); the comment typed is in the session
    under :data:`COMMENT_KEY`."""
    st.markdown(f"**Checking task {task.number}** (outlined on the map)")
    versions = by_mapper(fields, task)
    show_drawn(versions)
    if len(versions) > 1:
        st.caption("Mapped twice: each version is a layer on the map. Keep one to validate.")
        for mapper in versions:
            st.button(
                escape_markdown(f"Keep {mapper}'s version"),  # a label renders markdown
                key=f"keep-{mapper}",
                on_click=keep_version,
                args=(task, mapper, fields),
            )
    st.text_area(
        "Comment (needed to invalidate)",
        key=COMMENT_KEY,
        height=68,
        max_chars=MAX_TEXT_CHARS,  # as the store keeps it: nothing typed is cut unseen
        placeholder="Comment (needed to invalidate: pick a reason below, or write one)",
        label_visibility="collapsed",  # said in the box: the buttons stay in view
    )
    ok_col, bad_col = st.columns(2)
    ok_col.button(
        "Validate",
        type="primary",
        on_click=decide,
        args=(task, True, fields),
        disabled=len(versions) > 1,
        shortcut=ACCEPT_KEY,  # not while typing the comment
        help=f"Key {ACCEPT_KEY}: validate the task as shown.",
    )
    bad_col.button(
        "Invalidate",
        on_click=decide,
        args=(task, False, fields),
        shortcut=REJECT_KEY,
        help=f"Key {REJECT_KEY}: send it back with the comment (a reason picked below fills it).",
    )
    st.pills(  # under the buttons: they stay where they were on a laptop
        "Why invalidate (fills the comment)",
        list(TASK_REASONS),
        key=REASON_KEY,
        on_change=take_reason,
        args=(REASON_KEY, COMMENT_KEY, TASK_REASONS, MAX_TEXT_CHARS),  # the mapper reads it
    )
    waiting = waiting_for_review(versions)
    if waiting and len(versions) == 1:
        st.caption(f"Validate accepts its {len(waiting)} field(s) waiting for review, as shown.")
    return date_switch(scene, SWITCH_KEY)


def enhanced_name(result: CachedResult, scene: Scene) -> str:
    """The enhanced area's name in the map's layers, with its date on a scene of several
    (the date on screen may have none sharpened: then another date's is shown, and says so)."""
    if len(scene.dates) < 2:
        return "enhanced"
    date = int(result.provenance.get("date_index") or 0)
    return f"enhanced, {scene.dates[date].label}"
