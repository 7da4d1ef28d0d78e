"""Page loads as a volunteer feels them, in Debian's chromium on the bundled sample: idle,
with every core busy with other work, and with two enhancement jobs (Deep Image Prior).

    .venv/bin/python -m bench.bench_page_loads [--repeats 3] [--name NAME]

Measured, ``--repeats`` times in each situation (the server as started by the app's
defaults: one worker process per two cores):

- Label, Review and Map: the page's address opened → the first imagery tile of its map on
  screen (Review shows one submitted field);
- a rerun after an action: Label's "Draw fields" clicked → the map's polygon tool there
  (the map is changed in place, not rebuilt);
- Enhance → "Enhanced area ready" with the default method (the enhancer), a new area each
  time, idle only: what the method menu's time has to hold against.

The two volunteers whose jobs run use a second chromium at niceness 19
(:func:`other_volunteers_browser`): their browsers would not be on the server. The load
average of the machine is written with the results (other work on the machine
slows every figure). Writes bench/results/page_loads[_NAME].json and .md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from playwright.sync_api import Locator, Page

from sr.jobs.cluster import DEFAULT_WORKER_NICE
from tests.e2e.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP,
    REVIEWER_CODE,
    bench_browser,
    draw_fields_tool,
    draw_square,
    map_centre,
    sign_in,
)

RESULTS = Path(__file__).resolve().parent / "results"
SCENE_TILE = "img.leaflet-tile-loaded[src*='/tiles/']"


def first_tile(page: Page) -> None:
    page.frame_locator(MAP).last.locator(SCENE_TILE).first.wait_for(timeout=120_000)


def timed(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def summary(samples: list[float]) -> dict[str, object]:
    return {
        "median_s": round(statistics.median(samples), 2),
        "max_s": round(max(samples), 2),
        "samples_s": [round(s, 2) for s in samples],
    }


def page_loads(
    page: Page, reviewer: Page, url: str, query: str, reviewer_query: str, repeats: int
) -> dict[str, list[float]]:
    """Label and Map as the volunteer, Review as a reviewer, then a rerun on Label."""
    times: dict[str, list[float]] = {"label": [], "review": [], "map": [], "rerun_after_action": []}
    for _ in range(repeats):
        for name, who, asks in (
            ("label", page, query),
            ("review", reviewer, reviewer_query),
            ("map", page, query),
        ):

            def load(n: str = name, w: Page = who, q: str = asks) -> None:
                w.goto(f"{url}/{n}?{q}")
                first_tile(w)

            times[name].append(timed(load))
        page.goto(f"{url}/label?{query}")
        map_centre(page)
        polygon = page.frame_locator(MAP).last.locator(".leaflet-draw-draw-polygon")

        def draw_fields(tool: Locator = polygon) -> None:
            page.get_by_text("Draw fields", exact=True).first.click()
            tool.wait_for(timeout=60_000)

        times["rerun_after_action"].append(timed(draw_fields))
        page.get_by_text("Choose an area", exact=True).first.click()
        polygon.wait_for(state="detached", timeout=60_000)
    return times


def enhance_times(page: Page, url: str, query: str, repeats: int) -> list[float]:
    """Enhance with the default method on a new area each time → 'Enhanced area ready'."""
    times = []
    for i in range(repeats):
        page.goto(f"{url}/label?{query}")
        map_centre(page)
        x, y = map_centre(page)
        page.mouse.click(x - 150 + 150 * i, y - 100)
        page.get_by_text("→").first.wait_for(timeout=30_000)
        enhance = page.get_by_role("button", name="Enhance", exact=True)

        def press(button: Locator = enhance) -> None:
            button.click()
            page.get_by_text("Enhanced area ready").wait_for(timeout=300_000)

        times.append(timed(press))
    return times


def _spin() -> None:
    while True:
        pass


@contextlib.contextmanager
def other_work() -> Iterator[None]:
    """Every core busy with other work at the web server's priority (one spinning process
    per core, not the app's), as on a machine shared with other programs."""
    context = multiprocessing.get_context("spawn")
    spinners = [context.Process(target=_spin, daemon=True) for _ in range(os.cpu_count() or 1)]
    for spinner in spinners:
        spinner.start()
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.join()


