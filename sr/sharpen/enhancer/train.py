"""Training the enhancer: random tiles, Adam with a one-cycle schedule, validation, resume.

An epoch is ``steps_per_epoch`` batches of random tiles. The loss is taken after the
consistency step the app applies to every result (:func:`sr.sharpen.consistency.project` onto the
tile's low-resolution version), so the network learns only what that step leaves free:
how detail is distributed inside each coarse pixel. After each epoch the held-out
tiles are scored (PSNR of the enhancer's output and of its input, in normalised units), the
resumable state is saved, and the model file and its card are rewritten when the validation
PSNR is the best so far (always, without validation data).
"""

from __future__ import annotations

import math
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from sr.fsutil import file_version
from sr.sharpen.consistency import project
from sr.sharpen.device import resolve_device
from sr.sharpen.enhancer.card import write_card
from sr.sharpen.enhancer.checkpoint import (
    CheckpointError,
    load_model,
    load_training_state,
    save_model,
    save_state,
)
from sr.sharpen.enhancer.config import EnhancerConfig
from sr.sharpen.enhancer.data import (
    SCALE,
    TileSampler,
    describe_degradation,
    make_batch,
    read_training_image,
    split_rows,
)
from sr.sharpen.enhancer.loss import build_loss
from sr.sharpen.enhancer.model import Network, build_network, count_parameters
from sr.sharpen.enhancer.pretrained import find_weights
from sr.sharpen.metrics import psnr

Log = Callable[[str], None]
KEEP = ("best", "last")  # which epoch's model train() writes


@dataclass
class TrainConfig:
    """Everything ``python -m sr train`` sets."""

    hr: list[Path]
    out: Path
    val: list[Path] = field(default_factory=list)  # empty: hold out rows of the HR scenes
    val_fraction: float = 0.2
    val_tiles: int = 48
    arch: str = "unet"
    backbone: str = "resnet18"
    width: int = 64  # input-res only
    blocks: int = 16  # input-res only
    epochs: int = 10
    steps_per_epoch: int = 200
    batch: int = 12
    tile: int = 96
    lr: float = 1e-3
    loss: str = "auto"
    weights: Path | None = None  # ImageNet ResNet weights (else the torch hub cache, if any)
    init: Path | None = None  # start from this enhancer model's weights (fine-tuning)
    vgg_weights: Path | None = None
    self_attention: bool = True
    seed: int = 0
    device: str = "auto"
    resume: bool = False
    state: Path | None = None  # default: OUT with suffix .state.pt
    card: Path | None = None  # default: MODEL_CARD.md beside OUT
    consistency: bool = True  # loss after the consistency step (as the app runs it)
    keep: str = "best"  # the model written: "best" validation PSNR, or the "last" epoch
    data_note: str = ""  # provenance and licences of the data, for the card
    command: str = ""

    def __post_init__(self) -> None:
        if self.keep not in KEEP:  # refused before any training, not after the first epoch
            raise ValueError(f"keep must be one of {KEEP}, not {self.keep!r}")

    @property
    def state_path(self) -> Path:
        return self.state or self.out.with_suffix(".state.pt")

    @property
    def card_path(self) -> Path:
        return self.card or self.out.with_name("MODEL_CARD.md")


Batch = tuple[np.ndarray, np.ndarray, np.ndarray]


def _load_data(cfg: TrainConfig, bands: int, log: Log) -> tuple[TileSampler, Batch]:
    scenes = [read_training_image(p) for p in cfg.hr]
    if cfg.val:
        val_scenes = [read_training_image(p) for p in cfg.val]
    else:
        pairs = [split_rows(s, cfg.val_fraction) for s in scenes]
        scenes, val_scenes = [p[0] for p in pairs], [p[1] for p in pairs]
    for s in scenes:
        log(f"train: {s.name} {s.image.shape}, {s.valid.mean():.0%} valid")
    for s in val_scenes:
        log(f"validation: {s.name} {s.image.shape}")
    sampler = TileSampler(scenes, cfg.tile, bands)
    val_sampler = TileSampler(val_scenes, cfg.tile, bands)
    val = make_batch(val_sampler, cfg.val_tiles, np.random.default_rng(cfg.seed + 12345))
    return sampler, val


def forward(model: Network, x: torch.Tensor, lr: torch.Tensor, consistency: bool) -> torch.Tensor:
    """The network's output, made consistent with ``lr`` when ``consistency`` is on."""
    out = model(x)
    return project(out, lr, SCALE) if consistency else out


def evaluate(model: Network, batch: Batch, device: Any, consistency: bool = True) -> dict:
    """PSNR (dB, range 1 in normalised units) of the output and of the input, on tiles."""
    inputs, targets, lows = batch
    model.eval()
    outs = []
    with torch.no_grad():
        for i in range(0, len(inputs), 8):
            x = torch.from_numpy(inputs[i : i + 8]).to(device)
            lr = torch.from_numpy(lows[i : i + 8]).to(device)
            outs.append(forward(model, x, lr, consistency).cpu().numpy())
    model.train()
    out = np.concatenate(outs)

    def mean_psnr(images: np.ndarray) -> float:
        return float(
            np.mean([psnr(a, t, 1.0, border=4) for a, t in zip(images, targets, strict=True)])
        )

    return {"psnr": mean_psnr(out), "psnr_input": mean_psnr(inputs)}


