"""The review queue, its filters and progress."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from shapely.geometry import box

from labels.base_store import Version
from labels.model import HAND, PROPOSED, PROPOSED_EDITED, Label, Status, View
from labels.outline_outcomes import OutlineOutcomes
from labels.review_reasons import OTHER
from sr.sharpen.assessment import Badge
from sr.sharpen.cache import CachedResult
from tests.ui.conftest import MAYA, SCENE, field_at, shown
from ui.consistency_view import TEXTS
from ui.label_actions import review_field
from ui.local_time import zone_named
from ui.review import (
    OUTLINED_CHOICES,
    UNEDITED_PROPOSAL,
    assist_version_note,
    enhanced_view_of,
    field_summary,
    filter_outlined,
    history_line,
    outcome_lines,
    outline_origin,
    review_caution,
    review_progress,
    review_queue,
)


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


def test_the_review_says_how_each_outline_came_to_be_and_filters_by_it() -> None:
    field = field_at(0)
    labels = {
        drawing: Label(field, "rice", SCENE, "Sita", drawing=drawing, assist_version=version)
        for drawing, version in (
            (HAND, None),
            (PROPOSED, "learned-merge-mlp32-0639318793c6@0.5"),
            (PROPOSED_EDITED, "learned-merge-mlp32-0639318793c6@0.4"),
            (None, None),
        )
    }
    assert outline_origin(labels[HAND]) == "outlined by hand"
    assert outline_origin(labels[PROPOSED]) == "outlined by the assist, not edited"
    assert outline_origin(labels[PROPOSED_EDITED]) == "outlined by the assist, then edited"
    assert outline_origin(labels[None]) is None  # saved before it was recorded
    version = assist_version_note(labels[PROPOSED_EDITED])
    assert version is not None
    assert shown(version) == "Outline proposed by assist learned-merge-mlp32-0639318793c6@0.4."
    assert assist_version_note(labels[HAND]) is None and assist_version_note(labels[None]) is None
    every = list(labels.values())
    assert filter_outlined(every, []) == every
    assert filter_outlined(every, ["by the assist, not edited"]) == [labels[PROPOSED]]
    assert filter_outlined(every, ["by hand", "not recorded"]) == [labels[HAND], labels[None]]
    assert list(OUTLINED_CHOICES.values()) == [HAND, PROPOSED, PROPOSED_EDITED, None]
    water = "Looks like open water on both dates (92% and 88% of it): …"
    assert review_caution(labels[PROPOSED], None) == UNEDITED_PROPOSAL
    assert review_caution(labels[PROPOSED], water) == water  # one caution: Accept in view
    assert review_caution(labels[HAND], water) == water
    assert review_caution(labels[HAND], None) is None
    assert review_caution(labels[PROPOSED_EDITED], None) is None


def test_the_field_summary_names_the_method_with_the_view_and_the_dates_on_their_own() -> None:
    label = Label(
        field_at(0),
        "rice",
        SCENE,
        "Sita",
        status=Status.SUBMITTED,
        view=View.ENHANCED,
        enhancement="enhancer",
        drawing=PROPOSED_EDITED,
        assist_version="learned-merge-mlp32-0639318793c6@0.4",
        dates_seen="date 1, date 2",
        area_ha=1.1,
        perimeter_m=421.0,
    )
    lines = [shown(line) for line in field_summary(label).split("  \n")]
    assert lines == [
        "**rice**, 1.10 ha, 421 m around",
        "by **Sita**, submitted",
        "drawn on the enhanced view (Enhancer), outlined by the assist, then edited",
        "dates looked at: date 1, date 2",
    ]
    faithful = field_summary(label, TEXTS[Badge.CONSISTENT]).split("  \n")[2]
    assert shown(faithful) == (
        "drawn on the enhanced view (Enhancer) :green-badge[faithful], outlined by the assist, "
        "then edited"
    )  # the view's badge beside it, on its line
    by_hand = field_summary(label.replace(view=View.ORIGINAL, enhancement=None, drawing=HAND))
    assert shown(by_hand).split("  \n")[2] == "drawn on the original view, outlined by hand"


def _area(key: str, bbox: tuple[float, float, float, float], date: int = 0) -> CachedResult:
    return CachedResult(
        key, Path(f"/nonexistent/{key}.tif"), {"bbox": list(bbox), "date_index": date}
    )


def test_a_fields_enhanced_view_is_the_area_holding_most_of_it() -> None:
    """An area's raster reaches past its lon/lat box, so a field outlined to the raster's
    edge sticks out of the box: it still has its enhanced view (it had none when the area
    had to hold all of it)."""
    field = Label(geometry=box(0.0, 0.0, 1.0, 1.0), crop="rice", scene_id=SCENE, annotator="Sita")
    sticks_out = _area("a", (0.08, -0.5, 2.0, 2.0))  # holds 92 % of it
    assert enhanced_view_of(field, [sticks_out]) is sticks_out
    assert enhanced_view_of(field, [_area("b", (0.6, -1, 2, 2))]) is None  # 40 %: not its view
    whole, other_date = _area("c", (-1, -1, 2, 2)), _area("d", (-1, -1, 2, 2), date=1)
    assert enhanced_view_of(field, [sticks_out, whole]) is whole  # the one holding most
    assert (
        enhanced_view_of(field, [whole, _area("e", (-2, -2, 3, 3))]) is whole
    )  # the first of equals
    assert enhanced_view_of(field, [whole, other_date], date=1) is other_date  # the date shown
    assert enhanced_view_of(field, [sticks_out, other_date], date=0) is sticks_out


def test_a_fields_history_says_its_times_in_the_reviewers_zone_and_escapes_names() -> None:
    label = Label(box(13.1, 48.2, 13.101, 48.201), "rice", SCENE, annotator="Ram",
                  status=Status.SUBMITTED, updated_at="2026-12-07T00:39:20.123456Z")  # fmt: skip
    version = Version(3, "task split", "**Ram**", "volunteer", label)
    line = history_line(version, zone_named("Asia/Kathmandu"))
    assert line.startswith("2026-12-07 06:24 your time · task split by ")
    assert shown(line).endswith("by **Ram** (volunteer) → submitted")
    assert "**Ram**" not in line  # escaped: shown as typed, not as bold
    assert history_line(version, None).startswith("2026-12-07 00:39 UTC · ")


def test_the_reviews_by_outline_are_a_line_each_with_what_the_rejections_were_for() -> None:
    found = [
        OutlineOutcomes(HAND, 2, 0, 0),
        OutlineOutcomes(PROPOSED, 1, 5, 2, Counter({OTHER: 1, "Edges off": 1})),
    ]
    assert outcome_lines(found) == [
        "**by hand**: 2 waiting, 0 accepted, 0 rejected.",
        "**by the assist, not edited**: 1 waiting, 5 accepted, 2 rejected; 71% of those "
        "reviewed accepted. Rejected for Edges off 1, other 1.",
    ]
