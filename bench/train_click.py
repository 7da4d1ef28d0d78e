"""Train the click network (:mod:`sr.outline.click`) on the fit chips' views.

    .venv/bin/python -m bench.click_data data/gpu          # once, here
    python -m bench.train_click --data data/gpu --out click.pt --minutes 7 --device cuda

Data: the files :mod:`bench.click_data` writes (the 16 fit chips' four volunteer views —
bicubic + back-projection and the enhancer, from the 8 m input under both degradations — and
the 4 validation chips'); the 10 benchmark chips are never read. Needs torch and NumPy only, so
it runs on a GPU machine without the project's other dependencies.

Batches (:mod:`bench.click_samples`, made on the training device): random crops (``--crop``
px after rescaling 0.7–1.3×), mirrored and turned, with the colour augmentations that carry the
network over to sharpened Sentinel-2 (other bands, other colours, 2.5 m); a click inside a drawn
field or on undrawn land; the target is the clicked field (nothing for undrawn land).
Loss: binary cross-entropy + soft Dice. The learning rate decays on a cosine
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

from bench.click_samples import ClickSampler
from sr.outline.click import SIGMA, ClickNet, click_input


def grey_levels(views: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(views).float() / 255


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
    sampler = ClickSampler(fit, args.crop, device, args.seed)
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
    while (done := (time.perf_counter() - begun) / budget) < 1:
        x, y = sampler.batch(args.batch)
        for group in optimiser.param_groups:
            group["lr"] = args.lr * (0.02 + 0.98 * 0.5 * (1 + np.cos(np.pi * done)))
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
