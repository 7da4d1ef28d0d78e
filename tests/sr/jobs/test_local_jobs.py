"""Jobs on the embedded cluster: progress and result, joining, cancel, queue limits,
failures, and what a restarted server says about the jobs it had."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import rasterio
from distributed import Event, LocalCluster

from sr.imagery.scene import Scene
from sr.jobs.cluster import (
    DEFAULT_WORKER_NICE,
    client_of,
    job_resources,
    thread_environment,
    worker_layout,
)
from sr.jobs.engine import JobEngine, JobSnapshot, JobState, QueueFull, QueueLimits
from sr.jobs.worker import cancel_name
from sr.sharpen.pipeline import SharpenRequest
from tests.sr.jobs.conftest import EngineFactory, idle_workers, pixel_area

LONG = 100_000  # iterations: runs until cancelled


def _until(engine: JobEngine, key: str, state: JobState, timeout: float = 120) -> JobSnapshot:
    deadline = time.monotonic() + timeout
    while (snap := engine.snapshot(key)) is not None and snap.status is not state:
        assert time.monotonic() < deadline, f"still {snap.status}: {snap.message}"
        assert state.active or snap.status.active, f"ended {snap.status}: {snap.error}"
        time.sleep(0.1)
    assert snap is not None
    return snap


def test_the_layout_never_oversubscribes_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHARPFIELDS_WORKERS", raising=False)
    monkeypatch.delenv("SHARPFIELDS_WORKER_THREADS", raising=False)
    for cores in (1, 2, 3, 16):
        layout = worker_layout(cores)
        assert 1 <= layout.workers * layout.torch_threads <= cores
    assert (worker_layout(2).workers, worker_layout(2).torch_threads) == (1, 2)
    assert (worker_layout(16).workers, worker_layout(16).torch_threads) == (8, 2)
    monkeypatch.setenv("SHARPFIELDS_WORKERS", "3")
    assert (worker_layout(12).workers, worker_layout(12).torch_threads) == (3, 4)
    assert thread_environment(4)["OMP_NUM_THREADS"] == "4"
    assert job_resources("dip", gpu_workers=True) == {"GPU": 1}
    assert job_resources("dip", gpu_workers=False) is None
    assert job_resources("interpolation", gpu_workers=True) is None


def test_workers_are_processes_with_the_thread_count_they_were_given(
    local_cluster: LocalCluster,
) -> None:
    import os

    def threads() -> tuple[int, int, str | None]:
        import torch

        from sr.jobs.cluster import prepare_worker_process

        prepare_worker_process()
        return os.getpid(), torch.get_num_threads(), os.environ.get("OMP_NUM_THREADS")

    with client_of(local_cluster) as client:
        found = list(client.run(threads).values())
    assert len({pid for pid, _, _ in found} | {os.getpid()}) == 3  # two other processes
    assert [(n, env) for _, n, env in found] == [(1, "1"), (1, "1")]


def test_jobs_compute_below_the_web_servers_priority(
    local_cluster: LocalCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job's thread and the torch threads it starts run at DEFAULT_WORKER_NICE, below the
    web server's."""
    import os

    def niceness_in_a_job() -> tuple[int, list[int]]:
        import threading
        from pathlib import Path

        import torch

        from sr.jobs.cluster import prepare_worker_process

        prepare_worker_process()
        torch.ones(512, 512) @ torch.ones(512, 512)  # starts torch's threads, if any
        found = [
            int((task / "stat").read_text().rsplit(")", 1)[1].split()[16])
            for task in Path("/proc/self/task").iterdir()
        ]
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id()), found

    monkeypatch.delenv("SHARPFIELDS_WORKER_NICE", raising=False)
    assert thread_environment(2)["SHARPFIELDS_WORKER_NICE"] == str(DEFAULT_WORKER_NICE)
    with client_of(local_cluster) as client:
        job, threads = client.submit(niceness_in_a_job, pure=False).result(timeout=120)
    assert DEFAULT_WORKER_NICE > 0
    assert job == DEFAULT_WORKER_NICE
    assert threads.count(DEFAULT_WORKER_NICE) >= 1
    assert os.getpriority(os.PRIO_PROCESS, 0) < DEFAULT_WORKER_NICE  # nor is the server


