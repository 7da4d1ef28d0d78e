"""The ``python -m sr train`` subcommand: arguments → :class:`TrainConfig` → :func:`train`."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from sr.sharpen.enhancer.config import ARCHS, BACKBONE_NAMES
from sr.sharpen.enhancer.loss import LOSSES
from sr.sharpen.enhancer.train import KEEP, TrainConfig, train


def configure_train(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hr", type=Path, nargs="+", required=True, help="HR training rasters")
    parser.add_argument("--out", type=Path, required=True, help="model file to write (.pt)")
    parser.add_argument("--val", type=Path, nargs="*", default=[], help="held-out rasters")
    parser.add_argument(
        "--val-fraction", type=float, default=0.2, help="without --val: bottom rows held out"
    )
    parser.add_argument("--arch", default="unet", choices=ARCHS, help="network architecture")
    parser.add_argument("--backbone", default="resnet18", choices=BACKBONE_NAMES, help="U-Net")
    parser.add_argument("--width", type=int, default=64, help="input-res: channels")
    parser.add_argument("--blocks", type=int, default=16, help="input-res: residual blocks")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--steps-per-epoch", type=int, default=200)
    parser.add_argument("--batch", type=int, default=12)
    parser.add_argument("--tile", type=int, default=96, help="HR tile side, a multiple of 16")
    parser.add_argument("--lr", type=float, default=1e-3, help="peak learning rate")
    parser.add_argument("--loss", default="auto", choices=LOSSES)
    parser.add_argument("--weights", type=Path, help="ImageNet ResNet weights (.pth)")
    parser.add_argument("--init", type=Path, help="start from this enhancer model (fine-tune)")
    parser.add_argument("--vgg-weights", type=Path, help="ImageNet VGG16-BN weights (.pth)")
    parser.add_argument("--no-attention", action="store_true", help="no self-attention")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument(
        "--keep", default="best", choices=KEEP, help="model written: best validation or last epoch"
    )
    parser.add_argument("--resume", action="store_true", help="continue from the state file")
    parser.add_argument("--state", type=Path, help="training state (default OUT.state.pt)")
    parser.add_argument("--card", type=Path, help="model card (default MODEL_CARD.md by OUT)")
    parser.add_argument("--data-note", default="", help="data provenance/licence for the card")


def _command_line() -> str:
    """The command as typed, with the thread setting that affects its speed, if any."""
    threads = os.environ.get("OMP_NUM_THREADS")
    prefix = f"OMP_NUM_THREADS={threads} " if threads else ""
    return prefix + "python -m sr " + shlex.join(sys.argv[1:])


def run_train(args: argparse.Namespace) -> None:
    """Train an enhancer on high-resolution imagery (writes the model and its card)."""
    if args.tile % 16 or args.tile < 32:
        raise ValueError(f"--tile must be a multiple of 16 and at least 32, not {args.tile}")
    if min(args.epochs, args.steps_per_epoch, args.batch) < 1:
        raise ValueError("--epochs, --steps-per-epoch and --batch must be at least 1")
    config = TrainConfig(
        hr=args.hr,
        out=args.out,
        val=args.val,
        val_fraction=args.val_fraction,
        arch=args.arch,
        backbone=args.backbone,
        width=args.width,
        blocks=args.blocks,
        epochs=args.epochs,
        steps_per_epoch=args.steps_per_epoch,
        batch=args.batch,
        tile=args.tile,
        lr=args.lr,
        loss=args.loss,
        weights=args.weights,
        init=args.init,
        vgg_weights=args.vgg_weights,
        self_attention=not args.no_attention,
        seed=args.seed,
        device=args.device,
        resume=args.resume,
        keep=args.keep,
        state=args.state,
        card=args.card,
        data_note=args.data_note,
        command=_command_line(),
    )
    train(config, log=lambda line: print(line, file=sys.stderr, flush=True))
