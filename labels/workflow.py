"""Review workflow: which status changes are allowed, and who may make them."""

from __future__ import annotations

from labels.errors import PermissionDeniedError, TransitionError
from labels.model import Label, Role, Status

# old status (None: a new label) -> statuses it may move to.
TRANSITIONS: dict[Status | None, frozenset[Status]] = {
    None: frozenset({Status.DRAFT, Status.SUBMITTED}),
    Status.DRAFT: frozenset({Status.DRAFT, Status.SUBMITTED}),
    Status.SUBMITTED: frozenset(Status),
    Status.REJECTED: frozenset(Status),
    Status.ACCEPTED: frozenset({Status.ACCEPTED, Status.REJECTED}),
}
REVIEW_STATUSES = frozenset({Status.ACCEPTED, Status.REJECTED})


def check_change(old: Label | None, new: Label, actor: str, role: Role) -> None:
    """Raise ``PermissionDeniedError`` / ``TransitionError`` unless ``actor`` may save ``new``.

    Volunteers create and edit only their own labels, as draft or submitted, and never an
    accepted one. Reviewers may edit any label and alone accept or reject (rejecting needs a
    comment). Coordinators (imports, repairs) may do anything; it is still versioned.
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
    if new.status not in TRANSITIONS[old_status]:
        raise TransitionError(
            f"label {new.id}: status cannot change from {old_status or 'new'} to {new.status}"
        )
    if new.status is Status.REJECTED and not (new.review_comment or "").strip():
        raise TransitionError(f"label {new.id}: rejecting needs a review comment saying why")
