"""Reference metrics of the honest benchmark: known answers on constructed images."""

from __future__ import annotations

import numpy as np
import pytest

from sr.sharpen.quality import boundary_f_score, correctness, dilate, edge_map


def _square_edges(offset: int = 0, size: int = 64) -> np.ndarray:
    image = np.zeros((size, size))
    image[16 + offset : 48 + offset, 16:48] = 1.0
    return edge_map(image, 0.5)


def test_identical_boundaries_score_one_and_disjoint_ones_zero() -> None:
    edges = _square_edges()
    assert boundary_f_score(edges, edges, 0).f1 == pytest.approx(1.0)
    far = np.zeros_like(edges)
    far[0, 0] = True
    score = boundary_f_score(far, edges, 2)
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)
    empty = np.zeros_like(edges)
    assert boundary_f_score(empty, empty, 1).f1 == 1.0
    assert boundary_f_score(empty, edges, 1).f1 == 0.0


def test_a_boundary_moved_by_two_pixels_matches_only_within_two() -> None:
    truth, moved = _square_edges(), _square_edges(offset=2)
    assert boundary_f_score(moved, truth, 0).f1 < 0.7
    assert boundary_f_score(moved, truth, 1).f1 < 0.8
    assert boundary_f_score(moved, truth, 2).f1 == pytest.approx(1.0)


def test_dilation_reaches_exactly_the_radius() -> None:
    mask = np.zeros((9, 9), bool)
    mask[4, 4] = True
    grown = dilate(mask, 2)
    assert grown.sum() == 25 and grown[2, 2] and not grown[1, 4]


def _pair(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = rng.normal(100, 20, (3, 32, 32))
    blurry = truth.copy()
    blurry[:, ::2] = blurry[:, 1::2]  # the upsample lacks half the detail
    return truth, blurry


def test_correctness_classes_on_constructed_results() -> None:
    truth, blurry = _pair()
    perfect = correctness(truth, truth, blurry)
    assert perfect.improvement == pytest.approx(1.0)
    unchanged = correctness(blurry, truth, blurry)
    assert unchanged.omission == pytest.approx(1.0)
    # Detail of the right size in the wrong direction: far from both, i.e. hallucinated.
    wrong = correctness(blurry - (truth - blurry), truth, blurry)
    assert wrong.hallucination == pytest.approx(1.0)
    half = correctness(blurry + 0.4 * (truth - blurry), truth, blurry)
    assert sum((half.improvement, half.omission, half.hallucination)) == pytest.approx(1.0)
    assert half.omission == pytest.approx(1.0)  # 40 % of the way stays nearer the upsample
