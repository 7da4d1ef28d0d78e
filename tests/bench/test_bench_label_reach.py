"""The label-reach bench's table: a control counts as on screen with the map's top when it
ends no farther below it than the window is high; the map's height is shown, never marked."""

from __future__ import annotations

from bench.bench_label_reach import MAP_HEIGHT, WINDOWS, table


def test_a_control_is_marked_on_screen_only_within_the_windows_height() -> None:
    laptop, short_laptop, desktop = WINDOWS
    found = {
        laptop: {MAP_HEIGHT: 488.0, "Keep": 768.0, "Save & submit": 769.0},
        short_laptop: {MAP_HEIGHT: 420.0, "Keep": 489.0, "Save & submit": 651.0},
        desktop: {MAP_HEIGHT: 680.0, "Keep": 744.0, "Save & submit": 1081.0},
    }
    rows = table(found).splitlines()
    assert rows[2] == "| window | map height | Keep | Save & submit |"
    assert rows[4] == f"| {laptop} | 488 | 768 ✓ | 769 ✗ |"
    assert rows[5] == f"| {short_laptop} | 420 | 489 ✓ | 651 ✗ |"
    assert rows[6] == f"| {desktop} | 680 | 744 ✓ | 1081 ✗ |"


def test_results_from_before_the_maps_height_was_measured_show_a_dash() -> None:
    laptop = next(iter(WINDOWS))
    rows = table({laptop: {"Keep": 749.0}}).splitlines()
    assert rows[4] == f"| {laptop} | — | 749 ✓ |"
