"""The review queue, its filters and progress."""

from __future__ import annotations

from labels.model import Status
from tests.ui.conftest import MAYA, SCENE
from ui.label_actions import review_field
from ui.review import review_progress, review_queue


def test_queue_filters_by_status_crop_and_volunteer(filled_store) -> None:  # type: ignore[no-untyped-def]
    def queue(**kw):  # type: ignore[no-untyped-def]
        args = {"scene_id": SCENE, "statuses": [], "crops": [], "annotators": [], **kw}
        return [lab.crop for lab in review_queue(filled_store, **args)]

    assert sorted(queue()) == ["maize", "rice", "rice", "wheat"]
    assert queue(crops=["rice"]) == ["rice", "rice"]
    assert queue(annotators=["Ram"]) == ["maize"]
    assert queue(statuses=["accepted"]) == []
    assert queue(scene_id="other-scene") == []


def test_progress_counts_reviewed_of_submitted(filled_store) -> None:  # type: ignore[no-untyped-def]
    assert review_progress(filled_store, SCENE).reviewed == 0
    first, second = review_queue(
        filled_store, scene_id=SCENE, statuses=["submitted"], crops=["rice"], annotators=[]
    )
    assert review_field(filled_store, first, MAYA, accept=True, comment="").ok
    assert review_field(filled_store, second, MAYA, accept=False, comment="two fields").ok
    progress = review_progress(filled_store, SCENE)
    assert (progress.reviewed, progress.total, progress.fraction) == (2, 4, 0.5)
    assert filled_store.get(second.id).status is Status.REJECTED
    assert filled_store.get(second.id).review_comment == "two fields"
