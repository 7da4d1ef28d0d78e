"""Status transitions and roles (labels.workflow)."""

from __future__ import annotations

import pytest

from labels.errors import PermissionDeniedError, TransitionError
from labels.model import HAND, PROPOSED, PROPOSED_EDITED, Role, Status
from labels.workflow import as_imported, check_change, firm_outline
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


def test_a_reviewer_never_decides_on_their_own_field() -> None:
    old = make_label(status=Status.SUBMITTED, annotator="Ram Thapa")
    for decision in (Status.ACCEPTED, Status.REJECTED):
        new = old.replace(status=decision, review_comment="ok")
        with pytest.raises(PermissionDeniedError, match="cannot accept or reject it"):
            check_change(old, new, "ram_thapa", Role.REVIEWER)
        check_change(old, new, "Sita", Role.REVIEWER)  # another reviewer may
    with pytest.raises(PermissionDeniedError, match="cannot accept or reject it"):
        check_change(None, old.replace(status=Status.ACCEPTED), "RAM THAPA", Role.REVIEWER)
    check_change(old, old.replace(crop="wheat"), "Ram-Thapa", Role.REVIEWER)  # still submitted
    accepted = old.replace(status=Status.ACCEPTED, reviewer="Sita")
    with pytest.raises(PermissionDeniedError, match="cannot change it any more"):
        check_change(accepted, accepted.replace(crop="wheat"), "ram thapa", Role.REVIEWER)


def test_an_import_keeps_review_decisions_only_when_someone_vouches() -> None:
    accepted = make_label(status=Status.ACCEPTED, reviewer="boss", review_comment="fine")
    assert (as_imported(accepted).status, as_imported(accepted).reviewer) == (
        Status.SUBMITTED,
        None,
    )
    assert as_imported(accepted).review_comment is None
    kept = as_imported(accepted, reviewed_by="Uma")
    assert (kept.status, kept.reviewer, kept.review_comment) == (Status.ACCEPTED, "Uma", "fine")
    draft = make_label(reviewer="boss")
    assert as_imported(draft, "Uma").replace() == draft.replace(reviewer=None)
    with pytest.raises(PermissionDeniedError, match="Ram drew field"):
        as_imported(accepted, reviewed_by="Ram")  # make_label's annotator is 'ram'


def test_an_author_fixes_a_rejected_field_and_it_goes_back_to_review() -> None:
    from labels.workflow import as_resubmitted

    rejected = make_label(status=Status.REJECTED, reviewer="sita", review_comment="too big")
    edited = rejected.replace(crop="wheat")
    with pytest.raises(PermissionDeniedError, match="only a reviewer"):
        check_change(rejected, edited, "ram", Role.VOLUNTEER)  # kept rejected: refused
    fixed = as_resubmitted(edited, "Ram")
    assert (fixed.status, fixed.review_comment) == (Status.SUBMITTED, "too big")
    check_change(rejected, fixed, "ram", Role.VOLUNTEER)
    assert as_resubmitted(edited, "hari") is edited  # only its author resubmits
    waiting = make_label(status=Status.SUBMITTED)
    assert as_resubmitted(waiting.replace(crop="maize"), "ram").status is Status.SUBMITTED
    check_change(waiting, waiting.replace(crop="maize"), "ram", Role.VOLUNTEER)
    accepted = make_label(status=Status.ACCEPTED)
    with pytest.raises(PermissionDeniedError):
        check_change(accepted, as_resubmitted(accepted.replace(crop="maize"), "ram"), "ram",
                     Role.VOLUNTEER)  # fmt: skip


@pytest.mark.parametrize(
    ("drawing", "status", "deleted", "firm"),
    [
        (HAND, Status.SUBMITTED, False, True),
        (None, Status.DRAFT, False, True),  # saved before drawings were recorded: by hand
        (PROPOSED_EDITED, Status.SUBMITTED, False, True),
        (PROPOSED, Status.SUBMITTED, False, False),  # the assist's outline, unedited
        (PROPOSED, Status.ACCEPTED, False, True),  # … until a reviewer accepts it
        (HAND, Status.REJECTED, False, False),
        (PROPOSED, Status.REJECTED, False, False),
        (HAND, Status.ACCEPTED, True, False),
    ],
)
def test_a_new_outline_takes_its_border_only_from_a_field_a_person_drew_or_accepted(
    drawing: str | None, status: Status, deleted: bool, firm: bool
) -> None:
    label = make_label(drawing=drawing, status=status, deleted=deleted)
    assert firm_outline(label) is firm
