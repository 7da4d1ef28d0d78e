"""Training batches for the click network, made where the network trains (GPU or CPU).

On a GPU the per-sample loader was the limit (about one step in six of what an H200 takes,
models/OUTLINE_CARD.md), so every step here is batched tensor work on the training device:
one ``grid_sample`` crops, rescales (0.7–1.3×), mirrors and turns each sample; the colour
augmentations of :func:`bench.augment.photometric` are drawn per sample; a click is drawn
among each crop's candidate pixels — inside a drawn field (30 % near its innermost point,
60 % at least a fifth of the way in) or, 10 %, on undrawn land, whose answer is no field.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from sr.outline.click import SIGMA

INNER, ANYWHERE = 230, 51  # depth × 255: near the innermost point; a fifth of the way in
BACKGROUND_SHARE, INNER_SHARE = 0.1, 0.3


class ClickSampler:
    """Random (bands + click spot, target) batches of the files :mod:`bench.click_data`
    writes, on ``device``."""

    def __init__(self, data: dict, crop: int, device: torch.device, seed: int = 0) -> None:
        self.crop, self.device = crop, device
        self.views = torch.from_numpy(data["views"]).to(device)  # (C, V, 3, S, S) uint8
        maps = np.stack([data["fields"].astype(np.float32), data["depth"].astype(np.float32)], 1)
        self.maps = torch.from_numpy(maps).to(device)  # (C, 2, S, S): field number, depth
        self.generator = torch.Generator(device).manual_seed(seed)
        centres = (torch.arange(crop, device=device, dtype=torch.float32) + 0.5) / crop * 2 - 1
        v, u = torch.meshgrid(centres, centres, indexing="ij")
        self.base = torch.stack([u, v], -1)  # (crop, crop, 2): x, y in −1…1

    def uniform(self, *shape: int, low: float = 0.0, high: float = 1.0) -> torch.Tensor:
        out = torch.rand(*shape, generator=self.generator, device=self.device)
        return low + (high - low) * out

    def grids(self, n: int) -> torch.Tensor:
        """(n, crop, crop, 2) sampling grids: a random square of the chip, mirrored and turned."""
        full = self.views.shape[-1]
        half = (self.crop / self.uniform(n, low=0.7, high=1.3)).clamp(max=full) / full
        centre = (self.uniform(n, 2) * 2 - 1) * (1 - half)[:, None]
        turns = (self.uniform(n) * 4).long()
        angle = turns.float() * (torch.pi / 2)
        cos, sin = torch.cos(angle).round(), torch.sin(angle).round()
        mirror = torch.where(self.uniform(n) < 0.5, -1.0, 1.0)
        matrix = torch.stack(
            [torch.stack([cos * mirror, -sin], -1), torch.stack([sin * mirror, cos], -1)], -2
        )
        grid = torch.einsum("nij,hwj->nhwi", matrix, self.base)
        return grid * half[:, None, None, None] + centre[:, None, None, :]

    def photometric(self, x: torch.Tensor) -> torch.Tensor:
        """Band order, gain, offset, gamma, grey, blur and noise, drawn per sample."""
        n = x.shape[0]
        order = torch.argsort(self.uniform(n, 3), dim=1)
        x = torch.gather(x, 1, order[:, :, None, None].expand_as(x))
        gain = self.uniform(n, 3, 1, 1, low=0.6, high=1.4)
        offset = self.uniform(n, 3, 1, 1, low=-0.15, high=0.15)
        gamma = self.uniform(n, 1, 1, 1, low=0.7, high=1.4)
        x = (x * gain + offset).clamp(0, 1) ** gamma
        x = torch.where(self.uniform(n, 1, 1, 1) < 0.15, x.mean(1, keepdim=True).expand_as(x), x)
        blurred = F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)
        x = torch.where(self.uniform(n, 1, 1, 1) < 0.3, blurred, x)
        noisy = self.uniform(n, 1, 1, 1) < 0.3
        sigma = self.uniform(n, 1, 1, 1, high=0.03) * noisy
        noise = torch.randn(x.shape, generator=self.generator, device=self.device)
        return x + noise * sigma

    def clicks(self, fields: torch.Tensor, depth: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """A (row, column) per crop of (n, crop, crop) field numbers and depths."""
        n = fields.shape[0]
        u = self.uniform(n)[:, None, None]
        inside = depth >= torch.where(u < BACKGROUND_SHARE + INNER_SHARE, INNER, ANYWHERE)
        candidates = torch.where(u < BACKGROUND_SHARE, fields == 0, inside)
        for fallback in (depth > 0, torch.ones_like(candidates)):
            empty = ~candidates.flatten(1).any(1)
            candidates = torch.where(empty[:, None, None], fallback, candidates)
        score = torch.where(candidates, self.uniform(*candidates.shape), -1.0)
        index = score.flatten(1).argmax(1)
        return index // self.crop, index % self.crop

    def crops(self, n: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(n, 3, crop, crop) 0–1 bands and (n, crop, crop) field numbers and depths of
        random views' random squares, mirrored and turned (before any colour change)."""
        chips = (self.uniform(n) * self.views.shape[0]).long()
        picked = (self.uniform(n) * self.views.shape[1]).long()
        grid = self.grids(n)
        # Cut each sample's window (one size for the batch) before resampling, so only the
        # pixels a crop needs are copied (the chips stay where they are).
        full = self.views.shape[-1]
        pixels = (grid + 1) * (full / 2)  # (n, crop, crop, 2): x, y in pixels of the chip
        low = pixels.amin((1, 2)).floor() - 1
        size = int(min(full, float((pixels.amax((1, 2)).ceil() + 1 - low).max())))
        start = low.clamp(0, full - size).long()
        boxes = zip(chips.tolist(), picked.tolist(), start.tolist(), strict=True)
        images, maps = [], []
        for chip, view, (x0, y0) in boxes:
            images.append(self.views[chip, view, :, y0 : y0 + size, x0 : x0 + size])
            maps.append(self.maps[chip, :, y0 : y0 + size, x0 : x0 + size])
        local = (pixels - start[:, None, None, :].float()) / (size / 2) - 1
        x = F.grid_sample(
            torch.stack(images).float() / 255, local, "bilinear", "border", align_corners=False
        )
        sampled = F.grid_sample(torch.stack(maps), local, "nearest", "border", align_corners=False)
        return x, sampled[:, 0], sampled[:, 1]

    def batch(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        """(n, 4, crop, crop) bands + click spot and (n, 1, crop, crop) targets."""
        x, fields, depth = self.crops(n)
        rows, cols = self.clicks(fields, depth)
        number = fields[torch.arange(n, device=self.device), rows, cols]
        target = (fields == number[:, None, None]) & (number[:, None, None] > 0)
        centres = torch.arange(self.crop, device=self.device, dtype=torch.float32)
        dr = (centres[None, :] - rows[:, None].float()) ** 2
        dc = (centres[None, :] - cols[:, None].float()) ** 2
        spot = torch.exp(-(dr[:, :, None] + dc[:, None, :]) / (2 * SIGMA**2))
        x = torch.cat([self.photometric(x), spot[:, None]], 1)
        return x, target[:, None].float()
