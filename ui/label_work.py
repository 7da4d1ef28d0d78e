"""What the Label page does with a volunteer's work (Streamlit glue for its callbacks): take
what they drew on the map into their drafts, save, delete after a confirmation, undo the last
save or delete, and untangle outlines that cross themselves.

Each acts for one :class:`LabelWork` (who works on what), handed to the page's buttons as
their argument, so that a press acts on the run the volunteer saw.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from typing import Any

import streamlit as st

from labels.base_store import BaseLabelStore
from labels.campaigns import Campaign, Task
from labels.model import DEFAULT_CROPS, Label
from sr.imagery.scene import Scene
from ui.auth import Identity
from ui.date_view import drawn_with_dates, forget_seen
from ui.drawings import Draft, Drafts
from ui.goto_box import LABEL_GOTO, forget_place
from ui.label_actions import delete_fields, save_edits, save_new_fields, unsaved_after_save
from ui.label_choices import crop_on_screen, drawn_on_screen, take_view_presses
from ui.live_map import LABEL_MAP
from ui.map_events import chosen_area, drawn_work, map_news
from ui.map_first import map_news_first, offer_intake
from ui.outline_fix import fix_outlines
from ui.outline_queue import fit_queue
from ui.outline_tool import forget_saved_proposals
from ui.proposal_record import Proposals
from ui.state import bump_map
from ui.text import escape_markdown
from ui.undo import after_delete, after_save, drawings_back, undo
from ui.uninterrupted import uninterrupted

AREA_TOOL, FIELDS_TOOL = "Choose an area", "Draw fields"
OUTCOMES_KEY = "outcomes"  # [(ok, message)] shown next to the Save buttons on the next run
UNDO_KEY = "undo"  # the last save or delete, while it can be undone (ui.undo.Undoable)
PENDING_DELETE_KEY = "pending_delete"  # the fields removed on the map, awaiting confirmation


@dataclass(frozen=True)
class LabelWork:
    """Who works on what on the Label page: the label store, the scene, the volunteer, their
    drafts, the campaign task they map (None: they map freely) and its campaign, their
    saved fields and the ids of the fields hidden from them (``ui.fields_in_sight``)."""

    store: BaseLabelStore
    scene: Scene
    identity: Identity
    drafts: Drafts
    task: Task | None
    mine: tuple[Label, ...]
    hidden: frozenset[str] = frozenset()
    campaign: Campaign | None = None

    @property
    def crops(self) -> tuple[str, ...]:
        """The crops the crop box offers: the campaign's while mapping one of its tasks."""
        return self.campaign.crops if self.task is not None and self.campaign else DEFAULT_CROPS

    @property
    def crops_note(self) -> str | None:
        """Whose crops the crop box offers while mapping a task (None: mapping freely)."""
        if self.task is None or self.campaign is None:
            return None
        return escape_markdown(  # a help tooltip is markdown; the name is typed by a person
            f"Task {self.task.number} is part of {self.campaign.name}, which maps "
            f"{', '.join(self.campaign.crops)} (chosen by its coordinator)."
        )


def _said(outcomes: list[tuple[bool, str]]) -> None:
    """What the page tells next to the Save buttons on its next run."""
    st.session_state[OUTCOMES_KEY] = outcomes


def take_map_news(work: LabelWork, clicks: bool = True) -> dict[str, Any]:
    """Act on what the volunteer did on the map since it was last looked at: a new area, or
    new drawings, changed outlines and removed fields (kept as drafts at once). Returns the
    news (a click for the outline tool). Without ``clicks``, the drawings only (a button's
    callback: :mod:`ui.map_first`); a click is left for the page."""
    state = st.session_state
    if not clicks and state.get("tool", AREA_TOOL) == AREA_TOOL:
        return {}  # no drawings to take: a rectangle drawn is a new area, for the page
    news = map_news(state, LABEL_MAP, clicks)
    if state.get("tool", AREA_TOOL) == AREA_TOOL:
        new_area = chosen_area(news, work.scene)
        if new_area and new_area != state.get("area"):
            state["area"] = new_area
            forget_place(LABEL_GOTO)  # the map follows the new area
            bump_map()  # the drawn rectangle gives way to the area's outline
        return news
    drafts = work.drafts
    new_draft, removed = drawn_work(news, list(work.mine))
    changed = new_draft is not None and new_draft != drafts.load()
    refused = drafts.save(new_draft) if changed and new_draft is not None else []
    if refused:  # too large to keep: said, and off the map
        _said([(False, note) for note in refused])
        bump_map()
    elif changed and fit_queue(work.store, work.scene, drafts, work.identity.name, work.hidden):
        bump_map()  # the proposal waiting (yellow) now stops at the new drawing
    if removed:
        state[PENDING_DELETE_KEY] = removed
    return news


