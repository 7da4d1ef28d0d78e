"""The reasons to reject read back from review comments (labels.review_reasons)."""

from __future__ import annotations

from collections import Counter

from labels.review_reasons import OTHER, REASONS, reason_counts, reasons_in, reasons_text


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
