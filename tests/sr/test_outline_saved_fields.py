"""A proposal kept off the fields already saved (sr.outline.saved_fields), on known shapes."""

from __future__ import annotations

from shapely.geometry import MultiPolygon, Polygon, box

from sr.outline.saved_fields import clear_of

OUTLINE = box(0, 0, 10, 10)


def test_the_part_inside_a_saved_field_is_cut_away_along_its_border() -> None:
    trimmed = clear_of(OUTLINE, [box(6, -2, 14, 12)])
    assert trimmed.cut_along == 1
    assert trimmed.outline is not None and trimmed.outline.equals(box(0, 0, 6, 10))


def test_fields_that_only_touch_or_lie_apart_change_nothing() -> None:
    rounding = box(9.999999999, 2, 14, 8)  # a shared border a rounding error off
    apart = [box(10, 0, 14, 10), box(20, 20, 30, 30), box(0, 10, 10, 12), rounding]
    trimmed = clear_of(OUTLINE, apart)
    assert trimmed.cut_along == 0
    assert trimmed.outline is OUTLINE


def test_the_piece_under_the_click_is_kept_else_the_largest() -> None:
    road = box(3, -1, 4, 11)  # a saved strip across the outline leaves 0–3 and 4–10
    left = clear_of(OUTLINE, [road], at=(1.5, 5))
    assert left.outline is not None and left.outline.equals(box(0, 0, 3, 10))
    largest = clear_of(OUTLINE, [road])
    assert largest.outline is not None and largest.outline.equals(box(4, 0, 10, 10))
    assert left.cut_along == largest.cut_along == 1


def test_every_saved_field_crossed_is_counted_and_multipolygons_count_as_one() -> None:
    two = MultiPolygon([box(-1, -1, 2, 2), box(8, 8, 11, 11)])
    trimmed = clear_of(OUTLINE, [two, box(-1, 8, 2, 11)], at=(5, 5))
    assert trimmed.cut_along == 2
    assert trimmed.outline is not None
    assert trimmed.outline.area == 100 - 3 * 4
    assert trimmed.outline.intersection(two).area == 0


def test_an_outline_inside_saved_fields_leaves_nothing() -> None:
    trimmed = clear_of(OUTLINE, [box(-1, -1, 5, 11), box(5, -1, 11, 11)])
    assert trimmed.outline is None
    assert trimmed.cut_along == 2


def test_a_saved_field_wholly_inside_is_no_hole_and_not_counted() -> None:
    trimmed = clear_of(OUTLINE, [box(4, 4, 6, 6)])
    assert trimmed.outline is not None and trimmed.outline.equals(OUTLINE)
    assert not trimmed.outline.interiors
    assert trimmed.cut_along == 0


def test_a_slanted_border_is_followed_exactly() -> None:
    neighbour = Polygon([(4, -2), (12, -2), (12, 12)])
    trimmed = clear_of(OUTLINE, [neighbour])
    assert trimmed.outline is not None
    assert trimmed.outline.intersection(neighbour).area < 1e-9  # no overlap
    assert abs(trimmed.outline.area + neighbour.intersection(OUTLINE).area - 100) < 1e-9  # no gap


def test_a_drawing_that_crosses_itself_still_cuts() -> None:
    bow_tie = Polygon([(6, -1), (12, 11), (12, -1), (6, 11)])  # not valid: its edges cross
    assert not bow_tie.is_valid
    trimmed = clear_of(OUTLINE, [bow_tie], at=(2, 5))
    assert trimmed.cut_along == 1
    assert trimmed.outline is not None and trimmed.outline.is_valid
    assert trimmed.outline.contains(box(0, 0, 6, 10))
