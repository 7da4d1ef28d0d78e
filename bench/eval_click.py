"""Judge a trained click network (:mod:`sr.outline.click`) on the validation chips as the
benchmark judges the assist, beside the shipped learned merging:

    OMP_NUM_THREADS=2 .venv/bin/python -m bench.eval_click data/click.pt \\
        --logs run1.log.json … --out bench/results/click_net.json

Per view (the enhancer and bicubic + back-projection, block average and Gaussian PSF; a
click at each drawn field's innermost point; median and mean IoU with the drawn field):

- ``network``: the network's mask (probability > 0.5), the connected part under the click
  with its holes filled;
- ``merge``: the shipped segmenter (:class:`sr.outline.segment.MergeSegmenter` at its
  threshold) — the region under the click;
- ``merge, level by network``: of the regions under the click after merging down to each of
  :data:`LEVELS`, the one that agrees best (IoU) with the network's mask;
- ``merge, best level``: the best of those levels for each click, chosen with the drawn field
  (an oracle: the most any level choice could give).

The benchmark chips are not read: a network chosen on this would first have to win here.
``--logs`` adds the training runs' validation logs (:mod:`bench.train_click`) to the table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from scipy import ndimage as ndi

from bench.bench_fields import innermost_points, iou
from bench.fields_data import BENCH_DEGRADATIONS, VALIDATION_CHIPS, load_chip, view
from bench.results_files import write_results
from sr.outline.bands import three_bands
from sr.outline.click import ClickNet, click_input
from sr.outline.segment import MergeSegmenter

LEVELS = (0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2)
WAYS = ("network", "merge", "merge, level by network", "merge, best level")


def load_click_net(path: Path) -> ClickNet:
    saved = torch.load(path, map_location="cpu", weights_only=True)
    net = ClickNet(int(saved["width"]), int(saved["factor"]))
    net.load_state_dict(saved["state_dict"])
    return net.eval()


def network_mask(net: ClickNet, bands: np.ndarray, col: float, row: float) -> np.ndarray:
    """The network's field under a click: the part of its mask holding the click, filled."""
    _, h, w = bands.shape
    pad_h, pad_w = (-h) % net.multiple, (-w) % net.multiple
    padded = np.pad(bands, ((0, 0), (0, pad_h), (0, pad_w)), mode="reflect")
    with torch.inference_mode():
        logits = net(click_input(torch.from_numpy(padded), col, row)[None])[0, 0, :h, :w]
    parts, _ = ndi.label(logits.numpy() > 0)
    under = parts[int(row), int(col)]
    out: np.ndarray = ndi.binary_fill_holes(parts == under) if under else np.zeros((h, w), bool)
    return out


def score_view(net: ClickNet, bands: np.ndarray, fields: np.ndarray) -> dict[str, list[float]]:
    segmenter = MergeSegmenter()
    prepared = segmenter.prepared(bands)
    levels = [np.abs(MergeSegmenter(threshold=t).fields(prepared)) for t in LEVELS]
    shipped = np.abs(segmenter.fields(prepared))
    out: dict[str, list[float]] = {way: [] for way in WAYS}
    for number, (col, row) in innermost_points(fields).items():
        field, r, c = fields == number, int(row), int(col)
        mask = network_mask(net, bands, col, row)
        regions = [(level == level[r, c]) & (level[r, c] > 0) for level in levels]
        guided = regions[int(np.argmax([iou(region, mask) for region in regions]))]
        out["network"].append(iou(mask, field))
        out["merge"].append(iou((shipped == shipped[r, c]) & (shipped[r, c] > 0), field))
        out["merge, level by network"].append(iou(guided, field))
        out["merge, best level"].append(max(iou(region, field) for region in regions))
    return out


def markdown(result: dict) -> str:
    lines = [
        "# Click network on the validation chips (not the benchmark's)",
        "",
        f"`{result['command']}`; network `{result['network']}`; shipped merge "
        f"`{result['merge']}`; {result['machine']}.",
        "",
        "Click IoU with the drawn field, median / mean over the fields of the 4 validation "
        "chips (a click at each field's innermost point).",
        "",
        "| view | " + " | ".join(WAYS) + " |",
        "|---|" + "---|" * len(WAYS),
    ]
    for name, ways in result["views"].items():
        cells = [f"{ways[w]['median']:.3f} / {ways[w]['mean']:.3f}" for w in WAYS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", f"The network alone on a 512² view: {result['network_s']:.2f} s (2 threads)."]
    if result["training"]:
        lines += [
            "",
            "## Training runs (validation score: median click IoU on the enhancer views, "
            "mask > 0.5)",
            "",
            "| run | from | width | factor | crop | batch | lr | step | seconds | loss | score |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for run in result["training"]:
            for entry in run["log"]:
                lines.append(
                    f"| {run['name']} | {run['from']} | {run['width']} | {run['factor']} | "
                    f"{run['crop']} | {run['batch']} | {run['lr']} | "
                    f"{entry['step']} | {entry['s']} | {entry['loss']:.3f} | "
                    f"{entry['score']:.3f} |"
                )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--logs", type=Path, nargs="*", default=[])
    parser.add_argument("--out", type=Path, default=Path("bench/results/click_net.json"))
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    from sr.sharpen.methods import checkpoint_version

    net = load_click_net(args.checkpoint)
    views: dict[str, dict] = {}
    seconds = []
    for name in VALIDATION_CHIPS:
        chip = load_chip(name)
        for degradation in BENCH_DEGRADATIONS:
            for method in ("enhancer", "bicubic"):
                bands = three_bands(view(chip, degradation, method))
                scores = score_view(net, bands, chip.fields)
                key = f"{method}, {degradation}"
                merged = views.setdefault(key, {w: [] for w in WAYS})
                for way in WAYS:
                    merged[way] += scores[way]
                print(name, key, {w: round(statistics.median(scores[w]), 3) for w in WAYS})
        start = time.perf_counter()
        network_mask(net, bands, 256.5, 256.5)
        seconds.append(time.perf_counter() - start)
    training = []
    for path in args.logs:
        run = json.loads(path.read_text())
        name = Path(run["run"]["out"]).stem
        settings = {k: run["run"][k] for k in ("width", "factor", "crop", "batch", "lr")}
        resumed = run["run"].get("resume")
        resumed_from = Path(resumed).stem if resumed and resumed != "None" else "scratch"
        training.append({"name": name, "from": resumed_from, **settings})
        training[-1]["log"] = run["log"]
    result = {
        "command": " ".join(
            ["python -m bench.eval_click", *(sys.argv[1:] if argv is None else argv)]
        ),
        "network": checkpoint_version(args.checkpoint),
        "merge": MergeSegmenter().version,
        "machine": f"torch {torch.__version__}",
        "network_s": statistics.median(seconds),
        "views": {
            key: {
                w: {"median": float(np.median(v)), "mean": float(np.mean(v))}
                for w, v in ways.items()
            }
            for key, ways in views.items()
        },
        "training": training,
    }
    write_results(args.out, result, markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
