"""Reviews counted by how the fields were outlined, on SQLite and PostGIS."""

from __future__ import annotations

from collections import Counter

import pytest

from labels.base_store import BaseLabelStore
from labels.model import HAND, PROPOSED, PROPOSED_EDITED, Status
from labels.outline_outcomes import OutlineOutcomes, outcomes_by_outline
from labels.review_reasons import OTHER, REASONS
from tests.labels.conftest import SCENE, make_label, square

ASSIST = "learned-merge-mlp32-0639318793c6@0.5"


def test_reviews_are_counted_by_how_each_field_was_outlined(store: BaseLabelStore) -> None:
    def submit(lon: float, drawing: str | None, status: str = "submitted") -> str:
        label = make_label(
            square(lon),
            status=status,
            drawing=drawing,
            assist_version=None if drawing in (HAND, None) else ASSIST,
        )
        return store.save(label, actor="ram", role="volunteer").label.id

    kept = [submit(85.30 + 0.01 * i, PROPOSED) for i in range(3)]
    edges = submit(85.38, PROPOSED)
    edited = submit(85.34, PROPOSED_EDITED)
    hand = submit(85.35, HAND)
    submit(85.36, None)  # saved before the outline's origin was recorded
    submit(85.37, PROPOSED, status="draft")  # not submitted: not counted
    for label_id, decision in ((kept[0], Status.ACCEPTED), (kept[1], Status.REJECTED)):
        store.review(label_id, actor="sita", decision=decision, comment="x", expected_version=1)
    edges_off = REASONS["Edges off"] + " The road is not in the field."
    store.review(edges, actor="sita", decision=Status.REJECTED, comment=edges_off,
                 expected_version=1)  # fmt: skip
    store.review(edited, actor="sita", decision=Status.ACCEPTED, expected_version=1)
    store.review(hand, actor="sita", decision=Status.ACCEPTED, expected_version=1)

    found = outcomes_by_outline(store, SCENE)
    assert found == [
        OutlineOutcomes(HAND, waiting=0, accepted=1, rejected=0),
        OutlineOutcomes(
            PROPOSED,
            waiting=1,
            accepted=1,
            rejected=2,
            rejected_for=Counter({"Edges off": 1, OTHER: 1}),
        ),
        OutlineOutcomes(PROPOSED_EDITED, waiting=0, accepted=1, rejected=0),
        OutlineOutcomes("", waiting=1, accepted=0, rejected=0),
    ]
    assert [o.accepted_share for o in found] == [1.0, pytest.approx(1 / 3), 1.0, None]
    assert outcomes_by_outline(store, "another-scene") == []
