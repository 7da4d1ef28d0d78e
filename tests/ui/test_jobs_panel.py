"""The Label page's jobs panel: what a volunteer sees about their jobs, and after a restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from labels.model import Role
from sr.imagery.scene import open_scene
from sr.jobs.engine import JobSnapshot
from sr.jobs.records import JobRecord, JobRecords, JobState
from sr.sharpen.cache import ResultCache
from sr.sharpen.pipeline import SharpenRequest, request_key, sharpen_area
from tests.conftest import PROJECT_ROOT
from tests.ui.conftest import session_token, shown
from ui.auth import Identity
from ui.jobs_panel import minutes, status_line
from ui.settings import SAMPLE_SCENE

APP = str(PROJECT_ROOT / "app.py")
SITA = Identity("Sita", Role.VOLUNTEER)


def _request(offset: float = 0.0, method: str = "bicubic") -> SharpenRequest:
    scene = open_scene(SAMPLE_SCENE)
    centre = scene.footprint.centroid
    west, south = centre.x + offset, centre.y
    return SharpenRequest(scene, (west, south, west + 0.002, south + 0.002), method)


def _record(request: SharpenRequest, state: JobState, **changes: object) -> JobRecord:
    record = JobRecord.of(request_key(request), request, SITA.name)
    return record.moved(state, **changes)  # type: ignore[arg-type]


def test_status_lines_say_where_a_job_stands() -> None:
    request = _request(method="dip")
    queued = JobSnapshot(_record(request, JobState.QUEUED), position=2, eta_s=150)
    assert (
        status_line(queued)
        == "Deep Image Prior: waiting, 2 ahead in the queue · done in about 2 min"
    )
    first = JobSnapshot(_record(request, JobState.QUEUED), position=0, eta_s=40)
    assert status_line(first) == "Deep Image Prior: waiting, next in the queue · done in about 40 s"
    running = JobSnapshot(
        _record(request, JobState.RUNNING), 0.5, "iteration 10/20, loss 1.0e-02", eta_s=12
    )
    assert status_line(running) == "iteration 10/20, loss 1.0e-02 · about 12 s left"
    assert minutes(89) == "about 89 s" and minutes(600) == "about 10 min"


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path))
    monkeypatch.chdir(PROJECT_ROOT)
    st.cache_resource.clear()
    yield tmp_path
    st.cache_resource.clear()


def test_after_a_restart_the_page_offers_a_resubmit_and_the_finished_result(
    data_dir: Path,
) -> None:
    # The server that stopped had two of Sita's jobs: one finished, one still running.
    finished, cut = _request(0.0), _request(0.004)
    result = sharpen_area(finished, ResultCache(data_dir / "cache" / "enhanced"))
    records = JobRecords(data_dir / "jobs")
    records.save(_record(finished, JobState.DONE, result_path=str(result.path)))
    records.save(_record(cut, JobState.RUNNING))

    app = AppTest.from_file(APP, default_timeout=120)
    app.session_state["session_token"] = session_token(SITA)
    app.switch_page("pages/label.py")
    app.run()
    assert not app.exception
    assert [shown(w.value) for w in app.warning] == [
        "The server restarted while this job was running; resubmit it."
    ]
    labels = [b.label for b in app.button]
    assert "Resubmit" in labels
    assert records.load(request_key(cut)).state is JobState.INTERRUPTED  # type: ignore[union-attr]
    # The finished one: one click shows its area, enhanced (from the cache).
    next(b for b in app.button if b.label == "Show the enhanced area (Bicubic)").click().run()
    assert not app.exception
    [ready] = [s.value for s in app.success]
    assert ready.startswith("Enhanced area ready (from the cache: made 20")


def test_the_running_jobs_time_left_is_smoothed_over_what_the_page_saw() -> None:
    from ui.jobs_panel import smoothed_time_left

    seen: list = []
    seen, left = smoothed_time_left(seen, 0.0, 0.0)
    assert left is None  # nothing moved yet
    seen, left = smoothed_time_left(seen, 0.1, 10.0)  # 1 % a second
    assert left == pytest.approx(90.0)
    again, same = smoothed_time_left(seen, 0.1, 12.0)  # no new progress: no new report
    assert len(again) == len(seen) and same == pytest.approx(88.0)
    # A sudden fast step moves the estimate only part of the way (smoothing 0.2).
    seen, left = smoothed_time_left(seen, 0.3, 14.0)  # 5 % a second over the last 4 s
    rate = 0.2 * 0.05 + 0.8 * 0.01
    assert left == pytest.approx(0.7 / rate)


def test_ready_says_cached_only_for_a_result_no_job_here_computed(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from ui.enhance_flow import ready_message

    result = sharpen_area(_request(0.0), ResultCache(tmp_path / "cache"))
    ran = SimpleNamespace(record=SimpleNamespace(started=123.0))
    cached = SimpleNamespace(record=SimpleNamespace(started=None))
    engine = SimpleNamespace(snapshot=lambda key: ran)
    assert ready_message(engine, result) == "Enhanced area ready."  # type: ignore[arg-type]
    for found in (cached, None):
        engine = SimpleNamespace(snapshot=lambda key, found=found: found)
        message = ready_message(engine, result)  # type: ignore[arg-type]
        assert message.startswith("Enhanced area ready (from the cache: made 20")


def test_the_preview_is_drawn_once_per_preview_the_job_sends() -> None:
    """The panel redraws every second; the PNG is made again only for a new preview."""

    def app() -> None:
        import numpy as np
        import streamlit as st

        from sr.imagery.render import Pyramid
        from sr.imagery.scene import open_scene
        from sr.jobs.engine import JobSnapshot
        from sr.jobs.records import JobRecord
        from sr.sharpen.pipeline import SharpenRequest, request_key
        from ui.jobs_panel import _preview_png
        from ui.registry import ServedScene
        from ui.settings import SAMPLE_SCENE

        scene = open_scene(SAMPLE_SCENE)
        served = ServedScene(scene, Pyramid(scene))
        box = scene.lonlat_bounds
        request = SharpenRequest(scene, box, "bicubic")
        record = JobRecord.of(request_key(request), request, "Sita")
        version = st.session_state.get("version", 1)
        level = 1000.0 * version
        preview = np.full((scene.count, 8, 6), level, np.float32)
        snap = JobSnapshot(record, 0.5, "iteration 1", preview, version)
        png = _preview_png(served, snap)
        st.session_state.setdefault("pngs", []).append(png)
        st.write(f"{len(set(st.session_state['pngs']))} drawn, {len(png)} bytes")

    at = AppTest.from_function(app, default_timeout=60).run()
    assert not at.exception and "1 drawn" in at.markdown[0].value
    at.run()  # the panel's next second: the same preview
    assert "1 drawn" in at.markdown[0].value
    drawn = at.session_state["pngs"]
    assert drawn[0] is drawn[1]  # the kept PNG, not a new one
    at.session_state["version"] = 2  # the job sent a brighter preview
    at.run()
    assert "2 drawn" in at.markdown[0].value
    assert drawn[-1] != drawn[0]
