"""Background jobs: progress and ETA, results, failures, cancellation, joining by key."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from sr.jobs import Job, JobBoard, JobStatus


def _steps(n: int, pause: float = 0.0):  # type: ignore[no-untyped-def]
    def run(report, cancel: threading.Event) -> str:  # type: ignore[no-untyped-def]
        for i in range(n):
            time.sleep(pause)
            report((i + 1) / n, f"step {i + 1}/{n}", np.full((2, 2), i))
        return "result.tif"

    return run


def test_a_job_reports_progress_and_returns_its_result() -> None:
    snapshot = Job("k", _steps(4)).start().wait(5)
    assert snapshot.status is JobStatus.DONE
    assert snapshot.result == "result.tif"
    assert snapshot.fraction == 1.0
    assert snapshot.preview is not None and snapshot.preview[0, 0] == 3


def test_eta_extrapolates_from_progress() -> None:
    gate = threading.Event()

    def half_then_wait(report, cancel):  # type: ignore[no-untyped-def]
        time.sleep(0.2)
        report(0.5, "half")
        gate.wait(5)

    job = Job("eta", half_then_wait).start()
    deadline = time.monotonic() + 5
    while job.snapshot().fraction < 0.5 and time.monotonic() < deadline:
        time.sleep(0.01)
    snapshot = job.snapshot()
    assert snapshot.eta_s == pytest.approx(snapshot.elapsed_s, rel=0.01)
    assert snapshot.elapsed_s >= 0.2
    gate.set()
    assert job.wait(5).eta_s is None


def test_cancel_stops_at_the_next_report() -> None:
    job = Job("c", _steps(1000, pause=0.005)).start()
    time.sleep(0.05)
    job.cancel()
    snapshot = job.wait(5)
    assert snapshot.status is JobStatus.CANCELLED
    assert snapshot.fraction < 1.0 and snapshot.result is None


def test_a_failure_keeps_its_message() -> None:
    def boom(report, cancel):  # type: ignore[no-untyped-def]
        raise ValueError("The area is outside the scene.")

    snapshot = Job("f", boom).start().wait(5)
    assert snapshot.status is JobStatus.FAILED
    assert snapshot.error == "The area is outside the scene."


def test_board_joins_a_running_job_and_restarts_a_finished_one() -> None:
    board = JobBoard()
    gate = threading.Event()
    runs: list[int] = []

    def slow(report, cancel):  # type: ignore[no-untyped-def]
        runs.append(1)
        gate.wait(5)
        return len(runs)

    first = board.submit("area-1", slow)
    assert board.submit("area-1", slow) is first  # a second click joins the same job
    gate.set()
    assert first.wait(5).result == 1
    second = board.submit("area-1", slow)
    assert second is not first and second.wait(5).status is JobStatus.DONE
    assert board.get("area-1") is second and board.get("other") is None