def offer_map_intake(work: LabelWork) -> None:
    """Let the next run's button callbacks take in the map's drawings first
    (:mod:`ui.map_first`)."""
    offer_intake(functools.partial(take_map_news, work, clicks=False))


@uninterrupted
def save_work(work: LabelWork, submit: bool) -> None:
    """Save button callback: new drawings and changed outlines, then the map shows them as
    saved (in place). The drawings, the crop and the view are read now, as the volunteer
    sees them (ui.label_choices)."""
    state, scene, drafts, identity = st.session_state, work.scene, work.drafts, work.identity
    take_map_news(work)  # a drawing reported with the click itself
    take_view_presses(state, state.get(LABEL_MAP), at_save=True)  # and E before the click
    drawn = drafts.load()
    outcomes = save_new_fields(
        work.store,
        drawn.new,
        crop=crop_on_screen(state, work.crops[0]),
        identity=identity,
        scene_id=scene.scene_id,
        drawn_on=drawn_with_dates(drawn_on_screen(state, scene, identity.name), scene),
        submit=submit,
        task=work.task,
        drawing_of=Proposals.beside(drafts.path).drawing_of,
        hidden=work.hidden,
    )
    forget_saved_proposals(drafts, drawn.new, outcomes)
    outcomes += save_edits(
        work.store,
        {i: g for i, (g, _) in drawn.edits.items()},
        {i: v for i, (_, v) in drawn.edits.items()},
        identity,
    )
    drafts.save(unsaved_after_save(drawn, outcomes))
    fit_queue(work.store, scene, drafts, identity.name, work.hidden)
    forget_seen(scene)
    _said([(o.ok, o.message) for o in outcomes])
    state[UNDO_KEY] = after_save(
        outcomes[: len(drawn.new)], outcomes[len(drawn.new) :], time.monotonic()
    )
    bump_map()


@uninterrupted
def confirm_delete(work: LabelWork, confirmed: bool) -> None:
    """Delete-confirmation callback."""
    state = st.session_state
    if confirmed:
        pending = state[PENDING_DELETE_KEY]
        versions = {lab.id: lab.version for lab in work.mine if lab.id in pending}
        outcomes = delete_fields(work.store, versions, work.identity)
        _said([(o.ok, o.message) for o in outcomes])
        state[UNDO_KEY] = after_delete(outcomes, time.monotonic())
    state.pop(PENDING_DELETE_KEY, None)
    bump_map()


@uninterrupted
@map_news_first
def undo_last(work: LabelWork) -> None:
    """Undo button callback: the last save or delete, through the store's history."""
    action = st.session_state.pop(UNDO_KEY, None)
    if action is not None and action.open(time.monotonic()):
        outcomes = undo(work.store, action, work.identity)
        _said([(o.ok, o.message) for o in outcomes])
        drawn = work.drafts.load()
        back = drawings_back(work.store, action, outcomes)
        work.drafts.save(Draft(drawn.new + back, drawn.edits))
    bump_map()


@uninterrupted
@map_news_first
def fix_drawn_outlines(drafts: Drafts) -> None:
    """Fix-the-outline callback: untangle the unsaved outlines that cross themselves."""
    fixed, count = fix_outlines(drafts.load())
    drafts.save(fixed)
    _said([(True, f"Fixed {count} outline(s): check them on the map, then save.")])
    bump_map()
