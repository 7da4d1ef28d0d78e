"""Adjusting the latest click's proposal while it is unchanged: Larger field / Smaller field
(the next merge level that gives another outline), a later click that adds a part or cuts
one off ("Next click on the map"; :mod:`sr.outline.corrections`), and Undo last click."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
from shapely.geometry import Polygon
from streamlit.delta_generator import DeltaGenerator

from sr.outline.segment import MAX_GROW
from ui.drawings import Draft, Drafts
from ui.map_first import map_news_first
from ui.outline_assist import LonLatCorrection, cut_caution
from ui.outline_propose import (
    CHANGED,
    NO_FIELD,
    Outlining,
    cautions,
    click_frame,
    latest_click,
    proposed_at,
    say,
    say_failed,
    unchanged_click,
)
from ui.proposal_record import SAME_OUTLINE_DEG, LastClick, Proposals
from ui.state import bump_map
from ui.uninterrupted import uninterrupted

NEXT_CLICK_KEY = "assist_next_click"
NEW_FIELD, ADD_PART, CUT_PART = (
    "Outlines another field",
    "Adds a part to this outline",
    "Cuts a part off this outline",
)
NOT_LARGER = (
    "No larger outline there: the assist finds nothing more to join around your click. "
    "Adjust the outline with the map's edit tool."
)
NOT_SMALLER = (
    "No smaller outline there: the assist finds nothing to split off around your click. "
    "Adjust the outline with the map's edit tool."
)
NOT_ADDED = (
    "Nothing added: click a part of the field that the outline misses, next to the outline. "
    "Or adjust the outline with the map's edit tool."
)
CUT_TOO_MUCH = (
    "Nothing cut: that cut would leave too little of the outline to propose. Click farther "
    "from the places you clicked to keep, or adjust the outline with the map's edit tool."
)
NOT_CUT = (
    "Nothing cut: click inside the outline, farther from the places you clicked to keep. "
    "Or adjust the outline with the map's edit tool."
)


def next_click() -> str:
    """What the next click on the map does (:data:`NEW_FIELD`, :data:`ADD_PART` or
    :data:`CUT_PART`)."""
    return str(st.session_state.get(NEXT_CLICK_KEY, NEW_FIELD))


def _replace_proposal(
    drafts: Drafts, draft: Draft, index: int, polygon: Polygon, version: str, click: LastClick
) -> Draft:
    """Put ``polygon`` in place of the unchanged proposal at ``index`` of the drawings, and
    remember it as the latest click's proposal."""
    drawings = list(draft.new)
    drawings[index] = polygon
    changed = Draft(drawings, draft.edits)
    drafts.save(changed)
    record = Proposals.beside(drafts.path)
    record.proposed[-1] = (polygon, version)
    record.last_click = click
    record.save()
    bump_map()
    return changed


def correct(at: Outlining, draft: Draft, correction: LonLatCorrection) -> Draft:
    """Add the part under a click to the latest proposal, or cut it off (``correction``'s
    add), in place; say so when the proposal changed meanwhile or the click changes nothing."""
    if (latest := latest_click(at.drafts, draft)) is None:
        return draft
    index, click = latest
    corrected = replace(click, corrections=(*click.corrections, correction))
    if (answer := proposed_at(at, at.around(draft), corrected)) is None:
        return draft
    polygon = answer.outline
    add = correction[2]
    if polygon is None and not add:
        say_failed(CUT_TOO_MUCH)
        return draft
    if polygon is None or polygon.equals_exact(draft.new[index], SAME_OUTLINE_DEG):
        say_failed(NOT_ADDED if add else NOT_CUT)
        return draft
    cut = None if add else cut_caution(draft.new[index], polygon)
    say(
        f"{'Part added' if add else 'Part cut off'}. {answer.proposed()}",
        cautions(at.scene, polygon, click_frame(at, click), first=cut),
    )
    return _replace_proposal(at.drafts, draft, index, polygon, answer.version, corrected)


@uninterrupted
@map_news_first
def _resize(at: Outlining, step: int) -> None:
    """Propose the latest click's field again, the next level larger (``step`` 1) or smaller
    (−1) that gives another outline, in place of the unchanged proposal (its corrections
    applied at that level too)."""
    drafts = at.drafts
    draft = drafts.load()
    if (latest := latest_click(drafts, draft)) is None:
        return
    index, click = latest
    grow = click.grow
    around = at.around(draft)
    while abs(grow + step) <= MAX_GROW:
        grow += step
        if (answer := proposed_at(at, around, replace(click, grow=grow))) is None:
            return
        polygon = answer.outline
        if polygon is not None and not polygon.equals_exact(draft.new[index], SAME_OUTLINE_DEG):
            break
    else:
        say_failed(NOT_LARGER if step > 0 else NOT_SMALLER)
        return
    _replace_proposal(drafts, draft, index, polygon, answer.version, replace(click, grow=grow))
    say(
        f"{'Larger' if step > 0 else 'Smaller'} outline proposed in its place. "
        + answer.proposed(),
        cautions(at.scene, polygon, click_frame(at, click)),
    )


@uninterrupted
@map_news_first
def _undo_correction(at: Outlining) -> None:
    """Propose the latest click's field again without its last correction, in place."""
    drafts = at.drafts
    draft = drafts.load()
    if (latest := latest_click(drafts, draft)) is None:
        return
    index, click = latest
    if not click.corrections:
        say(CHANGED)
        return
    earlier = replace(click, corrections=click.corrections[:-1])
    if (answer := proposed_at(at, at.around(draft), earlier)) is None:
        return
    if answer.outline is None:
        say_failed(answer.nothing(NO_FIELD))
        return
    _replace_proposal(drafts, draft, index, answer.outline, answer.version, earlier)
    say(
        f"Last click undone. {answer.proposed()}",
        cautions(at.scene, answer.outline, click_frame(at, earlier)),
    )


def adjust_buttons(at: Outlining, click: LastClick) -> DeltaGenerator:
    """Larger field, Smaller field and (after a correction) Undo last click, in one row;
    returns the row's last column, left for Outline all fields here."""
    grow = click.grow
    larger, smaller, undo, spare = st.columns([1, 1, 1.2, 1.5])
    larger.button(
        "Larger field",
        disabled=grow >= MAX_GROW,
        help="The outline stops short of the field's edge: join more of the parts "
        "around your click.",
        on_click=_resize,
        args=(at, 1),
        key="assist-larger",
    )
    smaller.button(
        "Smaller field",
        disabled=grow <= -MAX_GROW,
        help="The outline spills into a neighbour: split it into smaller parts.",
        on_click=_resize,
        args=(at, -1),
        key="assist-smaller",
    )
    if click.corrections:
        undo.button(
            "Undo last click",
            help="Take back the last part added or cut off.",
            on_click=_undo_correction,
            args=(at,),
            key="assist-undo",
        )
    return spare


def next_click_choice(drafts: Drafts) -> None:
    """While the latest click's proposal is unchanged: what the next click on the map does
    (another field, or a part added to it or cut off it). Under the Save buttons: the answer,
    Larger / Smaller field and Save come first, in view with the map."""
    if unchanged_click(drafts) is None:
        return
    st.radio(
        "Next click on the map",
        [NEW_FIELD, ADD_PART, CUT_PART],
        key=NEXT_CLICK_KEY,
        horizontal=True,
        help="Adds: click a part of the field that the outline misses. Cuts: click a part "
        "of the outline that is not the field; the assist takes away what it joined to "
        "your first click last, which can be more than you meant (Undo last click). The "
        "outline stays in the unsaved drawings until you save.",
    )
