"""Corrective clicks on made-up merge levels: an add joins the part under it, a cut takes the
largest part that keeps every click to keep, and neither undoes the other."""

from __future__ import annotations

import numpy as np
import pytest

from sr.outline.corrections import Correction, corrected_mask

ROWS, COLS = 40, 60


def made_up_levels() -> dict[int, np.ndarray]:
    """Level 0: three strips (1: columns 0–19, 2: 20–39, 3: 40–59) with a 2-column gap of no
    field before strip 3; level −1 splits strip 1 into a top (rows 0–19) and a bottom half
    and has a small square inside strip 2; level 1 joins strips 1 and 2."""
    base = np.zeros((ROWS, COLS), np.int32)
    base[:, :20], base[:, 20:38], base[:, 40:] = 1, 2, 3
    finer = base.copy()
    finer[20:, :20] = 4
    finer[15:25, 25:32] = 5
    coarser = np.where(base == 2, 1, base)
    return {-1: finer, 0: base, 1: coarser}


def levels_of(found: dict[int, np.ndarray]):  # type: ignore[no-untyped-def]
    """The level function: levels not made up are the finest one's copy."""
    return lambda grow: found.get(grow, found[min(found)])


TOP_LEFT, BOTTOM_LEFT, MIDDLE, RIGHT = (5.5, 5.5), (5.5, 30.5), (28.5, 5.5), (50.5, 20.5)


def strips(found: dict[int, np.ndarray], *numbers: int, level: int = 0) -> np.ndarray:
    return np.isin(found[level], numbers)


def test_without_corrections_the_first_click_gets_its_region_at_the_level() -> None:
    found = made_up_levels()
    levels = levels_of(found)
    assert np.array_equal(corrected_mask(levels, TOP_LEFT, []), strips(found, 1))
    assert np.array_equal(corrected_mask(levels, TOP_LEFT, [], grow=1), strips(found, 1, 2))
    assert corrected_mask(levels, (38.5, 5.5), []) is None  # in the gap: no field


def test_an_add_joins_the_part_under_it() -> None:
    found = made_up_levels()
    added = corrected_mask(levels_of(found), TOP_LEFT, [Correction(*MIDDLE, add=True)])
    assert np.array_equal(added, strips(found, 1, 2))


def test_a_cut_takes_the_largest_part_without_the_first_click() -> None:
    found = made_up_levels()
    cut = corrected_mask(levels_of(found), TOP_LEFT, [Correction(*BOTTOM_LEFT, add=False)])
    assert np.array_equal(cut, strips(found, 1, level=-1))  # the top half stays


def test_a_cut_goes_only_as_fine_as_it_must() -> None:
    found = made_up_levels()
    cut = corrected_mask(levels_of(found), TOP_LEFT, [Correction(*MIDDLE, add=False)], grow=1)
    assert np.array_equal(cut, strips(found, 1))  # strip 2 whole, not the finer level's part


def test_a_cut_never_takes_a_part_clicked_to_keep() -> None:
    found = made_up_levels()
    levels = levels_of(found)
    near_first = corrected_mask(levels, TOP_LEFT, [Correction(8.5, 8.5, add=False)])
    assert np.array_equal(near_first, strips(found, 1))  # the same finest region: unchanged
    keep_middle = [Correction(*MIDDLE, add=True), Correction(27.5, 20.5, add=False)]
    mask = corrected_mask(levels, TOP_LEFT, keep_middle)
    # strip 2 holds the add click; the square inside it does not, but cutting it leaves a
    # hole, filled as every outline's is
    assert np.array_equal(mask, strips(found, 1, 2))


def test_an_add_never_brings_back_a_part_that_was_cut() -> None:
    found = made_up_levels()
    corrections = [Correction(*BOTTOM_LEFT, add=False), Correction(10.5, 35.5, add=True)]
    mask = corrected_mask(levels_of(found), TOP_LEFT, corrections)
    assert np.array_equal(mask, strips(found, 1, level=-1))


def test_a_part_that_does_not_touch_the_outline_is_not_added() -> None:
    found = made_up_levels()
    mask = corrected_mask(levels_of(found), TOP_LEFT, [Correction(*RIGHT, add=True)])
    assert np.array_equal(mask, strips(found, 1))  # across the gap: left out


@pytest.mark.parametrize("add", [True, False])
def test_a_correction_that_changes_nothing_is_passed_over(add: bool) -> None:
    found = made_up_levels()
    where = TOP_LEFT if add else MIDDLE  # an add inside the outline, a cut outside it
    mask = corrected_mask(levels_of(found), (15.5, 15.5), [Correction(*where, add=add)])
    assert np.array_equal(mask, strips(found, 1))
