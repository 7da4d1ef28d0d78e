"""Durable job records: who asked for which area, how, and what became of it.

One JSON file per job in the data folder (``jobs/<key>.json``, written atomically), so a
restarted server can tell a volunteer that their job finished (the result is in the
cache) or was interrupted (one click resubmits it) instead of forgetting it.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from labels.fsutil import atomic_write
from sr.imagery.scene import open_scene
from sr.sharpen.pipeline import SharpenRequest


class JobState(StrEnum):
    QUEUED = "queued"  # waiting for the volunteer's earlier job or for a worker
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"  # the server stopped while it ran: resubmit

    @property
    def active(self) -> bool:
        return self in (JobState.QUEUED, JobState.RUNNING)


@dataclass(frozen=True)
class JobRecord:
    """One job as stored: the request's fields, its volunteers, its state and timestamps."""

    key: str  # the request's cache key: an identical request joins this job
    volunteers: tuple[str, ...]
    scene_id: str
    scene_path: str
    bbox: tuple[float, float, float, float]
    method: str
    preset: str
    scale: int = 4
    seed: int = 0
    device: str = "auto"
    iterations: int | None = None
    state: JobState = JobState.QUEUED
    tries: int = 0
    job_id: str | None = None  # the latest submission's id on the cluster
    error: str | None = None
    result_path: str | None = None
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None

    @classmethod
    def of(cls, key: str, request: SharpenRequest, volunteer: str) -> JobRecord:
        return cls(
            key=key,
            volunteers=(volunteer,),
            scene_id=request.scene.scene_id,
            scene_path=str(request.scene.path),
            bbox=tuple(float(v) for v in request.bbox),  # type: ignore[arg-type]
            method=request.method,
            preset=request.preset,
            scale=request.scale,
            seed=request.seed,
            device=request.device,
            iterations=request.iterations,
        )

    def request(self) -> SharpenRequest:
        """The request again (the scene reopened from its path), for a resubmit."""
        return SharpenRequest(
            open_scene(Path(self.scene_path)),
            self.bbox,
            method=self.method,
            preset=self.preset,
            scale=self.scale,
            seed=self.seed,
            device=self.device,
            iterations=self.iterations,
        )

    def moved(self, state: JobState, **changes: Any) -> JobRecord:
        """This record in a new state (timestamps follow the state)."""
        now = time.time()
        if state is JobState.RUNNING and self.started is None:
            changes.setdefault("started", now)
        if not state.active:
            changes.setdefault("finished", now)
        return replace(self, state=state, **changes)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobRecord:
        data = dict(data)
        data["state"] = JobState(data["state"])
        data["volunteers"] = tuple(data["volunteers"])
        data["bbox"] = tuple(data["bbox"])
        return cls(**data)


class JobRecords:
    """A folder of job records, one file per request key."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        if not key.isalnum():  # keys are hex digests; anything else is not ours
            raise ValueError(f"Not a job key: {key!r}")
        return self.folder / f"{key}.json"

    def save(self, record: JobRecord) -> None:
        with atomic_write(self._path(record.key)) as out:
            json.dump(record.to_json(), out, indent=1)

    def load(self, key: str) -> JobRecord | None:
        try:
            return JobRecord.from_json(json.loads(self._path(key).read_text()))
        except (OSError, ValueError, TypeError, KeyError):
            return None

    def all(self) -> list[JobRecord]:
        """Every readable record, oldest first."""
        found = [r for p in self.folder.glob("*.json") if (r := self.load(p.stem))]
        return sorted(found, key=lambda r: r.created)
