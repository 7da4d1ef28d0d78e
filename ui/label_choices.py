"""The Label page's choices as they are on screen, read when they are used.

A button's ``args`` are fixed when the page last ran to the button, but a click can reach
the server while the rerun caused by the previous choice (a crop picked a moment before)
is still under way: the callback would then act on the choice before. So the save reads
every choice from the session state at click time — Streamlit writes the values of all
widgets of the click's message there before it calls any callback.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any, TypeGuard

import streamlit as st

from sr.imagery.scene import Scene
from sr.imagery.scene_errors import SceneError
from sr.sharpen.cache import CachedResult
from sr.sharpen.pipeline import SharpenRequest
from ui.date_view import current_date
from ui.enhance_flow import cached_result
from ui.label_actions import DrawnOn, drawn_on_view
from ui.map_events import VIEW_REPORT
from ui.settings import dip_iterations_override
from ui.uninterrupted import uninterrupted

CROP_KEY = "crop"
CROP_LABEL = "Crop of the new fields"  # the box under the map that Save uses
SHOW_ENHANCED_KEY = "show_enhanced"
COMPARE_KEY = "compare_enhanced"  # the original / enhanced swipe
SWITCH_KEY = "e"  # the keyboard key of the original / enhanced switch
VIEW_SEEN_KEY = "view_presses_seen"  # the map's report as last counted
SAVE_MARK_KEY = "view_save_mark_used"  # the last Save click's mark already counted (ms)
SAVE_BUTTONS = ("Save & submit", "Save as draft")  # the live map watches clicks on these


def current_request(
    state: MutableMapping[Any, Any], scene: Scene, volunteer: str
) -> SharpenRequest | None:
    """The sharpening the page's area, method and preset ask for (None without an area)."""
    area = state.get("area")
    if not area:
        return None
    return SharpenRequest(
        scene,
        area,
        str(state.get("method")),
        str(state.get("preset", "fast")),
        iterations=dip_iterations_override(),
        requested_by=volunteer,
        date=current_date(scene),
    )


def shown_result(
    state: MutableMapping[Any, Any], scene: Scene, volunteer: str
) -> CachedResult | None:
    """The enhanced area the map shows now (None when it shows the original scene)."""
    request = current_request(state, scene, volunteer)
    if request is None or not showing_enhanced(state):
        return None
    try:
        return cached_result(request)
    except SceneError:
        return None


def crop_on_screen(state: MutableMapping[Any, Any], default: str) -> str:
    """The crop the box shows now."""
    return str(state.get(CROP_KEY) or default)


def drawn_on_screen(state: MutableMapping[Any, Any], scene: Scene, volunteer: str) -> DrawnOn:
    """What a field saved now is drawn on, from the choices on screen."""
    return drawn_on_view(scene, shown_result(state, scene, volunteer))


def showing_enhanced(state: MutableMapping[Any, Any]) -> bool:
    """Whether the map shows the enhanced area (True) or the original scene under it."""
    return bool(state.get(SHOW_ENHANCED_KEY, True))


@uninterrupted
def flip_enhanced() -> None:
    """The switch's callback: the map shows the original scene instead of the enhanced
    area, or back (in place: the map keeps its zoom and centre)."""
    state = st.session_state
    state[SHOW_ENHANCED_KEY] = not showing_enhanced(state)


def take_view_presses(
    state: MutableMapping[Any, Any], event: Mapping[str, Any] | None, *, at_save: bool = False
) -> None:
    """Key E flips the view in the map's own script, at once, even while this script runs
    (ui/js/live_map.js), and the map reports how often it was pressed with every value it
    sends (``VIEW_REPORT``: the map's id and the count). Each press not seen yet flips the
    page's view too; a count is cumulative, so a report that arrives late or merged with
    another one loses no press, and one read twice flips nothing.

    A report sent after a click on a Save button also says how many presses came before
    that click (``save``: the click's time and count). Streamlit merges a click with a
    report that follows it closely, so the save (``at_save``) counts only the presses made
    before its click: it stores the view that was on screen when the button was pressed. The
    presses after it are counted next, by the page."""
    report = (event or {}).get(VIEW_REPORT)
    if not isinstance(report, Mapping):
        return
    map_id, presses = report.get("map"), report.get("presses")
    if not isinstance(map_id, str) or not _is_count(presses):
        return
    mark = _new_save_mark(state, report.get("save"))
    if mark is not None:
        state[SAVE_MARK_KEY] = mark[0]  # a click's mark limits one save at most
        if at_save:
            presses = min(presses, mark[1])
    seen = state.get(VIEW_SEEN_KEY) or {}
    new = presses - (seen.get("presses", 0) if seen.get("map") == map_id else 0)
    if new <= 0:  # seen already (or an older report)
        return
    if new % 2:
        state[SHOW_ENHANCED_KEY] = not showing_enhanced(state)
    state[VIEW_SEEN_KEY] = {"map": map_id, "presses": presses}


def _is_count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _new_save_mark(state: Mapping[str, Any], mark: object) -> tuple[float, int] | None:
    """A Save click's (time in ms, presses before it) from a report, if not used yet."""
    if not isinstance(mark, Mapping):
        return None
    at, presses = mark.get("at"), mark.get("presses")
    if not _is_count(at) or not _is_count(presses):
        return None
    if at <= state.get(SAVE_MARK_KEY, 0):
        return None
    return float(at), int(presses)


def view_spec(state: MutableMapping[Any, Any]) -> dict[str, Any]:
    """What the map needs to show the page's view and the presses not counted here yet:
    the view, the presses counted (the map shows each press beyond them at once) and the
    key."""
    return {
        "enhanced": showing_enhanced(state),
        "seen": dict(state.get(VIEW_SEEN_KEY) or {}),
        "key": SWITCH_KEY,
    }


def enhanced_switch() -> None:
    """The button to flip original and enhanced at one view (key E: in the map's script,
    see :func:`take_view_presses`), and the swipe between them (``COMPARE_KEY``). The view
    is the page's own state, never a widget's: a widget's value sent by the browser before
    it learnt of a flip would undo the flip."""
    showing = "enhanced" if showing_enhanced(st.session_state) else "original"
    st.button(
        f"Original ⇄ enhanced (now: {showing})",
        key="flip-enhanced",
        on_click=flip_enhanced,
        help=f"Or key {SWITCH_KEY.upper()}, on the page or in the map: the same view, the "
        "other image.",
    )
    st.toggle(
        "Swipe: original ◀ ▶ enhanced",
        key=COMPARE_KEY,
        disabled=not showing_enhanced(st.session_state),
        help="The original left of a slider on the map, the enhanced area right of it.",
    )
