"""Benchmark of a reviewer checking one task of a large campaign: reading the task's fields by
the task (``CampaignStore.fields_in``, what the Campaigns page reads) or as the whole
campaign's, filtered (what it read before), and the whole page's run either way.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python -m bench.bench_task_check`` (a few minutes on 2
cores, most of it saving the fields). SQLite, on the bundled sample scene: ``--tasks`` tasks of
64 × 64 m, each holding ``--fields`` fields. Writes ``bench/results/task_check.json`` and
``task_check.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

from shapely.geometry import box

from bench.results_files import cpu_model, write_results
from labels.campaign_store import CampaignStore
from labels.campaigns import Campaign, Task, task_grid
from labels.model import Label, Role, Status
from labels.store import open_store

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
REVIEWER = "Maya"
CELL_M = 64.0  # a task's side: four fields of 26 × 26 m fit (the store's minimum is 400 m²)


def campaign_with_fields(folder: Path, tasks: int, fields: int) -> tuple[CampaignStore, Task]:
    """A campaign over the sample of ``tasks`` tasks with ``fields`` fields each (a grid of
    squares inside the task); the middle task mapped and locked for the reviewer."""
    from sr.imagery.scene import open_scene
    from ui.settings import SAMPLE_SCENE

    scene = open_scene(SAMPLE_SCENE)
    store = open_store(folder, snapshots=False)
    store.register_scene(scene.scene_id, scene.footprint)
    campaigns = CampaignStore(store)
    area = scene.footprint
    grid = task_grid(area, scene.crs, (CELL_M, CELL_M), (scene.transform.c, scene.transform.f))
    inside = [cell for cell in grid if area.contains(cell)][:tasks]
    made = campaigns.create(
        Campaign("check", (scene.scene_id,), area, "Boss", task_pixels=8),
        inside, actor="Boss", role=Role.COORDINATOR,
    )  # fmt: skip
    side = int(fields**0.5 + 0.999)
    for task in campaigns.tasks(made.id):
        w, s, e, n = task.geometry.bounds
        dx, dy = (e - w) / side, (n - s) / side
        squares = [(w + dx * (k % side), s + dy * (k // side)) for k in range(fields)]
        drawn = [
            Label(box(x + dx * 0.1, y + dy * 0.1, x + dx * 0.9, y + dy * 0.9), "wheat",
                  scene.scene_id, "Sita", status=Status.SUBMITTED, task_id=task.ref)
            for x, y in squares
        ]  # fmt: skip
        store.save_many(drawn, actor="Sita", role=Role.VOLUNTEER)
    middle = campaigns.tasks(made.id)[tasks // 2].number
    campaigns.lock_for_mapping(made.id, middle, "Sita")
    campaigns.mark_mapped(made.id, middle, "Sita")
    return campaigns, campaigns.validate_next(made.id, REVIEWER, Role.REVIEWER)


def whole_campaign(campaigns: CampaignStore, task: Task) -> list[Label]:
    """The task's fields as the page read them before: the campaign's, filtered."""
    return [lab for lab in campaigns.fields(task.campaign_id) if lab.task_id == task.ref]


def median_s(action: Callable[[], object], repeats: int) -> tuple[float, list[float]]:
    """The median and every time of ``repeats`` runs of ``action``, in seconds."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return round(statistics.median(times), 4), [round(t, 4) for t in times]


@contextmanager
def reads_whole_campaign() -> Iterator[None]:
    """The page as before: ``fields_in`` answered by reading the whole campaign."""
    with mock.patch.object(CampaignStore, "fields_in", whole_campaign):
        yield


def page_run(repeats: int) -> tuple[float, list[float]]:
    """The Campaigns page run by the reviewer checking the task (AppTest, no browser)."""
    from tests.ui.conftest import run_page
    from ui.auth import Identity

    reviewer = Identity(REVIEWER, Role.REVIEWER)
    first = run_page("pages/campaigns.py", reviewer)  # builds the page's caches
    if not any(m.value.startswith("**Checking task") for m in first.markdown):
        raise SystemExit(f"the page does not show the task checked: {first.exception}")
    return median_s(lambda: run_page("pages/campaigns.py", reviewer), repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2400, help="at most 2 400 on the sample")
    parser.add_argument("--fields", type=int, default=4, help="fields per task (at most 4)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    import streamlit as st

    with tempfile.TemporaryDirectory() as data:
        os.environ["SHARPFIELDS_DATA"] = data
        os.chdir(ROOT)
        began = time.perf_counter()
        campaigns, task = campaign_with_fields(Path(data) / "labels", args.tasks, args.fields)
        built_s = round(time.perf_counter() - began, 1)
        count = len(campaigns.fields(task.campaign_id))
        by_task = median_s(lambda: campaigns.fields_in(task), args.repeats)
        by_campaign = median_s(lambda: whole_campaign(campaigns, task), args.repeats)
        st.cache_resource.clear()
        page_now = page_run(args.repeats)
        with reads_whole_campaign():
            st.cache_resource.clear()
            page_before = page_run(args.repeats)
        st.cache_resource.clear()
    results = {
        "command": "OMP_NUM_THREADS=1 .venv/bin/python -m bench.bench_task_check",
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": f"{cpu_model()}, {os.cpu_count()} CPU, Python {platform.python_version()}",
        "tasks": args.tasks,
        "fields": count,
        "build_s": built_s,
        "read_by_task_s": by_task,
        "read_by_campaign_s": by_campaign,
        "page_by_task_s": page_now,
        "page_by_campaign_s": page_before,
    }
    write_results(RESULTS / "task_check.json", results, table(results))


def table(found: dict) -> str:
    """The results as markdown."""
    return (
        "# A reviewer checking one task of a large campaign\n\n"
        f"`{found['command']}` on {found['machine']} ({found['date']}); the machine's 2 cores "
        "are shared with other work, so the times are upper bounds. SQLite, "
        f"{found['tasks']} tasks, {found['fields']} fields (saved in {found['build_s']} s); "
        f"medians of {len(found['page_by_task_s'][1])} runs.\n\n"
        "| the task's fields read | read | the Campaigns page's run (AppTest) |\n"
        "| --- | --- | --- |\n"
        f"| by the task (`fields_in`, now) | {found['read_by_task_s'][0] * 1000:.1f} ms | "
        f"{found['page_by_task_s'][0]:.2f} s |\n"
        f"| as the whole campaign's, filtered (before) | "
        f"{found['read_by_campaign_s'][0] * 1000:.1f} ms | "
        f"{found['page_by_campaign_s'][0]:.2f} s |\n"
    )


if __name__ == "__main__":
    main()
