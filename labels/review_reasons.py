"""The usual reasons to reject a field or to invalidate a campaign task, and what the
rejections (invalidations) of a set of fields (tasks) were for.

A reviewer picks a reason on the Review page (a field) or the Campaigns page (a task); its
sentence starts the comment, which is what the volunteer reads (the store keeps the comment
only). Counting the reasons back from the comments turns rejections into a quality report:
what a volunteer is told most, and what goes wrong most with each kind of outline (by hand,
or the outline assist's). Each function takes the list of reasons it reads (fields' by
default).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

# Short name (the Review page's button) -> the sentence its volunteer reads.
REASONS = {
    "Not a field": "Not a field: woods, a road, buildings or water.",
    "Two or more fields": "Two or more fields in one outline: draw each on its own.",
    "Part of a field": "Only part of the field: outline all of it.",
    "Edges off": "The outline is off the field's edges: move it onto them.",
    "Wrong crop": "Wrong crop: look at the season profile, or ask your coordinator.",
}
# The same for a task sent back to its mapper: what is wrong with the task's fields as a set.
TASK_REASONS = {
    "Fields missed": "Fields are missing: outline every field in the task.",
    "Not fields": "Some outlines are not fields (woods, roads, buildings, water): delete them.",
    "Fields merged": "Some outlines hold two or more fields: draw each on its own.",
    "Edges off": "Some outlines are off the fields' edges: move them onto them.",
    "Wrong crops": "Some crops are wrong: look at the season profile, or ask your coordinator.",
}
OTHER = "other"  # a comment written without a reason picked
# A task's reason that says of its fields what a field's reason says of one field (a
# report counting both reads them as one).
TASK_REASON_AS_FIELDS = {
    "Not fields": "Not a field",
    "Fields merged": "Two or more fields",
    "Edges off": "Edges off",
    "Wrong crops": "Wrong crop",
}


def reasons_in(comment: str | None, reasons: Mapping[str, str] = REASONS) -> list[str]:
    """The reasons (short names) whose sentences ``comment`` holds, in ``reasons``' order;
    ``[OTHER]`` for a comment that holds none."""
    found = [name for name, sentence in reasons.items() if sentence in (comment or "")]
    return found or [OTHER]


def reason_counts(
    comments: Iterable[str | None], reasons: Mapping[str, str] = REASONS
) -> Counter[str]:
    """How many of the rejections (their comments) gave each reason."""
    counts: Counter[str] = Counter()
    for comment in comments:
        counts.update(reasons_in(comment, reasons))
    return counts


def reasons_text(counts: Counter[str], reasons: Mapping[str, str] = REASONS) -> str:
    """'Edges off 3, Wrong crop 1, other 2': most given first, '' for none."""
    order = [*reasons, OTHER]
    ranked = sorted(counts.items(), key=lambda item: (-item[1], order.index(item[0])))
    return ", ".join(f"{name} {n}" for name, n in ranked if n)


def with_reason(comment: str, sentence: str, limit: int) -> str:
    """``comment`` with a reason's ``sentence`` before it, once, within ``limit``
    characters (the comment box's)."""
    if sentence in comment:
        return comment
    return f"{sentence} {comment.strip()}".strip()[:limit]
