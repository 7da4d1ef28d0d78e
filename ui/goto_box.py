"""The go-to box on the Map and Label pages: type a place, the map flies there."""

from __future__ import annotations

import streamlit as st

from sr.imagery.scene import BBox
from ui.goto import GoToError, parse_place
from ui.state import bump_map
from ui.text import escape_markdown
from ui.uninterrupted import uninterrupted

GO_TO_LABEL = "Go to (lat, lon or west, south, east, north)"
LABEL_GOTO = "label_goto"  # the Label page's box (a new area there forgets its place)


def _place_key(key: str) -> str:
    return f"{key}:place"


def _error_key(key: str) -> str:
    return f"{key}:error"


@uninterrupted
def _went_to(key: str) -> None:
    """The box's on-change callback: remember the place (or why it is not one)."""
    state = st.session_state
    text = str(state.get(key) or "").strip()
    state.pop(_error_key(key), None)
    if not text:
        state.pop(_place_key(key), None)
        return
    try:
        state[_place_key(key)] = parse_place(text).bbox
    except GoToError as exc:
        state[_error_key(key)] = str(exc)
        return
    bump_map()  # a fresh map, fitted to the place


def goto_box(key: str) -> BBox | None:
    """The box, the reason when the text is not a place, and the place to fly to (if any)."""
    st.text_input(GO_TO_LABEL, key=key, on_change=_went_to, args=(key,), placeholder="27.68, 84.43")
    if error := st.session_state.get(_error_key(key)):
        st.error(escape_markdown(error))
    return st.session_state.get(_place_key(key))


def forget_place(key: str) -> None:
    """Stop flying to the typed place (a new area was chosen: the map follows that)."""
    st.session_state.pop(_place_key(key), None)
