"""The click network: a view and one click → the field under the click.

Interactive segmentation in the manner of RITM and SAM's point prompts, small enough for two
CPU cores: the view's three 0–1 bands (:mod:`sr.outline.bands`) and a fourth channel, a
Gaussian spot at the click, go through a U-Net (:class:`sr.outline.net.FieldNet`, one output)
whose logit says, per pixel, "same field as the click". ``factor`` > 1 runs the U-Net on the
view averaged ``factor`` × ``factor`` (cheaper; wider context) and scales the logits back.

This module imports only torch and NumPy, so a training machine needs nothing else.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from sr.outline.net import FieldNet

SIGMA = 5.0  # the click's Gaussian spot, pixels of the view (10 m at 2 m)


def click_map(shape: tuple[int, int], col: float, row: float, sigma: float = SIGMA) -> np.ndarray:
    """(rows, columns) float32 Gaussian spot of peak 1 at the (column, row) click, where
    (col, row) is a position in pixels (pixel centres at +0.5)."""
    rows = np.arange(shape[0], dtype=np.float32)[:, None] + 0.5 - row
    cols = np.arange(shape[1], dtype=np.float32)[None, :] + 0.5 - col
    out: np.ndarray = np.exp(-(rows**2 + cols**2) / (2 * sigma**2)).astype(np.float32)
    return out


def click_input(bands: torch.Tensor, col: float, row: float) -> torch.Tensor:
    """(3, H, W) 0–1 bands → (4, H, W) the network's input: the bands and the click's spot."""
    rows, cols = bands.shape[-2:]
    spot = torch.from_numpy(click_map((int(rows), int(cols)), col, row))
    return torch.cat([bands.float(), spot[None]]).contiguous()


class ClickNet(nn.Module):
    """(N, 4, H, W) bands + click spot → (N, 1, H, W) logits of "in the clicked field";
    H and W multiples of 8 × ``factor``."""

    def __init__(self, width: int = 32, factor: int = 1) -> None:
        super().__init__()
        self.width, self.factor = width, factor
        self.unet = FieldNet(width=width, bands=4, outputs=1)

    @property
    def multiple(self) -> int:
        """H and W must be multiples of this."""
        return 8 * self.factor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        size = x.shape[-2:]
        if self.factor > 1:
            x = F.avg_pool2d(x, self.factor)
        logits: torch.Tensor = self.unet(x)
        if self.factor > 1:
            logits = F.interpolate(logits, size=size, mode="bilinear", align_corners=False)
        return logits
