"""Fields by learned region merging (as GALA: Nunez-Iglesias et al. 2013, own code).

The view is cut into small Felzenszwalb superpixels; every pair of touching regions gets
features (:func:`pair_features`: colour difference of the means, spreads, the colour
gradient along their shared border and inside them, border length, sizes); a small trained
classifier (:class:`MergeModel`, weights in ``sr/outline/weights/merge.json``, trained by
``bench/train_merge.py``) gives the probability that both lie in the same field. Regions are
merged in rounds: each region's most probable pair, where it is the most probable pair of
the other region too and above ``threshold``, is merged, and the features of the merged
regions are recomputed from summed statistics (every statistic here adds up), until no pair
is above the threshold. Each round is vectorised (NumPy) and rescores only the pairs that
touch a merged region; a click on a 512² view takes about a second on a busy 2-core machine
(``bench/results/fields.md``).

Features take any number of channels (colour terms are root-mean-squares or maxima over
them), so several dates stacked side by side work too (:mod:`sr.outline.dates`).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import ndimage as ndi

from sr.outline.hierarchy import half_resolution_segments, segments

WEIGHTS = Path(__file__).resolve().parent / "weights" / "merge.json"
BLOCK = 512  # pairs per product in MergeModel.probability
SUPERPIXEL_SCALE = 5.0  # Felzenszwalb scale and smallest segment of the superpixels
SUPERPIXEL_MIN_SIZE = 10
# Felzenszwalb scales (half resolution) whose segment borders are features of a pair's border.
COARSE_SCALES = (20.0, 60.0, 180.0)
# Border gradient levels (bands at 0.5 + z / 6: a gradient of 0.05 is a faint edge).
LEVELS = (0.02, 0.04, 0.07, 0.1, 0.15, 0.25)
FEATURES = (
    "colour_rms",
    "colour_max",
    "colour_t",
    "spread_min",
    "spread_max",
    "ward",
    "border_mean",
    "border_wide_mean",
    *(f"border_above_{level:g}" for level in LEVELS),
    "inside_min",
    "inside_max",
    "border_vs_inside",
    "wide_border_vs_inside",
    "log_border",
    "border_share_min",
    "border_share_max",
    "log_size_min",
    "log_size_max",
    "compact_min",
    "compact_max",
    *(f"border_on_scale_{scale:g}" for scale in COARSE_SCALES),
)


def gradient(image: np.ndarray, sigma: float) -> np.ndarray:
    """(H, W) largest Sobel gradient over the σ-smoothed channels (per pixel of offset)."""
    out = np.zeros(image.shape[1:], np.float64)
    for band in image:
        smooth = ndi.gaussian_filter(band.astype(np.float64), sigma)
        np.maximum(out, np.hypot(ndi.sobel(smooth, 0), ndi.sobel(smooth, 1)) / 8, out=out)
    return out


@dataclass
class Graph:
    """Region adjacency graph with additive statistics.

    ``regions`` (n, k): pixel count, sums of each channel, sums of squares of each channel,
    sum of the fine gradient inside. ``pairs`` (m, 2) region numbers a < b; ``border`` (m, j):
    neighbour-pixel pairs across, sum of fine gradient, sum of wide gradient, counts above
    each of :data:`LEVELS`, counts on a segment border at each of :data:`COARSE_SCALES`
    (and the network's sums when ``net``). ``perimeter`` (n,) neighbour-pixel pairs on each
    region's outline.
    """

    regions: np.ndarray
    pairs: np.ndarray
    border: np.ndarray
    channels: int
    # With a field-boundary network's maps (:func:`build_graph`'s ``net``), ``border`` ends
    # with the summed boundary probability along each border.
    net: bool = False

    @property
    def perimeter(self) -> np.ndarray:
        n = len(self.regions)
        out: np.ndarray = np.bincount(self.pairs[:, 0], self.border[:, 0], n) + np.bincount(
            self.pairs[:, 1], self.border[:, 0], n
        )
        return out


def across(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both sides of every 4-neighbour pixel pair: (first, second) flattened."""
    first = np.concatenate([labels[:, :-1].ravel(), labels[:-1, :].ravel()])
    second = np.concatenate([labels[:, 1:].ravel(), labels[1:, :].ravel()])
    return first, second


def build_graph(image: np.ndarray, labels: np.ndarray, net: np.ndarray | None = None) -> Graph:
    """The adjacency graph of ``labels`` (0…n−1, 4-neighbours) over a (C, H, W) image; with
    ``net`` — (3, H, W) background / interior / boundary probabilities of a field-boundary
    network (:class:`sr.outline.segment.NetSegmenter`) — the boundary probability summed
    along each border too."""
    fine, wide = gradient(image, 1.0), gradient(image, 2.5)
    coarse = [half_resolution_segments(image, scale, 0.8, 20) for scale in COARSE_SCALES]
    n = int(labels.max()) + 1
    flat = labels.ravel()
    pixels = image.reshape(len(image), -1).astype(np.float64)
    columns = [np.bincount(flat, None, n)]
    columns += [np.bincount(flat, band, n) for band in pixels]
    columns += [np.bincount(flat, band * band, n) for band in pixels]
    columns += [np.bincount(flat, fine.ravel(), n)]
    a, b = across(labels)
    differ = a != b
    a, b = a[differ], b[differ]
    g_fine, g_wide = (np.add(*across(g))[differ] / 2 for g in (fine, wide))
    on_coarse = [np.not_equal(*across(c))[differ] for c in coarse]
    per_pixel = [np.ones_like(g_fine), g_fine, g_wide, *(g_fine > level for level in LEVELS)]
    per_pixel += on_coarse
    if net is not None:
        per_pixel += [np.add(*across(net[2].astype(np.float64)))[differ] / 2]
    pairs, border, _ = _summed_pairs(
        np.minimum(a, b), np.maximum(a, b), np.column_stack(per_pixel), n
    )
    return Graph(np.column_stack(columns), pairs, border, len(image), net is not None)


def _summed_pairs(
    a: np.ndarray, b: np.ndarray, values: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows of ``values`` summed per (a, b) pair (a < b): the pairs (m, 2), the sums (m, j)
    and each row's pair."""
    keys, inverse = np.unique(a.astype(np.int64) * n + b, return_inverse=True)
    sums = np.column_stack(
        [np.bincount(inverse, values[:, j], len(keys)) for j in range(values.shape[1])]
    )
    return np.column_stack([keys // n, keys % n]), sums, inverse


@dataclass
class Merge:
    """One round of merges: the new graph, each old region's new number, each old pair's new
    pair (−1: now inside a region), and which new pairs touch a merged region."""

    graph: Graph
    mapping: np.ndarray
    pair_mapping: np.ndarray
    fresh: np.ndarray


def merged(graph: Graph, mapping: np.ndarray) -> tuple[Graph, np.ndarray]:
    """The graph with each region r renamed ``mapping[r]`` (0…n'−1) and summed, and each old
    pair's new pair (−1 where both regions became one)."""
    n = int(mapping.max()) + 1
    regions = np.column_stack(
        [np.bincount(mapping, graph.regions[:, j], n) for j in range(graph.regions.shape[1])]
    )
    a, b = mapping[graph.pairs[:, 0]], mapping[graph.pairs[:, 1]]
    keep = a != b
    pairs, border, inverse = _summed_pairs(
        np.minimum(a, b)[keep], np.maximum(a, b)[keep], graph.border[keep], n
    )
    pair_mapping = np.full(len(graph.pairs), -1, np.int64)
    pair_mapping[keep] = inverse
    return Graph(regions, pairs, border, graph.channels, graph.net), pair_mapping


def merge_pairs(graph: Graph, picked: np.ndarray) -> Merge:
    """Merge the regions of each picked pair (no region in two of them)."""
    mapping = np.arange(len(graph.regions))
    mapping[graph.pairs[picked, 1]] = graph.pairs[picked, 0]
    _, mapping = np.unique(mapping, return_inverse=True)
    new, pair_mapping = merged(graph, mapping)
    changed = np.zeros(len(new.regions), bool)
    changed[mapping[graph.pairs[picked, 0]]] = True
    fresh = changed[new.pairs[:, 0]] | changed[new.pairs[:, 1]]
    return Merge(new, mapping, pair_mapping, fresh)


def pair_features(graph: Graph, which: np.ndarray | None = None) -> np.ndarray:
    """(m, len(FEATURES)) features of every pair of touching regions (symmetric in a, b), or
    of the pairs ``which`` (a boolean mask or indices) only."""
    c = graph.channels
    count = np.maximum(graph.regions[:, 0], 1)
    sums, squares = graph.regions[:, 1 : 1 + c], graph.regions[:, 1 + c : 1 + 2 * c]
    mean = sums / count[:, None]
    var = np.maximum(squares / count[:, None] - mean**2, 0)
    inside = graph.regions[:, 1 + 2 * c] / count
    perimeter = np.maximum(graph.perimeter, 1)
    pairs, border = graph.pairs, graph.border
    if which is not None:
        pairs, border = pairs[which], border[which]
    a, b = pairs[:, 0], pairs[:, 1]
    na, nb = count[a], count[b]
    diff = mean[a] - mean[b]
    pooled = (var[a] + var[b]) / 2 + 1e-4
    spread_a, spread_b = np.sqrt(var[a].mean(1)), np.sqrt(var[b].mean(1))
    # Ward: rise in the summed squared deviation when merged, per pixel of the smaller.
    ward = (na * nb / (na + nb))[:, None] * diff**2
    crossing = np.maximum(border[:, 0], 1)
    border_mean = border[:, 1] / crossing
    wide_mean = border[:, 2] / crossing
    above = border[:, 3 : 3 + len(LEVELS)] / crossing[:, None]
    on_coarse = border[:, 3 + len(LEVELS) : 3 + len(LEVELS) + len(COARSE_SCALES)]
    on_coarse = on_coarse / crossing[:, None]
    inside_max = np.maximum(inside[a], inside[b]) + 1e-3
    compact_a = perimeter[a] / np.sqrt(na)
    compact_b = perimeter[b] / np.sqrt(nb)
    out: np.ndarray = np.column_stack(
        [
            np.sqrt((diff**2).mean(1)),
            np.abs(diff).max(1),
            np.sqrt((diff**2 / pooled).mean(1)),
            np.minimum(spread_a, spread_b),
            np.maximum(spread_a, spread_b),
            np.log1p(ward.mean(1) / np.minimum(na, nb) * 1e3),
            border_mean,
            wide_mean,
            above,
            np.minimum(inside[a], inside[b]),
            inside_max,
            np.log(border_mean / inside_max + 1e-3),
            np.log(wide_mean / inside_max + 1e-3),
            np.log(crossing),
            crossing / np.minimum(perimeter[a], perimeter[b]),
            crossing / np.maximum(perimeter[a], perimeter[b]),
            np.log(np.minimum(na, nb)),
            np.log(np.maximum(na, nb)),
            np.minimum(compact_a, compact_b),
            np.maximum(compact_a, compact_b),
            on_coarse,
        ]
    )
    return out


@dataclass
class MergeModel:
    """A small MLP (ReLU hidden layers, sigmoid out) on standardised :data:`FEATURES`."""

    mean: np.ndarray
    std: np.ndarray
    layers: list[tuple[np.ndarray, np.ndarray]]  # (weights (in, out), bias (out,))
    version: str
    card: dict = field(default_factory=dict)

    def probability(self, features: np.ndarray) -> np.ndarray:
        """(m,) probability that each pair lies in one field. Rows go through in blocks of
        :data:`BLOCK`: BLAS splits a larger product over threads, which on a busy machine
        cost ten times more than it saved (59 ms against 5 ms for 12 000 pairs)."""
        out = np.empty(len(features))
        for start in range(0, len(features), BLOCK):
            x = ((features[start : start + BLOCK] - self.mean) / self.std).astype(np.float32)
            for i, (w, bias) in enumerate(self.layers32):
                x = x @ w + bias
                if i < len(self.layers32) - 1:
                    x = np.maximum(x, 0)
            out[start : start + BLOCK] = 1 / (1 + np.exp(-np.clip(x[:, 0].astype(float), -30, 30)))
        return out

    @functools.cached_property
    def layers32(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The layers in float32 (several times faster, same decisions to 1e-6)."""
        return [(w.astype(np.float32), b.astype(np.float32)) for w, b in self.layers]

    def to_json(self) -> dict:
        return {
            "version": self.version,
            "features": list(FEATURES),
            "mean": self.mean.tolist(),
            "std": self.std.tolist(),
            "layers": [{"weight": w.tolist(), "bias": b.tolist()} for w, b in self.layers],
            "card": self.card,
        }

    @classmethod
    def from_json(cls, data: dict) -> MergeModel:
        if list(data["features"]) != list(FEATURES):
            raise ValueError("the merge model was trained on other features: retrain it")
        layers = [
            (np.asarray(layer["weight"], np.float64), np.asarray(layer["bias"], np.float64))
            for layer in data["layers"]
        ]
        return cls(
            np.asarray(data["mean"], np.float64),
            np.asarray(data["std"], np.float64),
            layers,
            str(data["version"]),
            dict(data.get("card", {})),
        )


def load_model(path: Path = WEIGHTS) -> MergeModel:
    """The merge model saved (JSON) at ``path``."""
    return MergeModel.from_json(json.loads(path.read_text()))


def matched_pairs(pairs: np.ndarray, probability: np.ndarray, n: int) -> np.ndarray:
    """Indices of the pairs that are the most probable pair of both their regions (ties go
    to the lower pair index), so no region is in two of them."""
    m = len(pairs)
    rank = np.empty(m, np.int64)
    rank[np.lexsort((np.arange(m), -probability))] = np.arange(m)
    best = np.full(n, m, np.int64)
    np.minimum.at(best, pairs[:, 0], rank)
    np.minimum.at(best, pairs[:, 1], rank)
    out: np.ndarray = np.flatnonzero((best[pairs[:, 0]] == rank) & (best[pairs[:, 1]] == rank))
    return out


def net_boundary(graph: Graph, which: np.ndarray | None = None) -> np.ndarray:
    """(m,) the network's mean boundary probability along each pair's border (a graph built
    with ``net``), or of the pairs ``which`` only."""
    border = graph.border if which is None else graph.border[which]
    out: np.ndarray = border[:, -1] / np.maximum(border[:, 0], 1)
    return out


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    out: np.ndarray = np.log(q / (1 - q))
    return out


def same_field_probability(
    graph: Graph,
    model: MergeModel,
    which: np.ndarray | None = None,
    boundary_weight: float = 0,
    boundary_floor: float = 0.5,
) -> np.ndarray:
    """The classifier's probability that each pair (or the pairs ``which``) is one field.
    On a graph built with a network's maps and ``boundary_weight`` > 0, a border the network
    calls a field boundary more than ``boundary_floor`` (its mean boundary probability along
    the border) vetoes: the log-odds drop by ``boundary_weight`` × how far that probability's
    log-odds lie above the floor's. A border below the floor leaves the classifier alone (a
    weak boundary is no evidence for merging: measured, it only made clicks leak)."""
    probability = model.probability(pair_features(graph, which))
    if not (graph.net and boundary_weight):
        return probability
    above = np.maximum(_logit(net_boundary(graph, which)) - _logit(np.array(boundary_floor)), 0)
    odds = _logit(probability) - boundary_weight * above
    out: np.ndarray = 1 / (1 + np.exp(-np.clip(odds, -30, 30)))
    return out


def merge_rounds(
    graph: Graph,
    model: MergeModel,
    threshold: float,
    max_rounds: int = 1000,
    boundary_weight: float = 0,
    boundary_floor: float = 0.5,
    history: list[np.ndarray] | None = None,
) -> tuple[Graph, np.ndarray, np.ndarray]:
    """Merge mutually most probable pairs above ``threshold`` until none is left: the final
    graph, each first region's final region, and the final pairs' probabilities
    (:func:`same_field_probability`). Only pairs touching a merged region are scored again
    (the others' statistics did not change). ``history``, when given, receives each first
    region's region before the first round and after each (the merge tree, round by round)."""
    to_final = np.arange(len(graph.regions))
    if history is not None:
        history.append(to_final)
    probability = same_field_probability(graph, model, None, boundary_weight, boundary_floor)
    for _ in range(max_rounds):
        picked = matched_pairs(graph.pairs, probability, len(graph.regions))
        picked = picked[probability[picked] > threshold]
        if len(picked) == 0:
            break
        step = merge_pairs(graph, picked)
        kept = step.pair_mapping >= 0
        graph, to_final = step.graph, step.mapping[to_final]
        if history is not None:
            history.append(to_final)
        updated = np.empty(len(graph.pairs))
        updated[step.pair_mapping[kept]] = probability[kept]
        updated[step.fresh] = same_field_probability(
            graph, model, step.fresh, boundary_weight, boundary_floor
        )
        probability = updated
    return graph, to_final, probability


def superpixels(
    image: np.ndarray, scale: float = SUPERPIXEL_SCALE, min_size: int = SUPERPIXEL_MIN_SIZE
) -> np.ndarray:
    """Small Felzenszwalb segments (H, W) numbered 0…n−1."""
    return segments(image, scale, 0.8, min_size)
