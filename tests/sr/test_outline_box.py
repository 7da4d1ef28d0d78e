"""A box around a field (two opposite corners): the region of the merge tree that fills it
best, trimmed to it (sr/outline/box.py, sr.outline.assist.outline_in_box)."""

from __future__ import annotations

import numpy as np
import pytest

from sr.outline.assist import box_instances, outline_in_box
from sr.outline.box import box_window, one_level, region_in_box
from sr.outline.segment import MergeSegmenter, NestedSegmenter, with_box
from tests.sr.test_outline_corrections import HISTORY, columns, strips
from tests.sr.test_outline_merge import border_model, two_fields


def test_a_box_window_takes_its_corners_in_either_order_and_clips_to_the_view() -> None:
    assert box_window((10, 30), (2.4, 1.0, 17.6, 9.0)) == (slice(1, 9), slice(2, 18))
    assert box_window((10, 30), (17.6, 9.0, 2.4, 1.0)) == (slice(1, 9), slice(2, 18))
    assert box_window((10, 30), (-5, -5, 50, 50)) == (slice(0, 10), slice(0, 30))


@pytest.mark.parametrize(
    "box",
    [(2, 2, 4, 9), (2, 2, 20, 3), (40, 0, 60, 10), (np.nan, 0, 10, 10), (0, 0, np.inf, 10)],
    ids=["narrow", "flat", "off the view", "not a number", "infinite"],
)
def test_a_box_too_small_off_the_view_or_not_numbers_gives_nothing(
    box: tuple[float, float, float, float],
) -> None:
    assert region_in_box(strips(), HISTORY, box) is None


def test_the_tree_region_that_fills_the_box_best_is_chosen() -> None:
    # Superpixels 0–3 (columns 0–19) are one region after round 2, 0–1 after round 1.
    np.testing.assert_array_equal(
        region_in_box(strips(), HISTORY, (0, 0, 20, 10)), columns(0, 1, 2, 3)
    )
    np.testing.assert_array_equal(region_in_box(strips(), HISTORY, (0, 0, 10, 10)), columns(0, 1))
    # A box a little wider than 0–3 still gets 0–3 (IoU 0.8 against 0.17 for 4–5).
    np.testing.assert_array_equal(
        region_in_box(strips(), HISTORY, (0, 0, 25, 10)), columns(0, 1, 2, 3)
    )


def test_the_region_is_trimmed_to_the_box() -> None:
    found = region_in_box(strips(), HISTORY, (0, 2, 17, 10))
    expected = np.zeros((10, 30), bool)
    expected[2:10, 0:17] = True
    np.testing.assert_array_equal(found, expected)


def test_an_instance_image_answers_a_box_from_its_own_fields_never_from_no_field() -> None:
    instances = np.zeros((20, 40), np.int32)
    instances[:, :20], instances[:, 24:] = 1, -2  # a proposed field and one a click gets
    labels, history = one_level(instances)
    assert history.tolist() == [[0, 1, 2]] and (labels == abs(instances)).all()
    left = box_instances(instances, (2, 2, 30, 18))
    assert set(np.unique(left)) == {0, 1}
    assert left[2:18, 2:20].all() and left.sum() == 16 * 18
    right = box_instances(instances, (22, 0, 40, 20))
    assert right[:, 24:].all() and right.sum() == 20 * 16
    assert not box_instances(instances, (20, 0, 24, 20)).any()  # only the gap between them


def test_learned_merging_outlines_the_field_in_a_box_that_spills_over() -> None:
    image = two_fields(0.03, line=0.04)
    segmenter = MergeSegmenter(border_model(0.2), threshold=0.5, min_pixels=1)
    assert len(np.unique(segmenter(image))) == 1  # at its level, the halves are one field
    polygon = outline_in_box(image, (2, 2, 60, 62), segmenter=segmenter)
    assert polygon is not None
    # The left half (its border line falls either side), trimmed to the box.
    assert polygon.bounds == pytest.approx((2, 2, 48, 62), abs=1.01)
    assert polygon.area == pytest.approx(46 * 60, rel=0.03)
    assert outline_in_box(image, (2, 2, 3, 62), segmenter=segmenter) is None


def test_any_segmenter_answers_a_box() -> None:
    image = two_fields(0.3)
    nested = NestedSegmenter()
    assert with_box(nested, (0, 0, 10, 10)) is nested
    polygon = outline_in_box(image, (60, 4, 90, 60), segmenter=nested)
    assert polygon is not None and polygon.bounds == pytest.approx((60, 4, 90, 60), abs=0.01)


def test_a_box_s_outline_says_so_in_its_version() -> None:
    merging = with_box(MergeSegmenter(border_model(0.1)), (0, 0, 10, 10))
    assert isinstance(merging, MergeSegmenter) and merging.box == (0, 0, 10, 10)
    assert merging.version.endswith("@0.5+box")
