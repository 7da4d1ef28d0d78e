"""Running a trained enhancer on images of any size and band count.

:class:`Enhancer` takes an already upsampled (bands, H, W) image in any units (reflectance,
DN …) and returns the sharpened image, same shape, same units, float32, never clipped.
Each band is normalised by its 1st–99th percentiles over the whole image (so tiles agree),
bands go through the network in groups of its band count (3: consecutive bands, the last
group padded by repeating its own bands, e.g. R,G,B then NIR,NIR,NIR), and large images are
cut into overlapping tiles whose outputs are blended with linear ramps. It is deterministic
and runs on CUDA when available. Loaded models have their BatchNorms folded into the convs
and use channels-last memory; ``precision="auto"`` runs the network in bfloat16 where the
hardware has it (CUDA, or CPUs with AMX) and in float32 elsewhere; the residual is added to
the float32 input either way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from sr.imagery.scaling import fit_percentiles
from sr.project_files import project_root
from sr.sharpen.device import resolve_device
from sr.sharpen.enhancer.checkpoint import load_model
from sr.sharpen.enhancer.model import Network, fuse_batchnorm

DEFAULT_MODEL = project_root() / "models" / "enhancer.pt"
DEFAULT_TILE = 512
DEFAULT_OVERLAP = 32
PRECISIONS = ("auto", "float32", "bfloat16")


class EnhancerError(ValueError):
    """An image the enhancer cannot process; user-facing message."""


def band_groups(bands: int, width: int) -> list[list[int]]:
    """Consecutive groups of ``width`` band indices; the last is padded with its own bands."""
    groups = []
    for start in range(0, bands, width):
        members = list(range(start, min(start + width, bands)))
        groups.append([members[i % len(members)] for i in range(width)])
    return groups


def tile_starts(size: int, tile: int, overlap: int) -> list[int]:
    """Start offsets covering ``size`` with tiles of ``tile`` overlapping by ``overlap``."""
    if size <= tile:
        return [0]
    step = tile - overlap
    starts = list(range(0, size - tile, step))
    return [*starts, size - tile]


def ramp(length: int, overlap: int) -> np.ndarray:
    """Blending weights along one tile side: linear ramps of ``overlap`` px, never zero."""
    i = np.arange(length, dtype=np.float64)
    edge = np.minimum(i + 0.5, length - i - 0.5) / max(overlap, 1)
    return np.clip(edge, 1e-3, 1.0)


def bfloat16_is_fast(device: torch.device) -> bool:
    """CUDA, or a CPU with AMX tiles (private torch probe; False when it is missing)."""
    if device.type == "cuda":
        return True
    probe = getattr(torch.cpu, "_is_amx_tile_supported", None)
    return bool(probe and probe())


@dataclass
class Enhancer:
    """A loaded enhancer network with its device, training meta and precision."""

    model: Network
    device: torch.device
    meta: dict[str, Any]
    precision: str = "float32"

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise EnhancerError(f"precision must be one of {PRECISIONS}, not {self.precision!r}")
        if self.precision == "auto":
            self.precision = "bfloat16" if bfloat16_is_fast(self.device) else "float32"

    @property
    def scale(self) -> int:
        return int(self.meta.get("scale", 4))

    def _run(self, batch: np.ndarray) -> np.ndarray:
        autocast = torch.autocast(
            self.device.type, dtype=torch.bfloat16, enabled=self.precision == "bfloat16"
        )
        with torch.inference_mode(), autocast:
            x = torch.from_numpy(np.ascontiguousarray(batch)).to(self.device)
            x = x.contiguous(memory_format=torch.channels_last)
            out: torch.Tensor = self.model(x)
            return out.float().cpu().numpy()

    def __call__(
        self,
        upsampled: np.ndarray,
        tile: int = DEFAULT_TILE,
        overlap: int = DEFAULT_OVERLAP,
        tile_progress: Callable[[int, int], None] | None = None,
    ) -> np.ndarray:
        """Sharpen a (bands, H, W) upsampled image; tiles of ``tile`` px overlap ``overlap``;
        ``tile_progress(done, total)`` is called after each tile."""
        if upsampled.ndim != 3 or min(upsampled.shape) < 1:
            raise EnhancerError(f"Expected a (bands, rows, cols) image, got {upsampled.shape}.")
        if not np.all(np.isfinite(upsampled)):
            raise EnhancerError("The image has missing (NaN) or infinite values; fill them first.")
        if tile < 32 or not 0 <= overlap < tile // 2:
            raise EnhancerError(f"Bad tiling: tile {tile} px with overlap {overlap} px.")
        bands, h, w = upsampled.shape
        scaling = fit_percentiles(upsampled)
        unit = scaling.to_unit(upsampled.astype(np.float64))
        groups = band_groups(bands, self.model.config.bands)
        stack = np.stack([unit[g] for g in groups])  # (groups, model bands, H, W)
        total = np.zeros_like(stack, dtype=np.float64)
        weight = np.zeros((h, w), np.float64)
        th, tw = min(tile, h), min(tile, w)
        rows, cols = tile_starts(h, tile, overlap), tile_starts(w, tile, overlap)
        for done, (r, c) in enumerate(((r, c) for r in rows for c in cols), start=1):
            wr = ramp(th, overlap) if h > tile else np.ones(th)
            wc = ramp(tw, overlap) if w > tile else np.ones(tw)
            win = np.outer(wr, wc)
            out = self._run(stack[:, :, r : r + th, c : c + tw])
            total[:, :, r : r + th, c : c + tw] += out * win
            weight[r : r + th, c : c + tw] += win
            if tile_progress is not None:
                tile_progress(done, len(rows) * len(cols))
        blended = total / weight
        result = np.zeros((bands, h, w), np.float64)
        counts = np.zeros(bands)
        for group, out in zip(groups, blended, strict=True):
            for k, b in enumerate(group):
                result[b] += out[k]
                counts[b] += 1
        result /= counts[:, None, None]
        return scaling.from_unit(result)


def load_enhancer(
    path: Path, device: str | torch.device | None = "auto", precision: str = "auto"
) -> Enhancer:
    """Load a model file for inference (raises
    :class:`~sr.sharpen.enhancer.checkpoint.CheckpointError`)."""
    dev = resolve_device(device)
    model, meta = load_model(path, dev)
    model = fuse_batchnorm(model).to(memory_format=torch.channels_last)
    return Enhancer(model, dev, meta, precision)


@functools.lru_cache(maxsize=4)
def _cached(path: Path, device: str, precision: str) -> Enhancer:
    return load_enhancer(path, device, precision)


def load_default_enhancer(
    device: str | torch.device | None = "auto", precision: str = "auto"
) -> Enhancer:
    """The shipped model (``models/enhancer.pt``), loaded once per device."""
    return _cached(DEFAULT_MODEL, str(resolve_device(device)), precision)
