"""The bookkeeping a save stamps on a label, on plain values, no store (labels.stamping)."""

from __future__ import annotations

from labels.model import Role, Status
from labels.stamping import operation, stamp
from tests.labels.conftest import make_label

T1 = "2026-03-01T08:00:00.000000Z"
T2 = "2026-03-02T09:30:00.000000Z"


def test_a_new_label_gets_version_1_its_times_and_who() -> None:
    new = make_label(status=Status.SUBMITTED)
    stamped = stamp(None, new, actor="ram", role=Role.VOLUNTEER, now=T1)
    assert (stamped.version, stamped.created_at, stamped.updated_at) == (1, T1, T1)
    assert stamped.updated_by == "ram"
    assert (stamped.geometry, stamped.crop, stamped.status) == (new.geometry, "rice", "submitted")
    assert operation(None, stamped) == "create"


def test_an_edit_keeps_the_creation_time_and_counts_up() -> None:
    old = stamp(None, make_label(), actor="ram", role=Role.VOLUNTEER, now=T1)
    edited = stamp(old, old.replace(crop="wheat"), actor="ram", role=Role.VOLUNTEER, now=T2)
    assert (edited.version, edited.created_at, edited.updated_at) == (2, T1, T2)
    assert edited.crop == "wheat"
    assert operation(old, edited) == "update"


def test_a_reviewer_deciding_becomes_the_reviewer() -> None:
    old = make_label(status=Status.SUBMITTED, version=1, created_at=T1, reviewer="someone")
    decided = old.replace(status=Status.REJECTED, review_comment="a road")
    stamped = stamp(old, decided, actor="sita", role=Role.REVIEWER, now=T2)
    assert (stamped.reviewer, stamped.review_comment) == ("sita", "a road")
    assert (stamped.updated_by, stamped.version) == ("sita", 2)
    assert operation(old, stamped) == "review"


def test_a_reviewer_editing_without_deciding_is_not_recorded_as_reviewer() -> None:
    old = make_label(status=Status.SUBMITTED, version=1, created_at=T1)
    stamped = stamp(old, old.replace(crop="maize"), actor="sita", role=Role.REVIEWER, now=T2)
    assert stamped.reviewer is None and stamped.updated_by == "sita"
    assert operation(old, stamped) == "update"


def test_a_volunteer_cannot_change_the_review_fields() -> None:
    old = make_label(
        status=Status.REJECTED, version=3, created_at=T1, reviewer="sita", review_comment="road"
    )
    resubmitted = old.replace(
        status=Status.SUBMITTED, reviewer="ram", review_comment="it is not a road"
    )
    stamped = stamp(old, resubmitted, actor="ram", role=Role.VOLUNTEER, now=T2)
    assert (stamped.reviewer, stamped.review_comment) == ("sita", "road")
    assert (stamped.status, stamped.version) == ("submitted", 4)
    assert operation(old, stamped) == "update"


def test_a_coordinator_keeps_what_they_set() -> None:
    new = make_label(status=Status.ACCEPTED, reviewer="maya", review_comment="imported")
    stamped = stamp(None, new, actor="ana", role=Role.COORDINATOR, now=T1)
    assert (stamped.reviewer, stamped.review_comment, stamped.updated_by) == (
        "maya",
        "imported",
        "ana",
    )
    assert stamped.status == "accepted"


def test_stamping_leaves_the_callers_label_unchanged() -> None:
    new = make_label()
    stamp(None, new, actor="ram", role=Role.VOLUNTEER, now=T1)
    assert (new.version, new.created_at, new.updated_by) == (0, None, None)
