"""Benchmark of campaigns on SQLite and PostGIS: 500 volunteers asking for tasks and handing
them in at once, and the progress page of a campaign of 5,000 tasks.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python bench/bench_campaigns.py`` (a few minutes on 2
cores; PostGIS on a throw-away PostgreSQL 15 server with durable settings, as
bench/bench_labels.py). Writes ``bench/results/campaigns.json`` and ``campaigns.md``.

The 500 volunteers are served by ``--clients`` concurrent connections (processes × threads),
as app servers would serve them: the throw-away server allows 100 connections. Every
volunteer waits on one start signal, then asks for a task ("Map next task"), hands it in
("I'm done with this task") and does it again, ``--rounds`` times.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shapely.geometry import box  # noqa: E402

from labels.campaign_store import CampaignStore  # noqa: E402
from labels.campaigns import Campaign, NoTaskError, TaskState, task_grid  # noqa: E402
from labels.model import Role  # noqa: E402
from labels.store import is_database_url, open_store  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CTX = mp.get_context("fork")


def _store(target: str):  # type: ignore[no-untyped-def]
    options = {"snapshots": False}
    return open_store(target, **options)


def make_campaign(target: str, tasks: int, cell_m: float, scene_id: str = "bench") -> str:
    """A campaign of about ``tasks`` square tasks of ``cell_m`` metres (UTM 45N, Nepal)."""
    side = int(tasks**0.5) + 1
    x0, y0 = 300_000.0, 3_100_000.0
    from pyproj import Transformer

    to_lonlat = Transformer.from_crs(32645, 4326, always_xy=True)
    west, south = to_lonlat.transform(x0, y0 - side * cell_m)
    east, north = to_lonlat.transform(x0 + side * cell_m, y0)
    area = box(west, south, east, north)
    grid = task_grid(area, "EPSG:32645", (cell_m, cell_m), (x0, y0), max_tasks=side * side * 2)
    grid = [g for g in grid if g.area > 0.5 * max(t.area for t in grid[:10])][:tasks]
    store = _store(target)
    made = CampaignStore(store).create(
        Campaign("bench", (scene_id,), area, "boss", task_pixels=8),
        grid,
        actor="boss",
        role=Role.COORDINATOR,
    )
    return made.id


def _client(target, campaign_id, volunteers, rounds, threads, start, queue) -> None:  # type: ignore[no-untyped-def]
    """One process: ``threads`` connections serving its share of volunteers."""
    store = _store(target)
    campaigns = CampaignStore(store)
    lock = threading.Lock()
    todo = list(volunteers)
    results: list[tuple[str, float, int | None]] = []

    def serve() -> None:
        while True:
            with lock:
                if not todo:
                    return
                person = todo.pop()
            for _ in range(rounds):
                began = time.perf_counter()
                try:
                    task = campaigns.map_next(campaign_id, person)
                except NoTaskError:
                    results.append(("none", time.perf_counter() - began, None))
                    break
                results.append(("map_next", time.perf_counter() - began, task.number))
                began = time.perf_counter()
                campaigns.mark_mapped(campaign_id, task.number, person)
                results.append(("mark_mapped", time.perf_counter() - began, task.number))

    workers = [threading.Thread(target=serve) for _ in range(threads)]
    start.wait()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    queue.put(results)


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=100)
    return {
        "p50_ms": round(q[49] * 1000, 2),
        "p95_ms": round(q[94] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def rush(target: str, volunteers: int, rounds: int, procs: int, threads: int, tasks: int) -> dict:
    """500 volunteers at once: latency, and no task double-locked or lost."""
    campaign_id = make_campaign(target, tasks, 200.0)
    names = [f"volunteer {i:03d}" for i in range(volunteers)]
    start, queue = CTX.Event(), CTX.Queue()
    workers = [
        CTX.Process(
            target=_client,
            args=(target, campaign_id, names[p::procs], rounds, threads, start, queue),
        )
        for p in range(procs)
    ]
    for w in workers:
        w.start()
    time.sleep(2.0)  # every process connected and waiting
    began = time.perf_counter()
    start.set()
    results = [r for _ in workers for r in queue.get(timeout=1800)]
    wall = time.perf_counter() - began
    for w in workers:
        w.join(60)
    campaigns = CampaignStore(_store(target))
    handed = [n for kind, _, n in results if kind == "map_next"]
    locks = Counter(
        e.number for e in campaigns.events(campaign_id) if e.action == "lock for mapping"
    )
    states = Counter(t.state for t in campaigns.tasks(campaign_id))
    return {
        "volunteers": volunteers,
        "rounds": rounds,
        "clients": procs * threads,
        "tasks": sum(states.values()),
        "wall_s": round(wall, 2),
        "requests": len(results),
        "map_next": percentiles([s for k, s, _ in results if k == "map_next"]),
        "mark_mapped": percentiles([s for k, s, _ in results if k == "mark_mapped"]),
        "tasks_handed_out": len(handed),
        "handed_out_twice": len(handed) - len(set(handed)),
        "locked_more_than_once": sum(1 for c in locks.values() if c > 1),
        "mapped": states[TaskState.MAPPED],
        "lost (locked, never mapped)": states[TaskState.LOCKED_MAPPING],
        "told_none_left": sum(1 for k, _, _ in results if k == "none"),
    }


def progress_load(target: str, tasks: int, repeats: int) -> dict:
    """A campaign of ``tasks`` tasks, a fifth mapped: the progress page's reads and its map."""
    import folium

    from ui.campaign_map import add_tasks

    campaign_id = make_campaign(target, tasks, 40.0)
    campaigns = CampaignStore(_store(target))
    for i in range(tasks // 5):
        task = campaigns.map_next(campaign_id, f"v{i % 50}")
        campaigns.mark_mapped(campaign_id, task.number, f"v{i % 50}")
    timings: dict[str, list[float]] = {"tasks + progress reads": [], "map with the tasks": []}
    for _ in range(repeats):
        began = time.perf_counter()
        listed = campaigns.tasks(campaign_id)
        found = campaigns.progress(campaign_id)
        timings["tasks + progress reads"].append(time.perf_counter() - began)
        began = time.perf_counter()
        fmap = folium.Map(location=(28, 85), zoom_start=12)
        add_tasks(fmap, listed, datetime.now(UTC).isoformat(), True)
        html = fmap.get_root().render()
        timings["map with the tasks"].append(time.perf_counter() - began)
    return {
        "tasks": found.total,
        "mapped": found.counts[TaskState.MAPPED],
        "map_html_mb": round(len(html) / 1e6, 2),
        **{k: round(statistics.median(v), 3) for k, v in timings.items()},
    }


def page_load(target: str, tasks: int, repeats: int) -> dict:
    """The whole Campaigns page (AppTest, no browser) on the sample scene, ``tasks`` tasks."""
    import streamlit as st

    from sr.imagery.scene import open_scene
    from tests.ui.conftest import run_page
    from ui.auth import Identity
    from ui.settings import SAMPLE_SCENE

    scene = open_scene(SAMPLE_SCENE)
    with tempfile.TemporaryDirectory() as data:
        os.environ["SHARPFIELDS_DATA"] = data
        if is_database_url(target):
            os.environ["SHARPFIELDS_DATABASE_URL"] = target
        else:
            target = str(Path(data) / "labels")
        store = _store(target)
        campaigns = CampaignStore(store)
        west, south, east, north = scene.lonlat_bounds
        area = box(west, south, east, north)
        grid = task_grid(area, scene.crs, (30.0, 30.0), (scene.transform.c, scene.transform.f))
        made = campaigns.create(
            Campaign("page", (scene.scene_id,), area, "Boss", task_pixels=8),
            grid[:tasks],
            actor="Boss",
            role=Role.COORDINATOR,
        )
        os.chdir(ROOT)
        st.cache_resource.clear()
        times = []
        for _ in range(repeats):
            began = time.perf_counter()
            run_page("pages/campaigns.py", Identity("Boss", Role.COORDINATOR))
            times.append(time.perf_counter() - began)
        os.environ.pop("SHARPFIELDS_DATABASE_URL", None)
        st.cache_resource.clear()
        return {
            "tasks": len(campaigns.tasks(made.id)),
            "page_run_median_s": round(statistics.median(times), 2),
            "page_run_runs_s": [round(t, 2) for t in times],
        }


def table(results: dict) -> str:
    rows = []
    for backend, found in results["backends"].items():
        r = found["rush"]
        rows.append(
            f"| {backend} | {r['volunteers']} volunteers × {r['rounds']} rounds by "
            f"{r['clients']} connections, {r['tasks']} tasks | {r['wall_s']} s; "
            f"map next p50 {r['map_next']['p50_ms']} ms, **p95 {r['map_next']['p95_ms']} ms**, "
            f"max {r['map_next']['max_ms']} ms; done p95 {r['mark_mapped']['p95_ms']} ms | "
            f"{r['tasks_handed_out']} handed out, twice: {r['handed_out_twice']}, locked twice: "
            f"{r['locked_more_than_once']}, lost: {r['lost (locked, never mapped)']} |"
        )
    lines = [
        "| backend | load | time and latency | correctness |",
        "| --- | --- | --- | --- |",
        *rows,
        "",
        "| backend | progress of a campaign of 5,000 tasks | |",
        "| --- | --- | --- |",
    ]
    for backend, found in results["backends"].items():
        p, page = found["progress"], found["page"]
        lines.append(
            f"| {backend} | reads (tasks + figures) {p['tasks + progress reads']} s, the map "
            f"with {p['tasks']} tasks built {p['map with the tasks']} s ({p['map_html_mb']} MB "
            f"HTML) | whole page (AppTest, {page['tasks']} tasks) median "
            f"**{page['page_run_median_s']} s** of {page['page_run_runs_s']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--volunteers", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--procs", type=int, default=6)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--tasks", type=int, default=1200)
    parser.add_argument("--progress-tasks", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--backend", choices=["sqlite", "postgis"], action="append")
    args = parser.parse_args()
    results: dict = {
        "command": "OMP_NUM_THREADS=1 .venv/bin/python bench/bench_campaigns.py "
        + " ".join(sys.argv[1:]),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}",
        "date": datetime.now(UTC).date().isoformat(),
        "load_average_at_start": os.getloadavg()[0],
        "backends": {},
    }
    server = None
    try:
        for backend in args.backend or ["sqlite", "postgis"]:
            if backend == "postgis" and server is None:
                server = PostgresServer(durable=True)

            def target(pg: PostgresServer | None = server if backend == "postgis" else None) -> str:
                """A fresh store: a folder (SQLite) or a new database (PostGIS)."""
                return pg.database() if pg else tempfile.mkdtemp(prefix="bench-campaign-")

            print(f"{backend}: rush", flush=True)
            found = {"rush": rush(target(), args.volunteers, args.rounds, args.procs,
                                  args.threads, args.tasks)}  # fmt: skip
            print(found["rush"], flush=True)
            print(f"{backend}: progress", flush=True)
            found["progress"] = progress_load(target(), args.progress_tasks, args.repeats)
            print(found["progress"], flush=True)
            found["page"] = page_load(target(), args.progress_tasks, args.repeats)
            print(found["page"], flush=True)
            results["backends"][backend] = found
    finally:
        if server is not None:
            server.stop()
    results["load_average_at_end"] = os.getloadavg()[0]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "campaigns.json").write_text(json.dumps(results, indent=2) + "\n")
    md = (
        "# Campaigns benchmark\n\n"
        f"`{results['command']}` on {results['machine']} ({results['date']}); the machine's 2 "
        "cores are shared with other work (load average "
        f"{results['load_average_at_start']:.1f} at the start, "
        f"{results['load_average_at_end']:.1f} at the end), so the times are upper bounds.\n\n"
        + table(results)
        + "\n"
    )
    (RESULTS / "campaigns.md").write_text(md)
    print(md)


if __name__ == "__main__":
    main()
