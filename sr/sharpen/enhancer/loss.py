"""Training losses: the Decrappify feature loss, and the fallback used without VGG weights.

:class:`FeatureLoss` (fastai course, lesson 7): pixel L1 + L1 between VGG16-BN activations
before three of its max-pools (``features`` indices 22, 32, 42, weights 5, 15, 2) + L1
between their Gram matrices (weight 5e3 · w²). It needs ImageNet weights to be meaningful.

:class:`FallbackLoss`: pixel L1 + (1 − SSIM) + L1 of image gradients + L1 of FFT amplitudes;
the last two reward crisp edges and high-frequency content that pixel losses wash out.

Both take (N, C, H, W) images in normalised units and return the total and each term.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models import vgg

from sr.sharpen.enhancer.pretrained import find_weights, load_pretrained
from sr.sharpen.metrics import ssim_map

FEATURE_LAYERS = (22, 32, 42)
FEATURE_WEIGHTS = (5.0, 15.0, 2.0)
GRAM_WEIGHT = 5e3
_IMAGENET_MEAN = (0.485, 0.456, 0.406)
_IMAGENET_STD = (0.229, 0.224, 0.225)

Terms = dict[str, torch.Tensor]


def gram_matrix(features: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) → (N, C, C) channel correlations, divided by C·H·W."""
    n, c, h, w = features.shape
    flat = features.reshape(n, c, h * w)
    return torch.bmm(flat, flat.transpose(1, 2)) / (c * h * w)


def vgg16_bn_features(
    weights: Path | None = None, last: int = max(FEATURE_LAYERS)
) -> nn.Sequential:
    """VGG16-BN's ``features`` up to index ``last``, frozen; random weights if None."""
    features = vgg.make_layers(vgg.cfgs["D"], batch_norm=True)
    if weights is not None:
        load_pretrained(features, weights, prefix="features.")
    trunk = nn.Sequential(*list(features)[: last + 1]).eval()
    for p in trunk.parameters():
        p.requires_grad_(False)
    return trunk


def _to_rgb(x: torch.Tensor) -> torch.Tensor:
    """Any band count → 3 channels for VGG (grey repeated; extra bands dropped)."""
    if x.shape[1] == 3:
        return x
    return x[:, :1].expand(-1, 3, -1, -1) if x.shape[1] < 3 else x[:, :3]


class FeatureLoss(nn.Module):
    """Pixel L1 + VGG16-BN feature L1 + Gram-matrix style L1 (Decrappify)."""

    mean: torch.Tensor  # registered buffers
    std: torch.Tensor

    def __init__(
        self,
        trunk: nn.Sequential,
        layers: tuple[int, ...] = FEATURE_LAYERS,
        weights: tuple[float, ...] = FEATURE_WEIGHTS,
        gram_weight: float = GRAM_WEIGHT,
    ) -> None:
        super().__init__()
        self.trunk = trunk
        self.layers = layers
        self.weights = weights
        self.gram_weight = gram_weight
        self.register_buffer("mean", torch.tensor(_IMAGENET_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(_IMAGENET_STD).view(1, 3, 1, 1))

    def train(self, mode: bool = True) -> FeatureLoss:
        super().train(mode)
        self.trunk.eval()  # BN statistics stay frozen
        return self

    def _features(self, x: torch.Tensor) -> list[torch.Tensor]:
        y = (_to_rgb(x) - self.mean) / self.std
        out = []
        for i, layer in enumerate(self.trunk):
            y = layer(y)
            if i in self.layers:
                out.append(y)
        return out

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, Terms]:
        terms: Terms = {"pixel": F.l1_loss(pred, target)}
        with torch.no_grad():
            target_feats = self._features(target)
        for i, (fp, ft, w) in enumerate(
            zip(self._features(pred), target_feats, self.weights, strict=True)
        ):
            terms[f"feat{i}"] = w * F.l1_loss(fp, ft)
            terms[f"gram{i}"] = (
                w**2 * self.gram_weight * F.l1_loss(gram_matrix(fp), gram_matrix(ft))
            )
        return sum(terms.values()), terms  # type: ignore[return-value]


def gradients(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Forward differences along columns and rows."""
    return x[..., :, 1:] - x[..., :, :-1], x[..., 1:, :] - x[..., :-1, :]


class FallbackLoss(nn.Module):
    """Pixel L1 + (1 − SSIM) + gradient L1 + FFT-amplitude L1, no pretrained network."""

    def __init__(self, ssim: float = 0.5, gradient: float = 1.0, frequency: float = 0.05) -> None:
        super().__init__()
        self.w_ssim, self.w_grad, self.w_freq = ssim, gradient, frequency

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> tuple[torch.Tensor, Terms]:
        (pgx, pgy), (tgx, tgy) = gradients(pred), gradients(target)
        amp_p = torch.fft.rfft2(pred, norm="ortho").abs()
        amp_t = torch.fft.rfft2(target, norm="ortho").abs()
        terms: Terms = {
            "pixel": F.l1_loss(pred, target),
            "ssim": self.w_ssim * (1 - ssim_map(pred, target)).mean(),
            "gradient": self.w_grad * (F.l1_loss(pgx, tgx) + F.l1_loss(pgy, tgy)),
            "frequency": self.w_freq * F.l1_loss(amp_p, amp_t),
        }
        return sum(terms.values()), terms  # type: ignore[return-value]


LOSSES = ("auto", "feature", "fallback")
FALLBACK_DESCRIPTION = "fallback: L1 + 0.5·(1−SSIM) + 1·gradient L1 + 0.05·FFT-amplitude L1"


def build_loss(kind: str = "auto", vgg_weights: Path | None = None) -> tuple[nn.Module, str]:
    """The loss and a description for the model card. ``auto``: the feature loss when
    VGG16-BN ImageNet weights are found locally, else the fallback."""
    if kind not in LOSSES:
        raise ValueError(f"loss must be one of {', '.join(LOSSES)}, not {kind!r}")
    found = find_weights("vgg16_bn", vgg_weights) if kind != "fallback" else None
    if kind == "feature" and found is None:
        raise ValueError("The feature loss needs VGG16-BN ImageNet weights; none found locally.")
    if found is not None:
        described = f"feature loss (VGG16-BN weights {found.name})"
        return FeatureLoss(vgg16_bn_features(found)), described
    return FallbackLoss(), FALLBACK_DESCRIPTION
