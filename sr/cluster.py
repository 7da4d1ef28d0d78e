"""Where enhancement jobs run: an embedded Dask cluster, or an existing one by address.

With no setting the app starts a :class:`distributed.LocalCluster` of worker *processes*
sized to the machine (:func:`worker_layout`: one worker per two cores, torch threads per
worker so that workers × threads ≤ cores), so the web server stays responsive and jobs
queue instead of sharing the cores. ``SHARPFIELDS_SCHEDULER=tcp://host:8786`` submits to
an existing cluster instead; workers started there with ``--resources GPU=1`` take the
DIP and enhancer jobs (:func:`job_resources`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from distributed import Client, LocalCluster

GPU = "GPU"  # the worker resource that marks a GPU worker (`dask worker … --resources GPU=1`)


@dataclass(frozen=True)
class WorkerLayout:
    """How many worker processes the embedded cluster starts, and threads for each."""

    workers: int
    torch_threads: int


def worker_layout(cores: int | None = None) -> WorkerLayout:
    """$SHARPFIELDS_WORKERS / $SHARPFIELDS_WORKER_THREADS, else one worker per two cores
    with the cores shared out, so that workers × threads never exceeds the cores."""
    cores = max(1, cores or os.cpu_count() or 1)
    workers = int(os.environ.get("SHARPFIELDS_WORKERS") or max(1, cores // 2))
    threads = int(os.environ.get("SHARPFIELDS_WORKER_THREADS") or max(1, cores // workers))
    return WorkerLayout(max(1, workers), max(1, threads))


def thread_environment(threads: int) -> dict[str, str]:
    """Environment for a worker process: torch/OpenMP/MKL use ``threads`` threads (Dask's
    nanny would otherwise set them to 1); $SHARPFIELDS_WORKER_NICE (default 0) lowers the
    jobs' CPU priority below the web server's (bench/results/jobs.md: on a machine shared
    with other work, niceness 10 starved the jobs, 3× slower than the same jobs run serially)."""
    count = str(threads)
    return {
        "OMP_NUM_THREADS": count,
        "MKL_NUM_THREADS": count,
        "OPENBLAS_NUM_THREADS": count,
        "SHARPFIELDS_TORCH_THREADS": count,
        "SHARPFIELDS_WORKER_NICE": os.environ.get("SHARPFIELDS_WORKER_NICE", "0"),
    }


def start_local_cluster(layout: WorkerLayout | None = None) -> LocalCluster:
    """An embedded cluster on 127.0.0.1: one single-threaded task slot per worker process."""
    layout = layout or worker_layout()
    return LocalCluster(
        n_workers=layout.workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        env=thread_environment(layout.torch_threads),
    )


class EmbeddedCluster:
    """The embedded :class:`LocalCluster`, run by a helper process (``python -m sr.cluster``).

    Not in the web server's own process: Streamlit replaces ``__main__`` with the page
    script, and worker processes started from there would run the app again.
    """

    def __init__(self, start_timeout: float = 180) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sr.cluster"],
            cwd=Path(__file__).resolve().parents[1],
            stdin=subprocess.PIPE,  # closed when this process ends: the helper then stops
            stdout=subprocess.PIPE,
            text=True,
        )
        found: list[str] = []
        reader = threading.Thread(target=lambda: found.append(self.process.stdout.readline()))  # type: ignore[union-attr]
        reader.start()
        reader.join(start_timeout)
        if not found or not found[0].startswith("tcp://"):
            self.close()
            raise OSError("The embedded job cluster did not start; see the server's log.")
        self.scheduler_address = found[0].strip()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def serve_local_cluster() -> None:
    """``python -m sr.cluster``: start the embedded cluster, print its address, and run
    until standard input closes (the web server stopped) or SIGTERM."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # close the workers too
    cluster = start_local_cluster()
    print(cluster.scheduler_address, flush=True)
    try:
        while sys.stdin.read(1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        cluster.close()


def scheduler_address() -> str | None:
    """$SHARPFIELDS_SCHEDULER (e.g. tcp://10.0.0.5:8786), or None for the embedded cluster."""
    return os.environ.get("SHARPFIELDS_SCHEDULER") or None


def connect(address: str | None = None) -> tuple[Client, EmbeddedCluster | None]:
    """A client of the cluster at ``address`` (or $SHARPFIELDS_SCHEDULER), else of a new
    embedded cluster, which is returned too so that its owner can close it."""
    address = address or scheduler_address()
    if address:
        return Client(address, timeout="20s", set_as_default=False), None
    cluster = EmbeddedCluster()
    return Client(cluster.scheduler_address, timeout="20s", set_as_default=False), cluster


def has_gpu_workers(client: Client) -> bool:
    """Whether any worker of the cluster offers the GPU resource."""
    workers = client.scheduler_info(n_workers=-1).get("workers", {})
    return any(info.get("resources", {}).get(GPU, 0) > 0 for info in workers.values())


def task_slots(client: Client) -> int:
    """How many jobs the cluster runs at once (worker threads, at least 1)."""
    workers = client.scheduler_info(n_workers=-1).get("workers", {})
    return max(1, sum(int(info.get("nthreads", 1)) for info in workers.values()))


def job_resources(family: str, gpu_workers: bool) -> dict[str, float] | None:
    """DIP and enhancer jobs ask for a GPU worker when the cluster has any; otherwise
    (and for interpolation) any worker takes them."""
    if gpu_workers and family in ("dip", "enhancer"):
        return {GPU: 1}
    return None


def prepare_worker_process() -> None:
    """Apply the worker's thread count and CPU priority (once per process; cheap after)."""
    import torch

    threads = os.environ.get("SHARPFIELDS_TORCH_THREADS")
    if threads and torch.get_num_threads() != int(threads):
        torch.set_num_threads(int(threads))
    nice = os.environ.get("SHARPFIELDS_WORKER_NICE")
    if nice and os.getpriority(os.PRIO_PROCESS, 0) < int(nice):
        os.setpriority(os.PRIO_PROCESS, 0, int(nice))


if __name__ == "__main__":
    serve_local_cluster()
