"""Which forward model should the consistency step project with? Bicubic + 10 back-projection
steps with three models (block average, Lanczos-2, Gaussian PSF σ 0.5 LR px + Lanczos-2),
on held-out crops degraded by each model of :data:`sr.sharpen.degrade.DEGRADATIONS`.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.bench_projection_model

Prints PSNR (dB, peak = the crop's maximum, 4 px border off) and writes
``bench/results/projection_model.md``. Crops as in ``bench/bench_honest.py`` (one of each
source).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from bench.bench_honest import LANDSAT_DIR, load_cases
from sr.sharpen.baselines import interpolate
from sr.sharpen.degrade import DEGRADATIONS, Lanczos2Downsampler, SensorDownsampler, back_project
from sr.sharpen.metrics import psnr

OUT = Path(__file__).resolve().parents[1] / "bench" / "results" / "projection_model.md"
CROPS = ("s2_d1_north", "l8_224077_a", "rgbn5m_nw")


class BlockMean(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.avg_pool2d(x, 4)


MODELS: dict[str, nn.Module] = {
    "block average": BlockMean(),
    "Lanczos-2": Lanczos2Downsampler(4),
    "Gaussian σ 0.5 + Lanczos-2": SensorDownsampler(4, 0.5),
}


def main() -> int:
    torch.set_num_threads(1)
    lines = [
        "# Forward model of the consistency step: bicubic + 10 back-projection steps",
        "",
        "`python -m bench.bench_projection_model`; PSNR dB (peak = crop max, 4 px border off).",
        "",
        "| crop | degradation | bicubic | " + " | ".join(MODELS) + " |",
        "|---|---|---|" + "---|" * len(MODELS),
    ]
    for case in load_cases(LANDSAT_DIR):
        if case.name not in CROPS:
            continue
        peak = float(case.hr.max())
        for name, degrade in DEGRADATIONS.items():
            lr = degrade(case.hr, 4).astype(np.float32)
            up = interpolate(lr, 4, "bicubic")
            cells = [f"{psnr(up, case.hr, peak, 4):.2f}"]
            for model in MODELS.values():
                with torch.no_grad():
                    out = back_project(
                        torch.from_numpy(up)[None], torch.from_numpy(lr)[None], model, 10
                    )
                cells.append(f"{psnr(out[0].numpy(), case.hr, peak, 4):.2f}")
            lines.append(f"| {case.name} | {name} | " + " | ".join(cells) + " |")
            print(lines[-1], flush=True)
    OUT.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
