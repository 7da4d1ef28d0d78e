"""Saving and loading enhancer models and resumable training state.

A model file is a ``torch.save`` dict: ``format``/``version`` tags, the
:class:`EnhancerConfig`, the weights (floating tensors stored as float16 to halve the
size; they are computed in float32) and free-form ``meta`` (training command, data,
metrics). It is read with ``weights_only=True``, so a file cannot run code. Every failure
to read one raises :class:`CheckpointError` with a message meant for users.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch

from sr.fsutil import atomic_write
from sr.sharpen.enhancer.config import EnhancerConfig
from sr.sharpen.enhancer.model import Network, build_network

FORMAT = "sharpfields-enhancer"
VERSION = 1


class CheckpointError(ValueError):
    """An enhancer model that is missing, unreadable or incompatible; user-facing message."""


def _atomic_save(obj: object, path: Path) -> None:
    with atomic_write(path, "wb") as handle:
        torch.save(obj, handle)


def save_model(path: Path, model: Network, meta: dict[str, Any] | None = None) -> None:
    """Write ``model`` (float16 weights) with its config and ``meta``."""
    state = {
        k: v.detach().cpu().half() if v.is_floating_point() else v.detach().cpu()
        for k, v in model.state_dict().items()
    }
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "config": model.config.to_dict(),
        "state_dict": state,
        "meta": json.loads(json.dumps(meta or {}, default=str)),  # plain types: weights_only
    }
    _atomic_save(payload, path)


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise CheckpointError(
            f"No enhancer model at {path}. Train one with `python -m sr train` or choose the "
            "'dip' or 'bicubic' method."
        )
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise CheckpointError(
            f"The enhancer model {path} is damaged or not a model file ({type(exc).__name__}). "
            "Restore it (git checkout models/) or choose the 'dip' or 'bicubic' method."
        ) from exc
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a sharpfields enhancer model.")
    if payload.get("version") != VERSION:
        raise CheckpointError(
            f"{path} is an enhancer model of version {payload.get('version')}; this code "
            f"reads version {VERSION}."
        )
    return payload


def load_model(path: Path, device: torch.device | str = "cpu") -> tuple[Network, dict[str, Any]]:
    """The model in eval mode (float32, on ``device``) and its meta."""
    payload = _read(path)
    try:
        config = EnhancerConfig.from_dict(payload["config"])
        model = build_network(config)
        state = {
            k: v.float() if v.is_floating_point() else v for k, v in payload["state_dict"].items()
        }
        model.load_state_dict(state)
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"{path} does not match the enhancer network: {exc}") from exc
    return model.to(device).eval(), dict(payload.get("meta", {}))


def save_state(path: Path, state: dict[str, Any]) -> None:
    """Write resumable training state (full precision, optimiser, scheduler, RNG …)."""
    _atomic_save(state, path)


def load_training_state(path: Path) -> dict[str, Any]:
    """Read training state written by :func:`save_state` (trusted, local file)."""
    try:
        state: dict[str, Any] = torch.load(path, map_location="cpu", weights_only=False)
        return state
    except Exception as exc:
        raise CheckpointError(f"Cannot resume from {path}: {exc}") from exc
