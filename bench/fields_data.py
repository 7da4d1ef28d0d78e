"""The shared field chips as the delineation benchmark and the outline assist's training see
them: the fixed split, the 2 m truth with its drawn fields, the 8 m inputs and the views.

Chips: ``../shared/data/fields/`` (NAIP, 1 m RGB, hand-drawn fields; its README). Truth = the
chip area-averaged 2× (2 m, 512²); fields at 2 m = the instance mask sampled every 2nd pixel.
Inputs = the truth degraded 4× (8 m, 128²) by block average (``area``) or by a Gaussian PSF
of σ 0.5 input pixels then Lanczos-2 decimation (``gauss0.5``,
:data:`sr.sharpen.degrade.DEGRADATIONS`).
Views (2 m): ``bicubic`` (bicubic + back-projection onto the input: ``sr.sharpen.methods.enhance``
with ``bicubic``), ``enhancer`` (the default enhancer, same consistency step) and ``truth``.
Views are cached as .npy under ``data/bench-fields/`` (git-ignored); a method with a trained
model keys its views by the model's version, so a new model never reads an old one's views.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from PIL import Image

from sr.sharpen.degrade import DEGRADATIONS, area_downsample

ROOT = Path(__file__).resolve().parents[1]
FIELDS_DIR = ROOT.parent / "shared" / "data" / "fields"
CACHE = ROOT / "data" / "bench-fields"
SCALE = 4
# Fixed split (sorted chip names: every third from the second is benchmark). Never train on BENCH.
BENCH_CHIPS = (
    "naip_38.7482_-89.6549",
    "naip_40.1638_-89.9943",
    "naip_40.3675_-89.9559",
    "naip_41.3315_-92.0259",
    "naip_41.6497_-89.5929",
    "naip_42.6575_-90.0795",
    "naip_43.0237_-95.8221",
    "naip_43.3216_-83.5854",
    "naip_43.7840_-92.4228",
    "naip_45.3400_-93.7965",
)
TRAIN_CHIPS = (
    "naip_37.2292_-86.8937",
    "naip_38.8381_-95.0457",
    "naip_39.6679_-95.4288",
    "naip_40.2255_-88.8321",
    "naip_40.2497_-91.9641",
    "naip_40.7993_-81.7019",
    "naip_41.1864_-88.1872",
    "naip_41.3497_-89.8827",
    "naip_41.4814_-88.8422",
    "naip_41.8049_-89.9462",
    "naip_42.0180_-89.4462",
    "naip_42.6745_-89.6856",
    "naip_42.6802_-89.8864",
    "naip_43.2768_-85.8881",
    "naip_43.3076_-83.6174",
    "naip_43.4066_-83.6220",
    "naip_43.4089_-83.6680",
    "naip_43.9848_-96.5876",
    "naip_44.0347_-93.8702",
    "naip_45.6151_-95.0172",
)
# Held out of the training chips to choose the segmenter and stop training (every fifth).
VALIDATION_CHIPS = TRAIN_CHIPS[::5]
FIT_CHIPS = tuple(c for c in TRAIN_CHIPS if c not in VALIDATION_CHIPS)
BENCH_DEGRADATIONS = ("area", "gauss0.5")
VIEWS = ("bicubic", "enhancer", "truth")
UNSHARPENED = ("bicubic", "truth")  # the baseline and the ceiling: no method sharpened them


SPLITS = {"benchmark": BENCH_CHIPS, "validation": VALIDATION_CHIPS}  # --split of the benches
SPLIT_ALIASES = {"bench": "benchmark"}  # the older name, in saved results and commands


def split_name(name: str) -> str:
    """A split's name in :data:`SPLITS` (``bench`` is the benchmark's older name)."""
    return SPLIT_ALIASES.get(name, name)


def add_split_argument(parser: argparse.ArgumentParser) -> None:
    """The benches' ``--split`` (:data:`SPLITS`; the benchmark chips by default)."""
    parser.add_argument(
        "--split",
        type=split_name,
        choices=tuple(SPLITS),
        default="benchmark",
        help="benchmark (or bench): the 10 chips never trained on; validation: the 4 training "
        "chips held out to choose the segmenter",
    )


def split_suffix(split: str) -> str:
    """The results files' suffix for a split: none for the benchmark chips."""
    return "" if split == "benchmark" else f"-{split}"


def sharpened(views: Iterable[str]) -> list[str]:
    """The views a method sharpened (all but :data:`UNSHARPENED`), once each, in order."""
    return [v for v in dict.fromkeys(views) if v not in UNSHARPENED]


@dataclass
class Chip:
    name: str
    truth: np.ndarray  # (3, 512, 512) float32, 2 m
    fields: np.ndarray  # (512, 512) int32, 0 = not drawn, i = field i


def load_chip(name: str) -> Chip:
    with rasterio.open(FIELDS_DIR / f"{name}.tif") as ds:
        rgb = ds.read().astype(np.float32)
    mask = np.asarray(Image.open(FIELDS_DIR / f"{name}_mask.png")).astype(np.int32)
    return Chip(name, area_downsample(rgb, 2), mask[::2, ::2])


def degraded(chip: Chip, degradation: str) -> np.ndarray:
    """The 8 m input (3, 128, 128) float32."""
    return DEGRADATIONS[degradation](chip.truth, SCALE).astype(np.float32)


def view(chip: Chip, degradation: str, name: str) -> np.ndarray:
    """A 2 m view of the chip a volunteer may draw on (cached)."""
    if name == "truth":
        return chip.truth
    from sr.sharpen.methods import enhance, get_method

    model = get_method(name).model_version
    key = name if model is None else f"{name}-{model.rsplit('@', 1)[-1]}"
    path = CACHE / f"{chip.name}_{degradation}_{key}.npy"
    if path.is_file():
        cached: np.ndarray = np.load(path)
        return cached
    out = enhance(degraded(chip, degradation), SCALE, name, floor=0.0).astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, out)
    return out
