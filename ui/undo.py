"""Undo, for a few seconds after a save or a delete, through the store's history.

An undo never writes a second copy of a field: a just-created field is deleted, a changed
outline gets the outline of the version before it (a new version equal to that one), a
deleted field is restored (a new version equal to the one before the delete). Each step
names the version it expects, so a field someone changed meanwhile is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from labels.base_store import LabelStore
from labels.errors import LabelError
from ui.auth import Identity
from ui.label_actions import Outcome, failed_outcome
from ui.plain_words import field_name

UNDO_SECONDS = 10.0

# What a change did to one label: its id and the version the change left.
Changed = tuple[str, int]


@dataclass(frozen=True)
class Undoable:
    """The last save or delete of this volunteer, undoable until ``until_s``."""

    created: tuple[Changed, ...] = ()
    edited: tuple[Changed, ...] = ()
    deleted: tuple[Changed, ...] = ()
    until_s: float = 0.0

    def open(self, now_s: float) -> bool:
        """Can it still be undone (and is there anything to undo)?"""
        return now_s < self.until_s and bool(self.created or self.edited or self.deleted)

    def seconds_left(self, now_s: float) -> int:
        return max(0, int(self.until_s - now_s + 0.999))


def _changed(outcomes: Sequence[Outcome]) -> tuple[Changed, ...]:
    return tuple(
        (o.label_id, o.version) for o in outcomes if o.ok and o.label_id and o.version is not None
    )


def after_save(new: Sequence[Outcome], edits: Sequence[Outcome], now_s: float) -> Undoable:
    """What undoing a save does: the outcomes of its new drawings, then of its edits."""
    return Undoable(created=_changed(new), edited=_changed(edits), until_s=now_s + UNDO_SECONDS)


def after_delete(deleted: Sequence[Outcome], now_s: float) -> Undoable:
    return Undoable(deleted=_changed(deleted), until_s=now_s + UNDO_SECONDS)


def _undo_one(store: LabelStore, kind: str, change: Changed, identity: Identity) -> Outcome:
    label_id, version = change
    actor, role = identity.name, identity.role
    try:
        if kind == "created":
            result = store.delete(label_id, actor=actor, role=role, expected_version=version)
            return Outcome(True, f"Undone: {field_name(result.label)} removed.", label_id)
        if kind == "deleted":
            result = store.restore(label_id, actor=actor, role=role, expected_version=version)
            return Outcome(True, f"Undone: {field_name(result.label)} is back.", label_id)
        history = store.history(label_id)
        before = history[-2].label
        edited = history[-1].label.replace(geometry=before.geometry)
        result = store.save(edited, actor=actor, role=role, expected_version=version)
        return Outcome(True, f"Undone: {field_name(result.label)} has its old outline.", label_id)
    except LabelError as exc:
        return failed_outcome(exc)


def drawings_back(store: LabelStore, action: Undoable, outcomes: Sequence[Outcome]) -> list:
    """The outlines of the new fields an undo took back: they become unsaved drawings again,
    so undoing a save loses no drawing."""
    created = {label_id for label_id, _ in action.created}
    return [store.get(o.label_id).geometry for o in outcomes if o.ok and o.label_id in created]


def undo(store: LabelStore, action: Undoable, identity: Identity) -> list[Outcome]:
    """Undo every change of ``action``, one outcome per field."""
    steps = [("created", c) for c in action.created]
    steps += [("edited", c) for c in action.edited]
    steps += [("deleted", c) for c in action.deleted]
    return [_undo_one(store, kind, change, identity) for kind, change in steps]
