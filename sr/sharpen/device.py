"""Choosing the torch device a method runs on."""

from __future__ import annotations

import os

import torch

from sr.errors import SharpenError


def resolve_device(device: str | torch.device | None) -> torch.device:
    """'auto' or None → CUDA when available, else CPU; 'cuda' without a GPU is an error."""
    if device is None or str(device) == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    resolved = torch.device(device)
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise SharpenError("CUDA was requested but no GPU is available; use --device cpu or auto.")
    return resolved


def available_memory(device: torch.device) -> int:
    """Free memory on the device in bytes (CPU: MemAvailable)."""
    if device.type == "cuda":
        free, _total = torch.cuda.mem_get_info(device)
        return int(free)
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):  # pragma: no cover - non-POSIX
        return 8 * 2**30
