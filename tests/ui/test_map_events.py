"""Reading the Label page's map events: area choice, drawings, deletions."""

from __future__ import annotations

from pathlib import Path

from shapely.geometry import box, mapping

from labels.model import Label
from sr.scene import open_scene
from ui.map_events import chosen_area, drawn_work


def test_a_rectangle_or_a_click_chooses_the_area(s2_like: Path) -> None:
    scene = open_scene(s2_like)
    rectangle = {"geometry": mapping(box(84.96, 28.005, 84.97, 28.009))}
    assert chosen_area({"last_active_drawing": rectangle}, scene) == (84.96, 28.005, 84.97, 28.009)
    west, south, east, north = chosen_area({"last_clicked": {"lng": 84.97, "lat": 28.007}}, scene)
    assert (west + east) / 2 == 84.97 and round((south + north) / 2, 9) == 28.007
    assert round((north - south) * 110_574) == 1280  # 128 pixels of 10 m
    assert chosen_area({}, scene) is None


def test_drawings_become_unsaved_work_and_removals_are_reported() -> None:
    kept = Label(box(84.0, 28.0, 84.001, 28.001), "rice", "s", "Sita", version=2)
    gone = Label(box(84.01, 28.0, 84.011, 28.001), "rice", "s", "Sita", version=1)
    moved = box(84.0, 28.0, 84.002, 28.001)
    new = box(84.02, 28.0, 84.021, 28.001)
    event = {
        "all_drawings": [
            {"properties": {"label_id": kept.id}, "geometry": mapping(moved)},
            {"properties": {}, "geometry": mapping(new)},
        ]
    }
    draft, removed = drawn_work(event, [kept, gone])
    assert draft is not None and draft.new[0].equals(new)
    assert draft.edits[kept.id][0].equals(moved) and draft.edits[kept.id][1] == 2
    assert removed == [gone.id]
    assert drawn_work({}, [kept]) == (None, [])
