"""What Outline all says about its answer: the fields proposed, those left out and why."""

from __future__ import annotations

from shapely.geometry import box

from ui.outline_assist import AllProposed
from ui.outline_queue import (
    NONE_LEFT,
    NONE_STANDS_OUT,
    WATER_LEFT_OUT,
    WATER_LEFT_OUT_ONE_DATE,
    outline_all_answer,
)

FIELDS = [box(i, 0, i + 1, 1) for i in range(3)]


def test_fields_proposed_with_those_left_out_by_the_checks_and_as_water() -> None:
    text, failed = outline_all_answer(AllProposed(FIELDS, 1, 2, "v"), at_edge=1)
    assert not failed
    assert text == (
        "3 field(s) proposed (1 left out: too small, too large, or overlapping or inside a "
        "saved field): keep or skip each. 1 of them reach the area's edge and come last. "
        + WATER_LEFT_OUT.format(n=2)
    )
    assert outline_all_answer(AllProposed(FIELDS, 0, 0, "v"), at_edge=0) == (
        "3 field(s) proposed: keep or skip each.",
        False,
    )


def test_nothing_proposed_says_why() -> None:
    assert outline_all_answer(AllProposed([], 0, 0, "v"), 0) == (NONE_STANDS_OUT, True)
    assert outline_all_answer(AllProposed([], 2, 0, "v"), 0) == (NONE_LEFT.format(n=2), True)
    text, failed = outline_all_answer(AllProposed([], 2, 1, "v"), 0)
    assert failed and text == f"{NONE_LEFT.format(n=2)} {WATER_LEFT_OUT.format(n=1)}"


def test_on_a_one_date_scene_water_left_out_may_be_a_flooded_field() -> None:
    text, failed = outline_all_answer(AllProposed([], 0, 4, "v"), 0, one_date=True)
    assert failed and text == f"No field proposed. {WATER_LEFT_OUT_ONE_DATE.format(n=4)}"
    assert "rice just planted" in text and "on every date" not in text
