"""Time each method on a 128² 4-band Sentinel-2 area (→ 512²), and the consistency step alone.

    .venv/bin/python -m bench.bench_method_speed [--threads 2] [--repeats 3] [--dip]

The area is rows 100–227, cols 250–377 of ``../shared/data/sentinel2/`` (bands 1–4), as the
app reads it. Each method runs once to warm up (model loading), then ``--repeats`` times;
the median is reported. DIP (``fast`` preset, ~1 min a run) only with ``--dip``.
Results: ``bench/results/method_speed.{json,md}``.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import rasterio
import torch

from bench.results_files import write_results
from sr.sharpen.baselines import interpolate
from sr.sharpen.consistency import enforce_consistency
from sr.sharpen.methods import METHODS, enhance

ROOT = Path(__file__).resolve().parents[1]
S2_FILE = ROOT.parent / "shared" / "data" / "sentinel2" / "austria_danube_s2_2date_8band.tif"
OUT = ROOT / "bench" / "results" / "method_speed.json"


def timed(run, repeats: int) -> float:  # type: ignore[no-untyped-def]
    run()  # warm-up: model loading, allocator
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dip", action="store_true", help="also time dip and dip+enhancer")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    with rasterio.open(S2_FILE) as ds:
        lr = ds.read([1, 2, 3, 4], window=((100, 228), (250, 378))).astype(np.float32)
    results: dict[str, float] = {}
    up = interpolate(lr, 4, "bicubic")
    results["consistency step alone"] = timed(lambda: enforce_consistency(up, lr, 4), 5)
    for name, method in METHODS.items():
        if method.takes_dip_options and not args.dip:
            continue
        options = {"device": "cpu"} | ({"preset": "fast"} if method.takes_dip_options else {})
        repeats = 1 if method.takes_dip_options else args.repeats
        results[name] = timed(lambda n=name, o=options: enhance(lr, 4, n, **o), repeats)
        print(f"{name:24s} {results[name]:8.2f} s", flush=True)
    command = " ".join(["python -m bench.bench_method_speed", *(argv or sys.argv[1:])])
    meta = {
        "command": command,
        "machine": f"{platform.machine()}, {args.threads} threads, torch {torch.__version__}",
        "area": "128 × 128 px × 4 bands → 512 × 512",
        "seconds": results,
    }
    lines = [
        "# Method speed: a 128² 4-band area → 512²",
        "",
        f"`{command.strip()}` — {meta['machine']}; median of the repeats.",
        "",
        "| method | seconds |",
        "|---|---|",
        *[f"| {k} | {v:.3f} |" for k, v in results.items()],
    ]
    write_results(OUT, meta, "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
