"""The package builds from a clean copy, installs into a fresh virtual environment, and its
commands run from another folder (pyproject.toml, ui/launcher.py, sr/project_files.py).

The fresh environment gets the wheel only (``--no-deps``); the pinned dependencies come from
the environment running the tests (torch and the rest are not downloaded again): through
``--system-site-packages`` where that is where they are, and through a ``.pth`` file naming
this environment's site-packages where the tests run in a virtual environment themselves
(a venv made from a venv sees the base interpreter's packages, not the outer venv's).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

if TYPE_CHECKING:
    from distributed import Client, Security

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ("sharpfields", "sharpfields-sr", "sharpfields-labels")
VERSION = "0.1.0"


def clean_copy(dest: Path) -> Path:
    """The files git would commit (tracked, or new and not ignored), without build output."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel built from a clean copy installed; returns its bin/."""
    tmp = tmp_path_factory.mktemp("package")
    src = clean_copy(tmp / "src")
    built = run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp / "dist"),
            str(src),
        ],
        cwd=tmp,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp / "dist").glob("sharpfields-*.whl")
    venv = tmp / "venv"
    made = run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], cwd=tmp)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    purelib = run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp
    )
    outer = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(purelib.stdout.strip(), "outer-environment.pth").write_text("\n".join(outer) + "\n")
    added = run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)], tmp)
    assert added.returncode == 0, added.stdout + added.stderr
    return venv / "bin"


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_shows_help_and_version_from_another_folder(
    installed: Path, command: str, tmp_path: Path
) -> None:
    helped = run([str(installed / command), "--help"], cwd=tmp_path)
    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith(f"usage: {command}")
    shown = run([str(installed / command), "--version"], cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == f"{command} (sharpfields {VERSION})"


def test_the_installed_package_has_its_parts(installed: Path, tmp_path: Path) -> None:
    """Subpackages, the model, migrations, the code list and the app's files, from the venv."""
    probe = (
        "import sr, sr.cli, sr.sharpen.enhancer.infer as infer\n"
        "import labels.migrations as m, labels.fiboa as f\n"
        "from ui.launcher import command\n"
        "import ui.settings as s\n"
        "print(sr.__file__)\n"
        "print(infer.DEFAULT_MODEL, infer.DEFAULT_MODEL.is_file())\n"
        "print(len(m.migrations('postgis')) >= 2, f.CODE_LIST_FILE.is_file())\n"
        "print(s.SAMPLE_SCENE.is_file(), command(8501)[4])\n"
    )
    out = run([str(installed / "python"), "-c", probe], cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    sr_file, model, data, app = out.stdout.strip().splitlines()
    venv = installed.parent
    assert Path(sr_file).is_relative_to(venv) and not Path(sr_file).is_relative_to(ROOT)
    assert model == f"{venv / 'share/sharpfields/models/enhancer.pt'} True"
    assert data == "True True"
    assert app == f"True {venv / 'share/sharpfields/server.py'}"
    assert (venv / "share/sharpfields/pages/label.py").is_file()
    assert (venv / "share/sharpfields/LICENSE").read_text().startswith("MIT License")


def test_dask_workers_run_sr_from_the_installed_package(installed: Path, tmp_path: Path) -> None:
    """Worker processes started in another folder unpickle and run ``sr`` code: the reason
    the README's cluster commands once had to start in the project folder."""
    probe = (
        "import numpy as np, sr\n"
        "from distributed import Client, LocalCluster\n"
        "from sr.sharpen.methods import enhance\n"
        "if __name__ == '__main__':\n"
        "    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,\n"
        "                      dashboard_address=None) as cluster, Client(cluster) as client:\n"
        "        lr = np.ones((3, 8, 8), np.float32)\n"
        "        hr = client.submit(enhance, lr, 2, 'bicubic').result(timeout=120)\n"
        "        where = client.run(lambda: __import__('sr').__file__)\n"
        "        print(hr.shape, sorted(set(where.values())) == [sr.__file__])\n"
    )
    script = tmp_path / "probe.py"
    script.write_text(probe)
    out = run([str(installed / "python"), str(script)], cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "(3, 16, 16) True"


def _client_when_up(address: str, security: Security, timeout: float = 120) -> Client:
    """A client of the scheduler at ``address`` once it listens (a fresh one takes a while)."""
    from sr.jobs.cluster import open_client

    deadline = time.monotonic() + timeout
    while True:
        try:
            return open_client(address, security, timeout="10s")
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1)


def test_the_apps_jobs_run_on_a_cluster_started_from_the_installed_package(
    installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's cluster, started from the installed package in another folder: its
    `sr.jobs.cluster certs`, a TLS `dask scheduler` and a `dask worker` (with its nanny, as
    the README starts it); the app's job engine sends it an enhancer job, which the worker
    runs with the package's own code and model and writes into the app's cache."""
    from sr.imagery.scene import open_scene
    from sr.jobs.engine import JobEngine, JobState, QueueLimits
    from sr.jobs.records import JobRecords
    from sr.jobs.tls import CERTS_ENV, CertificateFiles
    from sr.sharpen.cache import ResultCache
    from sr.sharpen.pipeline import SharpenRequest
    from tests.conftest import write_raster
    from tests.ports import free_port
    from tests.sr.jobs.conftest import pixel_area, scheduler_command, worker_command

    elsewhere = tmp_path / "elsewhere"  # neither the project nor the venv
    elsewhere.mkdir()
    python = str(installed / "python")
    made = run([python, "-m", "sr.jobs.cluster", "certs", str(tmp_path / "certs")], elsewhere)
    assert made.returncode == 0, made.stderr
    files = CertificateFiles.in_folder(tmp_path / "certs")
    address = f"tls://127.0.0.1:{(port := free_port())}"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    logs = [(tmp_path / name).open("wb") for name in ("scheduler.log", "worker.log")]
    processes = [
        subprocess.Popen(command, cwd=elsewhere, env=env, stdout=log, stderr=log)
        for command, log in zip(
            (
                scheduler_command(files, port, python=python),
                worker_command(files, address, python=python),
            ),
            logs,
            strict=True,
        )
    ]
    monkeypatch.setenv("SHARPFIELDS_SCHEDULER", address)
    monkeypatch.setenv(CERTS_ENV, str(tmp_path / "certs"))
    array = np.random.default_rng(3).integers(200, 3000, size=(4, 48, 48), dtype=np.uint16)
    scene = open_scene(write_raster(tmp_path / "scene.tif", array))
    engine = JobEngine(
        JobRecords(tmp_path / "jobs"), ResultCache(tmp_path / "cache"), limits=QueueLimits()
    )
    try:
        with _client_when_up(address, files.security()) as client:
            client.wait_for_workers(1, timeout=120)
            where = set(client.run(lambda: __import__("sr").__file__).values())
        assert len(where) == 1 and Path(where.pop()).is_relative_to(installed.parent)
        request = SharpenRequest(scene, pixel_area(scene, 8, 8, 16), "enhancer")
        key = engine.submit(request, "Asha").key
        assert engine.client.scheduler.address == address  # not an embedded cluster
        done = engine.wait(key, 300)
        assert done.status is JobState.DONE, done.error
        result = engine.result(key)
        assert result is not None and result.path.is_file()
        assert result.path.is_relative_to(tmp_path / "cache")
    finally:
        engine.close()
        for process in processes:
            process.kill()
            process.wait(10)
        for log in logs:
            log.close()
