"""A small U-Net that tells, for each pixel, field interior, field boundary or not a field.

The three classes follow Fields of The World's field-boundary models; the network is small
(four levels, 16–128 channels, about 0.5 M parameters) so that a 512² view runs in a fraction
of a second on two CPU cores. Input: three bands scaled to 0–1 (:mod:`sr.outline.bands`).
"""

from __future__ import annotations

import torch
from torch import nn

CLASSES = ("background", "interior", "boundary")
BACKGROUND, INTERIOR, BOUNDARY = range(3)


def _block(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
        nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
    )


class FieldNet(nn.Module):
    """U-Net: (N, bands, H, W) in 0–1 → (N, outputs, H, W) logits (by default the three
    classes); H and W multiples of 8."""

    def __init__(self, width: int = 16, bands: int = 3, outputs: int = len(CLASSES)) -> None:
        super().__init__()
        w = [width, width * 2, width * 4, width * 8]
        self.width = width
        self.down = nn.ModuleList(
            [_block(bands, w[0]), _block(w[0], w[1]), _block(w[1], w[2]), _block(w[2], w[3])]
        )
        self.up = nn.ModuleList([nn.ConvTranspose2d(w[i + 1], w[i], 2, stride=2) for i in range(3)])
        self.merge = nn.ModuleList([_block(2 * w[i], w[i]) for i in range(3)])
        self.head = nn.Conv2d(w[0], outputs, 1)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = []
        for i, block in enumerate(self.down):
            x = block(x if i == 0 else self.pool(x))
            skips.append(x)
        x = skips[-1]
        for i in (2, 1, 0):
            x = self.merge[i](torch.cat([self.up[i](x), skips[i]], dim=1))
        logits: torch.Tensor = self.head(x)
        return logits
