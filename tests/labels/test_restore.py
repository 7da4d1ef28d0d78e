"""Restoring a deleted label (the app's undo of a delete): a new version equal to the one
before the delete, with the same rights as any other change."""

from __future__ import annotations

import pytest

from labels.base_store import BaseLabelStore
from labels.errors import PermissionDeniedError, StaleEditError, TransitionError
from labels.model import Role, Status
from tests.labels.conftest import make_label


def test_a_deleted_label_comes_back_as_it_was(store: BaseLabelStore) -> None:
    saved = store.save(make_label(status=Status.SUBMITTED), actor="ram", role=Role.VOLUNTEER).label
    store.delete(saved.id, actor="ram", role=Role.VOLUNTEER, expected_version=1)
    assert store.count() == 0

    back = store.restore(saved.id, actor="ram", role=Role.VOLUNTEER, expected_version=2).label
    assert (back.version, back.deleted, back.status) == (3, False, Status.SUBMITTED)
    assert back.geometry.equals(saved.geometry) and back.crop == saved.crop
    assert [lab.id for lab in store.query()] == [saved.id]
    assert [v.op for v in store.history(saved.id)] == ["create", "delete", "restore"]
    assert store.version_count() == 3 and store.check() == []
    # It counts again for overlaps: a copy drawn over it is warned about.
    copy = store.save(make_label(), actor="ram", role=Role.VOLUNTEER)
    assert [w.other for w in copy.warnings if w.code == "overlap"] == [saved.id]


def test_restoring_needs_the_rights_and_the_version_of_the_delete(store: BaseLabelStore) -> None:
    saved = store.save(make_label(), actor="ram", role=Role.VOLUNTEER).label
    with pytest.raises(TransitionError, match="not deleted"):
        store.restore(saved.id, actor="ram", role=Role.VOLUNTEER, expected_version=1)
    store.delete(saved.id, actor="ram", role=Role.VOLUNTEER, expected_version=1)
    with pytest.raises(PermissionDeniedError):
        store.restore(saved.id, actor="sita", role=Role.VOLUNTEER, expected_version=2)
    with pytest.raises(StaleEditError):
        store.restore(saved.id, actor="ram", role=Role.VOLUNTEER, expected_version=1)
    assert store.count() == 0 and len(store.history(saved.id)) == 2
