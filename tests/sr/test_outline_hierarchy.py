"""Nested Felzenszwalb segments (sr.outline.hierarchy) and the default segmenter built on them."""

from __future__ import annotations

import numpy as np
from shapely.geometry import box

from sr.outline import outline_all, outline_at
from sr.outline.bands import three_bands
from sr.outline.hierarchy import (
    colour_gradient,
    contrast_ratio,
    distinct,
    edge_ratio,
    kept_segments,
    on_frame,
    ranked,
)
from sr.outline.segment import NestedSegmenter


def two_fields(tones: tuple[float, float, float, float]) -> np.ndarray:
    """(3, 64, 96): two fields (columns 0–47, 48–95), each of two halves 24 columns wide with
    the given tones (a change of crop, a track), with slight noise."""
    image = np.repeat(np.asarray(tones, np.float32), 24)[None, None, :].repeat(64, 1)
    image = image.repeat(3, 0)
    return image + np.random.default_rng(0).normal(0, 0.01, image.shape).astype(np.float32)


WEAK_INSIDE = (0.30, 0.33, 0.70, 0.73)
STRONG_INSIDE = (0.20, 0.60, 0.30, 0.90)


def levels_of_two_fields() -> list[np.ndarray]:
    """Finest: four halves of fields; then the two fields; then the whole view as one."""
    cols = np.arange(96)[None, :].repeat(64, 0)
    return [cols // 24, cols // 48, np.zeros((64, 96), np.int64)]


def test_a_weak_line_inside_a_field_is_merged_a_strong_edge_between_fields_is_not() -> None:
    image = two_fields(WEAK_INSIDE)
    gradient = colour_gradient(image)
    kept = kept_segments(levels_of_two_fields(), gradient, merge=0.55)
    assert len(np.unique(kept)) == 2
    assert (kept[:, :48] == kept[0, 0]).all() and (kept[:, 48:] == kept[0, 95]).all()


def test_edges_inside_as_strong_as_the_outline_keep_the_finer_segments() -> None:
    image = two_fields(STRONG_INSIDE)
    kept = kept_segments(levels_of_two_fields(), colour_gradient(image), merge=0.55)
    assert len(np.unique(kept)) == 4


def test_edge_ratio_is_zero_without_inner_edges_and_infinite_without_an_outline() -> None:
    fine = levels_of_two_fields()[0]
    gradient = colour_gradient(two_fields(WEAK_INSIDE))
    assert edge_ratio(fine, np.array([0, 1, 2, 3]), gradient).tolist() == [0, 0, 0, 0]
    assert edge_ratio(fine, np.array([0, 0, 0, 0]), gradient)[0] == np.inf


def test_a_square_standing_out_is_distinct_a_cut_through_flat_land_is_not() -> None:
    image = np.full((3, 60, 60), 0.5, np.float32)
    image[:, 10:30, 10:30] = 0.9
    image += np.random.default_rng(1).normal(0, 0.02, image.shape).astype(np.float32)
    labels = np.zeros((60, 60), np.int64)
    labels[10:30, 10:30] = 1
    labels[40:, :] = 2  # flat land, cut along no edge
    flags = distinct(labels, colour_gradient(image), contrast=2.0)
    assert flags[1] and not flags[2]


def test_outline_all_proposes_the_field_that_stands_out_most_first() -> None:
    """Three squares on flat land: a faint one (the largest), a sharp one and one between.
    Proposed in order of how much each stands out (its outline's gradient ÷ its inside's),
    not by size; a region not proposed is numbered negative, after them."""
    image = np.full((3, 90, 90), 0.5, np.float32)
    image[:, 5:45, 5:45] = 0.56  # faint, largest
    image[:, 50:70, 10:30] = 0.95  # sharp
    image[:, 50:75, 50:75] = 0.7  # between
    image += np.random.default_rng(4).normal(0, 0.01, image.shape).astype(np.float32)
    fields = np.full((90, 90), 4, np.int64)  # the land around: region 4
    fields[5:45, 5:45], fields[50:70, 10:30], fields[50:75, 50:75] = 1, 2, 3
    ratio = contrast_ratio(fields, colour_gradient(image))
    assert ratio[1] < min(ratio[2], ratio[3])  # the faint one stands out least
    proposed = np.array([False, True, True, True, False])
    numbered = ranked(fields, proposed, ratio)
    sharper, other = (2, 3) if ratio[2] > ratio[3] else (3, 2)
    inside = {2: (60, 20), 3: (60, 60)}
    assert numbered[inside[sharper]] == 1 and numbered[inside[other]] == 2
    assert numbered[20, 20] == 3  # the largest, last
    assert numbered[85, 85] == -4 and set(np.unique(numbered)) == {-4, 1, 2, 3}


def test_a_field_the_views_edge_cuts_is_proposed_after_the_whole_ones() -> None:
    """A field on the view's edge may go on past it (its outline stops at the edge): it comes
    after every field inside the view, however much more it stands out."""
    fields = np.full((60, 60), 3, np.int64)
    fields[20:40, 20:40] = 1  # inside the view
    fields[0:15, 40:60] = 2  # on the top and right edges
    proposed = np.array([False, True, True, False])
    ratio = np.array([0.0, 2.5, 9.0, 0.0])  # the one on the edge stands out far more
    numbered = ranked(fields, proposed, ratio)
    assert numbered[30, 30] == 1 and numbered[5, 50] == 2
    assert on_frame(fields, 4).tolist() == [False, False, True, True]


def farm() -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """(4, 128, 128) uint16 like Sentinel-2: four fields of different crops (row/column
    boxes), a bright field crossed by a faint track, and textured noise everywhere."""
    rng = np.random.default_rng(2)
    boxes = [(0, 0, 60, 70), (0, 70, 60, 128), (60, 0, 128, 50), (60, 50, 128, 128)]
    image = np.empty((4, 128, 128), np.float32)
    for (r0, c0, r1, c1), level in zip(boxes, (900, 1600, 1200, 2200), strict=True):
        image[:, r0:r1, c0:c1] = level * np.array([1.0, 1.1, 0.9, 2.0])[:, None, None]
    image[:, 60:128, 88] *= 1.03  # a faint track inside the last field
    image += rng.normal(0, 25, image.shape)
    return image.astype(np.uint16), boxes


def test_the_default_segmenter_outlines_each_clicked_field_of_a_farm() -> None:
    image, boxes = farm()
    clicks = [((c0 + c1) / 2, (r0 + r1) / 2) for r0, c0, r1, c1 in boxes]
    found = outline_at(image, clicks, segmenter=NestedSegmenter())
    for polygon, (r0, c0, r1, c1) in zip(found, boxes, strict=True):
        field = box(c0, r0, c1, r1)
        assert polygon is not None
        assert polygon.intersection(field).area / polygon.union(field).area > 0.9
    every = outline_all(image, segmenter=NestedSegmenter())
    assert len(every) == 4
    rgb = three_bands(image)  # as outline_all hands it to the segmenter
    instances = NestedSegmenter()(rgb)
    ratio = contrast_ratio(np.abs(instances), colour_gradient(rgb))
    proposed = ratio[1 : int(instances.max()) + 1]  # numbered 1…m in the order proposed
    assert list(proposed) == sorted(proposed, reverse=True)


def test_a_field_not_standing_out_is_outlined_on_a_click_but_not_proposed() -> None:
    image = np.full((3, 80, 80), 1000, np.float32)
    image[:, 20:60, 20:60] = 1010  # barely different from its surroundings
    image += np.random.default_rng(3).normal(0, 3, image.shape).astype(np.float32)
    segmenter = NestedSegmenter()
    instances = segmenter(np.clip((image - 990) / 30, 0, 1))
    clicked = instances[40, 40]
    assert clicked != 0
    [polygon] = outline_at(image, [(40.5, 40.5)], segmenter=segmenter)
    assert polygon is not None
    assert clicked > 0 or all(not p.contains(polygon.centroid) for p in outline_all(image))
