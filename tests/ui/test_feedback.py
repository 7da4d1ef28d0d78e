"""What volunteers and reviewers read: stages and time left, plain words, undo, queue done."""

from __future__ import annotations

import pytest
from shapely.geometry import Polygon, box

from labels.sqlite_store import SQLiteLabelStore
from labels.validate import Finding, validate_geometry
from sr.jobs.eta import ProgressReport
from tests.ui.conftest import RAM, SCENE, SITA, field_at
from ui.job_view import progress_text, record, time_left_text
from ui.label_actions import DrawnOn, delete_fields, save_edits, save_new_fields
from ui.plain_words import field_name, plain_finding, store_namer
from ui.review_feedback import ReviewTally, queue_done_text
from ui.undo import UNDO_SECONDS, after_delete, after_save, undo

DEVELOPER_WORDS = ("make_valid", "repair()", "labels.", "UUID", "Error", "Polsby", "footprint")


def test_the_progress_bar_names_the_stage_then_a_steady_time_left() -> None:
    seen: list[ProgressReport] = []
    assert progress_text("starting…", seen, 0.0) == "starting"
    seen = record(seen, 1.0, 0.0)
    assert progress_text("reading the area", seen, 1.5) == "reading the area"
    for i in range(1, 21):  # 1 % a second after 10 s of starting
        seen = record(seen, 10.0 + i, i / 100)
    seen = record(seen, 30.0, 0.2)  # the same report polled again: not a new one
    assert len(seen) == 21
    assert progress_text("iteration 20/100", seen, 30.0) == "iteration 20/100 · about 80 s left"
    assert [time_left_text(s) for s in (None, 3, 42, 61, 170, 600)] == [
        "",
        "about 5 s left",
        "about 40 s left",
        "about 60 s left",
        "about 3 min left",
        "about 10 min left",
    ]


def test_fields_are_named_by_crop_area_and_author(filled_store: SQLiteLabelStore) -> None:
    ram_maize = next(lab for lab in filled_store.query() if lab.annotator == "Ram")
    assert field_name(ram_maize) == "maize, 1.1 ha, by Ram"
    small = ram_maize.replace(area_ha=0.456)
    assert field_name(small) == "maize, 0.46 ha, by Ram"


def test_an_overlap_names_the_other_field_never_its_id(filled_store: SQLiteLabelStore) -> None:
    ram_maize = next(lab for lab in filled_store.query() if lab.annotator == "Ram")
    [outcome] = save_new_fields(
        filled_store,
        [field_at(3).buffer(0.0002)],
        crop="rice",
        identity=SITA,
        scene_id=SCENE,
        drawn_on=DrawnOn(),
    )
    assert outcome.ok
    assert "warning: It overlaps maize, 1.1 ha, by Ram near lat " in outcome.message
    assert ram_maize.id not in outcome.message


@pytest.mark.parametrize(
    "geometry",
    [
        Polygon([(84.40, 27.60), (84.401, 27.601), (84.401, 27.60), (84.40, 27.601)]),  # crossed
        box(84.4, 27.6, 84.40001, 27.60001),  # too small
        box(84.4, 27.6, 84.41, 27.60002),  # a sliver
        box(90.0, 10.0, 90.001, 10.001),  # outside the scene
        box(84.49995, 27.6, 84.50095, 27.601),  # partly outside
    ],
)
def test_findings_are_told_without_developer_words(geometry: Polygon) -> None:
    findings = validate_geometry(geometry, footprint=box(84.3, 27.5, 84.5, 27.7))
    assert findings
    for finding in findings:
        plain = plain_finding(finding)
        assert plain != finding.message
        assert not [w for w in DEVELOPER_WORDS if w in plain], plain


def test_an_unknown_other_field_is_just_another_field(store: SQLiteLabelStore) -> None:
    finding = Finding("overlap", "warning", "overlaps field 1234 by 50%", (84.4, 27.6), "1234")
    expected = "It overlaps another field near lat 27.60000, lon 84.40000."
    assert plain_finding(finding, store_namer(store.get)) == expected
    assert plain_finding(finding) == expected


def test_undo_of_an_edit_brings_the_old_outline_back_as_a_new_version(
    filled_store: SQLiteLabelStore,
) -> None:
    label = next(lab for lab in filled_store.query() if lab.annotator == "Sita")
    bigger = field_at(0).buffer(0.0001).envelope
    edits = save_edits(filled_store, {label.id: bigger}, {label.id: label.version}, SITA)
    action = after_save([], edits, now_s=100.0)
    assert action.open(100.0 + UNDO_SECONDS - 0.1) and not action.open(100.0 + UNDO_SECONDS)
    [outcome] = undo(filled_store, action, SITA)
    assert outcome.ok and outcome.message == "Undone: rice, 1.1 ha, by Sita has its old outline."
    back = filled_store.get(label.id)
    assert back.geometry.equals(label.geometry) and back.version == label.version + 2
    ops = [v.op for v in filled_store.history(label.id)]
    assert ops == ["create", "update", "update"]


def test_undo_leaves_a_field_restored_meanwhile_alone(filled_store: SQLiteLabelStore) -> None:
    label = next(lab for lab in filled_store.query() if lab.annotator == "Sita")
    [deleted] = delete_fields(filled_store, {label.id: label.version}, SITA)
    action = after_delete([deleted], now_s=0.0)
    [again] = undo(filled_store, action, RAM)  # another volunteer cannot
    assert not again.ok and again.message == "Not saved: you can change only the fields you drew."
    assert label.id not in again.message
    filled_store.restore(label.id, actor="Sita", role=SITA.role, expected_version=2)
    [stale] = undo(filled_store, action, SITA)  # already restored (version 3): left alone
    assert not stale.ok and stale.message == "Not saved: this field is back already."
    assert len(filled_store.history(label.id)) == 3


def test_the_review_queue_done_message_counts_the_decisions() -> None:
    tally = ReviewTally().after(True).after(True).after(False)
    assert tally.any and not ReviewTally().any
    assert queue_done_text(tally) == "Queue done — 2 accepted, 1 rejected."


def test_undo_of_a_save_leaves_a_field_someone_changed_meanwhile(
    filled_store: SQLiteLabelStore,
) -> None:
    [saved] = save_new_fields(
        filled_store, [field_at(7)], crop="rice", identity=SITA, scene_id=SCENE, drawn_on=DrawnOn()
    )
    action = after_save([saved], [], now_s=0.0)
    label = filled_store.get(saved.label_id)
    save_edits(filled_store, {label.id: field_at(7).buffer(0.0001)}, {label.id: 1}, SITA)
    [stale] = undo(filled_store, action, SITA)
    assert not stale.ok and stale.message.startswith(
        "Not saved: this field was changed by Sita since you opened it"
    )
    assert filled_store.get(label.id).version == 2 and not filled_store.get(label.id).deleted
