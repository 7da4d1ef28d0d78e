"""How reviews went for fields outlined each way (by hand, or by the outline assist, edited
or not): the assist judged in production, by the campaign's own reviewers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from labels.base_store import LabelFilter, LabelStore
from labels.model import HAND, PROPOSED, PROPOSED_EDITED, Status
from labels.review_reasons import reason_counts

OUTLINE_KINDS = (HAND, PROPOSED, PROPOSED_EDITED, "")  # "": not recorded (older labels)


@dataclass(frozen=True)
class OutlineOutcomes:
    """The submitted fields of one kind of outline: waiting for review, accepted, rejected,
    and what the rejected ones were rejected for (``labels.review_reasons``)."""

    drawing: str  # one of OUTLINE_KINDS
    waiting: int
    accepted: int
    rejected: int
    rejected_for: Counter[str] = field(default_factory=Counter)

    @property
    def reviewed(self) -> int:
        return self.accepted + self.rejected

    @property
    def accepted_share(self) -> float | None:
        """Accepted of reviewed (None when none was reviewed)."""
        return self.accepted / self.reviewed if self.reviewed else None


def outcomes_by_outline(store: LabelStore, scene_id: str | None) -> list[OutlineOutcomes]:
    """For each kind of outline with a submitted field on the scene (None: every scene), how
    its reviews went, counted by the database (one query per status), and what its
    rejections were for (read from their comments)."""
    counts = {
        status: store.count_by("drawing", LabelFilter(scene_id=scene_id, status=status))
        for status in (Status.SUBMITTED, Status.ACCEPTED, Status.REJECTED)
    }
    comments: dict[str, list[str | None]] = {kind: [] for kind in OUTLINE_KINDS}
    for label in store.query(LabelFilter(scene_id=scene_id, status=Status.REJECTED)):
        comments.setdefault(label.drawing or "", []).append(label.review_comment)
    found = [
        OutlineOutcomes(
            kind,
            counts[Status.SUBMITTED].get(kind, 0),
            counts[Status.ACCEPTED].get(kind, 0),
            counts[Status.REJECTED].get(kind, 0),
            reason_counts(comments[kind]),
        )
        for kind in OUTLINE_KINDS
    ]
    return [o for o in found if o.waiting or o.reviewed]
