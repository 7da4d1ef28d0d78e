"""How much CPU the web server spends while volunteers watch their jobs run.

    .venv/bin/python -m bench.bench_server_cpu [--seconds 20]

Two volunteers each start a Deep Image Prior job (fast) on the bundled sample and keep the
Label page open: its jobs panel refreshes every second while a job runs. Their pages run
in a second chromium at niceness 19 (their browsers are not on the server). Over
``--seconds``, the CPU time of the web server's process (all its threads) ÷ the wall time
is the cores it uses for them; the job worker's and the scheduler's likewise. Measured once
with Streamlit's default of collecting all garbage after every script run
(``runner.postScriptGC`` true) and once with the app's setting (false, in
.streamlit/config.toml), each on a fresh server. CPU time, not wall time, so other load on
the machine matters less than for page loads. Writes bench/results/server_cpu.json and .md.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from bench.bench_job_priority import cpu_seconds
from bench.bench_page_loads import other_volunteers_browser, start_two_jobs
from bench.results_files import write_results
from tests.e2e.harness import bench_browser

RESULTS = Path(__file__).resolve().parent / "results"


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid``."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            parents.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def _role(pid: int) -> str | None:
    """'server', 'scheduler' or 'worker' for the app's processes, else None."""
    try:
        command = (Path(f"/proc/{pid}/cmdline").read_bytes()).replace(b"\0", b" ").decode()
    except OSError:
        return None
    if "streamlit" in command:
        return "server"
    if "sr.jobs.cluster" in command:
        return "scheduler"
    if "multiprocessing.spawn" in command:
        return "worker"
    return None


def cores_used(seconds: float) -> dict[str, float]:
    """Cores each of the app's roles uses over ``seconds`` (CPU time ÷ wall time)."""
    roles = {pid: role for pid in _descendants(os.getpid()) if (role := _role(pid))}
    before = {pid: cpu_seconds(pid) for pid in roles}
    start = time.monotonic()
    time.sleep(seconds)
    wall = time.monotonic() - start
    used: dict[str, float] = {}
    for pid, role in roles.items():
        used[role] = used.get(role, 0.0) + (cpu_seconds(pid) - before[pid]) / wall
    return {role: round(value, 3) for role, value in sorted(used.items())}


def measure(post_script_gc: bool, seconds: float) -> dict[str, float]:
    setting = {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "true" if post_script_gc else "false"}
    with (
        bench_browser(env=setting) as (browser, _page, url, _query),
        other_volunteers_browser(browser) as others,
    ):
        start_two_jobs(others, url)
        return cores_used(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    load = round(os.getloadavg()[0], 1)
    settings = {"collect after every run (Streamlit's default)": True, "the app's": False}
    found = {name: measure(gc, args.seconds) for name, gc in settings.items()}
    result = {
        "command": f"python -m bench.bench_server_cpu --seconds {args.seconds:g}",
        "cores": os.cpu_count(),
        "load_average": load,
        "cores_used": found,
    }
    lines = [
        "# The server's CPU while two volunteers watch their jobs run",
        "",
        f"`{result['command']}` — {result['cores']} cores, load average {load} at the start. "
        "Cores used (CPU seconds ÷ wall seconds) while two Deep Image Prior jobs run and their "
        "volunteers' Label pages refresh their jobs panels each second.",
        "",
        "| garbage collection | web server | job worker | scheduler |",
        "|---|---|---|---|",
    ]
    for name, used in found.items():
        cells = [str(used.get(role, "—")) for role in ("server", "worker", "scheduler")]
        lines.append(f"| {name} | {' | '.join(cells)} |")
    write_results(RESULTS / "server_cpu.json", result, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
