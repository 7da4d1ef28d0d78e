"""Write the click network's training data as two NumPy files, so that training can run on a
machine with torch and NumPy alone (no rasterio, no shared folder):

    OMP_NUM_THREADS=2 .venv/bin/python -m bench.click_data data/gpu

``click_fit.npz``: the 16 :data:`bench.fields_data.FIT_CHIPS`; ``click_val.npz``: the 4
:data:`bench.fields_data.VALIDATION_CHIPS` (the 10 benchmark chips are never read). Each has
``views`` (chips, views, 3, 512, 512) uint8 — the assist's 0–1 bands
(:func:`sr.outline.bands.three_bands`) × 255 — with the view names in ``names``; ``fields``
(chips, 512, 512) int16, the drawn fields at 2 m; and ``depth`` (chips, 512, 512) uint8, each
pixel's distance to its field's edge over the field's largest (× 255: 255 at the innermost
point, where the benchmark clicks).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from scipy import ndimage as ndi

from bench.fields_data import BENCH_DEGRADATIONS, FIT_CHIPS, VALIDATION_CHIPS, load_chip, view
from sr.outline.bands import three_bands

# The views a volunteer draws on (the 2 m truth is left out: it is not one, and the files must
# stay small enough to travel to a training machine).
FIT_VIEWS = tuple(f"{d}/{m}" for d in BENCH_DEGRADATIONS for m in ("bicubic", "enhancer"))
VAL_VIEWS = ("area/enhancer", "gauss0.5/enhancer", "area/bicubic")


def depth(fields: np.ndarray) -> np.ndarray:
    """(H, W) uint8: distance to the field's edge ÷ the field's largest distance, × 255."""
    out = np.zeros(fields.shape, np.float32)
    for number, box in enumerate(ndi.find_objects(fields), start=1):
        if box is None:
            continue
        grown = tuple(slice(max(s.start - 1, 0), s.stop + 1) for s in box)
        inside = fields[grown] == number
        distance = ndi.distance_transform_edt(np.pad(inside, 1))[1:-1, 1:-1]
        out[grown][inside] = distance[inside] / max(float(distance.max()), 1.0)
    return np.round(out * 255).astype(np.uint8)


def chip_arrays(name: str, views: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    chip = load_chip(name)
    images = []
    for spec in views:
        degradation, _, method = spec.rpartition("/")
        image = view(chip, degradation, method)
        images.append(np.round(three_bands(image) * 255).astype(np.uint8))
    return np.stack(images), chip.fields.astype(np.int16), depth(chip.fields)


def write(path: Path, chips: tuple[str, ...], views: tuple[str, ...]) -> None:
    arrays = [chip_arrays(name, views) for name in chips]
    np.savez_compressed(
        path,
        views=np.stack([a[0] for a in arrays]),
        fields=np.stack([a[1] for a in arrays]),
        depth=np.stack([a[2] for a in arrays]),
        names=np.array(views),
        chips=np.array(chips),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    write(args.out / "click_fit.npz", FIT_CHIPS, FIT_VIEWS)
    write(args.out / "click_val.npz", VALIDATION_CHIPS, VAL_VIEWS)
    for path in sorted(args.out.glob("click_*.npz")):
        print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
