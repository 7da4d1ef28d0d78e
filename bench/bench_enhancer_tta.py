"""Test-time augmentation of the enhancer: does averaging mirrored and turned passes pay?

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.bench_enhancer_tta

On the 4 validation chips (:data:`bench.fields_data.VALIDATION_CHIPS`, never the benchmark's),
8 m input under both degradations, the shipped enhancer is run on 1, 2 (mirror), 4 (quarter
turns) or 8 (both) transformed copies of the input; the outputs are turned back, averaged and
made consistent with the input (as every method is). Reported: PSNR gain over bicubic +
back-projection (mean and worst over the 8 chip × degradation cases) and the relative cost.
"""

from __future__ import annotations

import platform

import numpy as np
import torch

from bench.fields_data import BENCH_DEGRADATIONS, ROOT, SCALE, VALIDATION_CHIPS, degraded, load_chip
from bench.results_files import write_results
from sr.sharpen.consistency import enforce_consistency
from sr.sharpen.enhancer.chain import run_enhancer
from sr.sharpen.enhancer.infer import DEFAULT_MODEL, Enhancer, load_enhancer
from sr.sharpen.methods import enhance
from sr.sharpen.metrics import psnr

PASSES = {1: (0,), 2: (0, 4), 4: (0, 1, 2, 3), 8: tuple(range(8))}  # flip = t // 4, turns = t % 4
BORDER = 4


def transformed_mean(lr: np.ndarray, passes: tuple[int, ...], model: Enhancer) -> np.ndarray:
    """The enhancer's output averaged over the given mirrored / turned copies of ``lr``."""
    outs = []
    for t in passes:
        flip, turns = t // 4, t % 4
        x = lr[:, :, ::-1] if flip else lr
        y = run_enhancer(np.ascontiguousarray(np.rot90(x, turns, (1, 2))), SCALE, enhancer=model)
        y = np.rot90(y, -turns, (1, 2))
        outs.append(y[:, :, ::-1] if flip else y)
    out: np.ndarray = np.mean(outs, 0).astype(np.float32)
    return out


def main() -> int:
    torch.set_num_threads(1)
    model = load_enhancer(DEFAULT_MODEL, "cpu", "float32")
    gains: dict[int, list[float]] = {k: [] for k in PASSES}
    for name in VALIDATION_CHIPS:
        chip = load_chip(name)
        peak = float(chip.truth.max())
        for degradation in BENCH_DEGRADATIONS:
            lr = degraded(chip, degradation)
            base = psnr(enhance(lr, SCALE, "bicubic", floor=0.0), chip.truth, peak, border=BORDER)
            for k, passes in PASSES.items():
                out = enforce_consistency(transformed_mean(lr, passes, model), lr, SCALE, floor=0.0)
                gains[k].append(psnr(out, chip.truth, peak, border=BORDER) - base)
            print(name, degradation, {k: round(v[-1], 3) for k, v in gains.items()}, flush=True)
    result = {
        "command": "OMP_NUM_THREADS=1 python -m bench.bench_enhancer_tta",
        "machine": f"{platform.machine()}, torch {torch.__version__}, 1 thread",
        "gain_db": {str(k): v for k, v in gains.items()},
    }
    lines = [
        "# Enhancer test-time augmentation (validation chips, PSNR gain over bicubic + BP)",
        "",
        f"`{result['command']}` — {result['machine']}; 4 validation chips × 2 degradations.",
        "",
        "| passes (enhancer runs) | gain mean dB | gain worst dB |",
        "|---|---|---|",
    ]
    for k, v in gains.items():
        lines.append(f"| {k} | {np.mean(v):+.3f} | {np.min(v):+.3f} |")
    write_results(ROOT / "bench" / "results" / "enhancer_tta.json", result, "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
