"""How fast hostile rasters are refused: the sparse 30000 × 13333 × 32 float64 file and the
file with 100,000 overviews (tests/security/hostile_rasters.py), each opened as the app does
(``sr.imagery.scene.open_scene``), median of 5 runs after one warm-up.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.bench_hostile_rasters \
        > bench/results/hostile_rasters.md
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from sr.imagery.scene import open_scene
from sr.imagery.scene_errors import SceneError
from tests.security.hostile_rasters import many_images, sparse_giant


def refusal_seconds(path: Path, runs: int = 5) -> tuple[float, str]:
    """Median seconds until open_scene refuses ``path``, and the message."""
    times, message = [], ""
    for run in range(runs + 1):
        started = time.perf_counter()
        try:
            open_scene(path)
            message = "ACCEPTED (not refused)"
        except SceneError as exc:
            message = str(exc)
        if run:
            times.append(time.perf_counter() - started)
    return statistics.median(times), message


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = {
            "sparse 30000 × 13333 × 32 float64": sparse_giant(Path(folder) / "sparse.tif"),
            "100,000 overviews": many_images(Path(folder) / "many.tif"),
        }
        print(__doc__.split("\n\n")[1].strip())
        print("\n| file | size on disk | refused in (median) | message |\n|---|---|---|---|")
        for name, path in files.items():
            seconds, message = refusal_seconds(path)
            size = path.stat().st_size
            print(f"| {name} | {size / 1e6:.2f} MB | {seconds * 1000:.0f} ms | {message} |")


if __name__ == "__main__":
    main()
