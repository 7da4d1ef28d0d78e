"""The order of "outline all": how many of the first proposals a volunteer sees are fields,
and how many are fields cut by the edge of the area.

    OMP_NUM_THREADS=2 .venv/bin/python -m bench.outline_all_order [--split validation]

The volunteer confirms the proposals one by one (Keep or Skip) and may stop early. For the
shipped segmenter's proposals on each view (bicubic and enhancer views of the chips, both
degradations), the share of the first k (5, 10, 20) that match a drawn field (IoU ≥ 0.5;
strict: a proposal on undrawn land counts as no field), when they come

- largest first (the order before the next two),
- most distinct first: by how much a proposal stands out, its outline's mean colour
  gradient ÷ its inside's (:func:`sr.outline.hierarchy.contrast_ratio`, the quantity the
  segmenter's "distinct" rule thresholds),
- whole first: those off the view's edge most distinct first, then those on it
  (:func:`sr.outline.hierarchy.ranked`; the order shipped),
- at random (seed 0), for scale.

Two settings:

- **the whole chip**, its drawn fields as drawn: a field the chip's edge cuts was drawn cut
  there too, so a proposal cut by the edge can match it;
- **areas inside the chip** (256² px of the 512² view, 4 per view, 64 px or more from the
  chip's edge), as an enhanced area lies inside a scene: segmented alone and judged against
  the whole drawn fields, of which the area's edge cuts some. Besides the share of fields,
  the share of the first k proposals that lie mostly on a field the area's edge cuts (over
  a tenth of it outside): kept, such a proposal stores an outline that stops at the edge.

The order was chosen on the validation chips; the benchmark chips were read only to report.
Writes bench/results/outline_all_order[-validation].json and .md.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.fields_data import SPLITS, add_split_argument, split_suffix
from bench.results_files import write_results
from bench.tune_outline import proposal_matches, validation_views
from sr.outline.bands import three_bands
from sr.outline.hierarchy import contrast_ratio, on_frame
from sr.outline.segment import MergeSegmenter

RESULTS = Path(__file__).resolve().parent / "results"
ORDERS = ("largest first", "most distinct first", "whole first", "random")
FIRST = (5, 10, 20)
AREA = 256  # px of an area inside the chip (2 m pixels: 512 m)
AREA_AT = tuple((row, col) for row in (64, 192) for col in (64, 192))  # its top left corners
CUT_OUTSIDE = 0.1  # a drawn field with more than this share outside the area is cut by it


@dataclass(frozen=True)
class Proposal:
    pixels: float
    ratio: float  # contrast ratio
    field: bool  # matches a drawn field (IoU ≥ 0.5)
    on_edge: bool  # touches the view's edge
    cut: bool = False  # lies mostly on a drawn field the view's edge cuts


def proposals(
    instances: np.ndarray, fields: np.ndarray, ratio: np.ndarray, at: tuple[int, int] | None
) -> list[Proposal]:
    """Each proposed field of a view; ``at``: the view is an area of the chip with its top
    left corner there, judged against the chip's whole drawn fields."""
    labels = np.where(instances > 0, instances, 0)
    edge = on_frame(labels, int(labels.max()) + 1)
    cut_fields: set[int] = set()
    if at is not None:
        row, col = at
        placed = np.zeros(fields.shape, labels.dtype)
        placed[row : row + AREA, col : col + AREA] = labels
        inside = np.bincount(
            fields[row : row + AREA, col : col + AREA].ravel(), None, fields.max() + 1
        )
        whole = np.bincount(fields.ravel(), None, fields.max() + 1)
        cut_fields = {int(f) for f in np.flatnonzero(inside < (1 - CUT_OUTSIDE) * whole) if f}
        labels = placed
    found = proposal_matches(labels, fields)
    out = []
    for label, m in found.items():
        under = fields[labels == label]
        most = int(np.bincount(under).argmax())
        cut = most in cut_fields and np.mean(under == most) > 0.5
        out.append(
            Proposal(float(m.pixels), float(ratio[label]), bool(m.field), bool(edge[label]), cut)
        )
    return out


def in_order(found: list[Proposal], order: str) -> list[Proposal]:
    """The proposals as a volunteer would meet them."""
    if order == "largest first":
        return sorted(found, key=lambda p: -p.pixels)
    if order == "most distinct first":
        return sorted(found, key=lambda p: -p.ratio)
    if order == "whole first":
        return sorted(found, key=lambda p: (p.on_edge, -p.ratio))
    return [found[i] for i in np.random.default_rng(0).permutation(len(found))]


