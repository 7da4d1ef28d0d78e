"""Locally available ImageNet weights (torch hub cache or an explicit file); never downloads.

torchvision names its weight files ``<arch>-<hash>.pth`` in ``<torch hub dir>/checkpoints``;
:func:`find_weights` looks there (``TORCH_HOME`` is honoured) and returns None when absent.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn


class WeightsError(ValueError):
    """A weights file that cannot be used; user-facing message."""


def find_weights(arch: str, explicit: Path | None = None) -> Path | None:
    """``explicit`` if given (must exist), else ``<hub>/checkpoints/<arch>-*.pth``, else None."""
    if explicit is not None:
        if not explicit.is_file():
            raise WeightsError(f"No weights file at {explicit}.")
        return explicit
    folder = Path(torch.hub.get_dir()) / "checkpoints"
    matches = sorted(folder.glob(f"{arch}-*.pth")) if folder.is_dir() else []
    return matches[0] if matches else None


def load_pretrained(module: nn.Module, path: Path, prefix: str = "") -> None:
    """Load the entries of ``path`` under ``prefix`` into ``module`` (extra keys ignored)."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise WeightsError(f"Cannot read weights {path}: {exc}") from exc
    wanted = module.state_dict().keys()
    picked = {k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)}
    picked = {k: v for k, v in picked.items() if k in wanted}
    missing = set(wanted) - set(picked)
    if missing:
        raise WeightsError(f"{path} lacks {len(missing)} tensors, e.g. {sorted(missing)[0]}.")
    module.load_state_dict(picked)
