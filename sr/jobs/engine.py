"""Enhancement jobs on Dask distributed: a fair queue, progress, cancel, durable records.

:class:`JobEngine` is the process-wide registry the pages use (Streamlit reruns would drop
futures held by a page). Each volunteer has at most one job on the cluster and a few
waiting here (:class:`QueueLimits`); an identical request (same cache key) joins the job
that is already there. Every change of state is written to a :class:`JobRecords` folder,
so after a restart a volunteer sees their job finished or interrupted. Nothing here knows
about Streamlit.
"""

from __future__ import annotations

import contextlib
import logging
import os
import statistics
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from distributed import Client, Event, Future, KilledWorker, Variable

from sr.jobs.cluster import EmbeddedCluster, connect, has_gpu_workers, job_resources, task_slots
from sr.jobs.records import JobRecord, JobRecords, JobState
from sr.jobs.worker import (
    cancel_name,
    decode_preview,
    lost_message,
    preview_name,
    progress_name,
    run_job,
)
from sr.progress import Cancelled
from sr.sharpen.cache import CachedResult, ResultCache
from sr.sharpen.methods import METHODS
from sr.sharpen.pipeline import SharpenRequest, request_key

log = logging.getLogger(__name__)

__all__ = ["JobEngine", "JobSnapshot", "JobState", "QueueFull", "QueueLimits"]

# Seconds a job takes before any has finished here (ETA in the queue), by method family.
TYPICAL_S = {"dip": 60.0, "enhancer": 10.0, "interpolation": 2.0}
INTERRUPTED = "The server restarted while this job was {state}; resubmit it."
BACKGROUND = "background: "  # owner prefix of jobs queued before anyone asked (campaigns)


def is_background(owner: str) -> bool:
    """True for the owner of a job queued ahead of need (``JobEngine.submit_background``)."""
    return owner.startswith(BACKGROUND)


def _family(method: str) -> str:
    """The method's family ("dip", "enhancer", "interpolation"); an unknown name fails on
    the worker with its message, like any other bad request."""
    return METHODS[method].family if method in METHODS else "interpolation"


class QueueFull(Exception):
    """The volunteer already has as many jobs as the queue allows; user-facing message."""


@dataclass(frozen=True)
class QueueLimits:
    """Per volunteer: one job on the cluster, ``waiting`` more here; ``max_tries`` starts."""

    waiting: int = 2
    max_tries: int = 3

    @classmethod
    def from_env(cls) -> QueueLimits:
        """$SHARPFIELDS_QUEUE_PER_VOLUNTEER (waiting jobs, default 2)."""
        return cls(waiting=max(0, int(os.environ.get("SHARPFIELDS_QUEUE_PER_VOLUNTEER", "2"))))


@dataclass(frozen=True)
class JobSnapshot:
    """What a page shows about a job at one moment."""

    record: JobRecord
    fraction: float = 0.0
    message: str = ""
    preview: np.ndarray | None = None
    preview_version: int = 0  # counts the previews the job has sent; 0: none yet
    position: int | None = None  # jobs ahead of it in the queue (queued jobs only)
    eta_s: float | None = None  # seconds until it is done (queued: includes the wait)
    notice: str = ""  # e.g. its worker stopped and it started again
    worker: str = ""  # the address of the worker running it

    @property
    def key(self) -> str:
        return self.record.key

    @property
    def status(self) -> JobState:
        return self.record.state

    @property
    def error(self) -> str | None:
        return self.record.error


Connector = Callable[[], tuple[Client, EmbeddedCluster | None]]