def first_share(views: list[list[Proposal]], order: str, k: int, what: str = "field") -> float:
    """Mean over the views of the share of the first ``k`` proposals that are fields (or,
    with ``what`` "cut", fields the view's edge cuts)."""
    shares = [
        np.mean([getattr(p, what) for p in in_order(found, order)[:k]]) for found in views if found
    ]
    return float(np.mean(shares))


def summary(views: list[list[Proposal]], cut: bool) -> dict:
    """A view kind's count, proposals per view, share on the edge and each order's shares."""
    out = {
        "views": len(views),
        "proposals_per_view": float(np.mean([len(f) for f in views])),
        "on_edge": float(np.mean([np.mean([p.on_edge for p in f]) for f in views if f])),
        "fields_among_all": float(np.mean([np.mean([p.field for p in f]) for f in views if f])),
        "first": {o: {str(k): first_share(views, o, k) for k in FIRST} for o in ORDERS},
    }
    if cut:
        on_edge = [p for f in views for p in f if p.on_edge]
        out["cut_among_on_edge"] = float(np.mean([p.cut for p in on_edge])) if on_edge else 0.0
        out["cut_first"] = {
            o: {str(k): first_share(views, o, k, "cut") for k in FIRST} for o in ORDERS
        }
    return out


def measure(chips: tuple[str, ...]) -> dict[str, dict[str, dict]]:
    """Per setting (whole chip, areas inside it) and view kind: :func:`summary`."""
    segmenter = MergeSegmenter()
    chip_views: dict[str, list[list[Proposal]]] = {}
    area_views: dict[str, list[list[Proposal]]] = {}
    for view_name, image, fields in validation_views(("bicubic", "enhancer"), chips):
        rgb = three_bands(image)
        for at in (None, *AREA_AT):
            window = rgb if at is None else rgb[:, at[0] : at[0] + AREA, at[1] : at[1] + AREA]
            prepared = segmenter.prepared(np.ascontiguousarray(window))
            instances = segmenter.fields(prepared)
            ratio = contrast_ratio(np.abs(instances), prepared.gradient)
            found = proposals(instances, fields, ratio, at)
            (chip_views if at is None else area_views).setdefault(view_name, []).append(found)
    return {
        "whole chip": {name: summary(v, cut=False) for name, v in chip_views.items()},
        "areas inside the chip": {name: summary(v, cut=True) for name, v in area_views.items()},
    }


def markdown(result: dict, split: str) -> str:
    lines = [
        f"Outline all's order, {split} chips, both degradations: the share of the first k "
        "proposals that match a drawn field (IoU ≥ 0.5), mean over the views; in areas "
        f"inside the chip ({AREA}² px, {len(AREA_AT)} per view, judged against the whole "
        "drawn fields), also the share that lie mostly on a field the area's edge cuts.",
        "",
        "| setting | view | order | first 5 | first 10 | first 20 | all | cut by the edge: "
        "first 5 | first 10 | first 20 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for setting, kinds in result["settings"].items():
        for name, found in kinds.items():
            for order in ORDERS:
                shares = found["first"][order]
                cells = " | ".join(f"{shares[str(k)]:.2f}" for k in FIRST)
                cut = found.get("cut_first", {}).get(order)
                cut_cells = " | ".join(f"{cut[str(k)]:.2f}" for k in FIRST) if cut else "— | — | —"
                lines.append(
                    f"| {setting} | {name} | {order} | {cells} | "
                    f"{found['fields_among_all']:.2f} | {cut_cells} |"
                )
    lines += [
        "",
        "Proposals per view, the share on the view's edge and, in areas, the share of those "
        "that lie on a field the area's edge cuts: "
        + "; ".join(
            f"{setting}, {name}: {found['proposals_per_view']:.1f}, {found['on_edge']:.2f}"
            + (f", {found['cut_among_on_edge']:.2f}" if "cut_among_on_edge" in found else "")
            for setting, kinds in result["settings"].items()
            for name, found in kinds.items()
        )
        + ".",
        "",
        f"{result['seconds']:.0f} s.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_split_argument(parser)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    settings = measure(SPLITS[args.split])
    result = {"split": args.split, "settings": settings, "seconds": time.perf_counter() - start}
    name = f"outline_all_order{split_suffix(args.split)}.json"
    write_results(RESULTS / name, result, markdown(result, args.split))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
