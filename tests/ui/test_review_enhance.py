"""The Review page's Enhance for a field no enhanced area holds (ui.review_enhance)."""

from __future__ import annotations

from pathlib import Path

from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from labels.store import open_store
from sr.imagery.scene import open_scene
from sr.jobs.records import JobRecord, JobRecords, JobState
from sr.sharpen.methods import DEFAULT_METHOD
from sr.sharpen.pipeline import request_key, sharpen_area
from tests.conftest import PROJECT_ROOT
from tests.ui.conftest import MAYA, run_page, save_on_sample, session_token, shown
from ui.enhance_flow import job_engine, result_cache
from ui.review import enhanced_view_of
from ui.review_enhance import ENHANCE_FIELD, JOBS_KEY, NOTHING_ENHANCED, field_request
from ui.settings import SAMPLE_SCENE

REVIEW = "pages/review.py"


def _field() -> object:
    c = open_scene(SAMPLE_SCENE).footprint.centroid
    return box(c.x, c.y, c.x + 0.003, c.y + 0.002)


def _captions(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [shown(c.value) for c in app.caption]


def test_the_request_holds_the_field_on_the_date_shown_with_the_recommended_method(
    app_data: Path,
) -> None:
    scene = open_scene(SAMPLE_SCENE)
    [label_id] = save_on_sample(app_data, [_field()], "rice")
    label = open_store(app_data / "labels").get(label_id)
    request = field_request(scene, label, "Maya", 1)
    assert box(*request.bbox).contains(label.geometry)
    assert (request.method, request.requested_by, request.date) == (DEFAULT_METHOD, "Maya", 1)


def test_a_field_no_enhanced_area_holds_can_be_enhanced_from_review_and_is_then_compared(
    app_data: Path,
) -> None:
    """The right map showed the original again, with no way to compare; the press queues
    the area under the reviewer's name, and the maps then show it."""
    scene = open_scene(SAMPLE_SCENE)
    [label_id] = save_on_sample(app_data, [_field()], "rice")
    app = run_page(REVIEW, MAYA)
    assert any(NOTHING_ENHANCED in c for c in _captions(app))
    [press] = [b for b in app.button if b.label == ENHANCE_FIELD]
    assert not press.disabled
    label = open_store(app_data / "labels").get(label_id)
    request = field_request(scene, label, MAYA.name, 0)
    # Sharpened here ahead of the press, so that the engine finds it done at once (no
    # cluster in this test; the browser test runs a real job from the same button).
    sharpen_area(request, result_cache())
    press.click().run()
    assert not app.exception
    assert app.session_state[JOBS_KEY] == {label_id: request_key(request)}
    [job] = job_engine().jobs_of(MAYA.name, scene.scene_id)
    assert job.key == request_key(request)
    assert enhanced_view_of(label, date=0) is not None
    assert any(c.startswith("Left: original scene. Right: enhanced (") for c in _captions(app))
    assert not [b for b in app.button if b.label == ENHANCE_FIELD]


def test_a_field_an_enhanced_area_holds_is_not_offered_enhance(app_data: Path) -> None:
    scene = open_scene(SAMPLE_SCENE)
    [label_id] = save_on_sample(app_data, [_field()], "rice")
    label = open_store(app_data / "labels").get(label_id)
    sharpen_area(field_request(scene, label, "Sita", 0), result_cache())
    app = run_page(REVIEW, MAYA)
    assert not app.exception
    assert not [b for b in app.button if b.label == ENHANCE_FIELD]
    assert not any(NOTHING_ENHANCED in c for c in _captions(app))


def test_a_job_that_did_not_finish_is_said_once_beside_the_button(app_data: Path) -> None:
    """The server stopped while the field's area was being enhanced: the row says so once,
    and the button is there to try again."""
    scene = open_scene(SAMPLE_SCENE)
    [label_id] = save_on_sample(app_data, [_field()], "rice")
    request = field_request(scene, open_store(app_data / "labels").get(label_id), MAYA.name, 0)
    key = request_key(request)
    running = JobRecord.of(key, request, MAYA.name).moved(JobState.RUNNING)
    JobRecords(app_data / "jobs").save(running)  # by a server that stopped
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60)
    app.session_state["session_token"] = session_token(MAYA)
    app.session_state[JOBS_KEY] = {label_id: key}
    app.switch_page(REVIEW)
    app.run()
    assert not app.exception
    [said] = [c for c in _captions(app) if c.startswith(NOTHING_ENHANCED)]
    assert said.endswith("The server restarted while this job was running; resubmit it.")
    assert [b for b in app.button if b.label == ENHANCE_FIELD]
    app.run()
    assert NOTHING_ENHANCED in _captions(app)  # once: now the caption alone
