"""Quick tuning of the outline assist's segmenter on the validation chips (never the benchmark).

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.tune_outline --scale 40 --coarser 20 60 --merge 0.55
    OMP_NUM_THREADS=1 .venv/bin/python -m bench.tune_outline --segmenter merge --threshold 0.4 0.5

    OMP_NUM_THREADS=2 .venv/bin/python -m bench.tune_outline --segmenter merge \
        --net data/outline-unet.pt --threshold 0.5 0.6 --boundary-weight 1 2 --boundary-floor 0.3

(``nested``: the nested Felzenszwalb segmenter's settings; ``merge``: learned merging with the
weights of ``--weights``, and with ``--net`` a field-boundary U-Net's maps (``unet``: that
network alone, :class:`sr.outline.segment.NetSegmenter`); every combination of
``--threshold``, ``--boundary-weight``, ``--boundary-floor``, ``--background`` and
``--contrast`` is measured, each view cut into superpixels and run through the network once.)

The same metrics as :mod:`bench.bench_fields` on the segmenter's instance image directly (no
polygons, no PSNR or boundary F, so a setting takes about a minute): the median IoU of the
field under each drawn field's innermost point, per view, over the 4 validation chips × both
degradations (truth once); and the outline-all field F1 (judged) of the proposed fields.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.bench_fields import innermost_points, iou
from bench.fields_data import BENCH_DEGRADATIONS, VALIDATION_CHIPS, VIEWS, load_chip, view
from sr.outline.assist import field_instances, no_data
from sr.outline.bands import three_bands
from sr.outline.merge import WEIGHTS, load_model
from sr.outline.segment import (
    MergeSegmenter,
    NestedSegmenter,
    NetSegmenter,
    Segmenter,
    load_net,
)


def click_ious(instances: np.ndarray, fields: np.ndarray) -> list[float]:
    """IoU of the instance under each drawn field's innermost point with that field."""
    out = []
    for number, (col, row) in innermost_points(fields).items():
        label = instances[int(row), int(col)]
        out.append(iou(instances == label, fields == number) if label else 0.0)
    return out


@dataclass(frozen=True)
class ProposalMatch:
    """One proposed field against the drawn ones: its pixels, whether it is judged (mostly
    on drawn fields) and the drawn field it matches at IoU ≥ 0.5 (0: none)."""

    pixels: int
    judged: bool
    field: int


def proposal_matches(instances: np.ndarray, fields: np.ndarray) -> dict[int, ProposalMatch]:
    """Each proposed (positive) instance with pixels, by its number."""
    labels = np.where(instances > 0, instances, 0)
    n_fields = int(fields.max()) + 1
    overlap = np.bincount(
        labels.ravel() * n_fields + fields.ravel(), minlength=(int(labels.max()) + 1) * n_fields
    ).reshape(-1, n_fields)
    sizes, field_sizes = overlap.sum(1), overlap.sum(0)
    out = {}
    for label in range(1, overlap.shape[0]):
        if sizes[label] == 0:
            continue
        on_fields = overlap[label, 1:]
        best = int(np.argmax(on_fields)) + 1
        union = sizes[label] + field_sizes[best] - overlap[label, best]
        matches = on_fields.sum() > 0 and overlap[label, best] / union >= 0.5
        judged = bool(on_fields.sum() > 0.5 * sizes[label])
        out[label] = ProposalMatch(int(sizes[label]), judged, best if matches else 0)
    return out


def proposal_f1(instances: np.ndarray, fields: np.ndarray) -> float:
    """Field-level F1 (judged, IoU ≥ 0.5) of the proposed (positive) instances."""
    found = proposal_matches(instances, fields).values()
    matched = {m.field for m in found if m.field}
    judged = sum(m.judged for m in found)
    recall = len(matched) / max(len(np.unique(fields)) - 1, 1)
    precision = len(matched) / judged if judged else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def validation_views(
    views: tuple[str, ...], chips: tuple[str, ...] = VALIDATION_CHIPS
) -> Iterator[tuple[str, np.ndarray, np.ndarray]]:
    """(view name, image, drawn fields) of the validation chips (or ``chips``), both
    degradations (the truth once)."""
    for name in chips:
        chip = load_chip(name)
        for degradation in BENCH_DEGRADATIONS:
            for view_name in views:
                if view_name == "truth" and degradation != BENCH_DEGRADATIONS[0]:
                    continue
                yield view_name, view(chip, degradation, view_name), chip.fields


