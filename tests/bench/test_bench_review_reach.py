"""The review-reach bench's table: a decision counts as on screen when it ends no lower than
the window is high."""

from __future__ import annotations

from bench.bench_label_reach import WINDOWS
from bench.bench_review_reach import table


def test_a_decision_is_marked_on_screen_only_within_the_windows_height() -> None:
    laptop, short_laptop, desktop = WINDOWS
    found = {
        laptop: {"Accept": 441.0, "Validate": 769.0},
        short_laptop: {"Accept": 650.0, "Validate": 651.0},
        desktop: {"Accept": 416.0, "Validate": 462.0},
    }
    rows = table(found).splitlines()
    assert rows[2] == "| window | Accept | Validate |"
    assert rows[4] == f"| {laptop} | 441 ✓ | 769 ✗ |"
    assert rows[5] == f"| {short_laptop} | 650 ✓ | 651 ✗ |"
    assert rows[6] == f"| {desktop} | 416 ✓ | 462 ✓ |"
