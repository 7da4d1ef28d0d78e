"""The Label page's original / enhanced view and the key presses the map reports
(ui.label_choices): each press flips the view once, however the reports arrive."""

from __future__ import annotations

from typing import Any

from ui.label_choices import (
    SHOW_ENHANCED_KEY,
    SWITCH_KEY,
    VIEW_REPORT,
    showing_enhanced,
    take_view_presses,
    view_spec,
)


def _report(map_id: Any, presses: Any) -> dict[str, Any]:
    return {"all_drawings": None, VIEW_REPORT: {"map": map_id, "presses": presses}}


def test_each_press_flips_once_and_a_merged_report_loses_none() -> None:
    state: dict[str, Any] = {}
    assert showing_enhanced(state)
    take_view_presses(state, _report("m1", 1))
    assert not showing_enhanced(state)
    take_view_presses(state, _report("m1", 1))  # read again: nothing new
    assert not showing_enhanced(state)
    take_view_presses(state, _report("m1", 4))  # three presses in one report
    assert showing_enhanced(state)
    take_view_presses(state, _report("m1", 2))  # an older report: nothing
    assert showing_enhanced(state)
    assert view_spec(state) == {"enhanced": True, "seen": {"map": "m1", "presses": 4}, "key": "e"}


def test_a_new_map_counts_from_zero() -> None:
    state: dict[str, Any] = {SHOW_ENHANCED_KEY: True}
    take_view_presses(state, _report("m1", 5))
    assert not showing_enhanced(state)
    take_view_presses(state, _report("m2", 0))  # the page opened again: a new map
    assert not showing_enhanced(state)
    take_view_presses(state, _report("m2", 1))
    assert showing_enhanced(state)
    assert view_spec(state)["key"] == SWITCH_KEY


def test_no_report_or_a_broken_one_changes_nothing() -> None:
    state: dict[str, Any] = {}
    broken = [None, {}, {VIEW_REPORT: "x"}, _report(1, 1), _report("m", "1"), _report("m", True)]
    for event in broken:
        take_view_presses(state, event)
    assert showing_enhanced(state) and view_spec(state)["seen"] == {}


def _marked(presses: int, at: int, before: int) -> dict[str, Any]:
    """A report sent after a Save click at ``at`` ms, ``before`` presses before it."""
    event = _report("m1", presses)
    event[VIEW_REPORT]["save"] = {"at": at, "presses": before}
    return event


def test_a_save_counts_only_the_presses_before_its_click() -> None:
    """Save, then E at once: Streamlit merges the two; the save stores the view before E,
    the page then shows the view after it."""
    state: dict[str, Any] = {}
    take_view_presses(state, _marked(1, at=1000, before=0), at_save=True)
    assert showing_enhanced(state)  # what was on screen at the click
    take_view_presses(state, _marked(1, at=1000, before=0))  # the page, after the save
    assert not showing_enhanced(state)


def test_presses_before_the_click_count_for_the_save() -> None:
    state: dict[str, Any] = {}
    take_view_presses(state, _report("m1", 1), at_save=True)  # E, then Save: merged
    assert not showing_enhanced(state)
    take_view_presses(state, _marked(3, at=1000, before=3), at_save=True)
    assert not showing_enhanced(state)


def test_a_click_mark_limits_one_save_only() -> None:
    """A mark already read (by the page or a save) does not hold back a later save."""
    state: dict[str, Any] = {}
    take_view_presses(state, _marked(1, at=1000, before=0))  # E after a save, counted
    assert not showing_enhanced(state)
    take_view_presses(state, _marked(2, at=1000, before=0), at_save=True)  # E, then Save
    assert showing_enhanced(state)


def test_a_malformed_mark_is_ignored() -> None:
    for mark in ({"at": "soon", "presses": 0}, {"at": 5, "presses": -1}, "x", {"at": True}):
        state: dict[str, Any] = {}
        event = _report("m1", 1)
        event[VIEW_REPORT]["save"] = mark
        take_view_presses(state, event, at_save=True)
        assert not showing_enhanced(state), mark
