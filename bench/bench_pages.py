"""Benchmark of one rerun of the Export and Review pages on a store of 10,000 labels.

Each page runs headless in Streamlit's AppTest (no browser), signed in (Export as a
coordinator, Review as a reviewer), in a child process of its own so that its peak RSS is
the page's: the first run (scene registration, imports) is not counted, then the page is
rerun ``--reruns`` times and the median is reported. The store (SQLite, in a temporary data
folder) holds 10,000 fields on the bundled sample scene: 6,000 submitted, 3,000 accepted,
1,000 drafts, by 20 volunteers.

Run: ``.venv/bin/python bench/bench_pages.py NAME`` (NAME: ``before`` or ``after``; about a
few minutes on 2 cores). Writes ``bench/results/pages_NAME.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shapely.geometry import box  # noqa: E402

from labels.model import Geometry, Label, Role, Status  # noqa: E402

RESULTS = ROOT / "bench" / "results"
LABELS = 10_000
STEP = 0.0003  # degrees between fields (the sample is ~0.038° x 0.035°)
SIDE = 0.00026  # about 19 m x 29 m, 0.056 ha
CROPS = ("rice", "wheat", "maize", "millet")
PAGES = {"export": ("pages/export.py", "coordinator"), "review": ("pages/review.py", "reviewer")}


def status_of(i: int) -> Status:
    """6 in 10 submitted, 3 accepted, 1 draft."""
    return (Status.DRAFT, *[Status.SUBMITTED] * 6, *[Status.ACCEPTED] * 3)[i % 10]


def grid(inside: Geometry) -> Iterator[Geometry]:
    """``LABELS`` squares on a grid, row by row, each wholly ``inside`` the area."""
    west, south, east, north = inside.bounds
    made = 0
    for row in range(int((north - south) / STEP)):
        for col in range(int((east - west) / STEP)):
            lon, lat = west + col * STEP, south + row * STEP
            square = box(lon, lat, lon + SIDE, lat + SIDE)
            if inside.contains(square):
                yield square
                made += 1
                if made == LABELS:
                    return
    raise ValueError(f"only {made} fields fit on the grid, not {LABELS}")


def fill_store(data: Path) -> str:
    """A store in ``data/labels`` with ``LABELS`` fields on the sample; returns the scene id."""
    from labels.store import open_store
    from sr.imagery.scene import open_scene
    from ui.settings import SAMPLE_SCENE

    scene = open_scene(SAMPLE_SCENE)
    store = open_store(data / "labels", snapshots=False)
    store.register_scene(scene.scene_id, scene.footprint)
    inside = scene.footprint.buffer(-0.0002)
    labels: list[Label] = []
    for geometry in grid(inside):
        i = len(labels)
        status = status_of(i)
        labels.append(
            Label(
                geometry=geometry,
                crop=CROPS[i % len(CROPS)],
                scene_id=scene.scene_id,
                annotator=f"volunteer-{i % 20:02d}",
                status=status,
                reviewer="Maya" if status is Status.ACCEPTED else None,
            )
        )
    for start in range(0, LABELS, 1000):
        store.save_many(labels[start : start + 1000], actor="bench", role=Role.COORDINATOR)
    store.close()
    return scene.scene_id


def run_page(data: Path, page: str, reruns: int) -> dict:
    """In this process: the page's first run, then ``reruns`` timed reruns."""
    import resource

    from streamlit.testing.v1 import AppTest

    from labels.model import Role as R
    from ui.auth import Identity, shared_auth_store

    path, role = PAGES[page]
    os.environ["SHARPFIELDS_DATA"] = str(data)
    os.chdir(ROOT)
    _, token = shared_auth_store(data).open_session(Identity("Bench", R(role)))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    app.session_state["session_token"] = token
    app.switch_page(path)
    t0 = time.perf_counter()
    app.run()
    first = time.perf_counter() - t0
    if app.exception:
        raise RuntimeError(f"{page}: {app.exception[0].message}")
    times = []
    for _ in range(reruns):
        t0 = time.perf_counter()
        app.run()
        times.append(time.perf_counter() - t0)
    return {
        "page": path,
        "role": role,
        "first_run_s": round(first, 2),
        "reruns": reruns,
        "rerun_median_s": round(statistics.median(times), 3),
        "rerun_min_s": round(min(times), 3),
        "rerun_max_s": round(max(times), 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", nargs="?", default="after", help="before or after")
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument(
        "--data", help="a data folder to keep the filled store in (reused when it has one)"
    )
    parser.add_argument("--child", nargs=2, metavar=("DATA", "PAGE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_page(Path(args.child[0]), args.child[1], args.reruns)))
        return
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        data = Path(args.data or tmp)
        fill_s = None  # a store already there is reused
        if not (data / "labels").is_dir():
            t0 = time.perf_counter()
            fill_store(data)
            fill_s = time.perf_counter() - t0
        pages = []
        for page in PAGES:
            run = subprocess.run(
                [sys.executable, __file__, "--reruns", str(args.reruns), "--child", data, page],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "OMP_NUM_THREADS": "1"},
            )
            pages.append(json.loads(run.stdout.strip().splitlines()[-1]))
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU, "
        f"Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
        "labels": LABELS,
        "fill_store_s": round(fill_s, 1) if fill_s is not None else None,
        "pages": pages,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"pages_{args.name}.json").write_text(json.dumps(result, indent=2) + "\n")
    md = [
        f"# Page reruns, {args.name}",
        "",
        f"`python bench/bench_pages.py {args.name}` on {result['machine']} ({result['date']}); "
        f"a SQLite store of {LABELS:,} fields on the sample scene "
        f"({f'filled in {fill_s:.0f} s' if fill_s is not None else 'reused'}), "
        "Streamlit AppTest, each page in its own process.",
        "",
        "| page | signed in as | first run | rerun, median of "
        f"{args.reruns} (min–max) | peak RSS |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    md += [
        f"| {p['page']} | {p['role']} | {p['first_run_s']} s | {p['rerun_median_s']} s "
        f"({p['rerun_min_s']}–{p['rerun_max_s']}) | {p['peak_rss_mib']} MiB |"
        for p in pages
    ]
    (RESULTS / f"pages_{args.name}.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


if __name__ == "__main__":
    main()
