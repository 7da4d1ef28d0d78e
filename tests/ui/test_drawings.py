"""Changes drawn on the map, and drafts that survive a reload."""

from __future__ import annotations

from pathlib import Path

from shapely.geometry import box, mapping

from ui.drawings import Draft, Drafts, diff_drawings

FIELD_A = box(84.0, 28.0, 84.001, 28.001)
FIELD_B = box(84.002, 28.0, 84.003, 28.001)


def _feature(geom, label_id: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    props = {"label_id": label_id} if label_id else {}
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def test_nothing_changed_before_the_first_drawing_event() -> None:
    assert diff_drawings(None, {"a": FIELD_A}).empty


def test_new_edited_and_deleted_fields_are_told_apart() -> None:
    moved = box(84.0, 28.0, 84.0015, 28.001)  # one side dragged ~50 m
    new = box(84.01, 28.01, 84.011, 28.011)
    changes = diff_drawings([_feature(moved, "a"), _feature(new)], {"a": FIELD_A, "b": FIELD_B})
    assert changes.new == [new]
    assert list(changes.edited) == ["a"] and changes.edited["a"].equals(moved)
    assert changes.deleted == ["b"]


def test_leaflet_rounding_is_not_an_edit() -> None:
    nudged = box(84.0 + 1e-8, 28.0, 84.001, 28.001 - 1e-8)
    assert diff_drawings([_feature(nudged, "a")], {"a": FIELD_A}).empty


def test_a_field_just_saved_still_shown_as_a_drawing_is_that_field() -> None:
    # the live map shows field a as a drawing until the next run reaches it; a drawing made
    # meanwhile reports it without its id (its ring may start elsewhere): not new, not gone
    ring = [(84.001, 28.0), (84.001, 28.001), (84.0, 28.001), (84.0, 28.0), (84.001, 28.0)]
    same = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    new = box(84.01, 28.01, 84.011, 28.011)
    changes = diff_drawings([same, _feature(new)], {"a": FIELD_A})
    assert changes.new == [new] and not changes.edited and not changes.deleted
    twice = diff_drawings([_feature(FIELD_A), _feature(FIELD_A)], {"a": FIELD_A})
    assert len(twice.new) == 1  # one saved field matches one drawing only


def test_markers_and_lines_are_ignored() -> None:
    point = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [84, 28]},
    }
    assert diff_drawings([point], {}).empty


def test_drafts_round_trip_and_are_per_user_and_scene(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path, "Sita Rai", "scene-1")
    assert drafts.load().empty
    drafts.save(Draft(new=[FIELD_A], edits={"id-7": (FIELD_B, 3)}))
    again = Drafts(tmp_path, "Sita Rai", "scene-1").load()
    assert len(again.new) == 1 and again.new[0].equals(FIELD_A)
    assert again.edits["id-7"][0].equals(FIELD_B) and again.edits["id-7"][1] == 3
    assert Drafts(tmp_path, "Ram", "scene-1").load().empty
    assert Drafts(tmp_path, "Sita Rai", "scene-2").load().empty
    drafts.save(Draft())
    assert not drafts.path.exists()


def test_a_damaged_drafts_file_is_not_a_crash(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path, "Sita", "s")
    drafts.path.write_text("{ not json")
    assert drafts.load().empty


def test_user_names_cannot_escape_the_drafts_folder(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path, "../../etc/passwd", "s")
    assert drafts.path.parent == tmp_path
