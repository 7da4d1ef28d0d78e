"""The usual reasons to reject a field, and what the rejections of a set of fields were for.

A reviewer picks a reason on the Review page; its sentence starts the review comment, which
is what the field's volunteer reads (the store keeps the comment only). Counting the reasons
back from the comments turns rejections into a quality report: what a volunteer is told
most, and what goes wrong most with each kind of outline (by hand, or the outline assist's).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

# Short name (the Review page's button) -> the sentence its volunteer reads.
REASONS = {
    "Not a field": "Not a field: woods, a road, buildings or water.",
    "Two or more fields": "Two or more fields in one outline: draw each on its own.",
    "Part of a field": "Only part of the field: outline all of it.",
    "Edges off": "The outline is off the field's edges: move it onto them.",
    "Wrong crop": "Wrong crop: look at the season profile, or ask your coordinator.",
}
OTHER = "other"  # a comment written without a reason picked


def reasons_in(comment: str | None) -> list[str]:
    """The reasons (short names) whose sentences ``comment`` holds, in :data:`REASONS`'
    order; ``[OTHER]`` for a comment that holds none."""
    found = [name for name, sentence in REASONS.items() if sentence in (comment or "")]
    return found or [OTHER]


def reason_counts(comments: Iterable[str | None]) -> Counter[str]:
    """How many of the rejections (their comments) gave each reason."""
    counts: Counter[str] = Counter()
    for comment in comments:
        counts.update(reasons_in(comment))
    return counts


def reasons_text(counts: Counter[str]) -> str:
    """'Edges off 3, Wrong crop 1, other 2': most given first, '' for none."""
    order = [*REASONS, OTHER]
    ranked = sorted(counts.items(), key=lambda item: (-item[1], order.index(item[0])))
    return ", ".join(f"{name} {n}" for name, n in ranked if n)
