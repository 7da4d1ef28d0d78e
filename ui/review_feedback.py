"""The Review page's decisions: each made on the field on screen, and what the page says
after it and when the queue is done."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from labels.base_store import LabelStore
from labels.model import Label
from labels.review_reasons import with_reason
from ui.auth import Identity
from ui.label_actions import review_field
from ui.uninterrupted import uninterrupted

TALLY_KEY = "review_tally"  # this session's ReviewTally
TOAST_KEY = "review_toast"  # what the last decision did, said once
REFUSED_KEY = "review_refused"  # why the last decision was not kept, said once
COMMENT_CHARS = 500  # the comment box's limit
NEEDS_A_REASON = (
    "To reject a field, say why in the comment: pick a reason under the buttons, or write one."
)


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


def comment_key(label: Label) -> str:
    """The session key of the comment box under a field."""
    return f"comment-{label.id}"


def reason_key(label: Label) -> str:
    """The session key of the reasons under a field's buttons."""
    return f"reason-{label.id}"


def take_reason(reason_key: str, comment_key: str, reasons: Mapping[str, str], limit: int) -> None:
    """A row of reasons' callback (Review's under a field, the Campaigns page's under a
    task): the sentence of the reason picked goes into the comment box (``limit``: its
    characters), where the reviewer sees and may add to it; the reasons are ready for
    another pick."""
    state = st.session_state
    if reason := state.get(reason_key):
        state[comment_key] = with_reason(state.get(comment_key, ""), reasons[reason], limit)
    state[reason_key] = None


@uninterrupted
def decide(store: LabelStore, label: Label, identity: Identity, accept: bool) -> None:
    """Accept's or Reject's callback, bound to ``label`` as the page drew it: the decision is
    on the field the reviewer saw, at the version seen. A rerun after the click may find the
    queue changed (another reviewer took that field meanwhile) and show another field; a
    decision read from the rerun would fall on that one, never seen."""
    state = st.session_state
    comment = state.get(comment_key(label), "")
    if not accept and not comment.strip():
        state[REFUSED_KEY] = NEEDS_A_REASON
        return
    outcome = review_field(store, label, identity, accept=accept, comment=comment)
    if outcome.ok:
        state[TALLY_KEY] = state.get(TALLY_KEY, ReviewTally()).after(accept)
        state[TOAST_KEY] = outcome.message
    else:
        state[REFUSED_KEY] = outcome.message
