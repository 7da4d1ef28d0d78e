"""The delineation benchmark's one-press score (bench/bench_fields.py)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.bench_fields import iou, one_press_iou
from sr.outline.segment import MAX_GROW


def square(size: int) -> np.ndarray:
    mask = np.zeros((20, 20), bool)
    mask[2 : 2 + size, 2 : 2 + size] = True
    return mask


def test_one_press_takes_the_first_other_outline_each_way_and_keeps_the_better() -> None:
    field = square(12)
    levels = {g: square(6) for g in range(-MAX_GROW, MAX_GROW + 1)}
    assert one_press_iou(levels, field) == pytest.approx(iou(square(6), field))  # all alike
    levels[1] = np.zeros((20, 20), bool)  # no field at the next level up: passed over
    levels[2] = square(12)  # the first other outline up: the field itself
    levels[3] = square(16)  # beyond one press
    levels[-1] = square(3)
    assert one_press_iou(levels, field) == pytest.approx(1.0)
    levels[2] = np.zeros((20, 20), bool)
    levels[2][15:19, 15:19] = True  # now worse than the click's own outline
    assert one_press_iou(levels, field) == pytest.approx(iou(square(6), field))
