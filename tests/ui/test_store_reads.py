"""Reads kept per store revision (ui.store_reads), with a real store and a plain dict as the
session."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from labels.base_store import LabelFilter
from labels.model import Label
from labels.sqlite_store import SQLiteLabelStore
from tests.ui.conftest import SCENE, SITA, field_at
from ui.label_actions import DrawnOn, save_new_fields
from ui.store_reads import StoreReads


def count_reads(store: SQLiteLabelStore, monkeypatch: pytest.MonkeyPatch) -> list[LabelFilter]:
    """The filters of every label read from ``store`` from now on."""
    reads: list[LabelFilter] = []
    query = store.query

    def counted(flt: LabelFilter | None = None) -> Iterator[Label]:
        reads.append(flt or LabelFilter())
        return query(flt)

    monkeypatch.setattr(store, "query", counted)
    return reads


def test_labels_are_read_again_only_after_a_change_or_for_another_filter(
    filled_store: SQLiteLabelStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = count_reads(filled_store, monkeypatch)
    memo: dict[str, Any] = {}

    def queue(flt: LabelFilter) -> list[Label]:  # one page run
        return StoreReads(filled_store, memo, "review-").labels("queue", flt)

    first = queue(LabelFilter(scene_id=SCENE, crop=["rice"]))
    again = queue(LabelFilter(scene_id=SCENE, crop=["rice"]))
    assert [lab.crop for lab in first] == ["rice", "rice"] and again == first
    assert len(reads) == 1  # the rerun read nothing
    assert [lab.crop for lab in queue(LabelFilter(crop=["wheat"]))] == ["wheat"]
    assert len(reads) == 2
    [saved] = save_new_fields(
        filled_store, [field_at(9)], crop="wheat", identity=SITA, scene_id=SCENE, drawn_on=DrawnOn()
    )
    assert saved.ok, saved.message
    assert len(queue(LabelFilter(crop=["wheat"]))) == 2 and len(reads) == 3  # saved: read again
    assert list(memo) == ["review-queue"]


def test_values_are_built_once_per_revision_and_key(filled_store: SQLiteLabelStore) -> None:
    built: list[int] = []

    def build() -> int:
        built.append(1)
        return len(built)

    memo: dict[str, Any] = {}
    reads = StoreReads(filled_store, memo, "")
    assert reads.value("x", "key", build) == 1
    assert StoreReads(filled_store, memo, "").value("x", "key", build) == 1
    assert reads.value("x", "other", build) == 2
    assert reads.value("y", "other", build) == 3  # slots are separate
    assert reads.kept("x", "other") == 2 and reads.kept("x", "key") is None
    assert reads.distinct("names", "annotator") == ["Ram", "Sita"]
    filled_store.save(
        filled_store.get(reads.labels("all", LabelFilter())[0].id).replace(crop="maize"),
        actor="Sita",
        role=SITA.role,
    )
    later = StoreReads(filled_store, memo, "")
    assert later.revision == reads.revision + 1
    assert later.kept("x", "other") is None and later.value("x", "other", build) == 4
