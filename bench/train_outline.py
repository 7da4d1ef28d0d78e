"""Train the outline assist's U-Net (interior / boundary / background) on the training chips.

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.train_outline --minutes 20 [--resume CKPT] \
        --out data/outline-unet.pt

Data: :data:`bench.fields_data.FIT_CHIPS` (16 of the 20 training chips; the other 4,
VALIDATION_CHIPS, choose the checkpoint; the 10 benchmark chips are never read). Each chip
gives five 2 m views of the same fields: the truth, and bicubic + back-projection and the
enhancer, each from the 8 m input under both degradations. Targets: drawn field boundaries
(``skimage.segmentation.find_boundaries``, thick: about 2 px at 2 m), interiors, the rest.
Augmentation, so the model transfers to sharpened Sentinel-2 (four bands, other colours,
2.5 m): random 128² crops rescaled 0.7–1.3×, flips and quarter turns, shuffled band order,
per-band gain, offset and gamma, occasional grey, blur and noise. Loss: cross-entropy with the
boundary class weighted 3×. CPU (``--threads``), stopped after ``--minutes``, the learning
rate decayed on a cosine over that time; the checkpoint with the lowest validation loss is
kept.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from skimage.segmentation import find_boundaries

from bench.augment import flip_and_turn, photometric
from bench.fields_data import BENCH_DEGRADATIONS, FIT_CHIPS, VALIDATION_CHIPS, load_chip, view
from sr.outline.bands import three_bands
from sr.outline.net import BACKGROUND, BOUNDARY, INTERIOR, FieldNet

CROP = 128


def targets(fields: np.ndarray) -> np.ndarray:
    """(H, W) instance mask → (H, W) int64 classes."""
    boundary = find_boundaries(fields, mode="thick")
    out = np.full(fields.shape, BACKGROUND, np.int64)
    out[fields > 0] = INTERIOR
    out[boundary] = BOUNDARY
    return out


def chip_views(name: str) -> tuple[list[np.ndarray], np.ndarray]:
    chip = load_chip(name)
    views = [three_bands(chip.truth)]
    for degradation in BENCH_DEGRADATIONS:
        for method in ("bicubic", "enhancer"):
            views.append(three_bands(view(chip, degradation, method)))
    return views, targets(chip.fields)


def augment(image: torch.Tensor, target: torch.Tensor, rng: np.random.Generator) -> tuple:
    """One random training crop of (3, H, W) image and (H, W) target."""
    scale = float(rng.uniform(0.7, 1.3))
    size = round(CROP / scale)
    _, h, w = image.shape
    r, c = int(rng.integers(0, h - size + 1)), int(rng.integers(0, w - size + 1))
    x = image[None, :, r : r + size, c : c + size]
    y = target[None, None, r : r + size, c : c + size].float()
    x = F.interpolate(x, size=(CROP, CROP), mode="bilinear", align_corners=False)[0]
    y = F.interpolate(y, size=(CROP, CROP), mode="nearest")[0, 0].long()
    x, y = flip_and_turn(x, y, rng)
    x = photometric(x, rng)
    return x.contiguous(), y.contiguous()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("data/outline-unet.pt"))
    parser.add_argument("--resume", type=Path, help="start from this checkpoint's weights")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--every", type=int, default=100, help="steps between validations")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    train = [chip_views(n) for n in FIT_CHIPS]
    val = [chip_views(n) for n in VALIDATION_CHIPS]
    print(f"data ready in {time.perf_counter() - start:.0f} s", flush=True)
    pool = [(torch.from_numpy(v), torch.from_numpy(t)) for views, t in train for v in views]
    val_pairs = [(torch.from_numpy(v[i]), torch.from_numpy(t)) for v, t in val for i in (2, 4)]
    net = FieldNet(width=args.width)
    if args.resume:
        saved = torch.load(args.resume, map_location="cpu", weights_only=True)
        net.load_state_dict(saved["state_dict"])
    optimiser = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    weight = torch.tensor([1.0, 1.0, 3.0])
    deadline = start + args.minutes * 60
    step, best, log = 0, float("inf"), []
    if args.resume:
        step, best = int(saved["meta"]["step"]), float(saved["meta"]["val_loss"])
    budget = deadline - time.perf_counter()
    while time.perf_counter() < deadline:
        # Cosine decay of the learning rate over the time left (so the budget is the schedule).
        done = 1 - (deadline - time.perf_counter()) / budget
        for group in optimiser.param_groups:
            group["lr"] = args.lr * (0.02 + 0.98 * 0.5 * (1 + np.cos(np.pi * min(done, 1.0))))
        net.train()
        batch = [augment(*pool[int(rng.integers(len(pool)))], rng) for _ in range(args.batch)]
        x = torch.stack([b[0] for b in batch])
        y = torch.stack([b[1] for b in batch])
        loss = F.cross_entropy(net(x), y, weight=weight)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        step += 1
        if step % args.every == 0:
            net.eval()
            with torch.inference_mode():
                val_loss = float(
                    np.mean(
                        [
                            F.cross_entropy(net(v[None]), t[None], weight=weight).item()
                            for v, t in val_pairs
                        ]
                    )
                )
            elapsed = time.perf_counter() - start
            log.append(
                {"step": step, "train_loss": loss.item(), "val_loss": val_loss, "s": elapsed}
            )
            print(json.dumps(log[-1]), flush=True)
            if val_loss < best:
                best = val_loss
                args.out.parent.mkdir(parents=True, exist_ok=True)
                meta = {"step": step, "val_loss": val_loss, "seconds": elapsed}
                torch.save(
                    {"width": args.width, "state_dict": net.state_dict(), "meta": meta}, args.out
                )
    print(f"done: {step} steps in {time.perf_counter() - start:.0f} s, best val loss {best:.4f}")
    log_path = args.out.with_suffix(".log.json")
    earlier = json.loads(log_path.read_text()) if args.resume and log_path.is_file() else []
    run = vars(args) | {"out": str(args.out), "resume": str(args.resume)}
    log_path.write_text(json.dumps([*earlier, {"run": run, "log": log}], indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
