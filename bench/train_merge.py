"""Train the outline assist's region-merging classifier (:mod:`sr.outline.merge`).

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.train_merge [--rounds 2] [--out PATH]

Data: :data:`bench.fields_data.FIT_CHIPS` (16 of the 20 training chips; the 4
VALIDATION_CHIPS choose the threshold with ``bench/tune_outline.py``; the 10 benchmark chips
are never read). Each chip gives four 2 m views a volunteer sees: bicubic + back-projection
and the enhancer, each from the 8 m input under both degradations (``BENCH_DEGRADATIONS``),
in the assist's bands (:func:`sr.outline.bands.three_bands`: standardised per band).

Each view is cut into superpixels (:func:`sr.outline.merge.superpixels`); a region's field is
the drawn field (or undrawn land, 0) most of its pixels lie in. A pair of touching regions is
labelled 1 when both lie mostly in the same drawn field, 0 when in different ones or one in
a field and one on undrawn land; pairs of two undrawn regions are left out (roads and woods
merged or not: no drawn field says). As in GALA (Nunez-Iglesias et al. 2013), the examples
come from the states the agglomeration reaches: round 0 trains on the superpixel pairs; each
later round agglomerates every view with the current classifier — the most probable pairs
first, merging only pairs the drawn fields agree with — records the features of every new
pair on the way, and retrains on all examples so far. Classifier: an MLP (two hidden ReLU
layers), Adam on class-balanced binary cross-entropy, CPU.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from bench.fields_data import BENCH_DEGRADATIONS, FIT_CHIPS, load_chip, view
from sr.outline.bands import three_bands
from sr.outline.merge import (
    SUPERPIXEL_MIN_SIZE,
    SUPERPIXEL_SCALE,
    WEIGHTS,
    Graph,
    MergeModel,
    build_graph,
    matched_pairs,
    merge_pairs,
    pair_features,
    superpixels,
)
from sr.sharpen.methods import get_method

METHODS = ("bicubic", "enhancer")


@dataclass
class TrainingView:
    """One view's superpixel graph and the pixel count of each region in each drawn field."""

    name: str
    graph: Graph
    overlap: np.ndarray  # (regions, fields + 1): pixels of region r in field f (0: undrawn)
    # When true, the overlap's last column counts pixels outside the area whose fields were
    # all drawn (e.g. a campaign's finished tasks): a pair touching a region mostly there is
    # neither same nor different.
    unmapped: bool = False


def training_view(
    name: str, image: np.ndarray, fields: np.ndarray, unmapped: bool = False
) -> TrainingView:
    """The superpixel graph of a (C, H, W) view and its regions' overlap with ``fields``
    (H, W; 0 undrawn, 1…n drawn fields, and n + 1 unmapped where ``unmapped``)."""
    bands = three_bands(image)
    labels = superpixels(bands, SUPERPIXEL_SCALE, SUPERPIXEL_MIN_SIZE)
    n, n_fields = int(labels.max()) + 1, int(fields.max()) + 1
    overlap = np.bincount(
        labels.ravel() * n_fields + fields.ravel(), minlength=n * n_fields
    ).reshape(n, n_fields)
    return TrainingView(name, build_graph(bands, labels), overlap, unmapped)


def training_views(chips: tuple[str, ...]) -> list[TrainingView]:
    """Every chip's four views (:data:`METHODS` from each of ``BENCH_DEGRADATIONS``)."""
    out = []
    for name in chips:
        chip = load_chip(name)
        for degradation in BENCH_DEGRADATIONS:
            for method in METHODS:
                image = view(chip, degradation, method)
                out.append(training_view(f"{name} {degradation} {method}", image, chip.fields))
    return out


def pair_labels(pairs: np.ndarray, overlap: np.ndarray, unmapped: bool = False) -> np.ndarray:
    """1 same drawn field, 0 different (or field and undrawn land), −1 both undrawn (or,
    with ``unmapped``, either mostly in the overlap's last column: not known)."""
    field = overlap.argmax(1)
    a, b = field[pairs[:, 0]], field[pairs[:, 1]]
    out: np.ndarray = (a == b).astype(np.int64)
    out[(a == 0) & (b == 0)] = -1
    if unmapped:
        last = overlap.shape[1] - 1
        out[(a == last) | (b == last)] = -1
    return out


