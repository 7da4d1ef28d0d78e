"""Would more drawn fields lift the outline assist? Two measurements of learned merging.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.merge_data [--out bench/results/merge_data.json]

1. **Learning curve.** The shipped recipe (:func:`bench.train_merge.gala`: 2 rounds, loose
   0.4, MLP 32, 4 epochs, seed 0) trained on 4, 8 and all 16 ``FIT_CHIPS`` (two disjoint
   subsets of 4 and of 8), each scored at threshold 0.5 on the 4 ``VALIDATION_CHIPS``
   (bicubic and enhancer views, both degradations): if 16 chips beat 8 and 8 beat 4, more
   drawn fields would help; if not, the features are the limit.
2. **A campaign's own fields.** In each validation chip the left half stands for a finished
   task (every field there drawn); its pairs are added to the shipped recipe's training
   (repeated :data:`SCENE_REPEATS` times, so that one chip counts) and the assist is scored
   by clicks on the fields lying mostly in the other half. Controls: the same refit without
   the scene, and a classifier trained on the scene alone. This is what retraining the
   assist on a campaign's accepted labels would give.

The 10 benchmark chips are never read. Results: ``bench/results/merge_data.{json,md}``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import torch

from bench.fields_data import (
    BENCH_DEGRADATIONS,
    FIT_CHIPS,
    ROOT,
    VALIDATION_CHIPS,
    load_chip,
    view,
)
from bench.results_files import write_results
from bench.train_merge import (
    METHODS,
    TrainingView,
    agglomerated_examples,
    fit,
    gala,
    training_view,
    training_views,
)
from bench.tune_outline import click_ious, measure_merging, validation_views
from sr.outline.assist import field_instances
from sr.outline.merge import MergeModel, load_model
from sr.outline.segment import MergeSegmenter

SUBSETS = {
    "4 chips (a)": FIT_CHIPS[0::4],
    "4 chips (b)": FIT_CHIPS[1::4],
    "8 chips (a)": FIT_CHIPS[0::2],
    "8 chips (b)": FIT_CHIPS[1::2],
    "16 chips (all)": FIT_CHIPS,
}
THRESHOLD = 0.5  # the shipped level
SCENE_REPEATS = 5
CAP = 20000


def learning_curve(views: list[TrainingView]) -> list[dict]:
    """Per subset of fit chips: its size, pairs, and the validation scores of the classifier
    trained on it (view → (median click IoU, mean, outline-all F1))."""
    rows = []
    for key, chips in SUBSETS.items():
        start = time.perf_counter()
        picked = [v for v in views if v.name.split()[0] in chips]
        model, pairs = gala(picked, quiet=True)
        model.version = key
        (result,) = measure_merging([MergeSegmenter(model, threshold=THRESHOLD)], METHODS)
        rows.append({"training": key, "chips": len(chips), "pairs": pairs, "scores": result})
        print(key, pairs, result, f"{time.perf_counter() - start:.0f} s", flush=True)
    return rows


def finished_half(fields: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """The chip's fields as a campaign that finished its left half knows them (the right
    half numbered one past the last field: unmapped) and the fields lying mostly in the right
    half (those the assist is scored on)."""
    n_fields = int(fields.max()) + 1
    left = np.zeros(fields.shape, bool)
    left[:, : fields.shape[1] // 2] = True
    in_left = np.bincount(fields.ravel(), left.ravel(), n_fields)
    size = np.bincount(fields.ravel(), None, n_fields)
    to_map = [f for f in range(1, n_fields) if size[f] and in_left[f] < 0.5 * size[f]]
    return np.where(left, fields, n_fields), to_map


def scene_clicks(models: dict[str, MergeModel]) -> dict[str, tuple[float, float, int]]:
    """Per view kind: (median, mean, count) click IoU on the validation chips' right-half
    fields, each chip merged by its own model."""
    ious: dict[str, list[float]] = {}
    for name in VALIDATION_CHIPS:
        segmenter = MergeSegmenter(models[name], threshold=THRESHOLD)
        for method, image, fields in validation_views(METHODS, (name,)):
            _, to_map = finished_half(fields)
            scored = np.where(np.isin(fields, to_map), fields, 0)  # the right half's fields
            ious.setdefault(method, []).extend(
                click_ious(field_instances(image, segmenter), scored)
            )
    return {m: (float(np.median(v)), float(np.mean(v)), len(v)) for m, v in ious.items()}


def labelled(
    views: list[TrainingView], model: MergeModel, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """The labelled pairs of the shipped recipe's last round on ``views``: the superpixel
    pairs, and those met agglomerating with ``model`` strictly and loosely (0.4)."""
    found = [
        agglomerated_examples(v, m, CAP, rng, loose)
        for v in views
        for m, loose in ((None, None), (model, None), (model, 0.4))
    ]
    x = np.concatenate([f[0] for f in found])
    y = np.concatenate([f[1] for f in found])
    return x[y >= 0], y[y >= 0]


def campaign_fields(views: list[TrainingView]) -> list[dict]:
    """Scores of the shipped classifier, the shipped recipe's last round refit with and
    without each chip's finished half, and of a classifier of that half alone."""
    shipped = load_model()
    rng = np.random.default_rng(0)
    base_x, base_y = labelled(views, shipped, rng)
    scene = {}
    for name in VALIDATION_CHIPS:
        chip = load_chip(name)
        known, _ = finished_half(chip.fields)
        halves = [
            training_view(name, view(chip, d, m), known, unmapped=True)
            for d in BENCH_DEGRADATIONS
            for m in METHODS
        ]
        scene[name] = labelled(halves, shipped, rng)
    refit = fit(base_x, base_y, 32, 4, 0)
    with_scene = {
        name: fit(
            np.concatenate([base_x] + [x] * SCENE_REPEATS),
            np.concatenate([base_y] + [y] * SCENE_REPEATS),
            32,
            4,
            0,
        )
        for name, (x, y) in scene.items()
    }
    alone = {name: fit(x, y, 32, 20, 0) for name, (x, y) in scene.items()}
    every = dict.fromkeys(VALIDATION_CHIPS)
    cases = {
        "shipped classifier": {n: shipped for n in every},
        "refit on the fit chips (control)": {n: refit for n in every},
        f"refit + the chip's finished half (×{SCENE_REPEATS})": with_scene,
        "the chip's finished half alone (20 epochs)": alone,
    }
    rows = []
    for case, models in cases.items():
        pairs = {n: len(scene[n][1]) for n in every} if "half" in case else {}
        rows.append({"training": case, "scene_pairs": pairs, "clicks": scene_clicks(models)})
        print(case, rows[-1]["clicks"], flush=True)
    return rows


