"""The job engine connects at server start (its workers start before the first Enhance),
and the stage a job shows never goes back when the scheduler is slow to answer."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from distributed import LocalCluster

from sr.jobs.cluster import client_of
from sr.jobs.engine import JobEngine
from sr.jobs.records import JobRecords
from sr.sharpen.cache import ResultCache
from tests.sr.jobs.conftest import EngineFactory


def test_warm_up_connects_in_the_background_once(
    local_cluster: LocalCluster, tmp_path: Path
) -> None:
    from distributed import Client

    calls: list[int] = []
    started = threading.Event()

    def connector() -> tuple[Client, None]:
        calls.append(1)
        started.set()
        return client_of(local_cluster), None

    engine = JobEngine(JobRecords(tmp_path / "jobs"), ResultCache(tmp_path / "cache"), connector)
    try:
        assert not calls  # nothing at construction
        engine.warm_up().join(60)
        assert started.is_set() and calls == [1]
        assert engine._task_slots() == 2  # the cluster's two workers, known before any job
        engine.warm_up().join(60)
        assert calls == [1]  # connected once
    finally:
        engine.close()


def test_the_stage_shown_never_goes_back(make_engine: EngineFactory, monkeypatch: Any) -> None:
    engine = make_engine()
    from distributed import Variable

    from sr.jobs.worker import progress_name

    Variable(progress_name("job-1"), client=engine.client).set({"message": "starting"})
    assert engine._progress("job-1")["message"] == "starting"

    def slow_get(self: Variable, timeout: Any = None) -> None:
        raise TimeoutError("the scheduler is busy")

    monkeypatch.setattr(Variable, "get", slow_get)
    assert engine._progress("job-1")["message"] == "starting"  # not "waiting for a worker…"


def test_a_job_shows_at_once_while_the_cluster_still_starts(
    local_cluster: LocalCluster, tmp_path: Path, scene: Any
) -> None:
    import time

    from distributed import Client

    from sr.jobs.engine import JobState
    from sr.sharpen.pipeline import SharpenRequest
    from tests.sr.jobs.conftest import pixel_area

    release = threading.Event()

    def slow_connector() -> tuple[Client, None]:
        release.wait(60)  # a cluster whose workers take their time to start
        return client_of(local_cluster), None

    engine = JobEngine(
        JobRecords(tmp_path / "jobs"), ResultCache(tmp_path / "cache"), slow_connector
    )
    try:
        warming = engine.warm_up()
        time.sleep(0.2)
        start = time.monotonic()
        snap = engine.submit(SharpenRequest(scene, pixel_area(scene, 0), "bicubic"), "Sita")
        assert time.monotonic() - start < 5  # not held up by the starting cluster
        assert snap.status is JobState.QUEUED
        release.set()
        warming.join(60)
        done = engine.wait(snap.key, timeout=120)
        assert done.status is JobState.DONE
    finally:
        release.set()
        engine.close()
