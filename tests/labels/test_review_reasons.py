"""The reasons to reject read back from review comments (labels.review_reasons)."""

from __future__ import annotations

from collections import Counter

from labels.review_reasons import (
    OTHER,
    REASONS,
    TASK_REASON_AS_FIELDS,
    TASK_REASONS,
    reason_counts,
    reasons_in,
    reasons_text,
    with_reason,
)


def test_a_comment_gives_the_reasons_whose_sentences_it_holds_or_other() -> None:
    both = f"{REASONS['Wrong crop']} {REASONS['Two or more fields']} And see the road."
    assert reasons_in(both) == ["Two or more fields", "Wrong crop"]
    assert reasons_in("The road splits it.") == [OTHER]
    assert reasons_in(None) == [OTHER]  # rejected before comments were needed
    assert reasons_in(REASONS["Edges off"][:-1]) == [OTHER]  # the sentence changed: not it


def test_rejections_are_counted_by_reason_most_given_first() -> None:
    comments = [REASONS["Edges off"], REASONS["Edges off"] + " West side.", "no", None,
                REASONS["Not a field"], REASONS["Edges off"]]  # fmt: skip
    counts = reason_counts(comments)
    assert counts == Counter({"Edges off": 3, OTHER: 2, "Not a field": 1})
    assert reasons_text(counts) == "Edges off 3, other 2, Not a field 1"
    assert (
        reasons_text(Counter({"Wrong crop": 1, "Not a field": 1})) == "Not a field 1, Wrong crop 1"
    )
    assert reasons_text(Counter()) == ""


def test_a_reason_goes_before_the_comment_once_within_the_boxs_limit() -> None:
    assert with_reason("", REASONS["Wrong crop"], 500) == REASONS["Wrong crop"]
    once = with_reason("  West side. ", REASONS["Edges off"], 500)
    assert once == f"{REASONS['Edges off']} West side."
    assert with_reason(once, REASONS["Edges off"], 500) == once
    long = with_reason("x" * 600, REASONS["Edges off"], 500)
    assert long.startswith(REASONS["Edges off"]) and len(long) == 500


def test_a_tasks_reasons_are_read_with_their_own_list() -> None:
    comment = f"{TASK_REASONS['Fields missed']} The north corner."
    assert reasons_in(comment, TASK_REASONS) == ["Fields missed"]
    assert reasons_in(comment) == [OTHER]  # not one of a field's reasons
    counts = reason_counts([comment, TASK_REASONS["Edges off"], "redo it"], TASK_REASONS)
    assert reasons_text(counts, TASK_REASONS) == "Fields missed 1, Edges off 1, other 1"


def test_no_sentence_holds_another_in_either_list() -> None:
    """A reason is found by its sentence in the comment: one inside another would count twice."""
    for reasons in (REASONS, TASK_REASONS):
        for a in reasons.values():
            assert [b for b in reasons.values() if a != b and a in b] == []


def test_a_tasks_reason_read_as_a_fields_names_reasons_of_both_lists() -> None:
    assert set(TASK_REASON_AS_FIELDS) <= set(TASK_REASONS)
    assert set(TASK_REASON_AS_FIELDS.values()) <= set(REASONS)
