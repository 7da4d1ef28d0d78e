"""Quick tuning of the outline assist's segmenter on the validation chips (never the benchmark).

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.tune_outline --scale 40 --coarser 20 60 --merge 0.55
    OMP_NUM_THREADS=1 .venv/bin/python -m bench.tune_outline --segmenter merge --threshold 0.4 0.5

(``nested``: the nested Felzenszwalb segmenter's settings; ``merge``: learned merging with the
weights of ``--weights``, each ``--threshold`` measured in turn.)

The same metrics as :mod:`bench.bench_fields` on the segmenter's instance image directly (no
polygons, no PSNR or boundary F, so a setting takes about a minute): the median IoU of the
field under each drawn field's innermost point, per view, over the 4 validation chips × both
degradations (truth once); and the outline-all field F1 (judged) of the proposed fields.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from bench.bench_fields import innermost_points, iou
from bench.fields_data import BENCH_DEGRADATIONS, VALIDATION_CHIPS, VIEWS, load_chip, view
from sr.outline.assist import field_instances
from sr.outline.merge import WEIGHTS, load_model
from sr.outline.segment import MergeSegmenter, NestedSegmenter, Segmenter


def click_ious(instances: np.ndarray, fields: np.ndarray) -> list[float]:
    """IoU of the instance under each drawn field's innermost point with that field."""
    out = []
    for number, (col, row) in innermost_points(fields).items():
        label = instances[int(row), int(col)]
        out.append(iou(instances == label, fields == number) if label else 0.0)
    return out


def proposal_f1(instances: np.ndarray, fields: np.ndarray) -> float:
    """Field-level F1 (judged, IoU ≥ 0.5) of the proposed (positive) instances."""
    labels = np.where(instances > 0, instances, 0)
    n_fields = int(fields.max()) + 1
    overlap = np.bincount(
        labels.ravel() * n_fields + fields.ravel(), minlength=(int(labels.max()) + 1) * n_fields
    ).reshape(-1, n_fields)
    sizes, field_sizes = overlap.sum(1), overlap.sum(0)
    matched: set[int] = set()
    judged = 0
    for label in range(1, overlap.shape[0]):
        on_fields = overlap[label, 1:]
        if sizes[label] == 0 or on_fields.sum() == 0:
            continue
        judged += on_fields.sum() > 0.5 * sizes[label]
        best = int(np.argmax(on_fields)) + 1
        union = sizes[label] + field_sizes[best] - overlap[label, best]
        if overlap[label, best] / union >= 0.5:
            matched.add(best)
    recall = len(matched) / max(len(np.unique(fields)) - 1, 1)
    precision = len(matched) / judged if judged else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def measure(segmenter: Segmenter, views: tuple[str, ...] = VIEWS) -> dict[str, tuple]:
    """Per view: (median click IoU, mean click IoU, mean outline-all F1) on the validation
    chips, both degradations (the truth once)."""
    ious: dict[str, list[float]] = {}
    f1s: dict[str, list[float]] = {}
    for name in VALIDATION_CHIPS:
        chip = load_chip(name)
        for degradation in BENCH_DEGRADATIONS:
            for view_name in views:
                if view_name == "truth" and degradation != BENCH_DEGRADATIONS[0]:
                    continue
                instances = field_instances(view(chip, degradation, view_name), segmenter)
                ious.setdefault(view_name, []).extend(click_ious(instances, chip.fields))
                f1s.setdefault(view_name, []).append(proposal_f1(instances, chip.fields))
    return {
        v: (float(np.median(ious[v])), float(np.mean(ious[v])), float(np.mean(f1s[v])))
        for v in views
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = NestedSegmenter()
    parser.add_argument("--segmenter", choices=["nested", "merge"], default="nested")
    parser.add_argument("--views", nargs="+", default=list(VIEWS), choices=VIEWS)
    parser.add_argument("--scale", type=float, default=default.scale)
    parser.add_argument("--coarser", type=float, nargs="+", default=list(default.coarser))
    parser.add_argument("--merge", type=float, default=default.merge)
    parser.add_argument("--contrast", type=float, default=default.contrast)
    parser.add_argument("--propose-pixels", type=int, default=default.propose_pixels)
    merging = MergeSegmenter.__dataclass_fields__
    parser.add_argument(
        "--threshold",
        type=float,
        nargs="+",
        default=[merging["threshold"].default],
        help="merge: probabilities to stop merging at (each measured)",
    )
    parser.add_argument("--weights", type=Path, default=WEIGHTS, help="merge: the model")
    args = parser.parse_args(argv)
    segmenters: list[Segmenter]
    if args.segmenter == "nested":
        segmenters = [
            NestedSegmenter(
                args.scale, tuple(args.coarser), args.merge, args.contrast, args.propose_pixels
            )
        ]
    else:
        model = load_model(args.weights)
        segmenters = [
            MergeSegmenter(model, t, args.contrast, args.propose_pixels) for t in args.threshold
        ]
    for segmenter in segmenters:
        scores = measure(segmenter, tuple(args.views))
        print(f"{segmenter.version} contrast {args.contrast:g} propose ≥ {args.propose_pixels} px")
        for view_name, (median, mean, f1) in scores.items():
            print(
                f"  {view_name:9s} click IoU median {median:.3f} "
                f"mean {mean:.3f}  outline-all F1 {f1:.2f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
