"""The press of "I'm done with this task" looks first at what is still on the map.

A task is done when every field in its square is saved. A volunteer who presses "I'm done"
with drawings not yet saved, or with Outline all's proposals still waiting for Keep / Skip,
would hand in a task that looks finished to its validator and is not. So the press asks
first (:func:`leftovers`, :meth:`Leftovers.question`), and the panel offers to save first or
to hand the task in as it is. Handing in as it is loses nothing the volunteer made: unsaved
drawings stay on the map (saved later, they carry no task: it is no longer held), and only
the proposals no one kept are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from ui.drawings import Draft, Drafts
from ui.proposal_record import Proposals

HAND_IN_ASKED = "hand_in_asked"  # session key: the task (ref) whose hand-in waits for an answer
AS_IT_IS = "Hand it in as it is"
NOT_YET = "Not yet"


@dataclass(frozen=True)
class Leftovers:
    """What is on the map and not saved when a task is handed in."""

    unsaved: int  # unsaved drawings and changed outlines
    waiting: int  # Outline all's proposals waiting for Keep / Skip

    @classmethod
    def of(cls, draft: Draft, proposals: Proposals) -> Leftovers:
        """What a draft and Outline all's record leave on the map (as the caller read them:
        the Label page at the start of its run, the press when pressed)."""
        return cls(len(draft.new) + len(draft.edits), len(proposals.queue))

    def __bool__(self) -> bool:
        return bool(self.unsaved or self.waiting)

    def question(self, number: int) -> str:
        """What the panel asks before handing task ``number`` in."""
        parts = []
        if self.unsaved:
            parts.append(f"{self.unsaved} unsaved drawing(s)")
        if self.waiting:
            parts.append(f"{self.waiting} proposed field(s) waiting for Keep / Skip")
        dropped = " The proposals waiting are dropped." if self.waiting else ""
        kept = (
            " Unsaved drawings stay on the map; saved later, they carry no task."
            if self.unsaved
            else ""
        )
        return (
            f"Task {number} still has {' and '.join(parts)}. Save the fields you want in it "
            f"first, or hand it in as it is.{dropped}{kept}"
        )


def leftovers(drafts: Drafts) -> Leftovers:
    """The unsaved drawings and the waiting proposals of the volunteer's drafts, read now."""
    return Leftovers.of(drafts.load(), Proposals.beside(drafts.path))
