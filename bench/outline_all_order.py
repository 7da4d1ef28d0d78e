"""The order of "outline all": how many of the first proposals a volunteer sees are fields.

    OMP_NUM_THREADS=2 .venv/bin/python -m bench.outline_all_order [--split validation]

The volunteer confirms the proposals one by one (Keep or Skip) and may stop early. For the
shipped segmenter's proposals on each view (bicubic and enhancer views of the chips, both
degradations), the share of the first k (5, 10, 20) that match a drawn field (IoU ≥ 0.5;
strict: a proposal on undrawn land counts as no field), when they come

- largest first (the order before),
- most distinct first: by how much a proposal stands out, its outline's mean colour
  gradient ÷ its inside's (:func:`sr.outline.hierarchy.contrast_ratio`, the quantity the
  segmenter's "distinct" rule thresholds; the order shipped),
- at random (seed 0), for scale.

The order was chosen on the validation chips; the benchmark chips were read only to report.
Writes bench/results/outline_all_order[-validation].json and .md.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from bench.fields_data import BENCH_CHIPS, VALIDATION_CHIPS
from bench.results_files import write_results
from bench.tune_outline import proposal_matches, validation_views
from sr.outline.bands import three_bands
from sr.outline.hierarchy import contrast_ratio
from sr.outline.segment import MergeSegmenter

RESULTS = Path(__file__).resolve().parent / "results"
ORDERS = ("largest first", "most distinct first", "random")
FIRST = (5, 10, 20)
Proposal = tuple[float, float, bool]  # pixels, contrast ratio, matches a drawn field


def proposals(instances: np.ndarray, fields: np.ndarray, ratio: np.ndarray) -> list[Proposal]:
    """(pixels, contrast ratio, matches a drawn field at IoU ≥ 0.5) of each proposed field."""
    return [
        (float(m.pixels), float(ratio[label]), bool(m.field))
        for label, m in proposal_matches(instances, fields).items()
    ]


def in_order(found: list[Proposal], order: str) -> list[Proposal]:
    """The proposals as a volunteer would meet them."""
    if order == "largest first":
        return sorted(found, key=lambda p: -p[0])
    if order == "most distinct first":
        return sorted(found, key=lambda p: -p[1])
    return [found[i] for i in np.random.default_rng(0).permutation(len(found))]


def first_share(views: list[list[Proposal]], order: str, k: int) -> float:
    """Mean over the views of the share of the first ``k`` proposals that are fields."""
    shares = [np.mean([p[2] for p in in_order(found, order)[:k]]) for found in views if found]
    return float(np.mean(shares))


def measure(chips: tuple[str, ...]) -> dict[str, dict]:
    """Per view kind: the views' count, proposals per view, and each order's shares."""
    segmenter = MergeSegmenter()
    views: dict[str, list[list[Proposal]]] = {}
    for view_name, image, fields in validation_views(("bicubic", "enhancer"), chips):
        prepared = segmenter.prepared(three_bands(image))
        instances = segmenter.fields(prepared)
        ratio = contrast_ratio(np.abs(instances), prepared.gradient)
        views.setdefault(view_name, []).append(proposals(instances, fields, ratio))
    return {
        name: {
            "views": len(found),
            "proposals_per_view": float(np.mean([len(f) for f in found])),
            "fields_among_all": float(np.mean([np.mean([p[2] for p in f]) for f in found])),
            "first": {o: {str(k): first_share(found, o, k) for k in FIRST} for o in ORDERS},
        }
        for name, found in views.items()
    }


def markdown(result: dict, split: str) -> str:
    lines = [
        f"Outline all's order, {split} chips, both degradations: the share of the first k "
        "proposals that match a drawn field (IoU ≥ 0.5), mean over the views.",
        "",
        "| view | order | first 5 | first 10 | first 20 | all |",
        "|---|---|---|---|---|---|",
    ]
    for name, found in result["views"].items():
        for order in ORDERS:
            shares = found["first"][order]
            cells = " | ".join(f"{shares[str(k)]:.2f}" for k in FIRST)
            lines.append(f"| {name} | {order} | {cells} | {found['fields_among_all']:.2f} |")
    lines += ["", f"{result['seconds']:.0f} s."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("benchmark", "validation"), default="benchmark")
    args = parser.parse_args(argv)
    chips = VALIDATION_CHIPS if args.split == "validation" else BENCH_CHIPS
    start = time.perf_counter()
    views = measure(chips)
    result = {"split": args.split, "views": views, "seconds": time.perf_counter() - start}
    suffix = "-validation" if args.split == "validation" else ""
    write_results(RESULTS / f"outline_all_order{suffix}.json", result, markdown(result, args.split))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
