"""Benchmark DIP presets against bicubic on Set5 (paper protocol) and Sentinel-2 crops.

Examples (from the repository root)::

    .venv/bin/python bench/bench_dip.py --dataset set5 --images butterfly \
        --presets reference --trace-every 100 --out bench/results/dip_reference_butterfly.json
    .venv/bin/python bench/bench_dip.py --dataset set5 s2 --presets fast balanced

Set5: LR = HR (cropped to a multiple of 4) resized 4× down with PIL Lanczos; PSNR on BT.601
Y (16–235) with 4 px border cropped, SSIM on Y. Sentinel-2: HR = a 4-band crop of date 1
(B4 B3 B2 B8), LR = HR blurred with a Gaussian PSF (σ = 0.5 LR px) then Lanczos-2
decimated 4× (sr.sharpen.degrade.sentinel2_degrade); PSNR/SSIM on reflectance with peak = the
crop's maximum, 4 px border cropped. ``s2speed`` times a 128×128 4-band area → 512×512.
Results are appended to the JSON file after every case, so partial runs keep their data.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import rasterio
import torch
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results_files import write_results  # noqa: E402
from sr.sharpen.baselines import bicubic  # noqa: E402
from sr.sharpen.degrade import back_project_array, sentinel2_degrade  # noqa: E402
from sr.sharpen.dip import PRESETS, DipConfig, Progress, get_config, run_dip  # noqa: E402
from sr.sharpen.metrics import psnr, psnr_y, rgb_to_y, ssim  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
S2_FILE = SHARED / "sentinel2" / "austria_danube_s2_2date_8band.tif"
SET5 = ("baby", "bird", "butterfly", "head", "woman")
# Top-left corners (row, col) of the 256×256 Sentinel-2 HR crops.
S2_CROPS = {"s2_fields": (0, 320), "s2_river": (123, 60), "s2_village": (40, 150)}
SCALE = 4


@dataclass
class Case:
    """One benchmark image: HR truth (None for speed-only cases), LR input, how to score."""

    dataset: str
    name: str
    hr: np.ndarray | None
    lr: np.ndarray
    value_range: tuple[float, float] | None
    score: str  # "y" (Set5 protocol) or "reflectance"


@dataclass
class Record:
    dataset: str
    image: str
    method: str
    iterations: int
    wall_s: float
    psnr: float | None
    ssim: float | None
    bicubic_psnr: float | None
    bicubic_ssim: float | None
    trace: list[tuple[int, float, float]] = field(default_factory=list)
    # Steady-state time per iteration: from the end of iteration 1 to the last one.
    s_per_iter: float | None = None


def set5_cases(names: list[str]) -> Iterator[Case]:
    for name in names:
        img = Image.open(SHARED / "set5" / f"{name}_GT.png").convert("RGB")
        w, h = img.width - img.width % SCALE, img.height - img.height % SCALE
        img = img.crop((0, 0, w, h))
        lr_img = img.resize((w // SCALE, h // SCALE), Image.Resampling.LANCZOS)
        hr = np.asarray(img, dtype=np.float32).transpose(2, 0, 1)
        lr = np.asarray(lr_img, dtype=np.float32).transpose(2, 0, 1)
        yield Case("set5", name, hr, lr, (0.0, 255.0), "y")


def s2_cases(names: list[str]) -> Iterator[Case]:
    with rasterio.open(S2_FILE) as ds:
        data = ds.read([1, 2, 3, 4]).astype(np.float32)
    for name in names:
        if name == "s2speed":
            yield Case("s2speed", name, None, data[:, 100:228, 200:328], None, "none")
            continue
        row, col = S2_CROPS[name]
        hr = data[:, row : row + 256, col : col + 256]
        yield Case("s2", name, hr, sentinel2_degrade(hr, SCALE), None, "reflectance")


def score(case: Case, estimate: np.ndarray) -> tuple[float | None, float | None]:
    if case.hr is None:
        return None, None
    if case.score == "y":
        y_est = rgb_to_y(np.clip(np.round(estimate), 0, 255))
        return psnr_y(estimate, case.hr), ssim(y_est, rgb_to_y(case.hr), 255.0, border=4)
    peak = float(case.hr.max())
    return psnr(estimate, case.hr, peak, border=4), ssim(estimate, case.hr, peak, border=4)


def bicubic_back_projected(lr: np.ndarray, steps: int = 5) -> np.ndarray:
    """Bicubic, then iterative back-projection onto the LR image (the step DIP's quick
    presets end with), as a baseline that shows what DIP adds beyond data consistency."""
    return back_project_array(lr, bicubic(lr, SCALE), steps, SCALE)


BASELINES = {"bicubic": lambda lr: bicubic(lr, SCALE), "bicubic+bp": bicubic_back_projected}


def run_case(case: Case, method: str, args: argparse.Namespace, trace_every: int) -> Record:
    """Run one method (a baseline or a DIP preset) on one case and score it."""
    base = bicubic(case.lr, SCALE)
    b_psnr, b_ssim = score(case, base)
    if method in BASELINES:
        start = time.perf_counter()
        est = BASELINES[method](case.lr)
        wall = time.perf_counter() - start
        p, s = score(case, est)
        return Record(case.dataset, case.name, method, 0, wall, p, s, b_psnr, b_ssim)
    trace: list[tuple[int, float, float]] = []
    last = [0]
    first_s = [0.0]
    last_s = [0.0]

    def on_progress(report: Progress) -> None:
        last[0] = report.iteration
        last_s[0] = report.elapsed_s
        if report.iteration == 1:
            first_s[0] = report.elapsed_s
        if report.preview is not None and case.hr is not None:
            preview_psnr = score(case, report.preview)[0]
            assert preview_psnr is not None  # case.hr is set
            trace.append((report.iteration, round(report.elapsed_s, 2), preview_psnr))
            print(
                f"  {case.name} {method} it {report.iteration} {report.elapsed_s:.0f}s "
                f"PSNR {trace[-1][2]:.2f}",
                flush=True,
            )

    start = time.perf_counter()
    # "reference:5" runs a preset for 5 iterations only (to time it per iteration).
    name, _, short = method.partition(":")
    iterations = int(short) if short else args.iterations
    config = apply_overrides(get_config(name, iterations), args.set)
    est = run_dip(
        case.lr,
        SCALE,
        config,
        seed=args.seed,
        device=args.device,
        progress=on_progress,
        progress_every=1,
        preview_every=trace_every,
        value_range=case.value_range,
    )
    wall = time.perf_counter() - start
    p, s = score(case, est)
    label = " ".join([method, *args.set])
    per_iter = (last_s[0] - first_s[0]) / (last[0] - 1) if last[0] > 1 else None
    return Record(
        case.dataset, case.name, label, last[0], wall, p, s, b_psnr, b_ssim, trace, per_iter
    )


def apply_overrides(config: DipConfig, overrides: list[str]) -> DipConfig:
    """Apply 'field=value' overrides (e.g. channels=32, bf16=true) to a config."""
    changes: dict[str, Any] = {}  # each of its DipConfig field's type
    for item in overrides:
        key, _, text = item.partition("=")
        current = getattr(config, key)
        if isinstance(current, bool):
            changes[key] = text.lower() in ("1", "true", "yes")
        elif isinstance(current, int):
            changes[key] = int(text)
        elif isinstance(current, float):
            changes[key] = float(text)
        else:
            changes[key] = text
    return replace(config, **changes)


def markdown(records: list[Record]) -> str:
    lines = [
        "| dataset | image | method | iterations | wall s | s/iter | PSNR | SSIM | ΔPSNR |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in records:
        gain = "" if r.psnr is None or r.bicubic_psnr is None else f"{r.psnr - r.bicubic_psnr:+.2f}"
        p = "" if r.psnr is None else f"{r.psnr:.2f}"
        s = "" if r.ssim is None else f"{r.ssim:.4f}"
        per = "" if r.s_per_iter is None else f"{r.s_per_iter:.3f}"
        lines.append(
            f"| {r.dataset} | {r.image} | {r.method} | {r.iterations} | "
            f"{r.wall_s:.1f} | {per} | {p} | {s} | {gain} |"
        )
    return "\n".join(lines) + "\n" + summary(records)


def summary(records: list[Record]) -> str:
    """Per method: mean gain over bicubic, and time relative to the full reference run.

    The reference's time per image is extrapolated from a short ``reference:N`` run in the
    same benchmark (its steady-state s/iter × 2000 iterations), so ratios share conditions.
    """
    full = PRESETS["reference"].iterations
    ref_time = {
        r.image: r.s_per_iter * full
        for r in records
        if r.method.startswith("reference:") and r.s_per_iter
    }
    lines = [
        "",
        "| method | images | mean ΔPSNR vs bicubic | mean wall s | wall / reference (extrap.) |",
        "|---|---|---|---|---|",
    ]
    for method in dict.fromkeys(r.method for r in records):
        rows = [r for r in records if r.method == method and r.psnr is not None]
        rows = rows or [r for r in records if r.method == method]
        gains = [r.psnr - r.bicubic_psnr for r in rows if r.psnr is not None and r.bicubic_psnr]
        ratios = [r.wall_s / ref_time[r.image] for r in rows if r.image in ref_time]
        gain = f"{np.mean(gains):+.2f} dB" if gains else ""
        timed = ratios and method not in BASELINES and ":" not in method
        ratio = f"1/{1 / np.mean(ratios):.0f}" if timed else ""
        wall = np.mean([r.wall_s for r in rows])
        lines.append(f"| {method} | {len(rows)} | {gain} | {wall:.1f} | {ratio} |")
    return "\n".join(lines) + "\n"


def merge_results(parts: list[Path], out: Path) -> None:
    """Combine results JSONs (e.g. runs made in parallel) into ``out`` and its markdown."""
    payloads = [json.loads(part.read_text()) for part in parts]
    # A case repeated in a later part (e.g. a restarted run) replaces the earlier one.
    unique = {(r["image"], r["method"]): Record(**r) for p in payloads for r in p["records"]}
    records = list(unique.values())
    meta = {"merged_from": [part.name for part in parts], "runs": [p["meta"] for p in payloads]}
    payload = {"meta": meta, "records": [asdict(r) for r in records]}
    write_results(out, payload, markdown(records))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--dataset", nargs="+", default=["set5", "s2"], choices=["set5", "s2", "s2speed"]
    )
    parser.add_argument("--images", nargs="+", help="Set5 names and/or S2 crop names")
    parser.add_argument(
        "--presets",
        nargs="+",
        default=["fast", "balanced"],
        help=f"DIP presets ({', '.join(PRESETS)}), baselines ({', '.join(BASELINES)}), "
        "or PRESET:N (N iterations only)",
    )
    parser.add_argument("--iterations", type=int, help="override every preset's iterations")
    parser.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="FIELD=VALUE",
        help="override DipConfig fields of every preset, e.g. channels=32",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--trace-every", type=int, default=0, help="score every N iterations")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "dip.json")
    parser.add_argument(
        "--merge", type=Path, nargs="+", help="only combine these results JSONs into --out"
    )
    args = parser.parse_args(argv)
    if args.merge:
        merge_results(args.merge, args.out)
        return
    torch.set_num_threads(args.threads)
    cases: list[Case] = []
    for dataset in args.dataset:
        if dataset == "set5":
            names = [n for n in (args.images or SET5) if n in SET5]
            cases += list(set5_cases(names))
        else:
            known = ["s2speed"] if dataset == "s2speed" else list(S2_CROPS)
            names = [n for n in (args.images or known) if n in known]
            cases += list(s2_cases(names))
    records: list[Record] = []
    meta = {
        "command": " ".join([Path(sys.argv[0]).as_posix(), *(argv or sys.argv[1:])]),
        "torch": torch.__version__,
        "threads": args.threads,
        "device": args.device,
        "machine": platform.processor() or platform.machine(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    for case in cases:
        for method in args.presets:
            record = run_case(case, method, args, trace_every=args.trace_every)
            records.append(record)
            print(markdown([record]).splitlines()[2], flush=True)
            payload = {"meta": meta, "records": [asdict(r) for r in records]}
            write_results(args.out, payload, markdown(records), quiet=True)


if __name__ == "__main__":
    main()
