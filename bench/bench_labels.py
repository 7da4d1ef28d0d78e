"""Benchmark of the label store: bulk insert, save latency at 100k, export, 8 writers at once.

Run: ``.venv/bin/python bench/bench_labels.py`` (a few minutes on 2 cores). Writes
``bench/results/labels.json`` and ``bench/results/labels.md``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shapely.geometry import box  # noqa: E402

from labels.errors import StaleEditError  # noqa: E402
from labels.model import Label, Role  # noqa: E402
from labels.store import LabelFilter, open_store  # noqa: E402

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


def bench_insert(path: Path, n: int) -> dict:
    store = open_store(path, snapshots=False)
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


def bench_save_latency(path: Path, n: int, saves: int, snapshots: bool) -> dict:
    store = open_store(path, snapshots=snapshots)
    times = []
    scenes = n // PER_SCENE
    for k in range(saves):
        scene = k % scenes
        label = field(scene, PER_SCENE + k // scenes + (0 if snapshots else 200))
        t0 = time.perf_counter()
        store.save(label, actor="bench", role=Role.VOLUNTEER)
        times.append(time.perf_counter() - t0)
    times.sort()
    ms = [t * 1000 for t in times]
    return {
        "saves": saves,
        "snapshots": snapshots,
        "scene_size": PER_SCENE,
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(ms[int(0.95 * len(ms)) - 1], 2),
        "max_ms": round(ms[-1], 2),
    }


EXPORT_CHILD = """
import sys, time, resource
sys.path.insert(0, {root!r})
from labels.io import export
from labels.store import open_store
t0 = time.perf_counter()
n = export(open_store({store!r}, snapshots=False), {out!r})
print(n, time.perf_counter() - t0)
"""


def bench_export(path: Path, out: Path) -> dict:
    code = EXPORT_CHILD.format(root=str(ROOT), store=str(path), out=str(out))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    n, seconds = run.stdout.split()
    return {
        "format": out.suffix[1:],
        "labels": int(n),
        "seconds": round(float(seconds), 2),
        "peak_rss_mib": round(max(peak_kib, before) / 1024, 1),
        "file_mib": round(out.stat().st_size / 2**20, 1),
    }


def writer(path: str, w: int, saves: int, hot_ids: list[str], queue) -> None:
    """Half the saves create this writer's own labels, half increment shared hot labels."""
    store = open_store(path)
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


def bench_writers(path: Path, writers: int, saves: int) -> dict:
    store = open_store(path)
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
    conn = sqlite3.connect(store.db_path)
    versions = conn.execute("SELECT count(*) FROM label_versions").fetchone()[0] - len(hot)
    lost = 0
    for hot_id in hot:
        label = store.get(hot_id)
        lost += (label.version - 1) - int(label.review_comment or 0)
    creates = sum(store.count(LabelFilter(annotator=f"w{w}")) for w in range(writers))
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


def markdown(r: dict) -> str:
    ins, lat, exp, wr = r["insert"], r["save_latency"], r["export"], r["writers"]
    lines = [
        "# Label store benchmark",
        "",
        f"`{r['command']}` on {r['machine']} ({r['date']}).",
        "",
        "| measure | result |",
        "| --- | --- |",
        f"| bulk insert, {ins['labels']:,} polygons, batches of {ins['batch']} "
        f"(validated, measured, versioned) | {ins['labels_per_second']:,} labels/s "
        f"({ins['seconds']} s) |",
    ]
    for x in lat:
        lines.append(
            f"| one save into a store of {r['insert']['labels']:,}, snapshots "
            f"{'on' if x['snapshots'] else 'off'} ({x['saves']} saves) | p50 {x['p50_ms']} ms, "
            f"p95 {x['p95_ms']} ms, max {x['max_ms']} ms |"
        )
    for x in exp:
        lines.append(
            f"| export {x['labels']:,} to {x['format']} | {x['seconds']} s, peak RSS "
            f"{x['peak_rss_mib']} MiB, file {x['file_mib']} MiB |"
        )
    lines.append(
        f"| {wr['writers']} writer processes x {wr['saves_each']} saves at once | "
        f"{wr['seconds']} s; {wr['versions_present']}/{wr['versions_expected']} versions "
        f"present; {wr['hot_updates_applied']} hot updates applied, {wr['stale_edits_refused']} "
        f"stale edits refused and retried; lost updates: {wr['lost_updates']}; integrity "
        f"{wr['integrity']} |"
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=100_000)
    parser.add_argument("--saves", type=int, default=200)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--writer-saves", type=int, default=500)
    parser.add_argument("--out", type=Path, default=RESULTS / "labels.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-labels-") as tmp:
        tmp_path = Path(tmp)
        store = tmp_path / "store"
        result: dict = {
            "command": " ".join(["python bench/bench_labels.py", *sys.argv[1:]]),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPU, Python "
            f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}",
            "date": time.strftime("%Y-%m-%d"),
        }
        result["insert"] = bench_insert(store, args.labels)
        print("insert", result["insert"], flush=True)
        result["save_latency"] = [
            bench_save_latency(store, args.labels, args.saves, s) for s in (False, True)
        ]
        print("latency", result["save_latency"], flush=True)
        result["export"] = [
            bench_export(store, tmp_path / f"out.{ext}") for ext in ("geojson", "gpkg")
        ]
        print("export", result["export"], flush=True)
        result["writers"] = bench_writers(tmp_path / "writers", args.writers, args.writer_saves)
        print("writers", result["writers"], flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    args.out.with_suffix(".md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
