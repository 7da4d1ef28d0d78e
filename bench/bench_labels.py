"""Benchmark of the label store, SQLite and PostGIS side by side: bulk insert, save latency
at 100k, export, 8 writers at once.

Run: ``.venv/bin/python bench/bench_labels.py`` (about ten minutes on 2 cores; PostGIS runs
on a throw-away PostgreSQL 15 server with its default, durable settings, started from
Debian's packages like the tests'). Writes ``bench/results/labels.json`` and
``bench/results/labels.md``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shapely.geometry import box  # noqa: E402

from bench.results_files import write_results  # noqa: E402
from labels.base_store import BaseLabelStore, LabelFilter  # noqa: E402
from labels.errors import StaleEditError  # noqa: E402
from labels.model import Label, Role  # noqa: E402
from labels.store import is_database_url, open_store  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PER_SCENE = 1000
SIDE = 0.0007  # degrees: about 70 m x 62 m, 0.43 ha
STEP = 0.001  # grid spacing: fields do not touch


def field(scene: int, i: int, annotator: str = "bench") -> Label:
    """Field ``i`` of scene ``scene`` on a non-overlapping grid in Nepal."""
    lon = 80.5 + (scene % 10) * 0.5 + (i % 40) * STEP
    lat = 26.6 + (scene // 10) * 0.3 + (i // 40) * STEP
    return Label(
        geometry=box(lon, lat, lon + SIDE, lat + SIDE),
        crop="rice",
        scene_id=f"scene-{scene:03d}",
        annotator=annotator,
    )


def open_bench_store(target: str, **options: Any) -> BaseLabelStore:
    """The store at ``target``; PostGIS writes its snapshots beside the SQLite ones' place."""
    if is_database_url(target):
        options.setdefault("snapshot_dir", Path(tempfile.gettempdir()) / f"bench-pg-{os.getpid()}")
    return open_store(target, **options)


