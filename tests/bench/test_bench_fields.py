"""The delineation benchmark's one-press score and click fit (bench/bench_fields.py)."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import box

from bench.bench_fields import (
    BOX_JITTERS,
    CLICKS,
    beside_saved,
    boundary_headroom,
    box_around,
    corrected_ious,
    drawn_outlines,
    innermost_points,
    iou,
    next_correction,
    one_press_iou,
    outline_all_half_saved,
    saved_half,
    score_view,
)
from bench.fields_data import Chip
from sr.outline.segment import MAX_GROW, MergeSegmenter


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


def test_score_view_says_how_each_click_outline_fits_its_field() -> None:
    # Three flat fields on a 96² view, the third drawn larger than what shows on the ground:
    # its outline lies on it (precision 1) but covers only part of it (recall < 1).
    rng = np.random.default_rng(0)
    truth = np.full((3, 96, 96), 40.0, np.float32)
    fields = np.zeros((96, 96), np.int32)
    for number, (rows, cols, colour) in enumerate(
        [((4, 44), (4, 44), 200.0), ((4, 44), (52, 92), 120.0), ((52, 92), (4, 60), 160.0)], 1
    ):
        truth[:, slice(*rows), slice(*cols)] = colour
        fields[slice(*rows), slice(*cols)] = number
    fields[52:92, 60:80] = 3  # drawn beyond the colour's edge
    truth += rng.normal(0, 2, truth.shape).astype(np.float32)
    record = score_view(Chip("made-up", truth, fields), truth, MergeSegmenter())
    ious, precision, recall = (
        np.array(record[k])
        for k in ("assist_click_iou", "assist_click_precision", "assist_click_recall")
    )
    assert len(ious) == len(precision) == len(recall) == 3
    found = ious > 0
    # IoU = I / (A + B − I), precision = I / A, recall = I / B: 1/IoU = 1/p + 1/r − 1.
    assert 1 / ious[found] == pytest.approx(1 / precision[found] + 1 / recall[found] - 1)
    assert precision[2] > 0.9 and recall[2] < 0.8
    # Outline all: matched per drawn field, in click order; the two whole fields are found.
    assert record["all_matched"][:2] == [True, True]
    assert record["all_recall"] == pytest.approx(np.mean(record["all_matched"]))
    # A box around each field: the assist's outline and the box itself, at each jitter.
    boxes = record["assist_box_iou"]
    assert len(boxes) == 3 and all(set(b) == {f"{j:g}" for j in BOX_JITTERS} for b in boxes)
    assert boxes[0]["0"][:2] == pytest.approx([1.0, 1.0], abs=0.05)  # a square: both exact
    # Beside the fields saved before it in reading order: nothing before the first; for the
    # others, only what lies in another drawn field is cut away, so never worse.
    assert boxes[0]["0"][2] == boxes[0]["0"][0]
    assert all(b[j][2] >= b[j][0] - 1e-9 for b in boxes for j in b)
    # The third field's box is its drawn rectangle; the assist stops at the colour's edge.
    assert boxes[2]["0"][1] == pytest.approx(1.0) and boxes[2]["0"][0] < 0.9


def test_beside_saved_cuts_a_click_outline_along_the_other_fields_saved() -> None:
    fields = np.zeros((20, 40), np.int32)
    fields[2:18, 2:20] = 1
    fields[2:18, 20:38] = 2
    clicks = innermost_points(fields)  # field 1, then field 2
    spilling = box(2, 2, 29, 18)  # field 1's outline: all of it and half of field 2
    exact = box(20, 2, 38, 18)
    # A seed whose random half holds field 1 (the first draw) and not field 2.
    seed = next(
        s for s in range(100) if (lambda r: r[0] < 0.5 <= r[1])(np.random.default_rng(s).random(2))
    )
    [[all_1, half_1, proposed_1, order_1], [all_2, half_2, proposed_2, order_2]] = beside_saved(
        fields, clicks, [spilling, exact], seed
    )
    assert iou(fields == 1, fields > 0) < 1 and all_1 == pytest.approx(1.0)  # spill cut away
    assert half_1 == proposed_1 == pytest.approx(18 / 27)  # field 2 not saved: as clicked
    assert all_2 == half_2 == pytest.approx(1.0)  # field 1 as drawn: nothing of field 2
    assert proposed_2 == pytest.approx(0.5)  # field 1 saved as proposed took half of it
    # In reading order field 1 (to the left, on the same row) comes first: nothing saved yet.
    assert (order_1, order_2) == pytest.approx((18 / 27, 1.0))
    [[nothing, *_], _] = beside_saved(fields, clicks, [None, exact], seed)
    assert nothing == 0.0  # a click in no field


def test_outline_all_beside_a_saved_half_is_scored_on_the_other_half_cut_and_not() -> None:
    fields = np.zeros((20, 60), np.int32)
    fields[:, :20], fields[:, 20:40], fields[:, 40:] = 1, 2, 3  # three fields in a row
    clicks = innermost_points(fields)
    seed = next(s for s in range(100) if saved_half(clicks, s) == {1})  # field 1 saved
    proposals = [
        box(0, 0, 20, 20),  # the saved field itself: nothing left once cut
        box(0, 0, 38, 20),  # the saved field and most of field 2: field 2 once cut
        box(40, 0, 60, 20),  # field 3
        box(0, 0, 21, 20),  # the saved field and a sliver of field 2, under 400 m²
    ]
    found = outline_all_half_saved(fields, clicks, proposals, drawn_outlines(fields, clicks), seed)
    # Not cut: field 3 found; the second overlaps field 2 too little (0.45) and lies mostly on
    # the saved field, like the first and the last: those are not judged.
    assert found["all_half_uncut_proposals"] == 4
    assert found["all_half_uncut_recall"] == pytest.approx(0.5)
    assert found["all_half_uncut_precision_judged"] == pytest.approx(1.0)
    assert found["all_half_uncut_f1_judged"] == pytest.approx(2 / 3)
    # Cut: the first gone, the second is field 2, the sliver dropped.
    assert found["all_half_cut_proposals"] == 2
    assert found["all_half_cut_recall"] == found["all_half_cut_f1_strict"] == pytest.approx(1.0)


def test_boundary_headroom_compares_each_view_with_the_truths_own_gain() -> None:
    def record(view: str, f2: float) -> dict:
        keys = ("psnr", "boundary_f1_1px", "all_f1_judged", "all_f1_strict", "all_recall")
        fields = {k: 0.5 for k in (*keys, "all_precision_judged")}
        clicks = {k: [0.5] for k in ("generic_click_iou", "assist_click_iou", "assist_press_iou")}
        return {"view": view, "degradation": "area", "boundary_f1_2px": f2, **fields, **clicks}

    records = [record("bicubic", 0.40), record("enhancer", 0.43), record("truth", 0.45)]
    line = " ".join(boundary_headroom(records, ["bicubic", "enhancer", "truth"], "area"))
    assert "enhancer +0.030" in line and "truth itself +0.050" in line
    assert boundary_headroom(records, ["bicubic", "enhancer"], "area") == []  # no ceiling


def test_the_next_correction_goes_where_the_outline_is_most_wrong() -> None:
    field = square(12)  # rows and columns 2–13
    spilled = field.copy()
    spilled[2:14, 14:20] = True  # 6 columns too many: a cut in their middle
    missed = field.copy()
    missed[2:14, 2:6] = False  # 4 columns short: less wrong than the spill
    cut = next_correction(spilled, field)
    assert cut is not None and not cut.add and 16 <= cut.col <= 18
    add = next_correction(missed, field)
    assert add is not None and add.add and 2 <= add.col <= 6
    assert next_correction(field, field) is None


def test_corrected_ious_rise_as_a_correction_adds_the_missed_half() -> None:
    # Two flat halves the shipped classifier keeps apart, drawn as one field: the first
    # click outlines half of it, the correction goes to the middle of the other half.
    image = np.full((3, 64, 96), 120.0, np.float32)
    image[:, :, 48:] = 200.0
    image += np.random.default_rng(0).normal(0, 2, image.shape).astype(np.float32)
    segmenter = MergeSegmenter()
    field = np.ones((64, 96), bool)
    ious = corrected_ious(image, segmenter, (20.5, 30.5), field)
    assert len(ious) == CLICKS
    assert ious[0] == pytest.approx(0.5, abs=0.02)
    assert ious[1:] == [pytest.approx(1.0)] * (CLICKS - 1)  # nothing left to correct


def test_a_box_around_a_field_is_its_bounding_box_moved_at_most_the_jitter() -> None:
    field = np.zeros((40, 60), bool)
    field[10:20, 5:45] = True  # 10 rows, 40 columns
    assert box_around(field, 0.0, np.random.default_rng(0)) == (5, 10, 45, 20)
    for seed in range(20):
        col0, row0, col1, row1 = box_around(field, 0.2, np.random.default_rng(seed))
        assert abs(col0 - 5) <= 8 and abs(col1 - 45) <= 8  # a fifth of 40 columns
        assert abs(row0 - 10) <= 2 and abs(row1 - 20) <= 2  # a fifth of 10 rows
    assert box_around(field, 0.1, np.random.default_rng(1)) == box_around(
        field, 0.1, np.random.default_rng(1)
    )
