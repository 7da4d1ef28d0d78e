"""Which enhancer (or which epoch of a training run) to ship, judged on the validation chips.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.enhancer_epochs MODEL_OR_STATE.pt ...

Each argument is an enhancer model file or a training state file of ``python -m sr train``
(the state after an epoch; copy it aside during a run to score several epochs). On the 4
validation chips (:data:`bench.fields_data.VALIDATION_CHIPS`, never the benchmark's), 8 m
input under both degradations, each is run as the ``enhancer`` method (ending with the
consistency step) and scored as the delineation benchmark scores a view: PSNR and boundary F
at 2 px of the generic segmenter's boundaries against the drawn ones, both as gains over
bicubic + back-projection. Writes ``bench/results/enhancer_epochs.{json,md}``.
"""

from __future__ import annotations

import argparse
import platform
import sys
from pathlib import Path

import numpy as np
import torch

from bench.bench_fields import generic_segments, pixel_scores
from bench.fields_data import (
    BENCH_DEGRADATIONS,
    ROOT,
    SCALE,
    VALIDATION_CHIPS,
    Chip,
    degraded,
    load_chip,
    view,
)
from bench.results_files import cpu_model, write_results
from sr.sharpen.enhancer.checkpoint import CheckpointError, load_training_state
from sr.sharpen.enhancer.config import EnhancerConfig
from sr.sharpen.enhancer.infer import Enhancer, load_enhancer
from sr.sharpen.enhancer.model import build_network, fuse_batchnorm
from sr.sharpen.methods import enhance


def enhancer_of(path: Path) -> tuple[Enhancer, str]:
    """The enhancer in a model file, or in a training state file; and how to name it."""
    try:
        return load_enhancer(path, "cpu", "float32"), path.name
    except CheckpointError:  # not a model file: a training state
        state = load_training_state(path)
        model = build_network(EnhancerConfig.from_training(state["meta"]["train_config"]))
        model.load_state_dict(state["model"])
        meta = {**state["meta"], "scale": SCALE}
        return Enhancer(fuse_batchnorm(model.eval()), torch.device("cpu"), meta), (
            f"{path.name} (epoch {state['epoch']})"
        )


def scores(chip: Chip, image: np.ndarray) -> tuple[float, float]:
    """PSNR against the 2 m truth and boundary F at 2 px of the generic segments, as the
    delineation benchmark scores a view."""
    found = pixel_scores(chip, image, generic_segments(chip, image))
    psnr_db, boundary = found["psnr"], found["boundary_f1_2px"]
    assert psnr_db is not None and boundary is not None  # a sharpened view, not the truth
    return psnr_db, boundary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", type=Path, nargs="+", help="model or training state files")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    enhancers = [enhancer_of(path) for path in args.models]
    gains: dict[str, list[tuple[float, float]]] = {name: [] for _, name in enhancers}
    for chip_name in VALIDATION_CHIPS:
        chip = load_chip(chip_name)
        for degradation in BENCH_DEGRADATIONS:
            lr = degraded(chip, degradation)
            base = scores(chip, view(chip, degradation, "bicubic"))
            for enhancer, name in enhancers:
                out = enhance(lr, SCALE, "enhancer", floor=0.0, enhancer=enhancer)
                score = scores(chip, out.astype(np.float32))
                gains[name].append((score[0] - base[0], score[1] - base[1]))
            print(chip_name, degradation, "done", flush=True)
    command = "OMP_NUM_THREADS=1 python -m bench.enhancer_epochs " + " ".join(sys.argv[1:])
    result = {
        "command": command,
        "machine": f"{cpu_model()}, {platform.machine()}, torch {torch.__version__}, 1 thread",
        "chips": list(VALIDATION_CHIPS),
        "gains": {name: [list(g) for g in v] for name, v in gains.items()},
    }
    lines = [
        "# Enhancers on the validation chips: gains over bicubic + back-projection",
        "",
        f"`{command}` — {result['machine']}; 4 validation chips × 2 degradations "
        "(never the benchmark chips).",
        "",
        "| model | PSNR gain, mean dB | worst dB | boundary F 2 px gain, mean |",
        "|---|---|---|---|",
    ]
    for name, v in gains.items():
        d = np.array(v)
        lines.append(
            f"| {name} | {d[:, 0].mean():+.3f} | {d[:, 0].min():+.3f} | {d[:, 1].mean():+.3f} |"
        )
    write_results(
        ROOT / "bench" / "results" / "enhancer_epochs.json", result, "\n".join(lines) + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
