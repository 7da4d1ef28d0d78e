"""Load benchmark of the job engine: N volunteers press Enhance at once.

Each simulated volunteer submits a DIP ``fast`` job on its own 64² area of the bundled
sample through the job API the Label page uses (:class:`sr.jobs.engine.JobEngine`), on the
embedded cluster (or ``--scheduler``). Meanwhile a real app server answers HTTP GETs of
the app and of a map tile. Then the same jobs run one after another in this process.

    .venv/bin/python -m bench.bench_jobs --volunteers 12 --iterations 20 --json OUT.json

Writes {"submitted", "finished", "lost", "wall_s", "serial_wall_s", "page_load_median_s", …}
to OUT.json and a table beside it (.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from rasterio.warp import transform_bounds

from bench.results_files import write_results
from sr.imagery.scene import BBox, Scene, open_scene
from sr.jobs.cluster import connect, worker_layout
from sr.jobs.engine import JobEngine, JobState
from sr.jobs.records import JobRecords
from sr.sharpen.cache import ResultCache
from sr.sharpen.pipeline import SharpenRequest, sharpen_area
from ui.settings import SAMPLE_SCENE

AREA_PX = 64


def areas(scene: Scene, count: int, size: int = AREA_PX) -> list[BBox]:
    """``count`` different size × size pixel areas on a grid across the scene."""
    per_row = max(1, scene.width // size)
    found = []
    for i in range(count):
        col, row = (i % per_row) * size, (i // per_row) * size
        if row + size > scene.height:
            raise ValueError(f"The scene has room for fewer than {count} areas of {size}²")
        x0, y0 = scene.transform @ (col + 0.3, row + 0.3)
        x1, y1 = scene.transform @ (col + size - 0.3, row + size - 0.3)
        box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        found.append(transform_bounds(scene.crs, "EPSG:4326", *box))
    return found


class PageLoads:
    """GETs of the app's page and of a map tile, once a second, in a thread."""

    def __init__(self, app_url: str, tile_url: str) -> None:
        self.app_url, self.tile_url = app_url, tile_url
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _tile(self, i: int) -> str:
        """The tile, or one of its neighbours (so the server renders it, not a cache)."""
        parts = urlsplit(self.tile_url)
        z, x, y = parts.path.removesuffix(".png").split("/")[-3:]
        prefix = parts.path.rsplit("/", 3)[0]
        path = f"{prefix}/{z}/{int(x) + i % 3 - 1}/{int(y) + i // 3 % 3 - 1}.png"
        return parts._replace(path=path).geturl()

    def _run(self) -> None:
        i = 0
        while not self._stop.is_set():
            start = time.perf_counter()
            for url in (self.app_url, self._tile(i)):
                with urllib.request.urlopen(url, timeout=60) as response:
                    response.read()
            self.samples.append(time.perf_counter() - start)
            i += 1
            self._stop.wait(1.0)

    def __enter__(self) -> PageLoads:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(70)