def initialise_from(model: Network, path: Path) -> dict[str, Any]:
    """Copy the weights of the enhancer model file ``path`` into ``model`` (same architecture)
    and return what the card records of it: its version, data and training time."""
    source, meta = load_model(path)
    if source.config != model.config:
        raise CheckpointError(
            f"{path} is a {source.config} network, not the {model.config} being trained."
        )
    model.load_state_dict(source.state_dict())
    return {
        "version": file_version(path),
        "data": meta.get("data", []),
        "train_seconds": meta.get("train_seconds", 0.0),
    }


def keeps(keep: str, kept: dict[str, Any] | None, psnr_now: float) -> bool:
    """Whether this epoch's model replaces the ``kept`` one: always for ``last``, for
    ``best`` when its validation PSNR is at least as high."""
    return keep == "last" or kept is None or psnr_now >= kept["psnr"]


def train(cfg: TrainConfig, log: Log = print) -> dict[str, Any]:
    """Train and write the model, its card and the resumable state; returns the meta."""
    device = resolve_device(cfg.device)
    torch.manual_seed(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    settings = asdict(cfg)
    config = EnhancerConfig.from_training(settings)
    resnet_weights = find_weights(cfg.backbone, cfg.weights) if cfg.arch == "unet" else None
    model = build_network(config, resnet_weights)
    initialised = initialise_from(model, cfg.init) if cfg.init else None
    model = model.to(device).train()
    loss_fn, loss_name = build_loss(cfg.loss, cfg.vgg_weights)
    loss_fn = loss_fn.to(device)
    sampler, val = _load_data(cfg, config.bands, log)
    total = cfg.epochs * cfg.steps_per_epoch
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=1e-5)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, cfg.lr, total_steps=total)
    meta: dict[str, Any] = {
        "command": cfg.command,
        "train_config": settings,
        "data": [p.name for p in cfg.hr],
        "validation_data": [p.name for p in cfg.val] or f"bottom {cfg.val_fraction:.0%} rows",
        "degradation": describe_degradation(sampler.deg),
        "data_note": cfg.data_note,
        "loss": loss_name,
        "encoder_weights": resnet_weights.name if resnet_weights else "none (random init)",
        "initialised_from": initialised,
        "architecture": config.describe(),
        "parameters": count_parameters(model),
        "scale": 4,
        "history": [],
        "best": None,
        "device": str(device),
        "torch": torch.__version__,
        "machine": f"{platform.machine()}, {torch.get_num_threads()} threads",
        "train_seconds": 0.0,
    }
    epoch0 = 0
    if cfg.resume and cfg.state_path.is_file():
        state = load_training_state(cfg.state_path)
        if state.get("total_steps") != total:
            raise ValueError(
                f"{cfg.state_path} was trained for {state.get('total_steps')} steps; resume "
                "with the same --epochs and --steps-per-epoch."
            )
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        rng.bit_generator.state = state["rng"]
        torch.set_rng_state(state["torch_rng"])
        meta.update(history=state["meta"]["history"], best=state["meta"]["best"])
        meta["train_seconds"] = state["meta"]["train_seconds"]
        epoch0 = state["epoch"]
        log(f"resumed from {cfg.state_path} after epoch {epoch0}")
    log(f"{meta['parameters'] / 1e6:.2f} M parameters, {loss_name}")
    log(f"encoder weights: {meta['encoder_weights']}")
    if initialised:
        log(f"initialised from {initialised['version']}")
    for epoch in range(epoch0, cfg.epochs):
        start, running = time.perf_counter(), 0.0
        for step in range(1, cfg.steps_per_epoch + 1):
            x, y, lr = (torch.from_numpy(a).to(device) for a in make_batch(sampler, cfg.batch, rng))
            loss, _terms = loss_fn(forward(model, x, lr, cfg.consistency), y)
            if not math.isfinite(loss.item()):
                raise FloatingPointError(f"loss became {loss.item()} at epoch {epoch + 1}")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            running += loss.item()
            if step % 20 == 0 or step == cfg.steps_per_epoch:
                spent = time.perf_counter() - start
                left = spent / step * ((cfg.epochs - epoch) * cfg.steps_per_epoch - step)
                log(
                    f"epoch {epoch + 1}/{cfg.epochs} step {step}/{cfg.steps_per_epoch} "
                    f"loss {running / step:.4f} lr {schedule.get_last_lr()[0]:.2e} "
                    f"{spent / step:.2f} s/step ETA {left / 60:.0f} min"
                )
        meta["train_seconds"] += time.perf_counter() - start
        scores = evaluate(model, val, device, cfg.consistency)
        record = {"epoch": epoch + 1, "loss": running / cfg.steps_per_epoch, **scores}
        meta["history"].append(record)
        log(
            f"epoch {epoch + 1}: validation PSNR {scores['psnr']:.2f} dB "
            f"(input {scores['psnr_input']:.2f} dB)"
        )
        if keeps(cfg.keep, meta["best"], scores["psnr"]):
            meta["best"] = record
            meta["epochs_trained"] = epoch + 1
            save_model(cfg.out, model, meta)
            write_card(cfg.card_path, cfg.out, meta)
            log(f"saved {cfg.out} and {cfg.card_path}")
        state = {
            "epoch": epoch + 1,
            "total_steps": total,
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "schedule": schedule.state_dict(),
            "rng": rng.bit_generator.state,
            "torch_rng": torch.get_rng_state(),
            "meta": meta,
        }
        save_state(cfg.state_path, state)
    return meta