@contextlib.contextmanager
def other_volunteers_browser(browser):  # type: ignore[no-untyped-def]
    """A second chromium for other volunteers, at niceness 19. Their browsers run on their
    own machines, not beside the server: this keeps their sessions open (and the server's
    work for them, e.g. their job panels' updates each second) while their pages' drawing
    does not compete for these 2 cores with the volunteer being measured."""
    with tempfile.TemporaryDirectory() as tmp:
        wrapper = Path(tmp) / "chromium"
        wrapper.write_text(f'#!/bin/sh\nexec nice -n 19 {CHROMIUM} "$@"\n')
        wrapper.chmod(0o755)
        other = browser.browser_type.launch(
            executable_path=str(wrapper), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield other
        finally:
            other.close()


def start_two_jobs(browser, url: str) -> None:  # type: ignore[no-untyped-def]
    """Two volunteers each press Enhance with Deep Image Prior (fast) on an area."""
    for name, dx in (("Busy one", -120), ("Busy two", 120)):
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.set_default_timeout(180_000)  # a busy machine: measured, not failed
        query = sign_in(page, url, name)
        page.goto(f"{url}/label?{query}&method=dip&preset=fast")
        x, y = map_centre(page)
        page.mouse.click(x + dx, y + 80)
        page.get_by_text("→").first.wait_for(timeout=30_000)
        page.get_by_role("button", name="Enhance", exact=True).click()
        page.get_by_role("button", name="Cancel").first.wait_for(timeout=120_000)


def measure(repeats: int) -> dict[str, object]:
    with bench_browser() as (browser, page, url, query):
        page.goto(f"{url}/label?{query}")
        map_centre(page)
        draw_fields_tool(page)  # one submitted field, so that Review shows a map
        draw_square(page, half=40)
        page.get_by_text("1 unsaved drawing(s)").wait_for(timeout=60_000)
        page.get_by_role("button", name="Save & submit").click()
        page.get_by_text("0 unsaved drawing(s)").wait_for(timeout=60_000)
        reviewer = browser.new_page(viewport={"width": 1500, "height": 1000})
        reviewer.set_default_timeout(180_000)
        reviewer_query = sign_in(reviewer, url, "Maya", "Reviewer: accept", REVIEWER_CODE)
        results: dict[str, object] = {}
        load = os.getloadavg()[0]
        results["enhance_default_method_idle"] = summary(enhance_times(page, url, query, repeats))
        idle = page_loads(page, reviewer, url, query, reviewer_query, repeats)
        results["idle"] = {k: summary(v) for k, v in idle.items()}
        results["idle_load_average"] = round(load, 1)
        print("partial:", json.dumps(results), flush=True)  # kept if the busy part runs out
        with other_work():
            time.sleep(5)  # the load average catches up a little
            load = os.getloadavg()[0]
            busy = page_loads(page, reviewer, url, query, reviewer_query, repeats)
        results["other_work"] = {k: summary(v) for k, v in busy.items()}
        results["other_work_load_average"] = round(load, 1)
        with other_volunteers_browser(browser) as others:
            start_two_jobs(others, url)
            load = os.getloadavg()[0]
            busy = page_loads(page, reviewer, url, query, reviewer_query, repeats)
        results["two_jobs"] = {k: summary(v) for k, v in busy.items()}
        results["two_jobs_load_average"] = round(load, 1)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--name", default="")
    args = parser.parse_args()
    results = {
        "command": f"python -m bench.bench_page_loads --repeats {args.repeats}"
        + (f" --name {args.name}" if args.name else ""),
        "browser": "Debian chromium, headless",
        "cores": os.cpu_count(),
        "worker_nice": os.environ.get("SHARPFIELDS_WORKER_NICE") or DEFAULT_WORKER_NICE,
        **measure(args.repeats),
    }
    suffix = f"_{args.name}" if args.name else ""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"page_loads{suffix}.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        f"`{results['command']}` — {results['cores']} cores, jobs at niceness "
        f"{results['worker_nice']}; load average "
        f"{results['idle_load_average']} (idle run), {results['other_work_load_average']} "
        f"(other work), {results['two_jobs_load_average']} (with two DIP jobs); medians (max) "
        "in seconds.",
        "",
        "| step | idle | every core busy with other work | two DIP jobs running |",
        "|---|---|---|---|",
    ]
    for key in ("label", "review", "map", "rerun_after_action"):
        cells = [
            f"{found['median_s']} ({found['max_s']})"
            for found in (results[k][key] for k in ("idle", "other_work", "two_jobs"))  # type: ignore[index]
        ]
        lines.append(f"| {key.replace('_', ' ')} | {' | '.join(cells)} |")
    enhance = results["enhance_default_method_idle"]
    lines.append(
        f"| Enhance → ready, the enhancer, 128² area | {enhance['median_s']} "  # type: ignore[index]
        f"({enhance['max_s']}) | — | — |"  # type: ignore[index]
    )
    (RESULTS / f"page_loads{suffix}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
