"""Typed exceptions raised by the label library (all derive from ``LabelError``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labels.validate import Finding


class LabelError(Exception):
    """Base class: every error the library raises on purpose; the message is user-facing."""


class StaleEditError(LabelError):
    """The caller edited an old version of a label; nothing was written."""

    def __init__(self, label_id: str, expected: int | None, current: int | None, by: str = ""):
        self.label_id = label_id
        self.expected = expected
        self.current = current
        self.by = by
        if expected is None:
            msg = f"label {label_id} already exists (version {current}); reload it and edit that"
        elif current is None:
            msg = f"label {label_id} does not exist, so version {expected} cannot be edited"
        else:
            who = f" by {by}" if by else ""
            msg = (
                f"label {label_id} was changed{who} since you opened it: you edited version "
                f"{expected}, the store holds version {current}; reload it and apply your "
                "change again"
            )
        super().__init__(msg)


class PermissionDeniedError(LabelError):
    """The acting user's role does not allow this change."""


class TransitionError(LabelError):
    """A status change that the workflow does not allow (e.g. draft -> accepted)."""


class NotFoundError(LabelError):
    """No label with this id."""


class StoreError(LabelError):
    """The store cannot be opened, read or written (busy, not a database, ...)."""


class StoreFullError(StoreError):
    """The disk (or the database's size limit) is full; the previous state is intact."""


class FormatError(LabelError):
    """A file or object that is not the GeoJSON / GeoPackage the library expects."""


class ValidationError(LabelError):
    """A label has findings of severity ``error``; nothing was written."""

    def __init__(self, findings: Sequence[Finding], subject: str = "label"):
        self.findings = list(findings)
        errors = [f for f in self.findings if f.severity == "error"]
        lines = "; ".join(f.message for f in errors) or "no details"
        super().__init__(f"{subject} not saved, {len(errors)} error(s): {lines}")
