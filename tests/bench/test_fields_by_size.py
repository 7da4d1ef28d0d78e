"""One click by field size (bench/fields_by_size.py)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.fields_by_size import (
    CLASS_LIMITS,
    by_size,
    class_names,
    edge_costs,
    facts_of,
    gains_table,
    grown_iou,
    markdown,
    size_class,
    size_gains,
)


def square(size: int, at: int = 2, shape: int = 64) -> np.ndarray:
    mask = np.zeros((shape, shape), bool)
    mask[at : at + size, at : at + size] = True
    return mask


def test_size_classes_count_input_pixels() -> None:
    # One 8 m input pixel is 4 × 4 pixels of the 2 m view.
    assert size_class(31 * 16) == 0
    assert size_class(32 * 16) == 1
    assert size_class(511 * 16) == 2
    assert size_class(512 * 16) == len(CLASS_LIMITS)
    names = class_names()
    assert len(names) == len(CLASS_LIMITS) + 1
    assert names[0] == "0–32 px (0–0.2 ha)"  # 32 × 64 m² = 0.2 ha
    assert names[-1] == "≥ 512 px (≥ 3.3 ha)"


def test_grown_iou_of_a_square_is_known() -> None:
    # Grown by one pixel (Euclidean): a 10 × 10 square gains a 10-pixel strip on each side,
    # not the corners (√2 away).
    assert grown_iou(square(10), 1.0) == pytest.approx(100 / 140)
    # Two pixels: 4 strips of 2 × 10 and 4 corners holding the pixel 1 away diagonally.
    assert grown_iou(square(10), 2.0) == pytest.approx(100 / (100 + 80 + 4))
    # The larger the field, the less the same edge error costs.
    assert grown_iou(square(40), 2.0) > grown_iou(square(10), 2.0)


def fields_of(chip: str) -> np.ndarray:
    """Chip ``a``: a small field (1) and a large one (2); chip ``b``: one small field."""
    fields = np.zeros((200, 200), np.int32)
    fields[2:14, 2:14] = 1  # 144 view px = 9 input px: class 0
    if chip == "a":
        fields[30:130, 30:130] = 2  # 10 000 view px = 625 input px: the last class
    return fields


def record(chip: str, view: str, clicks: list[float], presses: list[float]) -> dict:
    return {
        "chip": chip,
        "degradation": "area",
        "view": view,
        "assist_click_iou": clicks,
        "assist_press_iou": presses,
    }


def test_clicks_are_pooled_by_the_class_of_their_field() -> None:
    records = [
        record("a", "enhancer", [0.2, 0.9], [0.5, 0.95]),
        record("b", "enhancer", [0.4], [0.4]),
    ]
    facts = facts_of(records, fields_of)
    result, edge = by_size(records, facts), edge_costs(facts)
    small, large = class_names()[0], class_names()[-1]
    table = result["area/enhancer"]
    assert list(table) == [small, large]  # classes with no field are left out
    assert table[small] == pytest.approx(
        {"fields": 2, "median": 0.3, "good": 0.0, "press_median": 0.45}
    )
    assert table[large] == pytest.approx(
        {"fields": 1, "median": 0.9, "good": 1.0, "press_median": 0.95}
    )
    assert edge[small]["fields"] == 2
    assert edge[small]["grown 1 px"] == pytest.approx(144 / (144 + 48))
    assert edge[class_names()[1]] == {"fields": 0}
    text = markdown({"command": "c", "source": "s", "chips": 2, "edge": edge, "by_size": result})
    assert "| 0–32 px (0–0.2 ha) | 2 | 0.30 / 0% / 0.45 |" in text
    assert "| 32–128 px (0.2–0.8 ha) | 0 | — | — |" in text


def test_a_record_that_does_not_match_its_chip_is_refused() -> None:
    records = [record("b", "enhancer", [0.4, 0.5], [0.4, 0.5])]  # chip b has one field
    facts = facts_of(records, fields_of)
    with pytest.raises(ValueError, match="do not match"):
        by_size(records, facts)


def test_with_the_fit_and_outline_all_matches_it_tells_more() -> None:
    spill = record("a", "enhancer", [0.2, 0.9], [0.5, 0.95])
    spill |= {
        "assist_click_precision": [0.25, 0.95],
        "assist_click_recall": [0.9, 0.94],
        "all_matched": [False, True],
    }
    facts = facts_of([spill], fields_of)
    result, edge = by_size([spill], facts), edge_costs(facts)
    small = result["area/enhancer"][class_names()[0]]
    assert (small["precision_median"], small["recall_median"]) == (0.25, 0.9)
    text = markdown({"command": "c", "source": "s", "chips": 1, "edge": edge, "by_size": result})
    assert "Too large or too small?" in text
    assert "| 0–32 px (0–0.2 ha) | 1 | 0.25 / 0.90 |" in text
    assert result["area/enhancer"][class_names()[-1]]["all_found"] == 1.0
    assert "Outline all: the share of the drawn fields" in text
    assert "| ≥ 512 px (≥ 3.3 ha) | 1 | 100% |" in text
    # Records without them (older runs) give the IoU tables only.
    older_records = [record("b", "v", [0.4], [0.4])]
    older = markdown(
        {
            "command": "c",
            "source": "s",
            "chips": 1,
            "edge": edge_costs(facts_of(older_records, fields_of)),
            "by_size": by_size(older_records, facts_of(older_records, fields_of)),
        }
    )
    assert "Too large or too small?" not in older and "Outline all:" not in older


def test_gains_by_size_come_with_intervals_over_chips() -> None:
    records = []
    for chip, clicks in (("a", [0.3, 0.7]), ("b", [0.5])):
        records.append(
            record(chip, "bicubic", clicks, clicks) | {"all_matched": [False] * len(clicks)}
        )
        better = [c + 0.2 for c in clicks]
        records.append(
            record(chip, "enhancer", better, better) | {"all_matched": [True] * len(clicks)}
        )
    gains = size_gains(records, facts_of(records, fields_of))["area"]
    small, middle, large = (gains[class_names()[i]] for i in (0, 1, 3))
    # The enhancer is 0.2 better on every field and matches every field: every resample agrees.
    assert small["one click (median IoU)"] == pytest.approx([0.2, 0.2, 0.2])
    assert small["outline all (share matched)"] == pytest.approx([1.0, 1.0, 1.0])
    assert large["one click (median IoU)"] == pytest.approx([0.2, 0.2, 0.2])
    assert np.isnan(middle["one click (median IoU)"][0])  # no field of that size
    text = "\n".join(gains_table({"area": gains}))
    assert "| 0–32 px (0–0.2 ha) | +0.200 [+0.200, +0.200] | +1.000 [+1.000, +1.000] |" in text
    assert "| 32–128 px (0.2–0.8 ha) | — | — |" in text