def bench_insert(path: str, n: int) -> dict:
    store = open_bench_store(path, snapshots=False)
    batch = 1000
    t0 = time.perf_counter()
    for start in range(0, n, batch):
        labels = [field(k // PER_SCENE, k % PER_SCENE) for k in range(start, start + batch)]
        store.save_many(labels, actor="bench", role=Role.COORDINATOR)
    elapsed = time.perf_counter() - t0
    return {
        "labels": n,
        "batch": batch,
        "seconds": round(elapsed, 2),
        "labels_per_second": round(n / elapsed),
    }


LATENCY_RUNS = (  # snapshots, delay (s), in a child process
    (False, 1.0, False),
    (True, 1.0, True),  # the app's setting
    (True, 0.01, True),  # the writer busy all the time
    (True, 0.01, False),  # the same in a thread: why the app uses a child process
)


def bench_save_latency(path: str, n: int, saves: int, run: int) -> dict:
    """One save at a time; with snapshots on, the background writer rewrites the scenes
    (1000 labels each) ``delay_s`` after their last save while the saves go on (a short
    delay keeps it busy the whole time: the worst case), in a child process (``process``,
    as the app does) or in a thread of the saving process."""
    snapshots, delay_s, process = LATENCY_RUNS[run]
    store = open_bench_store(
        path, snapshots=snapshots, snapshot_delay_s=delay_s, snapshot_process=process
    )
    times = []
    scenes = n // PER_SCENE
    offset = 100 * run  # fresh places for each run
    for k in range(saves):
        scene = k % scenes
        label = field(scene, PER_SCENE + k // scenes + offset)
        t0 = time.perf_counter()
        store.save(label, actor="bench", role=Role.VOLUNTEER)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    store.flush_snapshots()
    flush_s = time.perf_counter() - t0
    times.sort()
    ms = [t * 1000 for t in times]
    return {
        "final_flush_s": round(flush_s, 2),
        "saves": saves,
        "snapshots": snapshots,
        "snapshot_delay_s": delay_s,
        "snapshot_process": process,
        "scene_size": PER_SCENE,
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(ms[int(0.95 * len(ms)) - 1], 2),
        "max_ms": round(ms[-1], 2),
    }


EXPORT_CHILD = """
import sys, time, resource
sys.path.insert(0, {root!r})
from labels.export import export
from labels.store import open_store
t0 = time.perf_counter()
n = export(open_store({store!r}, snapshots=False), {out!r})
print(n, time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def bench_export(path: str, out: Path) -> dict:
    code = EXPORT_CHILD.format(root=str(ROOT), store=str(path), out=str(out))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    n, seconds, peak_kib = run.stdout.split()  # the child's own peak (not all children's)
    return {
        "format": out.suffix[1:],
        "labels": int(n),
        "seconds": round(float(seconds), 2),
        "peak_rss_mib": round(int(peak_kib) / 1024, 1),
        "file_mib": round(out.stat().st_size / 2**20, 1),
    }


def writer(
    path: str, w: int, saves: int, hot_ids: list[str], queue: Queue[tuple[int, int, int]]
) -> None:
    """Half the saves create this writer's own labels, half increment shared hot labels."""
    store = open_bench_store(path)
    stale = applied = 0
    for k in range(saves):
        if k % 2 == 0:
            store.save(field(200 + w, k // 2, f"w{w}"), actor=f"w{w}", role=Role.VOLUNTEER)
            continue
        hot = hot_ids[(k * 7 + w) % len(hot_ids)]
        while True:
            label = store.get(hot)
            try:
                count = int(label.review_comment or 0) + 1
                store.save(
                    label.replace(review_comment=str(count)), actor=f"w{w}", role=Role.REVIEWER
                )
                applied += 1
                break
            except StaleEditError:
                stale += 1
    queue.put((w, applied, stale))


def bench_writers(path: str, writers: int, saves: int) -> dict:
    store = open_bench_store(path)
    hot = [
        store.save(field(300, i, "hot"), actor="hot", role=Role.VOLUNTEER).label.id
        for i in range(10)
    ]
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=writer, args=(str(path), w, saves, hot, queue)) for w in range(writers)
    ]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.perf_counter() - t0
    applied = sum(r[1] for r in results)
    stale = sum(r[2] for r in results)
    versions = store.version_count() - len(hot)
    lost = 0
    for hot_id in hot:
        label = store.get(hot_id)
        lost += (label.version - 1) - int(label.review_comment or 0)
    creates = sum(store.count(LabelFilter(annotator=f"w{w}")) for w in range(writers))
    store.flush_snapshots()
    return {
        "writers": writers,
        "saves_each": saves,
        "seconds": round(elapsed, 2),
        "saves_per_second": round(writers * saves / elapsed),
        "versions_expected": writers * saves,
        "versions_present": versions,
        "creates_present": creates,
        "hot_updates_applied": applied,
        "stale_edits_refused": stale,
        "lost_updates": lost,
        "exit_codes": [p.exitcode for p in procs],
        "integrity": store.check() or "ok",
    }


def cells(b: dict) -> list[tuple[str, str]]:
    """(measure, result) rows of one backend's results."""
    ins, wr = b["insert"], b["writers"]
    rows = [
        (
            f"bulk insert, {ins['labels']:,} polygons, batches of {ins['batch']} "
            "(validated, measured, versioned)",
            f"{ins['labels_per_second']:,} labels/s ({ins['seconds']} s)",
        )
    ]
    for x in b["save_latency"]:
        rows.append(
            (
                f"one save into a store of {ins['labels']:,}, GeoJSON snapshots "
                + (
                    f"on, written {x['snapshot_delay_s']} s after a scene's last save "
                    + ("by a child process" if x["snapshot_process"] else "by a thread")
                    if x["snapshots"]
                    else "off"
                )
                + f", {x['saves']} saves",
                f"p50 {x['p50_ms']} ms, p95 **{x['p95_ms']} ms**, max {x['max_ms']} ms",
            )
        )
    for x in b["export"]:
        rows.append(
            (
                f"export all ({x['labels']:,}) to {x['format']}",
                f"{x['seconds']} s, peak RSS {x['peak_rss_mib']} MiB, {x['file_mib']} MiB",
            )
        )
    rows.append(
        (
            f"{wr['writers']} writer processes x {wr['saves_each']} saves at once",
            f"{wr['seconds']} s; {wr['versions_present']}/{wr['versions_expected']} versions "
            f"kept; {wr['stale_edits_refused']} stale edits refused and retried; lost updates "
            f"{wr['lost_updates']}; integrity {wr['integrity']}",
        )
    )
    return rows


def markdown(r: dict) -> str:
    names = list(r["backends"])
    tables = {name: cells(r["backends"][name]) for name in names}
    lines = [
        "# Label store benchmark",
        "",
        f"`{r['command']}` on {r['machine']} ({r['date']}).",
        "",
        "| measure | " + " | ".join(names) + " |",
        "| --- |" + " --- |" * len(names),
    ]
    for i, (measure, _) in enumerate(tables[names[0]]):
        lines.append(f"| {measure} | " + " | ".join(tables[n][i][1] for n in names) + " |")
    return "\n".join(lines) + "\n"


def run_backend(target: str, writers_target: str, args: argparse.Namespace, tmp: Path) -> dict:
    """All four measures on one backend."""
    result: dict = {"insert": bench_insert(target, args.labels)}
    print("insert", result["insert"], flush=True)
    result["save_latency"] = [
        bench_save_latency(target, args.labels, args.saves, run) for run in range(len(LATENCY_RUNS))
    ]
    print("latency", result["save_latency"], flush=True)
    result["export"] = [bench_export(target, tmp / f"out.{ext}") for ext in ("geojson", "gpkg")]
    print("export", result["export"], flush=True)
    result["writers"] = bench_writers(writers_target, args.writers, args.writer_saves)
    print("writers", result["writers"], flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=100_000)
    parser.add_argument("--saves", type=int, default=400)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--writer-saves", type=int, default=500)
    parser.add_argument("--backend", choices=("sqlite", "postgis"), action="append")
    parser.add_argument("--out", type=Path, default=RESULTS / "labels.json")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop PostgreSQL on the way out
    result: dict = {
        "command": " ".join(["python bench/bench_labels.py", *sys.argv[1:]]),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}, PostgreSQL 15 + PostGIS",
        "date": time.strftime("%Y-%m-%d"),
        "backends": {},
    }
    for backend in args.backend or ["sqlite", "postgis"]:
        print("==", backend, flush=True)
        with tempfile.TemporaryDirectory(prefix="bench-labels-") as tmp:
            tmp_path = Path(tmp)
            if backend == "sqlite":
                targets = (str(tmp_path / "store"), str(tmp_path / "writers"))
                result["backends"]["SQLite"] = run_backend(*targets, args, tmp_path)
                continue
            server = PostgresServer(durable=True)
            try:
                targets = (server.database(), server.database())
                result["backends"]["PostGIS"] = run_backend(*targets, args, tmp_path)
            finally:
                server.stop()
    write_results(args.out, result, markdown(result), indent=2)


if __name__ == "__main__":
    main()
