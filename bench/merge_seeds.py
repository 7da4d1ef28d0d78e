"""How much do training seeds move learned merging's scores? Measurement only.

    .venv/bin/python -m bench.train_merge --loose 0.4 --seed 1 --out /tmp/merge-s1.json
    .venv/bin/python -m bench.train_merge --loose 0.4 --seed 2 --out /tmp/merge-s2.json
    OMP_NUM_THREADS=2 .venv/bin/python -m bench.merge_seeds /tmp/merge-s1.json /tmp/merge-s2.json

Scores the shipped weights and each other weights file at the shipped threshold on the bicubic
and enhancer views of the validation chips and of the benchmark chips (both degradations;
click IoU under each field's innermost point and outline-all F1 on the raster, as
``bench.tune_outline`` scores them, so a little apart from ``bench.bench_fields``' polygons).
Nothing is chosen here: the benchmark chips only show how far a figure quoted for one
training run would move with another. Results: ``bench/results/merge_seeds.{json,md}``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bench.fields_data import BENCH_CHIPS, ROOT, VALIDATION_CHIPS
from bench.results_files import write_results
from bench.train_merge import METHODS
from bench.tune_outline import measure_merging
from sr.outline.merge import WEIGHTS, load_model
from sr.outline.segment import MergeSegmenter

SPLITS = {"validation": VALIDATION_CHIPS, "benchmark": BENCH_CHIPS}


def seed_scores(weights: list[Path], chips: tuple[str, ...]) -> list[dict[str, tuple]]:
    """Per weights file: view → (median click IoU, mean, outline-all F1) on ``chips``."""
    return measure_merging([MergeSegmenter(load_model(w)) for w in weights], METHODS, chips)


def markdown(result: dict) -> str:
    lines = [
        "# Learned merging: how far training seeds move its scores",
        "",
        f"`{result['command']}` — {result['seconds']} s. Threshold of each model as shipped; "
        "cells: median / mean click IoU, outline-all F1 (both degradations).",
    ]
    for split, rows in result["splits"].items():
        lines += ["", f"## {split} chips", "", "| weights | enhancer | bicubic |", "|---|---|---|"]
        for row in rows:
            cells = ["{:.3f} / {:.3f}, {:.2f}".format(*row["scores"][m]) for m in METHODS[::-1]]
            lines.append(f"| {row['weights']} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", type=Path, nargs="+", help="other seeds' weights")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "merge_seeds.json")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    weights = [WEIGHTS, *args.weights]
    names = [f"{load_model(w).version} ({'shipped' if w == WEIGHTS else w.name})" for w in weights]
    result: dict = {
        "command": "OMP_NUM_THREADS=2 .venv/bin/python -m bench.merge_seeds "
        + " ".join(str(w) for w in args.weights),
        "splits": {},
    }
    for split, chips in SPLITS.items():
        result["splits"][split] = [
            {"weights": name, "scores": s}
            for name, s in zip(names, seed_scores(weights, chips), strict=True)
        ]
    result["seconds"] = round(time.perf_counter() - start)
    write_results(args.out, result, markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
