""" "Outline all" from every level of the merge hierarchy (measured on the validation chips,
not shipped):

    OMP_NUM_THREADS=2 .venv/bin/python -m bench.outline_all_levels

The shipped "outline all" proposes the regions of one merge level (threshold 0.5) that stand
out from their surroundings (:class:`sr.outline.segment.MergeSegmenter`). Here every region of
every level the Larger / Smaller buttons reach (thresholds 0.9 … 0.1) is a candidate:

- a candidate is a set of superpixels; the same set at several levels is one candidate, and
  how many levels it lasts is one of its features (a stable region is more likely a field);
- features (:data:`FEATURES`): size, outline length, outline and inside colour gradients and
  their ratio, colour spread, the strongest merge left with a neighbour, box fill, share of
  the outline on the view's edge, level, levels lasted, first and last level, and its place
  in the hierarchy (the region it merges into: size ratio, gradient ratio, strongest merge
  left, box fill; how many regions merged into it and the largest one's share);
- a small MLP (:func:`bench.train_merge.fit`) learns "matches a drawn field at IoU ≥ 0.5" on
  the 16 fit chips' views (candidates of ≥ 100 px; those mostly on undrawn land are left out,
  as the judged F1 leaves them out);
- proposals: the best cut of the hierarchy (:func:`best_cut`): of a region and the regions
  merged into it, keep whichever has the larger sum of (probability − ``τ``), so that two
  fields are not lost to one region holding both, nor one field to its pieces.

Scored as :mod:`bench.tune_outline` scores the shipped segmenter (mean outline-all F1 judged
over the views; the same views and metric as ``models/OUTLINE_CARD.md``), with the ceiling:
the share of drawn fields that some candidate matches. The benchmark chips are not read.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import ndimage as ndi

from bench.fields_data import FIT_CHIPS, VALIDATION_CHIPS
from bench.results_files import write_results
from bench.train_merge import accuracy, fit
from bench.tune_outline import proposal_f1, validation_views
from sr.outline.bands import three_bands
from sr.outline.hierarchy import mean_per_label, outline_pixels
from sr.outline.merge import Graph, MergeModel, merge_rounds
from sr.outline.segment import GROW_STEP, MAX_GROW, MIN_PIXELS, MergeSegmenter, PreparedView

# The levels the Larger / Smaller buttons reach, finest first.
LEVELS = tuple(round(0.5 + s * GROW_STEP, 2) for s in range(MAX_GROW, -MAX_GROW - 1, -1))
OWN = (
    "log size",
    "outline / √size",
    "outline gradient",
    "inside gradient",
    "gradient ratio",
    "colour spread",
    "strongest merge left",
    "box fill",
    "share of outline on the view's edge",
    "level",
)
FEATURES = (
    *OWN,
    "levels lasted",
    "first level",
    "last level",
    "parent: log size ratio",
    "parent: gradient ratio",
    "parent: strongest merge left",
    "parent: box fill",
    "children",
    "largest child: log size ratio",
    "top of the hierarchy",
)
TAUS = (0.2, 0.3, 0.4, 0.5, 0.6)


@dataclass
class Candidate:
    """One region of the hierarchy: its superpixels and the levels (indices) it exists at."""

    superpixels: np.ndarray
    levels: list[int]
    own: list[float]
    iou: float = 0.0  # best IoU with a drawn field
    field: int = 0  # that field's number
    undrawn: float = 0.0  # share of its pixels on undrawn land


@dataclass
class Hierarchy:
    """A view's candidates, each one's parent (−1: none) and children, and their features."""

    candidates: list[Candidate]
    labels: np.ndarray  # the superpixels (H, W)
    parent: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    children: list[list[int]] = field(default_factory=list)
    features: np.ndarray = field(default_factory=lambda: np.zeros((0, len(FEATURES))))


def level_features(
    graph: Graph, regions: np.ndarray, probability: np.ndarray, gradient: np.ndarray, level: float
) -> np.ndarray:
    """(regions, len(OWN)) features of one level's regions (``regions``: the (H, W) labels)."""
    n = len(graph.regions)
    size = graph.regions[:, 0]
    edge = outline_pixels(regions)
    outline = np.bincount(regions[edge], None, n)
    outline_gradient = mean_per_label(regions[edge], gradient[edge], n)
    inside_gradient = mean_per_label(regions[~edge], gradient[~edge], n)
    frame = np.ones(regions.shape, bool)
    frame[1:-1, 1:-1] = False
    on_frame = np.bincount(regions[frame], None, n)
    strongest = np.zeros(n)
    if len(graph.pairs):
        np.maximum.at(strongest, graph.pairs[:, 0], probability)
        np.maximum.at(strongest, graph.pairs[:, 1], probability)
    boxes = ndi.find_objects(regions + 1)
    box = np.array([(b[0].stop - b[0].start) * (b[1].stop - b[1].start) for b in boxes], float)
    c = graph.channels
    count = graph.regions[:, :1]
    mean = graph.regions[:, 1 : 1 + c] / count
    spread = np.sqrt(np.maximum(graph.regions[:, 1 + c : 1 + 2 * c] / count - mean**2, 0))
    return np.stack(
        [
            np.log(np.maximum(size, 1)),
            outline / np.sqrt(np.maximum(size, 1)),
            outline_gradient,
            inside_gradient,
            outline_gradient / np.maximum(inside_gradient, 1e-6),
            spread.mean(1),
            strongest,
            size / np.maximum(box, 1),
            on_frame / np.maximum(outline, 1),
            np.full(n, level),
        ],
        1,
    )


