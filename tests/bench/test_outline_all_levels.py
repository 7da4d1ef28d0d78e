"""'Outline all' from every merge level (bench/outline_all_levels.py): the hierarchy of
candidates and its best cut."""

from __future__ import annotations

import numpy as np

from bench.outline_all_levels import (
    FEATURES,
    LEVELS,
    Candidate,
    Hierarchy,
    best_cut,
    hierarchy,
)
from sr.outline.bands import three_bands
from sr.outline.segment import GROW_STEP, MAX_GROW, MergeSegmenter


def test_the_levels_are_those_the_larger_and_smaller_buttons_reach_finest_first() -> None:
    assert len(LEVELS) == 2 * MAX_GROW + 1
    assert LEVELS[0] > LEVELS[-1]
    assert np.allclose(np.diff(LEVELS), -GROW_STEP)
    assert 0.5 in LEVELS


def tiny_tree() -> Hierarchy:
    """Four superpixels in a row: fields A {0} and B {1} merge into P {0, 1}; C {2, 3} is
    another region at the top."""
    labels = np.array([[0, 1, 2, 3]])
    candidates = [
        Candidate(np.array([0]), [0], []),
        Candidate(np.array([1]), [0], []),
        Candidate(np.array([0, 1]), [1], []),
        Candidate(np.array([2, 3]), [0, 1], []),
    ]
    tree = Hierarchy(candidates, labels)
    tree.parent = np.array([2, 2, -1, -1])
    tree.children = [[], [], [0, 1], []]
    return tree


def test_the_best_cut_keeps_two_fields_rather_than_the_region_holding_both() -> None:
    tree = tiny_tree()
    cut = best_cut(tree, np.array([0.3, 0.3, 0.5, -0.1]))
    assert cut[0, 0] != cut[0, 1] and cut[0, 0] > 0 and cut[0, 1] > 0
    assert (cut[0, 2:] == 0).all()  # C's weight is below zero: not proposed


def test_the_best_cut_keeps_the_whole_when_it_outweighs_its_pieces() -> None:
    tree = tiny_tree()
    cut = best_cut(tree, np.array([0.3, -0.2, 0.5, 0.2]))
    assert cut[0, 0] == cut[0, 1] > 0
    assert cut[0, 2] == cut[0, 3] > 0 and cut[0, 2] != cut[0, 0]


def test_a_farm_s_hierarchy_holds_each_field_and_links_every_region_into_a_larger_one() -> None:
    rng = np.random.default_rng(3)
    fields = np.zeros((96, 96), np.int32)
    image = np.empty((3, 96, 96), np.float32)
    boxes = [(0, 0, 48, 50), (0, 50, 48, 96), (48, 0, 96, 96)]
    for number, ((r0, c0, r1, c1), level) in enumerate(zip(boxes, (60, 120, 190), strict=True)):
        fields[r0:r1, c0:c1] = number + 1
        image[:, r0:r1, c0:c1] = level * np.array([1.0, 0.8, 0.6])[:, None, None]
    image += rng.normal(0, 3, image.shape).astype(np.float32)
    segmenter = MergeSegmenter()
    tree = hierarchy(segmenter.prepared(three_bands(image)), segmenter.model, fields)

    assert tree.features.shape == (len(tree.candidates), len(FEATURES))
    assert np.isfinite(tree.features).all()
    best = {n: max(c.iou for c in tree.candidates if c.field == n) for n in (1, 2, 3)}
    assert min(best.values()) > 0.9
    keys = [c.superpixels.tobytes() for c in tree.candidates]
    assert len(set(keys)) == len(keys)  # a region at several levels is one candidate
    for i, candidate in enumerate(tree.candidates):
        assert candidate.levels == sorted(candidate.levels)
        parent = tree.parent[i]
        if parent >= 0:
            assert i in tree.children[parent]
            inside = np.isin(candidate.superpixels, tree.candidates[parent].superpixels)
            assert inside.mean() > 0.5
            assert tree.candidates[parent].levels[0] > candidate.levels[-1]
