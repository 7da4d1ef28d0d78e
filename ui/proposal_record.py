"""What the outline assist proposed to one volunteer on one scene, kept beside their drafts:
the proposals put into the unsaved drawings (so that a saved label records ``proposed``,
``proposed-edited`` or ``hand``), Outline all's queue still to confirm, and the click behind
the latest proposal (Larger / Smaller field and corrections start from it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from labels.agreement import iou
from labels.model import HAND, PROPOSED, PROPOSED_EDITED
from sr.fsutil import atomic_write
from ui.fields_around import FieldsAround, passes_checks
from ui.outline_assist import LonLatCorrection, assist_version
from ui.outline_edges import ViewFrame

SAME_OUTLINE_DEG = 1e-6  # Leaflet's rounding: smaller differences are not edits
EDITED_OVERLAP = 0.5  # a saved outline overlapping a proposal more than this is that proposal


@dataclass(frozen=True)
class QueueFit:
    """What fitting the outline-all queue to the fields drawn since did: whether its next
    proposal was cut, and how many proposals were skipped (nothing of them, or a sliver too
    small to save, lay outside those fields)."""

    cut: bool = False
    skipped: int = 0


@dataclass(frozen=True)
class LastClick:
    """The click behind the latest proposal, to propose it again larger or smaller, and the
    clicks that corrected it since (lon, lat, add: True adds a part, False cuts one off)."""

    lon: float
    lat: float
    every_date: bool = False
    date: int = 0
    grow: int = 0
    corrections: tuple[LonLatCorrection, ...] = ()


@dataclass
class Proposals:
    """What the assist proposed to one user on one scene: outlines put into the unsaved
    drawings (with the assist's version), the outline-all queue still to confirm, and the
    click behind the latest proposal."""

    path: Path
    proposed: list[tuple[BaseGeometry, str]] = field(default_factory=list)
    queue: list[BaseGeometry] = field(default_factory=list)
    queue_version: str = ""  # what proposed the queue (assist_version() when not said)
    queue_frame: ViewFrame | None = None  # the area the queue was outlined on
    last_click: LastClick | None = None

    @classmethod
    def beside(cls, drafts_path: Path) -> Proposals:
        """The proposals kept next to a drafts file (empty when none or unreadable)."""
        found = cls(drafts_path.with_name(drafts_path.stem + ".assist.json"))
        try:
            data = json.loads(found.path.read_text())
            found.proposed = [(shape(g), str(v)) for g, v in data["proposed"]]
            found.queue = [shape(g) for g in data["queue"]]
            found.queue_version = str(data.get("queue_version") or assist_version())
            if (frame := data.get("queue_frame")) is not None:
                found.queue_frame = ViewFrame.from_json(frame)
            if (click := data.get("last_click")) is not None:
                found.last_click = LastClick(
                    float(click["lon"]),
                    float(click["lat"]),
                    bool(click["every_date"]),
                    int(click["date"]),
                    int(click["grow"]),
                    tuple(
                        (float(lo), float(la), bool(add))
                        for lo, la, add in click.get("corrections", [])
                    ),
                )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls(found.path)
        return found

    def save(self) -> None:
        data = {
            "proposed": [[mapping(g), v] for g, v in self.proposed],
            "queue": [mapping(g) for g in self.queue],
            "queue_version": self.queue_version,
            "queue_frame": None if self.queue_frame is None else self.queue_frame.to_json(),
            "last_click": None if self.last_click is None else asdict(self.last_click),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(self.path) as out:
            out.write(json.dumps(data))

    def drop_queue(self) -> None:
        """Drop Outline all's proposals still waiting, and keep that (Stop, the area centred
        on the waiting one, a task handed in as it is)."""
        self.queue = []
        self.save()

    def add(self, geometry: BaseGeometry, version: str) -> None:
        self.proposed.append((geometry, version))

    def latest_unchanged(self, drawings: list[BaseGeometry]) -> int | None:
        """Where the latest click's proposal is among the unsaved ``drawings``, unchanged;
        None when there is no such click or the proposal was edited, saved or deleted."""
        if self.last_click is None or not self.proposed:
            return None
        latest = self.proposed[-1][0]
        for index, drawing in enumerate(drawings):
            if drawing.equals_exact(latest, SAME_OUTLINE_DEG):
                return index
        return None

    def drawing_of(self, geometry: BaseGeometry) -> tuple[str, str | None]:
        """How an outline came to be: a proposal unchanged, edited, or drawn by hand."""
        best, version = 0.0, None
        for proposal, proposed_by in self.proposed:
            if geometry.equals_exact(proposal, SAME_OUTLINE_DEG):
                return PROPOSED, proposed_by
            if (overlap := iou(geometry, proposal)) > best:
                best, version = overlap, proposed_by
        return (PROPOSED_EDITED, version) if best > EDITED_OVERLAP else (HAND, None)

    def not_proposed(self, drawings: Sequence[BaseGeometry]) -> tuple[BaseGeometry, ...]:
        """The ``drawings`` that are not proposals unchanged: drawn by hand, or edited."""
        return tuple(g for g in drawings if self.drawing_of(g)[0] != PROPOSED)

    def fit_queue_head(self, around: FieldsAround, user: str) -> QueueFit:
        """Cut the outline-all queue's next proposal off the fields ``around`` it now (drawn,
        edited or saved since Outline all, :meth:`FieldsAround.cut`), skipping those left
        with nothing or with a sliver that fails the drawing checks (as ``user``'s), so that
        Keep adds what the map shows in yellow."""
        skipped = 0
        while self.queue:
            trimmed = around.cut(self.queue[0])
            outline = trimmed.outline
            if trimmed.cut_along and (
                outline is None or not passes_checks(outline, around.store, around.scene_id, user)
            ):
                self.queue.pop(0)
                skipped += 1
                continue
            self.queue[0] = outline or self.queue[0]
            return QueueFit(trimmed.cut_along > 0, skipped)
        return QueueFit(False, skipped)

    def forget(self, saved: list[BaseGeometry]) -> None:
        """Drop the proposals whose outlines were saved (unchanged or edited)."""
        self.proposed = [
            (p, v) for p, v in self.proposed if all(iou(g, p) <= EDITED_OVERLAP for g in saved)
        ]
