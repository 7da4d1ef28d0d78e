"""The Label page's "Click a field" tool (Streamlit glue): the side panel and what goes
under the map.

A click on the map's ground with the tool on proposes the field under it as an unsaved
drawing (:mod:`ui.outline_propose`), or, with "Outline a field by" set to two corners, marks
a corner of one (:mod:`ui.outline_corners`). The volunteer edits a proposal with the usual
tools, saves or deletes it, or, while it is unchanged, has it proposed again larger or
smaller or corrected by later clicks (:mod:`ui.outline_adjust`). A proposal cut by its view's
edge can have the area centred on it (:mod:`ui.outline_centre`). "Outline all fields here",
under the map, queues every field of the enhanced area shown (:mod:`ui.outline_queue`). On a
scene of several dates a toggle, on by default, has the assist use every date. Logic:
:mod:`ui.outline_assist`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st
from shapely.geometry.base import BaseGeometry
from streamlit.delta_generator import DeltaGenerator

from sr.imagery.scene import Scene
from sr.sharpen.cache import CachedResult
from ui.auth import Identity
from ui.drawings import Draft, Drafts
from ui.label_actions import Outcome
from ui.outline_adjust import ADD_PART, NEW_FIELD, adjust_buttons, correct, next_click
from ui.outline_assist import clicked_point
from ui.outline_centre import AreaState, centre_button, centre_on_clicked, centred_wait
from ui.outline_corners import (
    ONE_CLICK,
    OUTLINE_BY_KEY,
    TWO_CORNERS,
    by_corners,
    forget_corner,
    take_corner,
)
from ui.outline_propose import (
    EVERY_DATE_KEY,
    Outlining,
    every_date,
    last_said,
    propose_field,
    unchanged_click,
)
from ui.outline_queue import outline_all_button, queue_bar
from ui.proposal_record import Proposals

OUTLINE_TOOL = "Click a field"
OUTLINE_BY = "Outline a field by"
SAVED_NOTE = (
    "A proposal stops at the fields drawn already: saved ones that someone drew by hand, "
    "edited or had accepted, and your unsaved drawings other than unchanged proposals. It "
    "takes their border, so neighbours neither overlap nor leave a gap."
)
UNDER_MAP_NOTE = (
    "Under the map: Outline all fields here (every field that stands out, to keep or skip one "
    "by one), the assist's answers and Larger / Smaller field."
)


def dates_note(scene: Scene, shown: CachedResult | None) -> str:
    """What the assist looks at, in plain words, for a scene of several dates."""
    labels = " and ".join(d.label for d in scene.dates)
    where = "the enhanced area of each date where there is one, else its original"
    if shown is None:
        where = "the original of each date"
    return (
        f"Uses both dates ({labels}; {where}): their colours are compared together, so two "
        "fields alike on one date but not on the other can come out apart. Measured on "
        "made-up second dates: where the dates differ, it did better than either date alone; "
        "where they look alike, it sometimes did worse. Then turn this off."
        if len(scene.dates) == 2
        else f"Uses all {len(scene.dates)} dates ({labels}; {where}): their colours are "
        "compared together."
    )


def take_click(event: Mapping[str, Any], at: Outlining, draft: Draft) -> Draft:
    """A new click on the map's ground proposes the field under it (as an unsaved drawing),
    marks a corner of one (two corners propose the field between them), or adds a part to
    the latest proposal or cuts one off it (the panel's "Next click"). A proposal never
    reaches into the saved fields a person drew, edited or accepted, nor into the
    volunteer's own unsaved drawings other than proposals unchanged
    (:func:`ui.outline_propose.fields_around`)."""
    mode = next_click()
    corners = mode == NEW_FIELD and by_corners()
    # A correction lands inside the outline it corrects, a corner often on a neighbour's
    # saved field: both count on shapes.
    point = clicked_point(event, on_shapes=mode != NEW_FIELD or corners)
    seen = (st.session_state.get("map_generation", 0), point)
    if point is None or st.session_state.get("assist_click") == seen:
        return draft
    st.session_state["assist_click"] = seen
    if mode != NEW_FIELD:
        return correct(at, draft, (*point, mode == ADD_PART))
    if corners:
        return take_corner(at, draft, point)
    return propose_field(at, draft, point)


def outline_by_choice() -> None:
    """One click or two corners: right under the map's tool, where the small-field caution
    that suggests two corners can be followed without scrolling."""
    st.radio(
        OUTLINE_BY,
        [ONE_CLICK, TWO_CORNERS],
        key=OUTLINE_BY_KEY,
        horizontal=True,
        on_change=forget_corner,
        help="Two corners: click a little outside two opposite corners of the field; the "
        "assist outlines the field between them, trimmed to them (corners inside the field "
        "cut it short). Measured on farmland with hand-drawn fields, corners up to a tenth of "
        "the field's size off gave outlines closer to the drawn ones than one click inside "
        "(median overlap 0.78 against 0.61–0.63). One click keeps Larger / Smaller field and "
        "corrections; two corners do not.",
    )


def outline_panel(at: Outlining) -> None:
    """The tool's notes in the side panel: how to outline, what a proposal stops at, the
    dates (the choice of one click or two corners is under the map's tool:
    :func:`outline_by_choice`; the answers and what follows them are under the map:
    :func:`under_map`)."""
    scene, shown = at.scene, at.shown
    st.caption(
        "Click inside a field on the map: its outline is proposed from the enhanced area "
        "(or the original where none is shown). Too small or too large? Larger field and "
        "Smaller field propose it again."
        if not by_corners()
        else "Click two opposite corners of a field on the map (top left and bottom right, "
        "or the other two): the field between them is proposed from the enhanced area (or "
        "the original where none is shown)."
    )
    st.caption(SAVED_NOTE)
    if len(scene.dates) > 1:
        st.toggle(
            "Use every date",
            value=True,
            key=EVERY_DATE_KEY,
            help="Off: the assist looks at the date on screen only.",
        )
        if every_date(scene):
            st.caption(dates_note(scene, shown))
    st.caption(UNDER_MAP_NOTE)


def under_map(at: Outlining, identity: Identity, area: AreaState) -> None:
    """Under the map, in view with it: Outline all's queue (first: Keep and Skip right under
    the map), the assist's last answer and what can follow it (Larger / Smaller field, Undo
    last click; what the next click does goes under the Save buttons:
    :func:`ui.outline_adjust.next_click_choice`), and after **Centre the area on this
    field**, Enhance for the new area."""
    # One block, whatever it holds: the crop and Save row under it keeps its place in the
    # page. (A row of buttons that took that place on a click showed a stale copy of Save
    # in its empty column while the page ran: CI once.)
    with st.container():
        waiting = queue_bar(at, identity)
        spare = _answer(at, area)
        if not waiting:  # (while a queue waits, Stop ends it)
            outline_all_button(at, identity, spare or st.container())


def _answer(at: Outlining, area: AreaState) -> DeltaGenerator | None:
    """The last answer (with its caution, in one box: the controls under it stay in view);
    Enhance the new area after Centre; while the latest proposal is unchanged, Larger /
    Smaller field and Undo last click, in a row whose last column is returned (None: no
    row)."""
    said = last_said()
    caution = said.caution if said else None
    if said and caution:
        st.warning(f"{said.text} {caution.text}")
    elif said:
        (st.warning if said.failed else st.info)(said.text)
    centred_wait(area, answered=said is not None)
    if (click := unchanged_click(at.drafts)) is None:
        return None
    if caution and caution.at_edge:
        centre_button("assist-centre", centre_on_clicked, (at,))
    return adjust_buttons(at, click)


def forget_saved_proposals(
    drafts: Drafts, drawings: Sequence[BaseGeometry], outcomes: Sequence[Outcome]
) -> None:
    """Forget the proposals whose outlines were just saved."""
    record = Proposals.beside(drafts.path)
    record.forget([g for g, o in zip(drawings, outcomes, strict=False) if o.ok])
    record.save()
