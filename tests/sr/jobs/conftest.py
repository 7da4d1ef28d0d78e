"""Fixtures for the job tests: a small scene, an embedded cluster, a real external one."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from distributed import Client, LocalCluster
from rasterio.warp import transform_bounds

from sr.imagery.scene import BBox, Scene, open_scene
from sr.jobs.cluster import WorkerLayout, client_of, start_local_cluster
from sr.jobs.engine import JobEngine, QueueLimits
from sr.jobs.records import JobRecords
from sr.jobs.tls import CERTS_ENV, CertificateFiles
from sr.sharpen.cache import ResultCache
from tests.conftest import write_raster
from tests.ports import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Scene:
    """A 4-band uint16 Sentinel-2-like stack, 80 × 64 px."""
    array = np.random.default_rng(0).integers(200, 3000, size=(4, 64, 80), dtype=np.uint16)
    return open_scene(write_raster(tmp_path_factory.mktemp("scene") / "s2.tif", array))


def pixel_area(scene: Scene, col: int, row: int = 8, size: int = 16) -> BBox:
    """The lon/lat box of a size × size pixel area (a little inside, so the window is exact)."""
    x0, y0 = scene.transform @ (col + 0.3, row + 0.3)
    x1, y1 = scene.transform @ (col + size - 0.3, row + size - 0.3)
    return transform_bounds(
        scene.crs, "EPSG:4326", min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
    )


@pytest.fixture(scope="module")
def local_cluster() -> Iterator[LocalCluster]:
    """The embedded cluster as the app starts it: two single-threaded worker processes."""
    cluster = start_local_cluster(WorkerLayout(workers=2, torch_threads=1))
    yield cluster
    cluster.close()


EngineFactory = Callable[..., JobEngine]


@pytest.fixture()
def make_engine(local_cluster: LocalCluster, tmp_path: Path) -> Iterator[EngineFactory]:
    """Engines on the embedded cluster over one data folder (a new one = a server restart)."""
    engines: list[JobEngine] = []

    def make(limits: QueueLimits | None = None) -> JobEngine:
        engine = JobEngine(
            JobRecords(tmp_path / "jobs"),
            ResultCache(tmp_path / "cache"),
            lambda: (client_of(local_cluster), None),
            limits or QueueLimits(),
        )
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        for record in engine.jobs():
            if record.state.active:
                for volunteer in record.volunteers:
                    engine.cancel(record.key, volunteer)
        engine.close()
    idle_workers(client_of(local_cluster))


def idle_workers(client: Client, timeout: float = 60) -> None:
    """Wait until no worker is executing a task (a cancelled DIP run has stopped)."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            counts = client.run(lambda dask_worker: dask_worker.state.executing_count)
            if not any(counts.values()):
                return
            time.sleep(0.2)
        raise TimeoutError(f"workers still executing: {counts}")
    finally:
        client.close()


def tls_options(files: CertificateFiles) -> tuple[str, ...]:
    """The certificate options of the README's `dask scheduler` / `dask worker` commands."""
    return (
        "--tls-ca-file",
        str(files.ca),
        "--tls-cert",
        str(files.cert),
        "--tls-key",
        str(files.key),
    )


def scheduler_command(
    files: CertificateFiles, port: int, host: str = "127.0.0.1", python: str = sys.executable
) -> list[str]:
    """The README's scheduler command: TLS only, bound to ``host``, HTTP server on loopback."""
    return [
        *(python, "-m", "dask", "scheduler", "--protocol", "tls", "--host", host),
        *("--port", str(port), "--no-dashboard", "--dashboard-address", "127.0.0.1:0"),
        *tls_options(files),
    ]


def worker_command(
    files: CertificateFiles, address: str, host: str = "127.0.0.1", python: str = sys.executable
) -> list[str]:
    """The README's worker command (callers add ``--no-nanny`` where a killed worker must
    stay dead)."""
    return [
        *(python, "-m", "dask", "worker", address, "--nthreads", "1"),
        *("--host", host, "--no-dashboard", "--dashboard-address", "127.0.0.1:0"),
        *tls_options(files),
    ]


@dataclass
class DaskCluster:
    """A real `dask scheduler` and `dask worker` processes on 127.0.0.1, with mutual TLS."""

    address: str
    scheduler: subprocess.Popen[bytes]
    certs: CertificateFiles
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def add_worker(self, *extra: str) -> subprocess.Popen[bytes]:
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "OMP_NUM_THREADS": "1"}
        worker = subprocess.Popen(
            [*worker_command(self.certs, self.address), "--no-nanny", *extra],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.workers.append(worker)
        return worker

    def wait_for_workers(self, count: int, timeout: float = 120) -> dict[str, int]:
        """Worker address → process id, once ``count`` workers are connected."""
        security = self.certs.security()
        with Client(self.address, security=security, set_as_default=False, timeout="30s") as client:
            client.wait_for_workers(count, timeout=timeout)
            return client.run(os.getpid)  # type: ignore[no-any-return]

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait(10)


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskCluster]:
    """`dask scheduler` + two `dask worker` processes (no nanny: a killed worker stays dead),
    with certificates made by `python -m sr.jobs.cluster certs DIR` as the README says;
    $SHARPFIELDS_CLUSTER_CERTS points the app's client at them."""
    certs_dir = tmp_path_factory.mktemp("cluster-certs")
    subprocess.run(
        [sys.executable, "-m", "sr.jobs.cluster", "certs", str(certs_dir)],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        timeout=60,
    )
    files = CertificateFiles.in_folder(certs_dir)
    port = free_port()
    scheduler = subprocess.Popen(
        scheduler_command(files, port),
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    cluster = DaskCluster(f"tls://127.0.0.1:{port}", scheduler, files)
    os.environ[CERTS_ENV] = str(certs_dir)
    try:
        cluster.add_worker()
        cluster.add_worker()
        cluster.wait_for_workers(2)
        yield cluster
    finally:
        os.environ.pop(CERTS_ENV, None)
        cluster.stop()
