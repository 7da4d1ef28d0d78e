"""How much detail each method adds beyond bicubic + back-projection, and how much of it is
right: the figures behind the "added by the model" badge (sr.sharpen.added_detail).

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.bench_added_detail

The Sentinel-2 crops of bench/bench_honest.py (held out from training: four 256² crops
of ../shared/data, columns 200–455), each degraded 4× by the five models of
sr.sharpen.degrade.DEGRADATIONS. For each method: the added detail (the area figure the app
shows), the fine detail the truth has beyond bicubic + back-projection, and the *gain*:
1 − mean|truth's detail − added detail| / mean|truth's detail| (1: the added detail is the
truth's; 0: as good as adding nothing; below 0: the added detail is mostly invented).
"Invented stripes" is a control: bicubic + back-projection plus ±3 % stripes inside every
pixel, made consistent (what the consistency check cannot see).
Writes bench/results/added_detail.json and .md.
"""

from __future__ import annotations

import json
import platform
import statistics
import sys
from pathlib import Path
from typing import TypedDict

import numpy as np
import torch

from bench.bench_honest import S2_CROPS, S2_FILE, SCALE
from sr.sharpen.added_detail import added_detail, high_frequencies, interpolation_reference
from sr.sharpen.consistency import enforce_consistency
from sr.sharpen.degrade import DEGRADATIONS
from sr.sharpen.enhancer.infer import DEFAULT_MODEL, load_enhancer

RESULTS = Path(__file__).resolve().parent / "results"
CROP = 256


class Record(TypedDict):
    """One method on one crop and degradation."""

    case: str
    degradation: str
    method: str
    added_detail: float
    truth_detail: float
    gain: float


def s2_crops() -> dict[str, np.ndarray]:
    import rasterio

    crops = {}
    with rasterio.open(S2_FILE) as ds:
        for name, (band, row, col) in S2_CROPS.items():
            window = ((row, row + CROP), (col, col + CROP))
            crops[name] = ds.read(list(range(band, band + 4)), window=window).astype(np.float32)
    return crops


def stripes(reference: np.ndarray, lr: np.ndarray, amplitude: float = 0.03) -> np.ndarray:
    """The control: ±``amplitude`` of the mean brightness as stripes inside every pixel."""
    pattern = np.zeros_like(reference)
    level = amplitude * float(np.abs(lr).mean())
    pattern[:, :, 0::SCALE] = level
    pattern[:, :, 1::SCALE] = -level
    return enforce_consistency(reference + pattern, lr, SCALE, floor=0.0)


def gain(result: np.ndarray, reference: np.ndarray, truth: np.ndarray) -> float:
    """1 − mean|truth's fine detail − added fine detail| / mean|truth's fine detail|."""
    added = high_frequencies(result.astype(np.float64) - reference, SCALE)
    wanted = high_frequencies(truth.astype(np.float64) - reference, SCALE)
    return 1.0 - float(np.abs(wanted - added).mean()) / max(float(np.abs(wanted).mean()), 1e-12)


def main() -> int:
    torch.set_num_threads(1)
    model = load_enhancer(DEFAULT_MODEL, "cpu", "float32")
    records: list[Record] = []
    for name, truth in s2_crops().items():
        for degradation, degrade in DEGRADATIONS.items():
            lr = degrade(truth, SCALE).astype(np.float32)
            reference = interpolation_reference(lr, SCALE)
            results = {
                "bicubic + back-projection": reference,
                "enhancer (the app's default)": enforce_consistency(model(reference), lr, SCALE),
                "enhancer, no consistency step": model(reference),
                "invented stripes (control)": stripes(reference, lr),
            }
            truth_detail = added_detail(truth, lr, SCALE, reference)
            for method, result in results.items():
                records.append(
                    {
                        "case": name,
                        "degradation": degradation,
                        "method": method,
                        "added_detail": added_detail(result, lr, SCALE, reference),
                        "truth_detail": truth_detail,
                        "gain": gain(result, reference, truth),
                    }
                )
                print(f"{name} {degradation:10s} {method:32s} {records[-1]}", flush=True)
    summary: dict[str, dict[str, float]] = {}
    for method in dict.fromkeys(r["method"] for r in records):
        rows = [r for r in records if r["method"] == method]
        added = sorted(r["added_detail"] for r in rows)
        summary[method] = {
            "added_detail_median": statistics.median(added),
            "added_detail_p90": added[round(0.9 * (len(added) - 1))],
            "added_detail_max": added[-1],
            "gain_median": statistics.median(r["gain"] for r in rows),
            "gain_min": min(r["gain"] for r in rows),
        }
    truth_detail = statistics.median(r["truth_detail"] for r in records)
    report = {
        "command": "OMP_NUM_THREADS=1 python -m bench.bench_added_detail",
        "machine": f"{platform.machine()}, 1 thread, torch {torch.__version__}",
        "cases": len({(r["case"], r["degradation"]) for r in records}),
        "truth_detail_median": truth_detail,
        "summary": summary,
        "records": records,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "added_detail.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [
        f"`{report['command']}` — {report['cases']} cases (4 held-out Sentinel-2 crops × 5 "
        f"degradations); the truth's own fine detail beyond bicubic + back-projection: "
        f"median {100 * truth_detail:.2f} %.",
        "",
        "| method | added detail, median | p90 | max | gain, median | gain, worst |",
        "|---|---|---|---|---|---|",
    ]
    for method, s in summary.items():
        lines.append(
            f"| {method} | {100 * s['added_detail_median']:.2f} % | "
            f"{100 * s['added_detail_p90']:.2f} % | {100 * s['added_detail_max']:.2f} % | "
            f"{s['gain_median']:+.3f} | {s['gain_min']:+.3f} |"
        )
    (RESULTS / "added_detail.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
