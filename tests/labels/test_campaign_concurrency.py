"""Many volunteers asking for a task at once, on SQLite and on PostGIS: nobody gets a task
someone else holds, and no task is lost (threads and real processes)."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

from shapely.geometry import box

from labels.campaign_store import CampaignStore
from labels.campaigns import Campaign, NoTaskError, TaskState, task_grid
from labels.model import Role
from labels.store import open_store
from tests.labels.conftest import PROCESSES, SCENE, open_test_store

AREA = box(85.30, 27.70, 85.35, 27.75)  # 5 × 6 = 30 tasks of 1280 m


def _campaign(target: str, tmp_path: Path) -> str:
    store = open_test_store(target, tmp_path)
    tasks = task_grid(AREA, "EPSG:32645", (1280.0, 1280.0), (300_000.0, 3_100_000.0))
    made = CampaignStore(store).create(
        Campaign("rush", (SCENE,), AREA, "boss"), tasks, actor="boss", role=Role.COORDINATOR
    )
    return made.id


def _volunteer(target: str, campaign_id: str, worker: int, start, queue) -> None:
    """Ask for a task and hand it in, until none is left; report the tasks mapped."""
    campaigns = CampaignStore(open_store(target, snapshots=False))
    got = []
    start.wait()
    while True:
        try:
            task = campaigns.map_next(campaign_id, f"volunteer {worker}")
        except NoTaskError:
            break
        got.append(task.number)
        campaigns.mark_mapped(campaign_id, task.number, f"volunteer {worker}")
    queue.put(got)


def test_processes_mapping_at_once_never_share_a_task(store_target: str, tmp_path: Path) -> None:
    campaign_id = _campaign(store_target, tmp_path)
    workers = 8
    start, queue = PROCESSES.Event(), PROCESSES.Queue()
    procs = [
        PROCESSES.Process(target=_volunteer, args=(store_target, campaign_id, w, start, queue))
        for w in range(workers)
    ]
    for p in procs:
        p.start()
    start.set()
    mapped = [n for _ in procs for n in queue.get(timeout=180)]
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert sorted(mapped) == list(range(1, 31))  # every task once: none twice, none lost
    campaigns = CampaignStore(open_test_store(store_target, tmp_path))
    assert {t.state for t in campaigns.tasks(campaign_id)} == {TaskState.MAPPED}
    locks = Counter(e.number for e in campaigns.events(campaign_id) if e.action.startswith("lock"))
    assert set(locks.values()) == {1}  # each task was locked exactly once


def test_threads_asking_at_the_same_moment_get_different_tasks(
    store_target: str, tmp_path: Path
) -> None:
    campaign_id = _campaign(store_target, tmp_path)
    campaigns = CampaignStore(open_test_store(store_target, tmp_path))
    people = 40  # more than the 30 tasks: ten are told there is none
    barrier = threading.Barrier(people)
    got: dict[int, int | None] = {}

    def ask(worker: int) -> None:
        barrier.wait()
        try:
            got[worker] = campaigns.map_next(campaign_id, f"v{worker}").number
        except NoTaskError:
            got[worker] = None
        finally:
            campaigns.store.close()

    threads = [threading.Thread(target=ask, args=(w,)) for w in range(people)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    numbers = [n for n in got.values() if n is not None]
    assert len(got) == people
    assert sorted(numbers) == list(range(1, 31))  # 30 different tasks, all of them
    holders = {t.number: t.locked_by for t in campaigns.tasks(campaign_id)}
    assert all(holders[got[w]] == f"v{w}" for w in got if got[w] is not None)
