"""The coordinator's answer when a scene's bands cannot be told apart: which dates and bands
(``sr.imagery.band_layout``), asked where scenes are added (the Home page), never guessed."""

from __future__ import annotations

import streamlit as st

from sr.imagery.band_layout import COMMON_ORDERS, AmbiguousLayoutError
from ui.auth import Identity
from ui.scene_choice import LayoutQuestion, confirm_layout
from ui.state import set_scene

QUESTION_KEY = "layout_question"


def layout_choices(count: int) -> list[str]:
    """Layouts that fit ``count`` bands: n dates × a common band order, most dates first."""
    choices = []
    for order in COMMON_ORDERS:
        per_date = len(order.split())
        if count % per_date == 0:
            dates = count // per_date
            choices.append(f"{dates} × ({order})" if dates > 1 else order)
    return sorted(choices, key=lambda c: -int(c.split(" ")[0]) if "×" in c else 0)


def layout_text(choice: str, dates: str) -> str:
    """The layout with the dates typed (comma-separated), if any."""
    return f"{choice} @ {dates.strip()}" if dates.strip() else choice


def ask_layout(identity: Identity) -> None:
    """Show the pending question (if any): coordinators pick or type the layout and confirm."""
    question: LayoutQuestion | None = st.session_state.get(QUESTION_KEY)
    if question is None:
        return
    st.warning(str(question))
    if not identity.is_coordinator:
        st.info("Ask a coordinator to confirm this scene's band layout.")
        return
    with st.form("band-layout"):
        choices = layout_choices(question.count)
        picked = st.radio("Band layout", [*choices, "Another layout"], key="layout_pick")
        typed = st.text_input(
            "Another layout (band names per date; 'other' for a band not shown)",
            placeholder="2 × (B4 B3 B2 B8)",
            key="layout_typed",
        )
        dates = st.text_input(
            "Dates of the groups, comma-separated (optional; leave empty if not known)",
            placeholder="2024-05-01, 2024-09-01",
            key="layout_dates",
        )
        confirmed = st.form_submit_button("Confirm the band layout")
    if not confirmed:
        return
    choice = typed if picked == "Another layout" else picked
    try:
        scene = confirm_layout(question.ref, layout_text(choice, dates), identity)
    except AmbiguousLayoutError as exc:
        st.error(str(exc))
        return
    del st.session_state[QUESTION_KEY]
    set_scene(scene)
