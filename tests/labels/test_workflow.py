"""Status transitions and roles (labels.workflow)."""

from __future__ import annotations

import pytest

from labels.errors import PermissionDeniedError, TransitionError
from labels.model import Role, Status
from labels.workflow import check_change
from tests.labels.conftest import make_label


def test_volunteer_creates_and_submits_own_label() -> None:
    new = make_label()
    check_change(None, new, "ram", Role.VOLUNTEER)
    check_change(new, new.replace(status=Status.SUBMITTED), "ram", Role.VOLUNTEER)


def test_volunteer_cannot_touch_someone_elses_label() -> None:
    with pytest.raises(PermissionDeniedError, match="may only edit their own labels"):
        check_change(make_label(), make_label(crop="wheat"), "sita", Role.VOLUNTEER)


def test_volunteer_cannot_accept() -> None:
    old = make_label(status=Status.SUBMITTED)
    with pytest.raises(
        PermissionDeniedError, match="only a reviewer may set or change an accepted"
    ):
        check_change(old, old.replace(status=Status.ACCEPTED), "ram", Role.VOLUNTEER)


def test_volunteer_cannot_edit_accepted_label() -> None:
    old = make_label(status=Status.ACCEPTED)
    with pytest.raises(PermissionDeniedError):
        check_change(old, old.replace(status=Status.SUBMITTED), "ram", Role.VOLUNTEER)


def test_draft_cannot_jump_to_accepted() -> None:
    old = make_label()
    with pytest.raises(TransitionError, match="from draft to accepted"):
        check_change(old, old.replace(status=Status.ACCEPTED), "sita", Role.REVIEWER)


def test_reject_needs_comment_and_annotator_is_fixed() -> None:
    old = make_label(status=Status.SUBMITTED)
    with pytest.raises(TransitionError, match="needs a review comment"):
        check_change(old, old.replace(status=Status.REJECTED), "sita", Role.REVIEWER)
    check_change(
        old, old.replace(status=Status.REJECTED, review_comment="road"), "sita", Role.REVIEWER
    )
    with pytest.raises(PermissionDeniedError, match="annotator cannot be changed"):
        check_change(old, old.replace(annotator="sita"), "sita", Role.REVIEWER)


def test_coordinator_may_import_accepted_and_actor_required() -> None:
    check_change(None, make_label(status=Status.ACCEPTED), "admin", Role.COORDINATOR)
    with pytest.raises(PermissionDeniedError, match="acting user"):
        check_change(None, make_label(), " ", Role.VOLUNTEER)
