"""Workflow stamping: the bookkeeping a save adds to a label, as pure functions.

The store calls ``stamp`` inside its write transaction, after the rights check
(``labels.workflow.check_change``); nothing here reads a database or the clock, so the rules
are tested on plain ``Label`` values.
"""

from __future__ import annotations

from labels.model import Label, Role
from labels.workflow import REVIEW_STATUSES


def stamp(old: Label | None, new: Label, *, actor: str, role: Role, now: str) -> Label:
    """``new`` as it is stored: times, version and who, and the review fields.

    ``old`` is the stored version (None for a new label) and ``now`` the save's time (ISO
    8601). A volunteer's edit keeps the stored reviewer and comment (they cannot change
    them); a reviewer deciding accepted or rejected becomes the reviewer; otherwise the
    caller's values stay.
    """
    reviewer, comment = new.reviewer, new.review_comment
    if role is Role.VOLUNTEER and old is not None:
        reviewer, comment = old.reviewer, old.review_comment
    elif role is Role.REVIEWER and new.status in REVIEW_STATUSES:
        reviewer = actor
    return new.replace(
        created_at=old.created_at if old is not None else now,
        updated_at=now,
        updated_by=actor,
        version=(old.version if old is not None else 0) + 1,
        reviewer=reviewer,
        review_comment=comment,
    )


def operation(old: Label | None, new: Label) -> str:
    """The history entry's kind for a save: create, review or update."""
    if old is None:
        return "create"
    if old.status != new.status and new.status in REVIEW_STATUSES:
        return "review"
    return "update"


def moved(old: Label, task_id: str, *, actor: str, now: str) -> Label:
    """``old`` filed under campaign task ``task_id`` as it is stored: a new version by
    ``actor``, its review (reviewer, comment, status) untouched."""
    return old.replace(task_id=task_id, updated_at=now, updated_by=actor, version=old.version + 1)
