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
