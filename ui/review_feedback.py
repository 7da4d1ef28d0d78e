"""What the Review page says after each decision, and when the queue is done."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReviewTally:
    """The decisions this reviewer made in this session."""

    accepted: int = 0
    rejected: int = 0

    def after(self, accept: bool) -> ReviewTally:
        """The tally with one more decision."""
        if accept:
            return ReviewTally(self.accepted + 1, self.rejected)
        return ReviewTally(self.accepted, self.rejected + 1)

    @property
    def any(self) -> bool:
        return bool(self.accepted or self.rejected)


def queue_done_text(tally: ReviewTally) -> str:
    """'Queue done — 3 accepted, 1 rejected.'"""
    return f"Queue done — {tally.accepted} accepted, {tally.rejected} rejected."
