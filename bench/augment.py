"""Augmentations shared by the outline networks' trainers (:mod:`bench.train_outline`,
:mod:`bench.train_click`): torch and NumPy only, so they run on a GPU machine as they are.
The order of the random draws is fixed, so a seed gives the same samples as before."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def flip_and_turn(
    image: torch.Tensor, target: torch.Tensor, rng: np.random.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """The same random mirror and quarter turns of both, over their last two axes."""
    if rng.random() < 0.5:
        image, target = image.flip(-1), target.flip(-1)
    turns = int(rng.integers(0, 4))
    return torch.rot90(image, turns, (-2, -1)), torch.rot90(target, turns, (-2, -1))


def photometric(x: torch.Tensor, rng: np.random.Generator) -> torch.Tensor:
    """Band order, per-band gain, offset and gamma, occasional grey, blur and noise of a
    (3, H, W) 0–1 image: so a model carries over to other sensors' bands and colours."""
    x = x[torch.from_numpy(rng.permutation(3))]
    gain = torch.from_numpy(rng.uniform(0.6, 1.4, (3, 1, 1)).astype(np.float32))
    offset = torch.from_numpy(rng.uniform(-0.15, 0.15, (3, 1, 1)).astype(np.float32))
    x = (x * gain + offset).clamp(0, 1) ** float(rng.uniform(0.7, 1.4))
    if rng.random() < 0.15:
        x = x.mean(0, keepdim=True).expand(3, -1, -1)
    if rng.random() < 0.3:
        x = F.avg_pool2d(x[None], 3, stride=1, padding=1, count_include_pad=False)[0]
    if rng.random() < 0.3:
        x = x + torch.randn_like(x) * float(rng.uniform(0, 0.03))
    return x
