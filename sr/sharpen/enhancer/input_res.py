"""An enhancer that works at the input's resolution (after EDSR / RCAN).

The app hands every enhancer a 4× upsampled image. This network folds each 4×4 block of it
back into one pixel of 16·bands channels (pixel unshuffle, so a block is one pixel of the
low-resolution scene when the image was upsampled from it), runs residual blocks with
channel attention (Zhang et al. 2018) on that coarse grid, where a step costs 1/16 of the
same convolutions at full resolution, and unfolds the features back to full resolution
(pixel shuffle). One 3×3 convolution at full resolution, which also sees the input, then
gives the residual; it starts at zero, so an untrained network is the identity, as the
U-Net's is.

The output is made consistent with the input's own 4×4 block means
(:func:`sr.sharpen.consistency.project`). Trained with its loss after that step, a network
that works per coarse pixel is free to shift each block's mean, and the shipped one (trained
before this step was added) does, by about a third of the image's range. The app's input is
already consistent with the scene, so this step changes the app's results very little
(measured on a training chip: at most 0.04 of 255), but the network's own output is now a
sensible image too. Training runs from now on see the step inside the network as well.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from sr.sharpen.consistency import block_mean, project
from sr.sharpen.enhancer.config import EnhancerConfig

FOLD = 4  # the app's scale: one coarse pixel per 4×4 block of the upsampled image
FINE_CHANNELS = 16  # feature channels per full-resolution pixel after unfolding


class ChannelAttention(nn.Module):
    """Squeeze-and-excitation: per-channel gains from the channels' spatial means."""

    def __init__(self, channels: int, reduction: int = 8) -> None:
        super().__init__()
        inner = max(channels // reduction, 1)
        self.gate = nn.Sequential(
            nn.AdaptiveAvgPool2d(1),
            nn.Conv2d(channels, inner, 1),
            nn.ReLU(),
            nn.Conv2d(inner, channels, 1),
            nn.Sigmoid(),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gated: torch.Tensor = x * self.gate(x)
        return gated


class ResidualBlock(nn.Module):
    """conv–ReLU–conv–channel attention, added back to the input (RCAN's RCAB)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
            ChannelAttention(channels),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = x + self.body(x)
        return out


class InputResNet(nn.Module):
    """Residual blocks on the 4×-folded image; a full-resolution residual out."""

    def __init__(self, config: EnhancerConfig) -> None:
        super().__init__()
        self.config = config
        bands, width = config.bands, config.width
        folded = bands * FOLD**2
        self.head = nn.Conv2d(folded, width, 3, padding=1)
        self.body = nn.Sequential(*(ResidualBlock(width) for _ in range(config.blocks)))
        self.body_end = nn.Conv2d(width, width, 3, padding=1)
        self.unfold = nn.Conv2d(width, FINE_CHANNELS * FOLD**2, 3, padding=1)
        self.fine = nn.Conv2d(FINE_CHANNELS + bands, bands, 3, padding=1)
        nn.init.zeros_(self.fine.weight)
        assert self.fine.bias is not None
        nn.init.zeros_(self.fine.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, w = x.shape[-2:]
        padded = F.pad(x, (0, -w % FOLD, 0, -h % FOLD), mode="replicate")
        y = self.head(F.pixel_unshuffle((padded - 0.5) / 0.25, FOLD))
        y = y + self.body_end(self.body(y))
        fine = F.relu(F.pixel_shuffle(self.unfold(y), FOLD))
        out = padded + self.fine(torch.cat([fine, padded], dim=1))
        consistent: torch.Tensor = project(out, block_mean(padded, FOLD), FOLD)
        return consistent[..., :h, :w]
