"""Train the click network (:mod:`sr.outline.click`) on the fit chips' views.

    .venv/bin/python -m bench.click_data data/gpu          # once, here
    python -m bench.train_click --data data/gpu --out click.pt --minutes 7 --device cuda

Data: the files :mod:`bench.click_data` writes (the 16 fit chips' four volunteer views —
bicubic + back-projection and the enhancer, from the 8 m input under both degradations — and
the 4 validation chips'); the 10 benchmark chips are never read. Needs torch and NumPy only, so
it runs on a GPU machine without the project's other dependencies.

A sample: a random crop (``--crop`` px after rescaling 0.7–1.3×), flips and quarter turns,
shuffled band order, per-band gain, offset and gamma, occasional grey, blur and noise (so it
carries over to sharpened Sentinel-2: other bands, other colours, 2.5 m); a click inside a
drawn field (30 % near its innermost point, 60 % anywhere at least a fifth of the way in) or,
10 %, on undrawn land, whose answer is no field. Target: the clicked field (nothing for
undrawn land). Loss: binary cross-entropy + soft Dice. The learning rate decays on a cosine
over ``--minutes``. Every ``--every`` steps the validation chips' views are scored as the
benchmark scores them (a click at each field's innermost point, IoU of the mask with the
field) and the checkpoint with the best median IoU on the enhancer views is kept.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from bench.augment import flip_and_turn, photometric
from sr.outline.click import SIGMA, ClickNet, click_input

INNER, ANYWHERE = 230, 51  # depth × 255: near the innermost point; a fifth of the way in


def grey_levels(views: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(views).float() / 255


def pick_click(fields: np.ndarray, depth: np.ndarray, rng: np.random.Generator) -> tuple:
    """A (row, column) to click in a crop: mostly inside a field, sometimes on undrawn land."""
    u = rng.random()
    candidates = fields == 0 if u < 0.1 else depth >= (INNER if u < 0.4 else ANYWHERE)
    if not candidates.any():
        candidates = depth > 0
    if not candidates.any():
        candidates = np.ones_like(fields, bool)
    rows, cols = np.nonzero(candidates)
    i = int(rng.integers(len(rows)))
    return int(rows[i]), int(cols[i])


def sample(data: dict, crop: int, rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """One training pair: (4, crop, crop) bands + click spot, (1, crop, crop) target."""
    views, fields, depth = data["views"], data["fields"], data["depth"]
    chip, v = int(rng.integers(views.shape[0])), int(rng.integers(views.shape[1]))
    full = views.shape[-1]
    size = min(round(crop / float(rng.uniform(0.7, 1.3))), full)
    r, c = int(rng.integers(0, full - size + 1)), int(rng.integers(0, full - size + 1))
    box = (slice(r, r + size), slice(c, c + size))
    image = grey_levels(views[chip, v][:, box[0], box[1]])[None]
    maps = torch.from_numpy(np.stack([fields[chip][box], depth[chip][box]]).astype(np.float32))
    image = F.interpolate(image, size=(crop, crop), mode="bilinear", align_corners=False)[0]
    maps = F.interpolate(maps[None], size=(crop, crop), mode="nearest")[0]
    image, maps = flip_and_turn(image, maps, rng)
    image = photometric(image, rng)
    crop_fields, crop_depth = maps[0].numpy().astype(np.int32), maps[1].numpy()
    row, col = pick_click(crop_fields, crop_depth, rng)
    number = crop_fields[row, col]
    target = (crop_fields == number) & (number > 0)
    x = click_input(image, col + 0.5, row + 0.5)
    return x, torch.from_numpy(target[None].astype(np.float32))


class Samples(IterableDataset):
    def __init__(self, data: dict, crop: int, seed: int) -> None:
        self.data, self.crop, self.seed = data, crop, seed

    def __iter__(self):  # type: ignore[no-untyped-def]
        info = get_worker_info()
        rng = np.random.default_rng([self.seed, info.id if info else 0])
        torch.set_num_threads(1)
        while True:
            yield sample(self.data, self.crop, rng)


def validation_clicks(data: dict) -> list[tuple[int, int, int, int, int]]:
    """(chip, view, field, row, column) for each field's innermost point in every view."""
    out = []
    for chip, (fields, depth) in enumerate(zip(data["fields"], data["depth"], strict=True)):
        for number in np.unique(fields):
            if number == 0:
                continue
            inside = np.where(fields == number, depth.astype(np.int32), -1)
            row, col = np.unravel_index(int(np.argmax(inside)), inside.shape)
            for v in range(data["views"].shape[1]):
                out.append((chip, v, int(number), int(row), int(col)))
    return out