def tile_of_a_map_page(url: str) -> str:
    """Open the Map page once in chromium (registers the scene) and return a tile's URL."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.harness import MAP, launch_chromium, sign_in

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        query = sign_in(page, url, "Bench")
        page.goto(f"{url}/map?{query}")
        tile = page.frame_locator(MAP).last.locator("img.leaflet-tile-loaded[src*='/tiles/']")
        tile.first.wait_for(timeout=120_000)
        src = tile.first.get_attribute("src") or ""
        browser.close()
    return src if src.startswith("http") else f"{url}{src}"


def run_on_cluster(
    requests: list[SharpenRequest], folder: Path, scheduler: str | None, timeout: float
) -> tuple[dict[str, object], list[float]]:
    """All requests at once through the job engine; (counts and wall time, job run times)."""
    engine = JobEngine(
        JobRecords(folder / "jobs"), ResultCache(folder / "cache"), lambda: connect(scheduler)
    )
    try:
        warm = SharpenRequest(requests[0].scene, requests[0].bbox, "bicubic")
        engine.wait(engine.submit(warm, "warm-up").key, 300)  # workers import torch once
        start = time.perf_counter()
        keys = [engine.submit(r, f"volunteer-{i}").key for i, r in enumerate(requests)]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(
            (s := engine.snapshot(k)) is not None and s.status.active for k in keys
        ):
            time.sleep(0.2)
        wall = time.perf_counter() - start
        records = [r for r in engine.jobs() if r.key in keys]
        finished = [r for r in records if r.state is JobState.DONE]
        runs = [r.finished - r.started for r in finished if r.started and r.finished]
        counts = {
            "submitted": len(keys),
            "finished": len(finished),
            "lost": len(keys) - len(finished),
            "wall_s": round(wall, 2),
            "failures": [r.error for r in records if r.state is not JobState.DONE],
        }
        return counts, runs
    finally:
        engine.close()


def run_serially(requests: list[SharpenRequest], folder: Path) -> float:
    """The same jobs one after another in this process (all cores for torch)."""
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    cache = ResultCache(folder / "serial-cache")
    start = time.perf_counter()
    for request in requests:
        sharpen_area(request, cache)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=12)
    parser.add_argument("--scheduler", help="tcp://HOST:PORT of an existing cluster")
    parser.add_argument("--iterations", type=int, help="DIP iterations (default: the preset's)")
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args(argv)

    from tests.e2e.harness import running_app

    scene = open_scene(SAMPLE_SCENE)
    requests = [
        SharpenRequest(scene, bbox, "dip", "fast", iterations=args.iterations)
        for bbox in areas(scene, args.volunteers)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "app").mkdir()
        with running_app(folder / "app") as url:
            tile_url = tile_of_a_map_page(url)
            idle = PageLoads(f"{url}/", tile_url)
            with idle:
                time.sleep(5)
            with PageLoads(f"{url}/", tile_url) as loads:
                counts, runs = run_on_cluster(requests, folder, args.scheduler, args.timeout)
        serial = run_serially(requests, folder)
    layout = worker_layout()
    result = {
        **counts,
        "serial_wall_s": round(serial, 2),
        "serial_over_wall": round(serial / counts["wall_s"], 3),  # type: ignore[operator]
        "page_load_median_s": round(statistics.median(loads.samples), 3),
        "page_load_max_s": round(max(loads.samples), 3),
        "page_load_samples": len(loads.samples),
        "page_load_idle_median_s": round(statistics.median(idle.samples), 3),
        "job_run_median_s": round(statistics.median(runs), 2) if runs else None,
        "volunteers": args.volunteers,
        "iterations": args.iterations,
        "area_px": AREA_PX,
        "scheduler": args.scheduler or "embedded",
        "workers": None if args.scheduler else layout.workers,
        "torch_threads_per_worker": None if args.scheduler else layout.torch_threads,
        "cores": os.cpu_count(),
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
    }
    write_results(args.json, result, markdown(result), indent=2)
    return 0 if counts["lost"] == 0 else 1


def markdown(result: dict[str, object]) -> str:
    rows = "\n".join(f"| {k} | {v} |" for k, v in result.items())
    return (
        "# Job engine under load (`python -m bench.bench_jobs`)\n\n"
        f"{result['volunteers']} simulated volunteers each submit a DIP `fast` job "
        f"({result['iterations'] or 'preset'} iterations) on a different {AREA_PX}² area of "
        "the bundled sample at once; `serial_wall_s` is the same jobs one after another in one "
        "process; page loads are HTTP GETs of the app and of a map tile, once a second while "
        "the jobs run (`page_load_idle_median_s`: before they start).\n\n"
        f"| measure | value |\n|---|---|\n{rows}\n"
    )


if __name__ == "__main__":
    raise SystemExit(main())
