"""Background jobs with progress, ETA, preview and cancellation, for long enhancements.

A job runs a function in a daemon thread. The function receives a ``report`` callable
(fraction done, a message, an optional preview image) and a ``threading.Event`` that is
set when the user cancels. The page polls ``Job.snapshot()``; nothing here knows about
Streamlit.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Protocol

import numpy as np


class JobStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobCancelled(Exception):
    """Raised inside a job's function to stop early because the user cancelled."""


class Report(Protocol):
    def __call__(
        self, fraction: float, message: str = "", preview: np.ndarray | None = None
    ) -> None: ...


JobFunction = Callable[[Report, threading.Event], Any]


@dataclass(frozen=True)
class JobSnapshot:
    """What a page shows about a job at one moment."""

    key: str
    status: JobStatus
    fraction: float
    message: str
    started: float
    updated: float
    preview: np.ndarray | None = None
    result: Any = None
    error: str | None = None

    @property
    def elapsed_s(self) -> float:
        return self.updated - self.started

    @property
    def eta_s(self) -> float | None:
        """Seconds left, extrapolated from progress so far (None before there is any)."""
        if self.status is not JobStatus.RUNNING or self.fraction <= 0.01:
            return None
        return self.elapsed_s * (1 - self.fraction) / self.fraction


class Job:
    """One function running in a background thread."""

    def __init__(self, key: str, function: JobFunction) -> None:
        self.key = key
        self._function = function
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        now = time.monotonic()
        self._state = JobSnapshot(key, JobStatus.RUNNING, 0.0, "starting…", now, now)
        self._thread = threading.Thread(target=self._run, name=f"job-{key[:12]}", daemon=True)

    def start(self) -> Job:
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Ask the job to stop; it stops at its next progress report."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> JobSnapshot:
        self._thread.join(timeout)
        return self.snapshot()

    def snapshot(self) -> JobSnapshot:
        with self._lock:
            return self._state

    def _update(self, **changes: Any) -> None:
        with self._lock:
            self._state = replace(self._state, updated=time.monotonic(), **changes)

    def _report(
        self, fraction: float, message: str = "", preview: np.ndarray | None = None
    ) -> None:
        if self._cancel.is_set():
            raise JobCancelled
        changes: dict[str, Any] = {"fraction": min(max(fraction, 0.0), 1.0), "message": message}
        if preview is not None:
            changes["preview"] = preview
        self._update(**changes)

    def _run(self) -> None:
        try:
            result = self._function(self._report, self._cancel)
        except JobCancelled:
            self._update(status=JobStatus.CANCELLED, message="cancelled")
        except Exception as exc:  # the page shows the message; the trace goes to the log
            traceback.print_exc()
            self._update(status=JobStatus.FAILED, error=str(exc) or type(exc).__name__)
        else:
            if self._cancel.is_set():
                self._update(status=JobStatus.CANCELLED, message="cancelled")
            else:
                self._update(status=JobStatus.DONE, fraction=1.0, message="done", result=result)


class JobBoard:
    """The process's jobs by key: submitting a key that is already running joins it."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def submit(self, key: str, function: JobFunction) -> Job:
        with self._lock:
            job = self._jobs.get(key)
            if job is None or job.snapshot().status is not JobStatus.RUNNING:
                job = Job(key, function).start()
                self._jobs[key] = job
            return job

    def get(self, key: str) -> Job | None:
        with self._lock:
            return self._jobs.get(key)
