"""Jobs queued ahead of need (a campaign's tasks): low priority on the embedded cluster."""

from __future__ import annotations

from sr.imagery.scene import Scene
from sr.jobs.engine import BACKGROUND, JobState, QueueLimits
from sr.sharpen.pipeline import SharpenRequest
from tests.sr.jobs.conftest import EngineFactory, pixel_area
from tests.sr.jobs.test_local_jobs import LONG, _until


def test_background_jobs_wait_behind_volunteers_and_a_volunteer_takes_one_over(
    make_engine: EngineFactory, scene: Scene
) -> None:
    engine = make_engine(QueueLimits(waiting=0))
    areas = [pixel_area(scene, col, row) for row in (0, 32) for col in (0, 20, 40, 60)]
    requests = [SharpenRequest(scene, bbox, "dip", iterations=LONG) for bbox in areas]
    # no queue limit for the campaign's tasks; one of them at a time on the cluster
    assert engine.submit_background(requests[:4], "campaign Terai") == 4
    assert engine.submit_background(requests[:4], "campaign Terai") == 0  # queued already
    first = engine.snapshot(engine.jobs()[0].key)
    assert first is not None
    keys = [r.key for r in engine.jobs()]
    running = _until(engine, keys[0], JobState.RUNNING)
    assert running.record.volunteers == (f"{BACKGROUND}campaign Terai",)
    asha = engine.submit(requests[5], "Asha")  # the second worker is hers at once
    _until(engine, asha.key, JobState.RUNNING)
    bishnu = engine.submit(requests[6], "Bishnu")
    waiting = engine.snapshot(bishnu.key)
    assert waiting is not None and waiting.position == 0  # before the 3 background jobs
    # a volunteer asking for a task's area that waits in the background takes it over
    joined = engine.submit(requests[3], "Chandra")
    assert joined.record.volunteers[0] == "Chandra"
    order = engine._dispatch_order()
    assert order.index(bishnu.key) < order.index(keys[1])
    assert order.index(joined.key) < order.index(keys[1])
    assert not engine.jobs_of("campaign Terai")  # nobody's job list shows them


def test_a_new_campaign_queues_its_first_tasks_as_the_label_page_will_ask_for_them(
    make_engine: EngineFactory, scene: Scene
) -> None:
    from shapely.geometry import box

    from labels.campaigns import Task
    from sr.sharpen.pipeline import request_key
    from ui.campaign_view import pre_enhance, task_bbox
    from ui.settings import dip_iterations_override

    engine = make_engine()
    tasks = [Task("c1", n, box(*pixel_area(scene, col))) for n, col in enumerate((0, 20, 40), 1)]
    assert pre_enhance(engine, scene, "c1", tasks, ahead=2) == 2
    queued = {r.key for r in engine.jobs()}
    label_page = {  # the request the Label page makes when the task is taken (its area)
        request_key(SharpenRequest(scene, task_bbox(t), iterations=dip_iterations_override()))
        for t in tasks[:2]
    }
    assert queued == label_page
    assert {r.volunteers for r in engine.jobs()} == {(f"{BACKGROUND}campaign c1",)}