def test_a_job_reports_progress_and_its_result_and_is_recorded(
    make_engine: EngineFactory, scene: Scene, tmp_path: Path
) -> None:
    engine = make_engine()
    request = SharpenRequest(scene, pixel_area(scene, 0), "dip", iterations=30)
    first = engine.submit(request, "Asha")
    assert first.status in (JobState.QUEUED, JobState.RUNNING)
    seen: list[JobSnapshot] = []
    while (snap := engine.snapshot(first.key)) is not None and snap.status.active:
        seen.append(snap)
        time.sleep(0.05)
    assert snap is not None and snap.status is JobState.DONE, snap.error
    running = [s for s in seen if s.status is JobState.RUNNING and s.fraction > 0]
    assert running and running[-1].message.startswith("iteration ")
    assert all(s.eta_s is not None and s.eta_s >= 0 for s in running if s.fraction > 0.01)
    assert snap.fraction == 1.0 and snap.record.tries == 1
    with rasterio.open(snap.record.result_path) as out:
        assert (out.count, out.width, out.height) == (4, 64, 64)
    stored = json.loads((tmp_path / "jobs" / f"{first.key}.json").read_text())
    assert stored["state"] == "done" and stored["volunteers"] == ["Asha"]
    assert stored["started"] >= stored["created"] and stored["finished"] >= stored["started"]
    # The same area again, by someone else: the cached result, at once.
    again = engine.submit(request, "Bishnu")
    assert again.status is JobState.DONE and again.record.result_path == snap.record.result_path


def test_an_identical_request_joins_the_job_and_cancel_needs_everyone(
    make_engine: EngineFactory, scene: Scene
) -> None:
    engine = make_engine()
    request = SharpenRequest(scene, pixel_area(scene, 16), "dip", iterations=LONG)
    asha = engine.submit(request, "Asha")
    bishnu = engine.submit(request, "Bishnu")
    assert bishnu.key == asha.key and bishnu.record.volunteers == ("Asha", "Bishnu")
    assert [s.key for s in engine.jobs_of("Bishnu", scene.scene_id)] == [asha.key]
    _until(engine, asha.key, JobState.RUNNING)
    engine.cancel(asha.key, "Asha")
    assert engine.snapshot(asha.key).status is JobState.RUNNING  # type: ignore[union-attr]
    engine.cancel(asha.key, "Bishnu")
    assert engine.snapshot(asha.key).status is JobState.CANCELLED  # type: ignore[union-attr]


def test_cancel_stops_a_queued_job_at_once_and_a_running_one_within_an_iteration(
    make_engine: EngineFactory, scene: Scene, local_cluster: LocalCluster
) -> None:
    engine = make_engine()
    running = engine.submit(
        SharpenRequest(scene, pixel_area(scene, 32), "dip", iterations=LONG), "Asha"
    )
    queued = engine.submit(
        SharpenRequest(scene, pixel_area(scene, 48), "dip", iterations=LONG), "Asha"
    )
    snap = _until(engine, running.key, JobState.RUNNING)
    _until(engine, running.key, JobState.RUNNING)
    queued_snap = engine.snapshot(queued.key)
    assert queued_snap is not None and queued_snap.status is JobState.QUEUED  # one per volunteer
    assert queued_snap.position == 0 and queued_snap.eta_s is not None and queued_snap.eta_s > 0
    engine.cancel(queued.key, "Asha")
    assert engine.snapshot(queued.key).status is JobState.CANCELLED  # type: ignore[union-attr]
    assert snap.worker
    engine.cancel(running.key, "Asha")
    assert engine.snapshot(running.key).status is JobState.CANCELLED  # type: ignore[union-attr]
    started = time.monotonic()
    idle_workers(client_of(local_cluster), timeout=30)
    assert time.monotonic() - started < 30  # the DIP loop saw the cancel token and stopped
    assert engine.result(running.key) is None and engine.result(queued.key) is None