def validate(net: ClickNet, data: dict, clicks: list, device: torch.device) -> dict[str, float]:
    """Median and mean click IoU per validation view (mask > 0.5 against the drawn field)."""
    net.eval()
    ious: dict[int, list[float]] = {}
    with torch.inference_mode(), torch.autocast(device.type, torch.bfloat16, device.type == "cuda"):
        for start in range(0, len(clicks), 16):
            part = clicks[start : start + 16]
            x = torch.stack(
                [
                    click_input(grey_levels(data["views"][c, v]), col + 0.5, row + 0.5)
                    for c, v, _, row, col in part
                ]
            ).to(device)
            masks = (net(x)[:, 0] > 0).cpu().numpy()
            for mask, (c, v, number, _, _) in zip(masks, part, strict=True):
                field = data["fields"][c] == number
                union = np.logical_or(mask, field).sum()
                ious.setdefault(v, []).append(float(np.logical_and(mask, field).sum() / union))
    net.train()
    out = {}
    for v, values in ious.items():
        out[f"{data['names'][v]} median"] = float(np.median(values))
        out[f"{data['names'][v]} mean"] = float(np.mean(values))
    enhancer = [x for v, xs in ious.items() if "enhancer" in str(data["names"][v]) for x in xs]
    out["score"] = float(np.median(enhancer))
    return out


def loss_of(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    bce = F.binary_cross_entropy_with_logits(logits, target)
    p = torch.sigmoid(logits).flatten(1)
    t = target.flatten(1)
    dice = 1 - (2 * (p * t).sum(1) + 1) / (p.sum(1) + t.sum(1) + 1)
    return bce + dice.mean()


def load(path: Path) -> dict:
    with np.load(path) as files:
        return {k: files[k] for k in files.files}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data/gpu"))
    parser.add_argument("--out", type=Path, default=Path("data/click.pt"))
    parser.add_argument("--minutes", type=float, default=7)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--factor", type=int, default=1)
    parser.add_argument("--crop", type=int, default=256)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--every", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resume", type=Path, help="start from this checkpoint's weights")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    fit, val = load(args.data / "click_fit.npz"), load(args.data / "click_val.npz")
    clicks = validation_clicks(val)
    loader = DataLoader(
        Samples(fit, args.crop, args.seed),
        batch_size=args.batch,
        num_workers=args.workers,
        persistent_workers=args.workers > 0,
    )
    net = ClickNet(args.width, args.factor)
    if args.resume:
        net.load_state_dict(torch.load(args.resume, map_location="cpu")["state_dict"])
    net = net.to(device)
    optimiser = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    budget = args.minutes * 60
    begun = time.perf_counter()
    step, best, log = 0, -1.0, []

    def checkpoint(loss: float) -> None:
        """Score the validation clicks; keep the weights when they are the best so far."""
        nonlocal best
        scores = validate(net, val, clicks, device)
        seconds = round(time.perf_counter() - start)
        log.append({"step": step, "loss": loss, "s": seconds, **scores})
        print(json.dumps(log[-1]), flush=True)
        if scores["score"] <= best:
            return
        best = scores["score"]
        args.out.parent.mkdir(parents=True, exist_ok=True)
        meta = {"step": step, "seconds": seconds, "device": str(device)} | scores
        state = {k: v.cpu() for k, v in net.state_dict().items()}
        saved = {"kind": "click", "width": args.width, "factor": args.factor, "sigma": SIGMA}
        torch.save(saved | {"state_dict": state, "meta": meta}, args.out)

    loss = torch.zeros(())
    for x, y in loader:
        done = (time.perf_counter() - begun) / budget
        if done >= 1:
            break
        for group in optimiser.param_groups:
            group["lr"] = args.lr * (0.02 + 0.98 * 0.5 * (1 + np.cos(np.pi * done)))
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        with torch.autocast(device.type, torch.bfloat16, device.type == "cuda"):
            logits = net(x)
        loss = loss_of(logits.float(), y)
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        step += 1
        if step % args.every == 0:
            checkpoint(loss.item())
    if step % args.every:  # the steps since the last validation count too
        checkpoint(loss.item())
    elapsed = time.perf_counter() - start
    print(f"done: {step} steps in {elapsed:.0f} s, best median IoU {best:.3f}", flush=True)
    run = {k: str(v) for k, v in vars(args).items()}
    args.out.with_suffix(".log.json").write_text(
        json.dumps({"run": run, "torch": torch.__version__, "log": log}, indent=1) + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
