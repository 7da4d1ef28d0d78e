"""The label-reach bench's table: a control counts as on screen with the map's top when it
ends no farther below it than the window is high."""

from __future__ import annotations

from bench.bench_label_reach import WINDOWS, table


def test_a_control_is_marked_on_screen_only_within_the_windows_height() -> None:
    laptop, desktop = WINDOWS
    found = {
        laptop: {"Keep": 768.0, "Save & submit": 769.0},
        desktop: {"Keep": 744.0, "Save & submit": 1081.0},
    }
    rows = table(found).splitlines()
    assert rows[2] == "| window | Keep | Save & submit |"
    assert rows[4] == f"| {laptop} | 768 ✓ | 769 ✗ |"
    assert rows[5] == f"| {desktop} | 744 ✓ | 1081 ✗ |"
