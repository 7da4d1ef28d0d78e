"""The web server's work beside an enhancement job, at each niceness the job may run at.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.bench_job_priority [--rounds 3]

The job is a real Deep Image Prior run on an area of the bundled sample (``python -m sr
enhance --method dip``) on 2 torch threads, as the embedded cluster's worker runs it on a 2-core
machine, started at niceness 0, 5, 10 (the default, ``SHARPFIELDS_WORKER_NICE``) or 19.
Beside it, in this process at niceness 0, the kind of work a page load makes the server do:
rendering 16 of the sample's map tiles with the app's renderer (warm: the file read once
before) and a pure-Python loop (a Streamlit script run is mostly Python); each the best of
two. Each is timed with no job,
then with the job at each niceness, in rounds so that a change in the machine's other load
touches every setting alike; the table gives the median over rounds and the slowdown
against no job. No browser takes part (a volunteer's browser runs on their own machine).

Also measured: how many cores the job got meanwhile (its CPU seconds ÷ the wall time), since
a low priority costs the job time while the server is busy.

Writes bench/results/job_priority.json and .md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_scene import tile_position
from bench.results_files import write_results
from sr.imagery.render import Pyramid, render_tile
from sr.imagery.scene import Stretch, open_scene
from ui.settings import SAMPLE_SCENE

RESULTS = Path(__file__).resolve().parent / "results"
NICENESS = (0, 5, 10, 19)
PROJECT = Path(__file__).resolve().parents[1]


def python_loop() -> float:
    """Seconds for 3 million interpreted additions (about a third of a second idle)."""
    start = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i * i % 7
    return time.perf_counter() - start


def tile_work(pyramid: Pyramid, zoom: int = 14) -> float:
    """Seconds to render the 16 tiles around the scene's centre at ``zoom``."""
    west, south, east, north = pyramid.scene.lonlat_bounds
    x, y = (int(v) for v in tile_position((west + east) / 2, (south + north) / 2, zoom))
    stretch = Stretch((200.0, 200.0, 200.0), (3000.0, 3000.0, 3000.0))
    start = time.perf_counter()
    for dx in range(-2, 2):
        for dy in range(-2, 2):
            render_tile(pyramid, zoom, x + dx, y + dy, "true", stretch)
    return time.perf_counter() - start


AREA = "13.140,48.288,13.149,48.294"  # about 65 × 65 pixels of the sample, like an app area


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Job:
    """A DIP run of a sample area in a child process at a niceness."""

    def __init__(self, nice: int, out: Path) -> None:
        env = {**os.environ, "OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}
        command = [sys.executable, "-m", "sr", "enhance", str(SAMPLE_SCENE), str(out)]
        command += ["--method", "dip", "--iterations", "200", "--bbox", AREA, "--no-consistency"]
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=env,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            preexec_fn=lambda: os.setpriority(os.PRIO_PROCESS, 0, nice),
        )

    def wait_running(self) -> None:
        """Until the job reports its first iterations (torch imported, the network built)."""
        assert self.process.stderr is not None
        seen = ""
        while "/200" not in seen and self.process.poll() is None:
            seen += self.process.stderr.read(1)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def measure(rounds: int) -> dict[str, dict[str, object]]:
    scene = open_scene(SAMPLE_SCENE)
    samples: dict[str, dict[str, list[float]]] = {}
    pyramid = Pyramid(scene)
    tile_work(pyramid)  # files opened and read once: every setting then renders warm
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(rounds):
            for setting in ("no job", *(f"nice {n}" for n in NICENESS)):
                job = None
                if setting != "no job":
                    job = Job(int(setting.split()[1]), Path(tmp) / "out.tif")
                    job.wait_running()
                started = time.perf_counter()
                job_cpu = cpu_seconds(job.process.pid) if job else 0.0
                found = samples.setdefault(setting, {"loop_s": [], "tiles_s": [], "job_cores": []})
                found["loop_s"].append(min(python_loop() for _ in range(2)))
                found["tiles_s"].append(min(tile_work(pyramid) for _ in range(2)))
                if job is not None:
                    used = cpu_seconds(job.process.pid) - job_cpu
                    found["job_cores"].append(used / (time.perf_counter() - started))
                    job.stop()
    table: dict[str, dict[str, object]] = {}
    for setting, found in samples.items():
        table[setting] = {k: round(statistics.median(v), 3) for k, v in found.items() if v}
        table[setting]["samples"] = {k: [round(x, 3) for x in v] for k, v in found.items()}
    return table


def markdown(result: dict[str, object], rounds: int) -> str:
    settings: dict = result["settings"]  # type: ignore[assignment]
    idle = settings["no job"]
    lines = [
        "# The web server's work beside a Deep Image Prior job, by the job's niceness",
        "",
        f"`{result['command']}` — {result['cores']} cores, load average "
        f"{result['load_average']} at the start; medians of {rounds} rounds (the slowdown "
        "against no job in brackets). The job is `python -m sr enhance --method dip` on 2 "
        "torch threads; the server's work runs at niceness 0.",
        "",
        "| job | Python loop s | 16 map tiles s | cores the job got meanwhile |",
        "|---|---|---|---|",
    ]
    for setting, row in settings.items():
        loop = f"{row['loop_s']} ({row['loop_s'] / idle['loop_s']:.1f}×)"
        tiles = f"{row['tiles_s']} ({row['tiles_s'] / idle['tiles_s']:.1f}×)"
        lines.append(f"| {setting} | {loop} | {tiles} | {row.get('job_cores', '—')} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    load = round(os.getloadavg()[0], 1)
    result: dict[str, object] = {
        "command": f"python -m bench.bench_job_priority --rounds {args.rounds}",
        "cores": os.cpu_count(),
        "load_average": load,
        "settings": measure(args.rounds),
    }
    write_results(RESULTS / "job_priority.json", result, markdown(result, args.rounds))


if __name__ == "__main__":
    main()