class JobEngine:
    """The jobs of this app server: submit, join, cancel, resubmit, and what they show."""

    def __init__(
        self,
        records: JobRecords,
        cache: ResultCache,
        connector: Connector = connect,
        limits: QueueLimits | None = None,
    ) -> None:
        self.records = records
        self.cache = cache
        self.limits = limits or QueueLimits.from_env()
        self._connector = connector
        self._client: Client | None = None
        self._cluster: EmbeddedCluster | None = None
        self._lock = threading.RLock()
        self._connecting = threading.Lock()  # held while the cluster starts, not self._lock
        self._last_progress: dict[str, dict[str, Any]] = {}  # job id → last report seen
        self._previews: dict[str, tuple[int, np.ndarray | None]] = {}  # job id → (version, …)
        self._jobs: dict[str, JobRecord] = {}
        self._requests: dict[str, SharpenRequest] = {}
        self._futures: dict[str, Future[CachedResult]] = {}
        self._job_ids: dict[str, str] = {}
        self._slots: tuple[float, int] = (0.0, 1)
        self._served: dict[str, float] = {}  # volunteer → when their last job was sent
        for record in records.all():
            self._jobs[record.key] = self._recovered(record)

    # --- what the pages call -------------------------------------------------------------
    def submit(self, request: SharpenRequest, volunteer: str) -> JobSnapshot:
        """Queue a request for a volunteer, or join the identical job already there.

        Raises :class:`QueueFull` when the volunteer has one job running and the allowed
        number waiting. A request whose result is cached is done at once.
        """
        key = request_key(request)
        with self._lock:
            current = self._jobs.get(key)
            if current is not None and current.state.active:
                if volunteer not in current.volunteers:
                    # a volunteer joining a background job still waiting takes it over: it
                    # waits no longer than their own job would
                    ahead = is_background(current.volunteers[0]) and key not in self._futures
                    people = (
                        (volunteer, *current.volunteers)
                        if ahead
                        else (*current.volunteers, volunteer)
                    )
                    self._store(replace(current, volunteers=people))
                return self._snapshot(key)
            record = JobRecord.of(key, request, volunteer)
            cached = self.cache.get(key)
            if cached is not None:
                self._store(record.moved(JobState.DONE, result_path=str(cached.path)))
                return self._snapshot(key)
            mine = [r for r in self._jobs.values() if r.state.active and volunteer in r.volunteers]
            if len(mine) > self.limits.waiting:
                raise QueueFull(
                    f"You already have {len(mine)} enhancements running or waiting (the most "
                    "allowed); wait for one to finish or cancel one."
                )
            self._requests[key] = request
            self._store(record)
        self._pump_soon()
        return self.snapshot(key)  # type: ignore[return-value]

    def submit_background(self, requests: Iterable[SharpenRequest], owner: str) -> int:
        """Queue areas to sharpen before anyone asks for them (a campaign's tasks), at low
        priority: they go to the cluster only when no volunteer's job is waiting, one at a
        time, and no queue limit applies. Areas cached or already queued are skipped;
        returns how many were queued."""
        name = f"{BACKGROUND}{owner}"
        queued = 0
        with self._lock:
            for request in requests:
                key = request_key(request)
                current = self._jobs.get(key)
                if (current is not None and current.state.active) or self.cache.get(key):
                    continue
                self._requests[key] = request
                self._store(JobRecord.of(key, request, name))
                queued += 1
        if queued:
            self._pump()
        return queued

    def resubmit(self, key: str, volunteer: str) -> JobSnapshot:
        """Submit a finished, failed, cancelled or interrupted job's request again."""
        with self._lock:
            record = self._jobs.get(key)
            if record is None:
                raise KeyError(key)
            request = self._requests.get(key) or record.request()
        return self.submit(request, volunteer)

    def cancel(self, key: str, volunteer: str) -> None:
        """The volunteer no longer wants the job: it stops when nobody else joined it —
        at once when it waits, within one DIP iteration when it runs."""
        with self._lock:
            record = self._jobs.get(key)
            if record is None or not record.state.active:
                return
            others = tuple(v for v in record.volunteers if v != volunteer)
            if others:
                self._store(replace(record, volunteers=others))
                return
            future, job_id = self._futures.pop(key, None), self._job_ids.pop(key, None)
            self._store(record.moved(JobState.CANCELLED))
        if future is not None and job_id is not None:
            Event(cancel_name(job_id), client=self._connect()).set()
            future.cancel()
            self._forget(job_id)
        self._pump()

    def snapshot(self, key: str) -> JobSnapshot | None:
        with self._lock:
            if key not in self._jobs:
                return None
            held = any(r.state.active and r.key not in self._futures for r in self._jobs.values())
        if held:
            self._pump_soon()  # a worker may have joined the cluster meanwhile
        return self._snapshot(key)

    def jobs_of(self, volunteer: str, scene_id: str | None = None) -> list[JobSnapshot]:
        """A volunteer's jobs (on a scene), newest first."""
        with self._lock:
            keys = [
                r.key
                for r in sorted(self._jobs.values(), key=lambda r: r.created, reverse=True)
                if volunteer in r.volunteers and scene_id in (None, r.scene_id)
            ]
        return [s for key in keys if (s := self.snapshot(key)) is not None]

    def jobs(self) -> list[JobRecord]:
        """Every job this engine knows (recorded), oldest first."""
        with self._lock:
            return sorted(self._jobs.values(), key=lambda r: r.created)

    def result(self, key: str) -> CachedResult | None:
        return self.cache.get(key)

    def wait(self, key: str, timeout: float = 60.0) -> JobSnapshot:
        """Block until the job is no longer active (tests, benchmarks)."""
        deadline = time.monotonic() + timeout
        while True:
            snap = self.snapshot(key)
            if snap is None or not snap.status.active:
                return snap  # type: ignore[return-value]
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {key} still {snap.status} after {timeout} s")
            time.sleep(0.1)

    def close(self) -> None:
        """Disconnect (and stop an embedded cluster); active jobs stay recorded as such, so
        the next engine on these records reports them interrupted."""
        with self._lock:
            client, cluster = self._client, self._cluster
            self._client = self._cluster = None
            self._futures.clear()
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    @property
    def client(self) -> Client:
        return self._connect()

    # --- the queue -----------------------------------------------------------------------
    def warm_up(self) -> threading.Thread:
        """Connect (starting the embedded cluster and its workers) in the background, so the
        first Enhance does not wait for the workers to start."""
        thread = threading.Thread(
            target=self._warm_up, name="sharpfields-jobs-warm-up", daemon=True
        )
        thread.start()
        return thread

    def _pump_soon(self) -> None:
        """:meth:`_pump` now; but while the cluster is still starting (:meth:`warm_up`), in
        the background, so that a page shows the job at once instead of waiting for it."""
        if self._client is None and self._connecting.locked():
            threading.Thread(target=self._pump_quietly, daemon=True).start()
        else:
            self._pump()

    def _pump_quietly(self) -> None:
        with contextlib.suppress(Exception):  # the next page refresh pumps again
            self._connect()  # wait for the cluster without holding the jobs' lock
            self._pump()

    def _warm_up(self) -> None:
        with contextlib.suppress(Exception):  # an unreachable cluster is reported at Enhance
            self._task_slots()

    def _connect(self) -> Client:
        with self._connecting:
            if self._client is None:
                self._client, self._cluster = self._connector()
            return self._client

    def _pump(self) -> None:
        """Send waiting jobs to the cluster in turn (:meth:`_dispatch_order`), one per
        volunteer at a time, and only as many as it has free task slots: Dask places a task
        on a worker when it is sent, so a job sent early could wait behind a long one while
        another worker frees."""
        with self._lock:
            busy = {self._jobs[k].volunteers[0] for k in self._futures}
            free = self._task_slots() - len(self._futures)
            for key in self._dispatch_order():
                owner = self._jobs[key].volunteers[0]
                if free <= 0:
                    break
                if owner not in busy:
                    busy.add(owner)
                    free -= 1
                    self._send(key)

    def _send(self, key: str) -> None:
        client = self._connect()
        request = self._requests.get(key) or self._jobs[key].request()
        job_id = f"{key}-{uuid.uuid4().hex[:8]}"
        Variable(progress_name(job_id), client=client).set({"tries": 0})
        future = client.submit(
            run_job,
            request,
            str(self.cache.folder),
            job_id,
            self.limits.max_tries,
            key=f"sharpen-{job_id}",
            resources=job_resources(_family(request.method), has_gpu_workers(client)),
            pure=False,
        )
        self._futures[key], self._job_ids[key] = future, job_id
        self._served[self._jobs[key].volunteers[0]] = time.monotonic()
        self._store(replace(self._jobs[key], job_id=job_id))
        future.add_done_callback(lambda done, key=key: self._finished(key, done))

    def _finished(self, key: str, future: Future[CachedResult]) -> None:
        """A future is done (in a client thread): record the outcome, start what waits."""
        with self._lock:
            if self._futures.get(key) is not future:
                return  # cancelled or replaced meanwhile
            del self._futures[key]
            job_id = self._job_ids.pop(key)
        # Not a page waiting here: a busy scheduler gets longer to answer, so that the count
        # of tries (a retry after a lost worker) is not lost with the last report.
        tries = self._progress(job_id, timeout="15s").get("tries", 0)
        state, changes = self._outcome(future, tries)
        with self._lock:
            record = self._jobs[key]
            if record.state.active and record.job_id == job_id:
                self._store(record.moved(state, tries=max(tries, record.tries), **changes))
        self._forget(job_id)
        self._pump()

    @staticmethod
    def _outcome(future: Future[CachedResult], tries: int) -> tuple[JobState, dict[str, Any]]:
        """The state a finished future leaves its job in, and what to record with it."""
        if future.status == "finished":
            return JobState.DONE, {"result_path": str(future.result().path)}
        if future.status == "cancelled":
            return JobState.CANCELLED, {}
        exc = future.exception()
        if isinstance(exc, Cancelled):
            return JobState.CANCELLED, {}
        if isinstance(exc, KilledWorker):
            return JobState.FAILED, {"error": lost_message(max(tries, 1))}
        return JobState.FAILED, {"error": str(exc) or type(exc).__name__}

    def _forget(self, job_id: str) -> None:
        """Drop an ended job's progress from the scheduler (its worker clears the cancel
        token once it has stopped)."""
        self._last_progress.pop(job_id, None)
        self._previews.pop(job_id, None)
        with contextlib.suppress(Exception):  # best effort: the scheduler may be gone
            Variable(progress_name(job_id), client=self._connect()).delete()
            Variable(preview_name(job_id), client=self._connect()).delete()

    # --- what a job shows ----------------------------------------------------------------
    def _progress(self, job_id: str, timeout: str = "2s") -> dict[str, Any]:
        """The job's last progress report; when the scheduler does not answer within
        ``timeout``, the last one seen (so the stages shown never go back, e.g. to "waiting
        for a worker")."""
        try:
            found = Variable(progress_name(job_id), client=self._connect()).get(timeout=timeout)
        except Exception:  # not set yet, or the scheduler is busy or gone
            found = None
        if found:
            self._last_progress[job_id] = found
        return found or self._last_progress.get(job_id, {})

    def _preview(self, job_id: str, version: int) -> tuple[int, np.ndarray | None]:
        """The job's latest preview (version, image), fetched from the scheduler only when
        ``version`` is newer than the one kept here."""
        kept = self._previews.get(job_id, (0, None))
        if version <= kept[0]:
            return kept
        try:
            packed = Variable(preview_name(job_id), client=self._connect()).get(timeout="2s")
        except Exception:  # the scheduler is busy or gone: the last one, fetched next time
            return kept
        self._previews[job_id] = (version, decode_preview(packed))
        return self._previews[job_id]

    def _snapshot(self, key: str) -> JobSnapshot:
        with self._lock:
            record = self._jobs[key]
            job_id = self._job_ids.get(key)
        if record.state is JobState.INTERRUPTED and (cached := self.cache.get(key)):
            record = record.moved(JobState.DONE, result_path=str(cached.path), error=None)
            self._store(record)  # it finished on the cluster while the server was away
        if not record.state.active:
            return JobSnapshot(record, 1.0 if record.state is JobState.DONE else 0.0)
        progress = self._progress(job_id) if job_id else {}
        if progress.get("started") and record.state is JobState.QUEUED:
            with self._lock:
                current = self._jobs[key]
                if current.state is JobState.QUEUED and current.job_id == job_id:
                    self._store(current.moved(JobState.RUNNING, started=progress["started"]))
                record = self._jobs[key]
        if progress.get("tries", 0) > record.tries:
            record = replace(record, tries=progress["tries"])
        fraction = float(progress.get("fraction", 0.0))
        version, preview = (
            self._preview(job_id, int(progress.get("preview_version", 0))) if job_id else (0, None)
        )
        snap = JobSnapshot(
            record,
            fraction,
            progress.get("message", "waiting for a worker…"),
            preview,
            version,
            notice=progress.get("notice", ""),
            worker=progress.get("worker", ""),
        )
        if record.state is JobState.RUNNING:
            elapsed = time.time() - float(progress.get("started") or time.time())
            eta = elapsed * (1 - fraction) / fraction if fraction > 0.01 else None
            return replace(snap, eta_s=eta)
        # Wait for the runs ahead (the one on each slot now counted whole), then its own.
        position = self._position(key)
        runs = position // self._task_slots() + 2
        return replace(snap, position=position, eta_s=runs * self._typical_s(record.method))

    def _position(self, key: str) -> int:
        """Jobs ahead of this one: those sent to the cluster but not started yet, then those
        waiting here, in the order they will be sent."""
        with self._lock:
            sent = sorted(
                (self._jobs[k] for k in self._futures if self._jobs[k].state is JobState.QUEUED),
                key=lambda r: r.created,
            )
            order = [r.key for r in sent] + self._dispatch_order()
        return order.index(key) if key in order else 0

    def _dispatch_order(self) -> list[str]:
        """The jobs waiting here, in the order they go to the cluster: volunteers take
        turns (a job waits for its volunteer's earlier ones; among volunteers whose turn it
        is, the one served longest ago goes first), then oldest first; background jobs
        after every volunteer's. Under the lock."""
        running = [self._jobs[k].volunteers[0] for k in self._futures]
        turns: dict[str, int] = {}
        ranked = []
        waiting = (r for r in self._jobs.values() if r.state.active and r.key not in self._futures)
        for record in sorted(waiting, key=lambda r: r.created):
            owner = record.volunteers[0]
            turns[owner] = turns.get(owner, running.count(owner)) + 1
            served = self._served.get(owner, 0.0)
            ranked.append((is_background(owner), turns[owner], served, record.created, record.key))
        return [key for *_, key in sorted(ranked)]

    def _task_slots(self) -> int:
        checked, slots = self._slots
        if self._client is None and self._connecting.locked():
            return slots  # the cluster is starting: the last known count, without waiting
        if time.monotonic() - checked > 10:
            with contextlib.suppress(Exception):  # keep the last known count
                slots = task_slots(self._connect())
            self._slots = (time.monotonic(), slots)
        return slots

    def _typical_s(self, method: str) -> float:
        """The median run time of this method's finished jobs here (a default before any)."""
        with self._lock:
            runs = [
                r.finished - r.started
                for r in self._jobs.values()
                if r.method == method and r.state is JobState.DONE and r.started and r.finished
            ]
        return statistics.median(runs) if runs else TYPICAL_S[_family(method)]

    def _store(self, record: JobRecord) -> None:
        with self._lock:
            before = self._jobs.get(record.key)
            self._jobs[record.key] = record
            self.records.save(record)
        if before is None or before.state != record.state:
            log.info(
                "job %s %s: %s %s× on %s for %s%s",
                record.key[:12],
                record.state.value,
                record.method,
                record.scale,
                record.scene_id,
                ", ".join(record.volunteers),
                f" ({record.error})" if record.error else "",
            )

    def _recovered(self, record: JobRecord) -> JobRecord:
        """A record read at start: an active one was cut short by the restart."""
        if not record.state.active:
            return record
        cached = self.cache.get(record.key)
        if cached is not None:
            outcome = record.moved(JobState.DONE, result_path=str(cached.path))
        else:
            outcome = record.moved(
                JobState.INTERRUPTED, error=INTERRUPTED.format(state=record.state.value)
            )
        self.records.save(outcome)
        return outcome