def hierarchy(view: PreparedView, model: MergeModel, fields: np.ndarray | None = None) -> Hierarchy:
    """Every region of every level of :data:`LEVELS` (with ``fields``, each one's best IoU
    with a drawn field and its share of undrawn land)."""
    labels = view.labels
    n_superpixels = int(labels.max()) + 1
    on_field = None
    if fields is not None:
        n_fields = int(fields.max()) + 1
        on_field = np.bincount(
            labels.ravel() * n_fields + fields.ravel(), minlength=n_superpixels * n_fields
        ).reshape(n_superpixels, n_fields)
    found: dict[bytes, Candidate] = {}
    for index, level in enumerate(LEVELS):
        graph, to_final, probability = merge_rounds(view.graph, model, level)
        own = level_features(graph, to_final[labels], probability, view.gradient, level)
        order = np.argsort(to_final, kind="stable")
        starts = np.searchsorted(to_final[order], np.arange(len(graph.regions) + 1))
        for region in range(len(graph.regions)):
            members = order[starts[region] : starts[region + 1]]
            key = members.tobytes()
            if key in found:
                found[key].levels.append(index)
                continue
            candidate = Candidate(members, [index], own[region].tolist())
            if on_field is not None:
                overlap = on_field[members].sum(0)
                size = overlap.sum()
                best = int(np.argmax(overlap[1:])) + 1 if len(overlap) > 1 else 0
                if best and overlap[best]:
                    field_size = on_field[:, best].sum()
                    candidate.iou = float(overlap[best] / (size + field_size - overlap[best]))
                    candidate.field = best
                candidate.undrawn = float(overlap[0] / size)
            found[key] = candidate
    out = Hierarchy(list(found.values()), labels)
    link(out, n_superpixels)
    return out


def link(tree: Hierarchy, n_superpixels: int) -> None:
    """Each candidate's parent (the region most of it lies in one level above its last) and
    children, then the features."""
    at = np.full((len(LEVELS), n_superpixels), -1)
    for i, candidate in enumerate(tree.candidates):
        for level in candidate.levels:
            at[level, candidate.superpixels] = i
    tree.parent = np.full(len(tree.candidates), -1)
    tree.children = [[] for _ in tree.candidates]
    for i, candidate in enumerate(tree.candidates):
        above = candidate.levels[-1] + 1
        if above < len(LEVELS):
            parents = at[above, candidate.superpixels]
            parent = int(np.bincount(parents[parents >= 0]).argmax())
            if parent != i:
                tree.parent[i] = parent
                tree.children[parent].append(i)
    own = np.array([c.own for c in tree.candidates], float).reshape(-1, len(OWN))
    rows = []
    for i, candidate in enumerate(tree.candidates):
        parent = own[tree.parent[i]] if tree.parent[i] >= 0 else own[i]
        largest = max((own[j][0] for j in tree.children[i]), default=own[i][0])
        rows.append(
            [
                *own[i],
                len(candidate.levels),
                LEVELS[candidate.levels[0]],
                LEVELS[candidate.levels[-1]],
                parent[0] - own[i][0],
                parent[4],
                parent[6],
                parent[7],
                len(tree.children[i]),
                own[i][0] - largest,
                float(tree.parent[i] < 0),
            ]
        )
    tree.features = np.array(rows, float).reshape(-1, len(FEATURES))


def best_cut(tree: Hierarchy, weight: np.ndarray) -> np.ndarray:
    """The instance image (H, W; 0 none, 1…n) of the disjoint candidates of largest summed
    ``weight``: of each candidate and its children's best cuts, the larger sum; a chosen
    candidate of weight ≤ 0 proposes nothing."""
    n = len(tree.candidates)
    best = np.zeros(n)
    whole = np.zeros(n, bool)
    for i in sorted(range(n), key=lambda i: tree.candidates[i].levels[0]):  # finest first
        below = sum(best[j] for j in tree.children[i])
        whole[i] = weight[i] > below
        best[i] = max(weight[i], below)
    numbered = np.zeros(int(tree.labels.max()) + 1, np.int32)
    stack = [i for i in range(n) if tree.parent[i] < 0]
    count = 0
    while stack:
        i = stack.pop()
        if not whole[i]:
            stack += tree.children[i]
        elif weight[i] > 0:
            count += 1
            numbered[tree.candidates[i].superpixels] = count
    out: np.ndarray = numbered[tree.labels]
    return out


