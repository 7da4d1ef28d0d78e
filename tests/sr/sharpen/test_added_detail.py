"""The detail a method added beyond bicubic + back-projection, on constructed images."""

from __future__ import annotations

import numpy as np
import pytest

from sr.sharpen.added_detail import (
    added_detail,
    added_detail_map,
    high_frequencies,
    interpolation_reference,
)
from sr.sharpen.consistency import enforce_consistency, reaverage

F = 4


def _smooth_lr(seed: int = 0) -> np.ndarray:
    """A (3, 16, 16) smooth positive image (fields of gently varying brightness)."""
    y, x = np.mgrid[0:16, 0:16].astype(np.float32)
    rng = np.random.default_rng(seed)
    bands = [1000 + 300 * np.sin(x / 5 + p) + 200 * np.cos(y / 7 + p) for p in rng.random(3)]
    return np.stack(bands).astype(np.float32)


def test_bicubic_plus_back_projection_adds_nothing() -> None:
    lr = _smooth_lr()
    reference = interpolation_reference(lr, F)
    assert added_detail(reference, lr, F) == pytest.approx(0.0, abs=1e-6)
    assert np.abs(added_detail_map(reference, lr, F)).max() < 1e-5


def test_invented_edges_inside_the_pixels_measure_high() -> None:
    lr = _smooth_lr()
    reference = interpolation_reference(lr, F)
    # sharp stripes inside every original pixel (their block means are zero, so the result
    # is still consistent: the consistency check cannot see them)
    stripes = np.zeros_like(reference)
    stripes[:, :, 0::F] = 150.0
    stripes[:, :, 1::F] = -150.0
    invented = enforce_consistency(reference + stripes, lr, F)
    assert np.abs(reaverage(invented, F) - lr).max() < 1e-2  # consistent …
    assert added_detail(invented, lr, F) > 0.05  # … but 75 units of 1000 added: ≥ 5 %


def test_added_detail_is_local_and_ignores_what_the_data_fixes() -> None:
    lr = _smooth_lr(1)
    reference = interpolation_reference(lr, F)
    edited = reference.copy()
    edited[:, 0:4, 0:4] += np.array([[100, -100, 100, -100]] * 4, np.float32)  # one pixel
    found = added_detail_map(edited, lr, F)
    assert found[0, 0] > 0.05 and np.delete(found.ravel(), 0).max() < 1e-6
    brighter = reference + 50.0  # a uniform change is coarse, not detail
    assert added_detail(brighter, lr, F) == pytest.approx(0.0, abs=1e-6)


def test_high_frequencies_have_zero_block_means() -> None:
    image = np.random.default_rng(2).normal(size=(2, 8, 12))
    assert np.abs(reaverage(high_frequencies(image, F), F)).max() < 1e-12


def test_the_assessment_stores_the_figure_and_its_level() -> None:
    from sr.sharpen.assessment import AddedDetail, added_level, added_of, assess

    lr = _smooth_lr(3)
    reference = interpolation_reference(lr, F)
    found = assess(reference, lr, F).as_dict()
    assert found["added_detail"] < 1e-6 and found["added_level"] == AddedDetail.LITTLE
    assert added_of({"consistency": found}) == found["added_detail"]
    assert added_of({}) is None
    assert added_level(0.03) is AddedDetail.SOME and added_level(0.2) is AddedDetail.MUCH
