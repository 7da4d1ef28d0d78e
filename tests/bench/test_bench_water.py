"""The water bench's counting, and its areas' proposals on a corner of the shared scene."""

from __future__ import annotations

from pathlib import Path

from bench.bench_water import area_proposals, left_out, two_date_scene
from sr.imagery.water import WaterCheck, water_checks


def test_left_out_counts_water_on_every_date_asked() -> None:
    checks = [WaterCheck((0.9, 0.8)), WaterCheck((0.9, 0.1)), WaterCheck((None, 0.6))]
    assert left_out(checks, 0.5) == 2  # a date that cannot tell is passed over
    assert left_out(checks, 0.7) == 1
    assert left_out(checks, 0.5, slice(0, 1)) == 2
    assert left_out(checks, 0.5, slice(1, 2)) == 2
    assert left_out([WaterCheck((None, None))], 0.5) == 0


def test_an_area_on_the_river_gives_proposals_of_which_some_are_water(
    tmp_path: Path, shared_data: Path
) -> None:
    scene = two_date_scene(tmp_path / "book")
    assert len(scene.dates) == 2 and scene.dates[1].bands.nir == 8
    found = area_proposals(scene, 0, 256)  # the Danube crosses the scene's lower left
    checks = water_checks(scene, found)
    assert 0 < sum(c.looks_like_water for c in checks) < len(found)
