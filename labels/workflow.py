"""Review workflow: which status changes are allowed, and who may make them."""

from __future__ import annotations

from labels.errors import PermissionDeniedError, TransitionError
from labels.model import PROPOSED, Label, Role, Status, same_person

# old status (None: a new label) -> statuses it may move to.
TRANSITIONS: dict[Status | None, frozenset[Status]] = {
    None: frozenset({Status.DRAFT, Status.SUBMITTED}),
    Status.DRAFT: frozenset({Status.DRAFT, Status.SUBMITTED}),
    Status.SUBMITTED: frozenset(Status),
    Status.REJECTED: frozenset(Status),
    Status.ACCEPTED: frozenset({Status.ACCEPTED, Status.REJECTED}),
}
REVIEW_STATUSES = frozenset({Status.ACCEPTED, Status.REJECTED})


def firm_outline(label: Label) -> bool:
    """Whether a new outline may take its border from ``label`` (``sr.outline.saved_fields``):
    a person drew or edited it, or a reviewer accepted it. Never a rejected or deleted one,
    nor an assist's proposal saved unedited and not reviewed yet: trimming along those cost the
    next field more than it gained (models/OUTLINE_CARD.md, "Saved fields")."""
    if label.deleted or label.status is Status.REJECTED:
        return False
    return label.status is Status.ACCEPTED or label.drawing != PROPOSED


def drew_it(actor: str, label: Label) -> bool:
    """True when ``actor`` is the person who drew ``label`` (names compared normalised)."""
    return same_person(actor, label.annotator)


def check_not_own_review(old: Label | None, new: Label, actor: str) -> None:
    """Raise ``PermissionDeniedError`` when a reviewer decides on, or changes, their own field.

    Covers accepting or rejecting it and editing or deleting it once reviewed (which would
    record the author as its reviewer). Another reviewer must do it.
    """
    owner = old if old is not None else new
    if new.status not in REVIEW_STATUSES or not drew_it(actor, owner):
        return
    if old is None or old.status != new.status or old.review_comment != new.review_comment:
        raise PermissionDeniedError(
            f"{actor} drew field {new.id} and cannot accept or reject it; another reviewer "
            "must review it"
        )
    raise PermissionDeniedError(
        f"field {new.id} is {new.status} and {actor} drew it, so {actor} cannot change it "
        "any more; ask another reviewer"
    )


def as_resubmitted(label: Label, actor: str) -> Label:
    """An author's edit of their own rejected field, made a resubmission: it goes back to
    review (submitted; the last reviewer and comment stay for the next reviewer to read, as
    ``labels.stamping`` keeps them on a volunteer's save). Other edits are unchanged.

    Authors may so fix their rejected fields, and change the crop or outline of their fields
    still waiting for review (a new version each; ``check_change`` allows both).
    """
    if label.status is Status.REJECTED and drew_it(actor, label):
        return label.replace(status=Status.SUBMITTED)
    return label


def as_imported(label: Label, reviewed_by: str | None = None) -> Label:
    """A label read from a file as it may enter the store: a file cannot review itself.

    Without ``reviewed_by`` an accepted or rejected label becomes ``submitted`` (the file's
    reviewer and comment dropped), so it goes through review like any other. With it, the
    file's decision is kept and recorded as ``reviewed_by``'s review; a
    ``PermissionDeniedError`` when ``reviewed_by`` drew the field.
    """
    if label.status not in REVIEW_STATUSES:
        return label.replace(reviewer=None, review_comment=None)
    if reviewed_by is None:
        return label.replace(status=Status.SUBMITTED, reviewer=None, review_comment=None)
    reviewed = label.replace(reviewer=reviewed_by)
    check_not_own_review(None, reviewed, reviewed_by)
    return reviewed


def check_task_move(old: Label | None, new: Label) -> None:
    """Raise ``PermissionDeniedError`` unless ``new`` is the stored ``old`` filed under
    another campaign task and nothing else changed. The campaign store decides who may move
    a task's fields (the mapper holding a task being split: ``labels.campaign_store``)."""
    if old is None or old.deleted or new != old.replace(task_id=new.task_id):
        raise PermissionDeniedError(f"label {new.id}: only the task it belongs to may change here")


def check_change(old: Label | None, new: Label, actor: str, role: Role) -> None:
    """Raise ``PermissionDeniedError`` / ``TransitionError`` unless ``actor`` may save ``new``.

    Volunteers create and edit only their own labels, as draft or submitted, and never an
    accepted one. Reviewers may edit any label and alone accept or reject (rejecting needs a
    comment), but never on a field they drew themselves (``check_not_own_review``).
    Coordinators (imports, repairs) may do anything; it is still versioned.
    """
    role = Role(role)
    if not actor or not actor.strip():
        raise PermissionDeniedError("an acting user name is required")
    if role is Role.COORDINATOR:
        return
    old_status = old.status if old is not None else None
    if old is not None and new.annotator != old.annotator:
        raise PermissionDeniedError(
            f"label {new.id}: the annotator cannot be changed ({old.annotator!r} -> "
            f"{new.annotator!r})"
        )
    if role is Role.VOLUNTEER:
        owner = old.annotator if old is not None else new.annotator
        if owner != actor:
            raise PermissionDeniedError(
                f"volunteer {actor!r} may only edit their own labels; label {new.id} "
                f"belongs to {owner!r}"
            )
        if new.status in REVIEW_STATUSES or old_status is Status.ACCEPTED:
            which = new.status if new.status in REVIEW_STATUSES else old_status
            raise PermissionDeniedError(
                f"only a reviewer may set or change an {which} label (label {new.id})"
            )
    else:
        check_not_own_review(old, new, actor)
    if new.status not in TRANSITIONS[old_status]:
        raise TransitionError(
            f"label {new.id}: status cannot change from {old_status or 'new'} to {new.status}"
        )
    if new.status is Status.REJECTED and not (new.review_comment or "").strip():
        raise TransitionError(f"label {new.id}: rejecting needs a review comment saying why")
