"""Where enhancement jobs run: an embedded Dask cluster, or an existing one by address.

With no setting the app starts a :class:`distributed.LocalCluster` of worker *processes*
sized to the machine (:func:`worker_layout`: one worker per two cores, torch threads per
worker so that workers × threads ≤ cores), so the web server stays responsive and jobs
queue instead of sharing the cores. ``SHARPFIELDS_SCHEDULER=tls://host:8786`` (with
``SHARPFIELDS_CLUSTER_CERTS``) submits to an existing cluster instead; workers started there
with ``--resources GPU=1`` take the DIP and enhancer jobs (:func:`job_resources`).

Every cluster speaks TLS with mutual authentication (``sr.jobs.tls``): a Dask scheduler
runs any code its clients send, so only holders of the cluster's certificate may connect.
``python -m sr.jobs.cluster certs DIR`` makes the certificates for an external cluster.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from distributed import Client, LocalCluster, Security

from sr.jobs.tls import (
    configured_security,
    make_certificates,
    security_as_text,
    security_from_text,
)

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


DEFAULT_WORKER_NICE = 10
"""The jobs' niceness. A job's threads then get about a tenth of a core that the web server
(niceness 0) wants, so pages answer as on an idle machine, while the jobs keep all the CPU
the server leaves (bench/results/job_priority.md). Only the threads that compute
are lowered: the worker's own thread, which talks to the scheduler, is not."""


def thread_environment(threads: int) -> dict[str, str]:
    """Environment for a worker process: torch/OpenMP/MKL use ``threads`` threads (Dask's
    nanny would otherwise set them to 1); the jobs run at niceness $SHARPFIELDS_WORKER_NICE
    (:data:`DEFAULT_WORKER_NICE`), below the web server, so that pages do not wait behind them."""
    count = str(threads)
    return {
        "OMP_NUM_THREADS": count,
        "MKL_NUM_THREADS": count,
        "OPENBLAS_NUM_THREADS": count,
        "SHARPFIELDS_TORCH_THREADS": count,
        "SHARPFIELDS_WORKER_NICE": os.environ.get("SHARPFIELDS_WORKER_NICE")
        or str(DEFAULT_WORKER_NICE),
    }


def start_local_cluster(layout: WorkerLayout | None = None) -> LocalCluster:
    """An embedded cluster on 127.0.0.1 speaking mutual TLS with a key made for it
    (``cluster.security``); one single-threaded task slot per worker process."""
    layout = layout or worker_layout()
    return LocalCluster(
        n_workers=layout.workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        protocol="tls://",
        security=Security.temporary(),
        dashboard_address=None,
        env=thread_environment(layout.torch_threads),
    )


class ClusterClient(Client):
    """A Dask :class:`Client` that closes itself when it fails to connect.

    A plain client whose start fails half-way (a TLS setting it cannot use, say) stays
    "connecting" and is closed later by its ``__del__``, which takes the lock that every Dask
    client holds while starting. If the garbage collector runs that ``__del__`` while another
    client is starting, the process deadlocks; so the failure is closed here, at once.
    """

    def start(self, **kwargs: object) -> None:
        try:
            super().start(**kwargs)
        except BaseException:
            self.close()
            raise


def open_client(address: str, security: Security | None, timeout: str = "20s") -> Client:
    """A client of the scheduler at ``address`` (closed at once if it cannot connect)."""
    return ClusterClient(address, security=security, timeout=timeout, set_as_default=False)


def client_of(cluster: LocalCluster) -> Client:
    """A client of an in-process cluster, with its certificate."""
    return open_client(cluster.scheduler_address, cluster.security)


class EmbeddedCluster:
    """The embedded :class:`LocalCluster`, run by a helper process (``python -m sr.jobs.cluster``).

    Not in the web server's own process: Streamlit replaces ``__main__`` with the page
    script, and worker processes started from there would run the app again.
    """

    def __init__(self, start_timeout: float = 180) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sr.jobs.cluster"],
            cwd=Path(__file__).resolve().parents[2],
            stdin=subprocess.PIPE,  # closed when this process ends: the helper then stops
            stdout=subprocess.PIPE,
            text=True,
        )
        found: list[str] = []
        reader = threading.Thread(target=lambda: found.append(self.process.stdout.readline()))  # type: ignore[union-attr]
        reader.start()
        reader.join(start_timeout)
        try:
            hello = json.loads(found[0]) if found else {}
        except ValueError:
            hello = {}
        if not str(hello.get("address", "")).startswith("tls://"):
            self.close()
            raise OSError("The embedded job cluster did not start; see the server's log.")
        self.scheduler_address = str(hello["address"])
        self.security = security_from_text(hello["tls"])

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def serve_local_cluster() -> None:
    """``python -m sr.jobs.cluster``: start the embedded cluster, print its address and client
    certificate (one JSON line, to the web server's private pipe), and run until standard
    input closes (the web server stopped) or SIGTERM."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # close the workers too
    cluster = start_local_cluster()
    hello = {"address": cluster.scheduler_address, "tls": security_as_text(cluster.security)}
    print(json.dumps(hello), flush=True)
    try:
        while sys.stdin.read(1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        cluster.close()


def scheduler_address() -> str | None:
    """$SHARPFIELDS_SCHEDULER (e.g. tls://10.0.0.5:8786), or None for the embedded cluster."""
    return os.environ.get("SHARPFIELDS_SCHEDULER") or None


def connect(address: str | None = None) -> tuple[Client, EmbeddedCluster | None]:
    """A client of the cluster at ``address`` (or $SHARPFIELDS_SCHEDULER), else of a new
    embedded cluster, which is returned too so that its owner can close it. Both speak
    mutual TLS; an external cluster needs a tls:// address and $SHARPFIELDS_CLUSTER_CERTS."""
    address = address or scheduler_address()
    if address:
        security = configured_security(address)
        return open_client(address, security), None
    cluster = EmbeddedCluster()
    try:
        return open_client(cluster.scheduler_address, cluster.security), cluster
    except Exception:
        cluster.close()
        raise


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
    """Apply the worker's thread count, and its CPU priority to the calling thread (Linux
    niceness is per thread; the threads torch starts from it inherit it). Cheap after once."""
    import torch

    threads = os.environ.get("SHARPFIELDS_TORCH_THREADS")
    if threads and torch.get_num_threads() != int(threads):
        torch.set_num_threads(int(threads))
    nice = os.environ.get("SHARPFIELDS_WORKER_NICE")
    if nice and os.getpriority(os.PRIO_PROCESS, 0) < int(nice):
        os.setpriority(os.PRIO_PROCESS, 0, int(nice))


def main(argv: list[str]) -> int:
    """``python -m sr.jobs.cluster`` (the embedded cluster) or
    ``python -m sr.jobs.cluster certs DIR`` (certificates for an external cluster, see README)."""
    if not argv:
        serve_local_cluster()
        return 0
    if argv[0] == "certs" and len(argv) == 2:
        files = make_certificates(Path(argv[1]))
        print(
            f"Wrote {files.ca}, {files.cert} and {files.key} (keep {files.key} secret; copy "
            "the folder to every scheduler, worker and app machine).",
        )
        return 0
    print("usage: python -m sr.jobs.cluster [certs DIR]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