def scores(found: list[tuple[str, np.ndarray, np.ndarray]]) -> dict[str, tuple]:
    """Per view name: (median click IoU, mean click IoU, mean outline-all F1) of
    (view name, instance image, drawn fields) triples."""
    ious: dict[str, list[float]] = {}
    f1s: dict[str, list[float]] = {}
    for view_name, instances, fields in found:
        ious.setdefault(view_name, []).extend(click_ious(instances, fields))
        f1s.setdefault(view_name, []).append(proposal_f1(instances, fields))
    return {
        v: (float(np.median(ious[v])), float(np.mean(ious[v])), float(np.mean(f1s[v])))
        for v in ious
    }


def measure(segmenter: Segmenter, views: tuple[str, ...] = VIEWS) -> dict[str, tuple]:
    """Per view: (median click IoU, mean click IoU, mean outline-all F1) on the validation
    chips, both degradations (the truth once)."""
    return scores(
        [(v, field_instances(image, segmenter), f) for v, image, f in validation_views(views)]
    )


def measure_merging(
    segmenters: list[MergeSegmenter],
    views: tuple[str, ...] = VIEWS,
    chips: tuple[str, ...] = VALIDATION_CHIPS,
) -> list[dict[str, tuple]]:
    """:func:`measure` of learned-merging settings that share their network: each view is
    prepared (superpixels, graph, network) once (on the validation chips, or ``chips``)."""
    found: list[list[tuple[str, np.ndarray, np.ndarray]]] = [[] for _ in segmenters]
    for view_name, image, fields in validation_views(views, chips):
        rgb = three_bands(image)
        prepared = segmenters[0].prepared(rgb)
        empty = no_data(image)
        for out, segmenter in zip(found, segmenters, strict=True):
            instances = segmenter.fields(prepared)
            instances[empty] = 0
            out.append((view_name, instances, fields))
    return [scores(f) for f in found]


def report(segmenter: Segmenter, result: dict, settings: str = "") -> None:
    """Print one segmenter's scores (``settings``: what its version string leaves out)."""
    print(f"{segmenter.version} {settings}".rstrip())
    for view_name, (median, mean, f1) in result.items():
        print(
            f"  {view_name:9s} click IoU median {median:.3f} "
            f"mean {mean:.3f}  outline-all F1 {f1:.2f}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = NestedSegmenter()
    parser.add_argument("--segmenter", choices=["nested", "merge", "unet"], default="nested")
    parser.add_argument("--views", nargs="+", default=list(VIEWS), choices=VIEWS)
    parser.add_argument("--scale", type=float, default=default.scale)
    parser.add_argument("--coarser", type=float, nargs="+", default=list(default.coarser))
    parser.add_argument("--merge", type=float, default=default.merge)
    parser.add_argument("--contrast", type=float, nargs="+", default=[default.contrast])
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
    parser.add_argument("--net", type=Path, help="merge: a field-boundary U-Net checkpoint")
    parser.add_argument(
        "--boundary-weight", type=float, nargs="+", default=[merging["boundary_weight"].default]
    )
    parser.add_argument(
        "--boundary-floor", type=float, nargs="+", default=[merging["boundary_floor"].default]
    )
    parser.add_argument(
        "--background", type=float, nargs="+", default=[merging["background"].default]
    )
    args = parser.parse_args(argv)
    views = tuple(args.views)
    if args.segmenter == "nested":
        for contrast in args.contrast:
            nested = NestedSegmenter(
                args.scale, tuple(args.coarser), args.merge, contrast, args.propose_pixels
            )
            proposing = f"contrast {contrast:g} propose ≥ {args.propose_pixels} px"
            report(nested, measure(nested, views), proposing)
        return 0
    net = None if args.net is None else NetSegmenter(*load_net(args.net))
    if args.segmenter == "unet":
        if net is None:
            parser.error("--segmenter unet needs --net")
        report(net, measure(net, views))
        return 0
    model = load_model(args.weights)
    settings = itertools.product(
        args.threshold, args.boundary_weight, args.boundary_floor, args.background, args.contrast
    )
    segmenters = [
        MergeSegmenter(
            model,
            t,
            c,
            args.propose_pixels,
            net=net,
            boundary_weight=w,
            boundary_floor=floor,
            background=b,
        )
        for t, w, floor, b, c in settings
    ]
    for segmenter, result in zip(segmenters, measure_merging(segmenters, views), strict=True):
        proposing = f"contrast {segmenter.contrast:g} propose ≥ {args.propose_pixels} px"
        report(segmenter, result, proposing)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
