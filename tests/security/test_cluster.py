"""Attacks on the job cluster: a Dask scheduler runs any Python its clients send, so a client
without the cluster's certificate must not get a connection, and nothing may listen beyond
the configured interface (the README's commands; the embedded cluster)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from distributed import Client, Security

from sr.jobs.cluster import WorkerLayout, client_of, open_client, start_local_cluster
from sr.jobs.tls import CertificateFiles
from tests.conftest import PROJECT_ROOT
from tests.ports import free_port
from tests.sr.jobs.conftest import scheduler_command, worker_command


def _attempts(address: str) -> list[tuple[str, Security | None]]:
    """Clients an attacker on the machine could try: plain TCP, TLS with no certificate,
    TLS with a certificate of their own making."""
    port = address.rsplit(":", 1)[1]
    return [
        (f"tcp://127.0.0.1:{port}", None),
        (address, Security(require_encryption=True)),
        (address, Security.temporary()),
    ]


def _cannot_run_code(address: str, secret_file: Path) -> None:
    for target, security in _attempts(address):
        with pytest.raises((OSError, TimeoutError, ValueError, TypeError)):
            client = open_client(target, security, timeout="3s")
            try:  # only reached if the connection was accepted
                client.run_on_scheduler(lambda: secret_file.read_text())
            finally:
                client.close()


def _listening(pid: int) -> set[str]:
    """The addresses on which a process (and its children) accept connections."""
    processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    return {
        conn.laddr.ip
        for process in processes
        for conn in process.net_connections(kind="inet")
        if conn.status == psutil.CONN_LISTEN
    }


@pytest.fixture()
def certs(tmp_path: Path) -> CertificateFiles:
    """The certificate folder made by the documented command."""
    folder = tmp_path / "certs"
    made = subprocess.run(
        [sys.executable, "-m", "sr.jobs.cluster", "certs", str(folder)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    files = CertificateFiles.in_folder(folder)
    assert (folder.stat().st_mode & 0o777) == 0o700
    assert (files.key.stat().st_mode & 0o777) == 0o600
    return files


@pytest.fixture()
def documented_cluster(
    certs: CertificateFiles,
) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """The README's scheduler and one worker (with its nanny), on loopback."""
    port = free_port()
    address = f"tls://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "OMP_NUM_THREADS": "1"}
    processes = [
        subprocess.Popen(
            scheduler_command(certs, port),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    processes.append(
        subprocess.Popen(
            worker_command(certs, address),
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    try:
        with Client(address, security=certs.security(), timeout="60s", set_as_default=False) as c:
            c.wait_for_workers(1, timeout=120)
        yield address, processes
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_the_documented_cluster_runs_code_only_for_certificate_holders(
    documented_cluster: tuple[str, list[subprocess.Popen[bytes]]],
    certs: CertificateFiles,
    tmp_path: Path,
) -> None:
    address, processes = documented_cluster
    secret = tmp_path / "auth.sqlite"
    secret.write_text("the server's secrets")
    _cannot_run_code(address, secret)
    # The app, with the folder's certificate, does run jobs there.
    with Client(address, security=certs.security(), timeout="30s", set_as_default=False) as app:
        assert app.run_on_scheduler(os.getpid) == processes[0].pid
        assert app.submit(sum, [1, 2, 3]).result(timeout=60) == 6


def test_the_documented_cluster_listens_only_on_the_configured_interface(
    documented_cluster: tuple[str, list[subprocess.Popen[bytes]]],
) -> None:
    _, processes = documented_cluster
    for process in processes:
        found = _listening(process.pid)
        assert found, "the process listens nowhere (not started?)"
        assert found <= {"127.0.0.1"}, f"{process.args[3]} listens on {found}"


def test_an_external_cluster_needs_a_tls_address_and_certificates(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from sr.jobs.cluster import connect
    from sr.jobs.tls import ClusterSecurityError

    monkeypatch.setenv("SHARPFIELDS_SCHEDULER", "tcp://127.0.0.1:8786")
    with pytest.raises(ClusterSecurityError, match="only tls://"):
        connect()
    monkeypatch.setenv("SHARPFIELDS_SCHEDULER", "tls://127.0.0.1:8786")
    monkeypatch.setenv("SHARPFIELDS_CLUSTER_CERTS", str(tmp_path / "nowhere"))
    with pytest.raises(ClusterSecurityError, match="missing"):
        connect()


def _listening_sockets(pid: int) -> set[tuple[str, int]]:
    """The (address, port) pairs on which a process (and its children) accept connections."""
    processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    return {
        (conn.laddr.ip, conn.laddr.port)
        for process in processes
        for conn in process.net_connections(kind="inet")
        if conn.status == psutil.CONN_LISTEN
    }


def test_the_embedded_cluster_runs_code_only_for_the_app(tmp_path: Path) -> None:
    earlier = _listening_sockets(os.getpid())  # other tests' servers in this process
    cluster = start_local_cluster(WorkerLayout(workers=1, torch_threads=1))
    try:
        assert cluster.scheduler_address.startswith("tls://127.0.0.1:")
        _cannot_run_code(cluster.scheduler_address, tmp_path / "auth.sqlite")
        with client_of(cluster) as app:
            assert app.submit(sum, [1, 2]).result(timeout=60) == 3
        # This process (the scheduler) and its worker processes: loopback only.
        opened = _listening_sockets(os.getpid()) - earlier
        assert opened and {ip for ip, _ in opened} <= {"127.0.0.1"}
    finally:
        cluster.close()
