"""Jobs and logging: every state a job enters is logged once, at INFO, by ``sr.jobs.engine``
(configured by ``sr.logs`` from ``SHARPFIELDS_LOG_LEVEL``)."""

from __future__ import annotations

import logging
import subprocess
import sys
import time

import pytest

from sr.imagery.scene import Scene
from sr.jobs.engine import JobState
from sr.logs import configure_logging
from sr.sharpen.pipeline import SharpenRequest
from tests.sr.jobs.conftest import EngineFactory, pixel_area


def test_each_job_state_is_logged_once(
    make_engine: EngineFactory, scene: Scene, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine()
    with caplog.at_level(logging.INFO, logger="sr.jobs.engine"):
        snap = engine.submit(SharpenRequest(scene, pixel_area(scene, 1), "bicubic"), "Asha")
        deadline = time.monotonic() + 120
        while (now := engine.snapshot(snap.key)) is not None and now.status.active:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert now is not None and now.status is JobState.DONE
    lines = [r.getMessage() for r in caplog.records if r.name == "sr.jobs.engine"]
    states = [line.split(":")[0].split()[-1] for line in lines]
    assert states[0] == "queued" and states[-1] == "done", lines
    assert len(states) == len(set(states))  # a state is logged when entered, not on progress
    assert all(f"job {snap.key[:12]}" in line and "bicubic 4×" in line for line in lines)
    assert "for Asha" in lines[-1]


@pytest.mark.parametrize(("level", "shown"), [("INFO", True), ("", False), ("noise", False)])
def test_the_level_comes_from_the_environment(level: str, shown: bool) -> None:
    code = (
        "from sr.logs import configure_logging; import logging\n"
        "configure_logging(); configure_logging()\n"
        "logging.getLogger('sr.stac.search').info('fetched it')\n"
    )
    env = {"SHARPFIELDS_LOG_LEVEL": level, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert ("INFO sr.stac.search: fetched it" in done.stderr) is shown
    assert done.stderr.count("fetched it") <= 1  # configured twice, one handler
    assert ("is not a log level" in done.stderr) is (level == "noise")
    configure_logging()  # this process: the default level again