def proposals(tree: Hierarchy, model: MergeModel, tau: float) -> np.ndarray:
    """The best cut of a view's hierarchy for candidates of ≥ 100 px scored by ``model``."""
    small = tree.features[:, 0] < np.log(MIN_PIXELS)
    weight = np.where(small, -1.0, model.probability(tree.features) - tau)
    return best_cut(tree, weight)


def training_set(trees: list[Hierarchy]) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels (IoU ≥ 0.5 with a drawn field) of the candidates of ≥ 100 px that
    lie mostly on drawn fields."""
    x, y = [], []
    for tree in trees:
        keep = (tree.features[:, 0] >= np.log(MIN_PIXELS)) & np.array(
            [c.undrawn <= 0.5 for c in tree.candidates], bool
        )
        x.append(tree.features[keep])
        y.append(np.array([c.iou >= 0.5 for c in tree.candidates], int)[keep])
    return np.concatenate(x), np.concatenate(y)


def view_trees(chips: tuple[str, ...]) -> Iterator[tuple[str, PreparedView, Hierarchy, np.ndarray]]:
    """(view name, prepared view, hierarchy, drawn fields) of the chips' views, as
    :func:`bench.tune_outline.validation_views` lists them (both degradations; the truth once)."""
    segmenter = MergeSegmenter()
    for view_name, image, fields in validation_views(("bicubic", "enhancer", "truth"), chips):
        prepared = segmenter.prepared(three_bands(image))
        tree = hierarchy(prepared, segmenter.model, fields)
        print(view_name, len(tree.candidates), "candidates", flush=True)
        yield view_name, prepared, tree, fields


def markdown(result: dict) -> str:
    taus = result["taus"]
    lines = [
        '# "Outline all" from every merge level, on the validation chips (not shipped)',
        "",
        f"`{result['command']}`; shipped segmenter `{result['merge']}`; trained on "
        f"{result['training_candidates']} candidates of the 16 fit chips "
        f"({result['positive']:.0%} match a field) in {result['seconds']:.0f} s in all; "
        f"right on {result['validation_accuracy']:.0%} of the validation candidates "
        "(probability > 0.5, the same candidates).",
        "",
        "Mean outline-all F1 (judged) over the 4 validation chips' views (both degradations; "
        "the truth once). Ceiling: the share of drawn fields some candidate matches (IoU ≥ 0.5).",
        "",
        "| view | shipped (one level) | "
        + " | ".join(f"best cut, τ {t:g}" for t in taus)
        + " | ceiling recall |",
        "|---|---|" + "---|" * len(taus) + "---|",
    ]
    for name, row in result["views"].items():
        cells = [f"{row['shipped']:.3f}", *(f"{row['cut'][str(t)]:.3f}" for t in taus)]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {row['ceiling']:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results/outline_all_levels.json"))
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    x, y = training_set([tree for _, _, tree, _ in view_trees(FIT_CHIPS)])
    model = fit(x, y, 32, args.epochs, seed=0)
    shipped = MergeSegmenter()
    views: dict[str, dict] = {}
    judged: list[Hierarchy] = []
    for view_name, prepared, tree, fields in view_trees(VALIDATION_CHIPS):
        judged.append(tree)
        row = views.setdefault(view_name, {"shipped": [], "cut": {}, "ceiling": []})
        row["shipped"].append(proposal_f1(shipped.fields(prepared), fields))
        for tau in TAUS:
            row["cut"].setdefault(str(tau), []).append(
                proposal_f1(proposals(tree, model, tau), fields)
            )
        matched = {c.field for c in tree.candidates if c.iou >= 0.5}
        row["ceiling"].append(len(matched) / max(len(np.unique(fields)) - 1, 1))
    result = {
        "command": " ".join(
            ["python -m bench.outline_all_levels", *(sys.argv[1:] if argv is None else argv)]
        ),
        "merge": shipped.version,
        "training_candidates": len(y),
        "positive": float(y.mean()),
        "validation_accuracy": accuracy(model, *training_set(judged)),
        "seconds": time.perf_counter() - start,
        "taus": list(TAUS),
        "views": {
            name: {
                "shipped": float(np.mean(row["shipped"])),
                "cut": {t: float(np.mean(v)) for t, v in row["cut"].items()},
                "ceiling": float(np.mean(row["ceiling"])),
            }
            for name, row in views.items()
        },
    }
    write_results(args.out, result, markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