def agglomerated_examples(
    item: TrainingView,
    model: MergeModel | None,
    cap: int,
    rng: np.random.Generator,
    loose: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Features and labels of the pairs met while agglomerating one view: the superpixel
    pairs without a model; with one, every new pair of each round (at most ``cap``, drawn at
    random), merging the mutually most probable pairs the drawn fields agree with (and
    undrawn with undrawn) until none is left — or, with ``loose``, every mutually most
    probable pair above that probability, right or wrong, as the assist does."""
    graph, overlap = item.graph, item.overlap
    features = pair_features(graph)
    labels = pair_labels(graph.pairs, overlap, item.unmapped)
    if model is None:
        return features, labels
    found_x, found_y = [], []
    fresh = np.ones(len(graph.pairs), bool)
    while len(graph.pairs):
        found_x.append(features[fresh])
        found_y.append(labels[fresh])
        probability = model.probability(features)
        if loose is None:
            probability[labels == 0] = -1.0  # never merged here
        picked = matched_pairs(graph.pairs, probability, len(graph.regions))
        if loose is None:
            picked = picked[labels[picked] != 0]
        else:
            picked = picked[probability[picked] > loose]
        if len(picked) == 0:
            break
        step = merge_pairs(graph, picked)
        n = len(step.graph.regions)
        overlap = np.stack(
            [np.bincount(step.mapping, overlap[:, j], n) for j in range(overlap.shape[1])], 1
        )
        graph, fresh = step.graph, step.fresh
        features = pair_features(graph)
        labels = pair_labels(graph.pairs, overlap, item.unmapped)
    x, y = np.concatenate(found_x), np.concatenate(found_y)
    kept = rng.permutation(len(x))[:cap]
    return x[kept], y[kept]


def fit(x: np.ndarray, y: np.ndarray, hidden: int, epochs: int, seed: int) -> MergeModel:
    """An MLP trained on (x, y) (labels 0/1), class-balanced, as a :class:`MergeModel`."""
    torch.manual_seed(seed)
    mean, std = x.mean(0), x.std(0) + 1e-6
    xt = torch.from_numpy(((x - mean) / std).astype(np.float32))
    yt = torch.from_numpy(y.astype(np.float32))
    positive = float(y.mean())
    weight_of = torch.tensor([0.5 / (1 - positive), 0.5 / positive])
    net = torch.nn.Sequential(
        torch.nn.Linear(x.shape[1], hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, hidden),
        torch.nn.ReLU(),
        torch.nn.Linear(hidden, 1),
    )
    optimiser = torch.optim.Adam(net.parameters(), lr=3e-3, weight_decay=1e-5)
    batch = 4096
    steps = epochs * (len(xt) // batch + 1)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, 3e-3, total_steps=steps)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        order = torch.randperm(len(xt), generator=generator)
        for start in range(0, len(xt), batch):
            index = order[start : start + batch]
            logits = net(xt[index])[:, 0]
            target = yt[index]
            loss = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, target, weight=weight_of[target.long()]
            )
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
    linear = [m for m in net if isinstance(m, torch.nn.Linear)]
    layers = [
        (m.weight.detach().numpy().T.astype(np.float64), m.bias.detach().numpy().astype(np.float64))
        for m in linear
    ]
    return MergeModel(mean, std, layers, version="")


def accuracy(model: MergeModel, x: np.ndarray, y: np.ndarray) -> float:
    return float(((model.probability(x) > 0.5) == (y == 1)).mean())


def gala(
    views: list[TrainingView],
    rounds: int = 2,
    hidden: int = 32,
    epochs: int = 4,
    seed: int = 0,
    cap: int = 20000,
    loose: float | None = 0.4,
    quiet: bool = False,
) -> tuple[MergeModel, int]:
    """The classifier after ``rounds`` GALA rounds on ``views`` (round 0 on the superpixel
    pairs; each later one adds the pairs met agglomerating every view with the last model,
    strictly and, with ``loose``, as the assist does) and how many labelled pairs it saw."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    examples = [agglomerated_examples(v, None, cap, rng) for v in views]
    for round_number in range(rounds + 1):
        x = np.concatenate([e[0] for e in examples])
        y = np.concatenate([e[1] for e in examples])
        known = y >= 0
        model = fit(x[known], y[known], hidden, epochs, seed)
        if not quiet:
            print(
                f"round {round_number}: {int(known.sum())} pairs ({y[known].mean():.2f} same "
                f"field), training accuracy {accuracy(model, x[known], y[known]):.3f}, "
                f"{time.perf_counter() - start:.0f} s",
                flush=True,
            )
        if round_number < rounds:
            examples += [agglomerated_examples(v, model, cap, rng) for v in views]
            if loose is not None:
                examples += [agglomerated_examples(v, model, cap, rng, loose) for v in views]
    return model, int(known.sum())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="agglomeration rounds (GALA)")
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--loose", type=float, help="also agglomerate as the assist does, above this"
    )
    parser.add_argument("--cap", type=int, default=20000, help="examples per view and round")
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    start = time.perf_counter()
    views = training_views(FIT_CHIPS)
    print(f"{len(views)} views ready in {time.perf_counter() - start:.0f} s", flush=True)
    model, pairs = gala(
        views, args.rounds, args.hidden, args.epochs, args.seed, args.cap, args.loose
    )
    seconds = time.perf_counter() - start
    body = json.dumps(model.to_json()["layers"]).encode()
    model.version = f"mlp{args.hidden}-{hashlib.sha256(body).hexdigest()[:12]}"
    model.card = {
        "data": [f"{c}.tif" for c in FIT_CHIPS],
        "views": [f"{m} from {d}" for d in BENCH_DEGRADATIONS for m in METHODS],
        "enhancer": get_method("enhancer").model_version,  # the model that made its views
        "command": "OMP_NUM_THREADS=1 .venv/bin/python -m bench.train_merge "
        + " ".join(f"--{k} {v}" for k, v in vars(args).items() if k != "out" and v is not None),
        "seconds": round(seconds),
        "pairs": pairs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model.to_json()) + "\n")
    print(f"saved {args.out} ({model.version}) after {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