def markdown(result: dict) -> str:
    lines = [
        "# Would more drawn fields lift learned merging?",
        "",
        f"`{result['command']}` — {result['seconds']} s. Validation chips only (the benchmark "
        "chips are never read); threshold 0.5 (shipped). Cells: median / mean click IoU"
        " (and outline-all F1), enhancer | bicubic view, both degradations.",
        "",
        "## Learning curve: the shipped recipe trained on part of the fit chips",
        "",
        "| trained on | labelled pairs | enhancer | bicubic |",
        "|---|---|---|---|",
    ]
    for row in result["curve"]:
        cells = [
            "{:.3f} / {:.3f} ({:.2f})".format(*row["scores"][m]) for m in ("enhancer", "bicubic")
        ]
        lines.append(f"| {row['training']} | {row['pairs']} | {' | '.join(cells)} |")
    lines += [
        "",
        "## A campaign's own fields: each validation chip's left half drawn, clicks on the"
        " fields of its right half",
        "",
        "| classifier | enhancer | bicubic | clicks per view kind |",
        "|---|---|---|---|",
    ]
    for row in result["campaign"]:
        clicks = row["clicks"]
        cells = ["{:.3f} / {:.3f}".format(*clicks[m][:2]) for m in ("enhancer", "bicubic")]
        lines.append(f"| {row['training']} | {' | '.join(cells)} | {clicks['enhancer'][2]} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "merge_data.json")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    start = time.perf_counter()
    views = training_views(FIT_CHIPS)
    result: dict = {"command": "OMP_NUM_THREADS=1 .venv/bin/python -m bench.merge_data"}
    result["curve"] = learning_curve(views)
    result["campaign"] = campaign_fields(views)
    result["seconds"] = round(time.perf_counter() - start)
    write_results(args.out, result, markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