def test_queue_limits_refuse_more_and_show_the_position(
    make_engine: EngineFactory, scene: Scene
) -> None:
    engine = make_engine(QueueLimits(waiting=1))
    areas = [pixel_area(scene, col, row) for row in (0, 32) for col in (0, 20, 40, 60)]
    requests = [SharpenRequest(scene, bbox, "dip", iterations=LONG) for bbox in areas]
    a1 = engine.submit(requests[0], "Asha")
    a2 = engine.submit(requests[1], "Asha")
    with pytest.raises(QueueFull, match="2 enhancements running or waiting"):
        engine.submit(requests[2], "Asha")
    b1 = engine.submit(requests[3], "Bishnu")
    c1 = engine.submit(requests[4], "Chandra")
    _until(engine, a1.key, JobState.RUNNING)
    _until(engine, b1.key, JobState.RUNNING)  # two workers: Asha's and Bishnu's first jobs
    waiting = {key: engine.snapshot(key) for key in (c1.key, a2.key)}
    # Both workers are busy: Chandra's job is next, Asha's second waits behind it.
    assert [(s.status, s.position) for s in waiting.values()] == [
        (JobState.QUEUED, 0),
        (JobState.QUEUED, 1),
    ]
    assert waiting[a2.key].eta_s >= waiting[c1.key].eta_s > 0  # type: ignore[operator]
    engine.cancel(a1.key, "Asha")  # the freed worker takes the oldest job: Chandra's
    assert _until(engine, c1.key, JobState.RUNNING).status is JobState.RUNNING
    after = engine.snapshot(a2.key)  # Asha's next job is now first in line
    assert after is not None and (after.status, after.position) == (JobState.QUEUED, 0)


def test_a_failure_keeps_its_message(make_engine: EngineFactory, scene: Scene) -> None:
    engine = make_engine()
    request = SharpenRequest(scene, pixel_area(scene, 0), "dip", iterations=0)
    done = engine.wait(engine.submit(request, "Asha").key, 60)  # DIP refuses it on the worker
    assert done.status is JobState.FAILED
    assert done.error == "Iterations must be at least 1, not 0."


def test_a_restarted_server_reports_finished_and_interrupted_jobs(
    make_engine: EngineFactory, scene: Scene, local_cluster: LocalCluster
) -> None:
    before = make_engine()
    finished = before.submit(SharpenRequest(scene, pixel_area(scene, 0, 40), "bicubic"), "Asha")
    assert before.wait(finished.key, 60).status is JobState.DONE
    long_request = SharpenRequest(scene, pixel_area(scene, 20, 40), "dip", iterations=LONG)
    cut = _until(before, before.submit(long_request, "Asha").key, JobState.RUNNING)
    before.close()  # the server stops
    with client_of(local_cluster) as client:
        Event(cancel_name(cut.record.job_id), client=client).set()  # type: ignore[arg-type]

    after = make_engine()
    jobs = {s.key: s for s in after.jobs_of("Asha", scene.scene_id)}
    assert jobs[finished.key].status is JobState.DONE
    assert after.result(finished.key) is not None
    assert jobs[cut.key].status is JobState.INTERRUPTED
    assert jobs[cut.key].error == "The server restarted while this job was running; resubmit it."
    # One click resubmits it (here with a short run, so that it finishes).
    rerun = after.submit(SharpenRequest(scene, long_request.bbox, "bicubic"), "Asha")
    assert after.wait(rerun.key, 60).status is JobState.DONE
    again = after.resubmit(cut.key, "Asha")
    assert again.key == cut.key and again.status.active


def test_the_default_is_an_embedded_cluster_that_stops_with_its_owner(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    from sr.jobs.cluster import connect

    monkeypatch.delenv("SHARPFIELDS_SCHEDULER", raising=False)
    monkeypatch.setenv("SHARPFIELDS_WORKERS", "1")
    monkeypatch.setenv("SHARPFIELDS_WORKER_THREADS", "1")
    client, cluster = connect()
    assert cluster is not None
    try:
        pids = client.run(os.getpid)
        assert len(pids) == 1 and os.getpid() not in pids.values()  # a worker process
        assert client.submit(sum, [1, 2, 3]).result(timeout=60) == 6
    finally:
        client.close()
        cluster.close()
    assert cluster.process.returncode is not None  # the helper (and its workers) stopped
