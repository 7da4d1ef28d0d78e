"""Corrective clicks on a made-up merge tree and with learned merging: a cut takes the largest
part that holds no click to keep, an add the largest that holds no click to cut
(sr/outline/corrections.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sr.outline.assist import field_instances, outline_at, outline_corrected
from sr.outline.corrections import Correction, constraints, corrected_region, tree_part
from sr.outline.segment import MergeSegmenter, NestedSegmenter, with_clicks
from tests.sr.test_outline_merge import border_model, two_fields

# Six superpixels; round 1 joins 0+1 and 2+3, round 2 joins 0–3 and 4+5 (the final fields).
HISTORY = np.array([[0, 1, 2, 3, 4, 5], [0, 0, 1, 1, 2, 3], [0, 0, 0, 0, 1, 1]])


def strips() -> np.ndarray:
    """(10, 30) labels: superpixel k is columns 5k … 5k + 4."""
    return np.repeat(np.arange(6), 5)[None, :].repeat(10, 0)


def columns(*superpixels: int) -> np.ndarray:
    return np.isin(strips(), superpixels)


def strip(k: int, keep: bool = True) -> tuple[float, float, bool]:
    """A click in the middle of superpixel ``k``."""
    return 5 * k + 2.5, 4.5, keep


def test_a_tree_part_is_the_largest_region_without_the_clicks_to_avoid() -> None:
    assert tree_part(HISTORY, 3, [0]).tolist() == [False, False, True, True, False, False]
    assert tree_part(HISTORY, 1, [0]).tolist() == [False, True, False, False, False, False]
    assert tree_part(HISTORY, 5, []).tolist() == [False] * 4 + [True] * 2
    assert tree_part(HISTORY, 0, [0]) is None


def test_the_first_click_alone_gives_its_merged_field() -> None:
    np.testing.assert_array_equal(
        corrected_region(strips(), HISTORY, [strip(1)]), columns(0, 1, 2, 3)
    )
    assert corrected_region(strips(), HISTORY, [(40.5, 4.5, True)]) is None  # outside


def test_a_cut_takes_what_merging_joined_last() -> None:
    cut = corrected_region(strips(), HISTORY, [strip(0), strip(3, keep=False)])
    np.testing.assert_array_equal(cut, columns(0, 1))
    # Cutting the first click's neighbour leaves 2–3 cut off from the first click: dropped.
    cut = corrected_region(strips(), HISTORY, [strip(0), strip(1, keep=False)])
    np.testing.assert_array_equal(cut, columns(0))


def test_an_add_joins_a_field_and_stops_at_a_cut() -> None:
    added = corrected_region(strips(), HISTORY, [strip(0), strip(5)])
    np.testing.assert_array_equal(added, columns(0, 1, 2, 3, 4, 5))
    again = corrected_region(strips(), HISTORY, [strip(0), strip(3, keep=False), strip(2)])
    np.testing.assert_array_equal(again, columns(0, 1, 2))  # 2 back, 3 stays cut off


@pytest.mark.parametrize(
    "click",
    [
        strip(2),
        strip(4, keep=False),
        (99.5, 4.5, False),
        (-3.0, 4.5, True),
        (np.nan, 1.0, False),
        (12.5, -0.5, False),
    ],
    ids=["add inside", "cut outside", "cut off", "add off", "not a number", "cut just off"],
)
def test_a_click_with_nothing_to_do_changes_nothing(click: tuple[float, float, bool]) -> None:
    found = corrected_region(strips(), HISTORY, [strip(0), click])
    np.testing.assert_array_equal(found, columns(0, 1, 2, 3))


def test_a_cut_on_the_first_click_changes_nothing_even_beside_a_part_in_two_pieces() -> None:
    # Superpixel 1 is in two pieces: one beside superpixel 0 and one cut off from it by 2.
    labels = np.array([[0, 0, 1, 2, 1], [0, 0, 2, 2, 2]])
    history = np.array([[0, 1, 2], [0, 0, 1]])  # one round joins 0 and 1
    first = (0.5, 0.5, True)
    alone = corrected_region(labels, history, [first])
    assert alone is not None and alone.sum() == 5  # the piece under the click: 0 and 1 beside it
    for again in [(0.6, 0.5, False), (1.5, 1.5, False), (2.5, 0.5, True)]:
        np.testing.assert_array_equal(corrected_region(labels, history, [first, again]), alone)


def test_a_cut_inside_the_outline_leaves_no_hole() -> None:
    labels = strips()
    labels[4:6, 6:9] = 6  # a small superpixel inside superpixel 1, joined to it first
    history = np.column_stack([HISTORY, [6, 0, 0]])
    found = corrected_region(labels, history, [strip(0), (7.5, 4.5, False)])
    np.testing.assert_array_equal(found, columns(0, 1, 2, 3))  # the hole filled again


LEFT, RIGHT = (20.5, 30.5), (75.5, 30.5)  # (column, row) in each half of two_fields


def first_field(image: np.ndarray, limit: float, *corrections: Correction) -> np.ndarray:
    """The columns of the first click's field (at LEFT) after the corrections, merged by a
    classifier that joins borders fainter than ``limit``."""
    segmenter = MergeSegmenter(border_model(limit), threshold=0.5, min_pixels=1)
    instances = with_clicks(segmenter, constraints(LEFT, corrections))(image)
    field = instances == instances[30, 20]
    assert (field.any(axis=1) == field.any(axis=1)[0]).all()  # every row alike
    return np.flatnonzero(field.any(axis=0))


def test_learned_merging_adds_the_other_half_and_cuts_it_off_again() -> None:
    image = two_fields(0.03)
    assert len(first_field(image, 0.01)) == 48  # two fields
    assert len(first_field(image, 0.01, Correction(*RIGHT, add=True))) == 96
    back = first_field(image, 0.01, Correction(*RIGHT, add=True), Correction(*RIGHT, add=False))
    assert len(back) == 48  # the later click wins


def test_outline_corrected_is_the_outline_of_the_corrected_field() -> None:
    image = two_fields(0.03, line=0.04)
    segmenter = MergeSegmenter(border_model(0.2), threshold=0.5, min_pixels=1)
    cut = [Correction(*RIGHT, add=False)]
    instances = field_instances(image, with_clicks(segmenter, constraints(LEFT, cut)))
    assert (
        outline_corrected(image, LEFT, cut, segmenter=segmenter)
        == outline_at(image, [LEFT], segmenter=with_clicks(segmenter, constraints(LEFT, cut)))[0]
    )
    assert instances[30, 20] != 0


def test_only_learned_merging_takes_clicks() -> None:
    clicks = constraints(LEFT, [Correction(*RIGHT, add=False)])
    assert clicks == ((*LEFT, True), (*RIGHT, False))
    nested = NestedSegmenter()
    assert with_clicks(nested, clicks) is nested
    merging = with_clicks(MergeSegmenter(border_model(0.1)), clicks)
    assert isinstance(merging, MergeSegmenter) and merging.clicks == clicks
