"""Saving, editing, deleting and reviewing fields as the pages do, with real stores."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import box

from labels.model import Role, Status, View
from labels.store import open_store
from ui.auth import Identity
from ui.drawings import Draft
from ui.label_actions import (
    DrawnOn,
    delete_fields,
    enhancement_name,
    fields_of,
    review_field,
    save_edits,
    save_new_fields,
    unsaved_after_save,
)

SCENE = "scene-1"
# 98.7 m × 110.8 m near Chitwan, Nepal: 1.09 ha.
FIELD = box(84.4000, 27.6000, 84.4010, 27.6010)
SITA = Identity("Sita", Role.VOLUNTEER)
RAM = Identity("Ram", Role.VOLUNTEER)
REVIEWER = Identity("Maya", Role.REVIEWER)


@pytest.fixture()
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = open_store(tmp_path / "labels")
    store.register_scene(SCENE, box(84.3, 27.5, 84.5, 27.7))
    yield store
    store.close()


def _save(store, geometry=FIELD, who=SITA):  # type: ignore[no-untyped-def]
    return save_new_fields(
        store,
        [geometry],
        crop="rice",
        identity=who,
        scene_id=SCENE,
        drawn_on=DrawnOn(View.ENHANCED, "dip+enhancer:fast", "enh-v1"),
    )


def test_a_new_field_is_saved_with_its_provenance(store) -> None:  # type: ignore[no-untyped-def]
    [outcome] = _save(store)
    assert outcome.ok and outcome.message == "Saved rice field of 1.09 ha."
    label = store.get(outcome.label_id)
    assert (label.annotator, label.status, label.view) == ("Sita", Status.SUBMITTED, View.ENHANCED)
    assert (label.enhancement, label.model_version) == ("dip+enhancer:fast", "enh-v1")
    assert [lab.id for lab in fields_of(store, SCENE)] == [label.id]


def test_a_self_intersecting_field_is_refused_with_the_reason(store) -> None:  # type: ignore[no-untyped-def]
    from shapely.geometry import Polygon

    bowtie = Polygon([(84.40, 27.60), (84.401, 27.601), (84.401, 27.60), (84.40, 27.601)])
    [outcome] = _save(store, bowtie)
    assert not outcome.ok and "Not saved" in outcome.message
    assert "self-intersection" in outcome.message.lower()
    assert fields_of(store, SCENE) == []


def test_edits_save_and_stale_edits_are_refused(store) -> None:  # type: ignore[no-untyped-def]
    [outcome] = _save(store)
    label = store.get(outcome.label_id)
    bigger = box(84.4000, 27.6000, 84.4015, 27.6010)
    [ok] = save_edits(store, {label.id: bigger}, {label.id: label.version}, SITA)
    assert ok.ok and store.get(label.id).geometry.equals(bigger)
    # A second tab still holding the old version cannot overwrite the new outline.
    [stale] = save_edits(store, {label.id: FIELD}, {label.id: label.version}, SITA)
    assert not stale.ok and store.get(label.id).geometry.equals(bigger)


def test_volunteers_cannot_change_other_peoples_fields(store) -> None:  # type: ignore[no-untyped-def]
    [outcome] = _save(store)
    label = store.get(outcome.label_id)
    [edit] = save_edits(store, {label.id: FIELD.buffer(0.0001)}, {label.id: label.version}, RAM)
    [delete] = delete_fields(store, {label.id: label.version}, RAM)
    assert not edit.ok and not delete.ok
    assert [d.ok for d in delete_fields(store, {label.id: label.version}, SITA)] == [True]
    assert fields_of(store, SCENE) == []


def test_only_reviewers_review_and_rejections_need_a_comment(store) -> None:  # type: ignore[no-untyped-def]
    [outcome] = _save(store)
    label = store.get(outcome.label_id)
    assert not review_field(store, label, SITA, accept=True, comment="").ok
    refused = review_field(store, label, REVIEWER, accept=False, comment="")
    assert not refused.ok and "comment" in refused.message
    assert review_field(store, label, REVIEWER, accept=True, comment="clear boundary").ok
    reviewed = store.get(label.id)
    assert (reviewed.status, reviewed.reviewer) == (Status.ACCEPTED, "Maya")


def test_refused_drawings_and_outlines_stay_in_the_drafts(store) -> None:  # type: ignore[no-untyped-def]
    [first] = _save(store)
    [second] = _save(store, box(84.402, 27.600, 84.403, 27.601))
    a, b = store.get(first.label_id), store.get(second.label_id)
    huge = box(84.31, 27.51, 84.49, 27.69)  # about 35,000 ha: not one field
    work = Draft(
        [FIELD.buffer(0.0001).envelope, huge],
        {a.id: (huge, a.version), b.id: (box(84.402, 27.600, 84.4031, 27.601), b.version - 1)},
    )
    outcomes = _save(store, work.new[0]) + _save(store, work.new[1])
    outcomes += save_edits(
        store,
        {i: g for i, (g, _) in work.edits.items()},
        {i: v for i, (_, v) in work.edits.items()},
        SITA,
    )
    assert [o.ok for o in outcomes] == [True, False, False, False]
    assert "This outline covers" in outcomes[1].message and outcomes[2].fixable
    assert not outcomes[3].fixable  # a stale edit: it could never be saved
    kept = unsaved_after_save(work, outcomes)
    assert [g.equals(huge) for g in kept.new] == [True]
    assert list(kept.edits) == [a.id] and kept.edits[a.id][0].equals(huge)
    assert store.get(a.id).geometry.equals(FIELD)  # the stored outline is untouched


def test_the_enhancement_is_named_as_it_was_made() -> None:
    dip = {"method": "dip+enhancer", "preset": "fast", "iterations": None}
    assert enhancement_name(dip) == "dip+enhancer:fast"
    assert enhancement_name({**dip, "iterations": 50}) == "dip+enhancer:fast:iterations=50"
    assert enhancement_name({"method": "enhancer", "preset": None, "iterations": None}) == (
        "enhancer"
    )
    assert enhancement_name({"method": "bicubic"}) == "bicubic"  # an older result's record
