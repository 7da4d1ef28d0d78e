"""The enhancer network: a U-Net with a torchvision ResNet encoder (Decrappify-style).

Encoder: the stem and the first ``depth - 1`` stages of a torchvision ResNet (resnet18 or
resnet34), whose ImageNet weights are used when present locally (never downloaded).
Decoder: per scale, a pixel-shuffle ×2 upsampling (ICNR-initialised 1×1 conv, then a
2×2 average "blur" against checkerboard artefacts), concatenation with the encoder's skip
features and 3×3 convs; optional self-attention at the bottleneck. The last scale joins the
input image itself, and the output is the input plus a learned residual (zero at init, so
an untrained network is the identity).

Input and output are (N, bands, H, W) images of any size in normalised units (about 0–1
per band, see :mod:`sr.imagery.scaling`); sides are padded to a multiple of the encoder's
stride internally.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.fusion import fuse_conv_bn_eval
from torchvision.models import resnet18, resnet34
from torchvision.models.resnet import BasicBlock, ResNet

from sr.sharpen.enhancer.config import EnhancerConfig
from sr.sharpen.enhancer.input_res import InputResNet
from sr.sharpen.enhancer.pretrained import load_pretrained

BACKBONES = {"resnet18": resnet18, "resnet34": resnet34}
_STAGE_CHANNELS = (64, 64, 128, 256, 512)  # stem (1/2), layer1 (1/4) … layer4 (1/32)


def icnr_(weight: torch.Tensor, scale: int = 2) -> None:
    """ICNR init (Aitken et al. 2017): each sub-pixel starts as the same kernel, so a fresh
    pixel shuffle is a nearest-neighbour upsampling (no checkerboard)."""
    out_ch = weight.shape[0] // scale**2
    base = torch.empty(out_ch, *weight.shape[1:])
    nn.init.kaiming_normal_(base, nonlinearity="relu")
    with torch.no_grad():
        weight.copy_(base.repeat_interleave(scale**2, dim=0))


class PixelShuffleUp(nn.Module):
    """×2 upsampling: 1×1 conv to 4·c_out channels (ICNR), ReLU, pixel shuffle, blur."""

    def __init__(self, c_in: int, c_out: int, blur: bool = True) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out * 4, 1)
        icnr_(self.conv.weight)
        assert self.conv.bias is not None
        nn.init.zeros_(self.conv.bias)
        self.shuffle = nn.PixelShuffle(2)
        self.blur = blur

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.shuffle(F.relu(self.conv(x)))
        if self.blur:
            x = F.avg_pool2d(F.pad(x, (1, 0, 1, 0), mode="replicate"), 2, stride=1)
        return x


class SelfAttention(nn.Module):
    """SAGAN self-attention (Zhang et al. 2019) with a learned gate that starts at zero."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        inner = max(channels // 8, 1)
        self.query = nn.Conv1d(channels, inner, 1, bias=False)
        self.key = nn.Conv1d(channels, inner, 1, bias=False)
        self.value = nn.Conv1d(channels, channels, 1, bias=False)
        self.gamma = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c, h, w = x.shape
        flat = x.view(n, c, h * w)
        attn = torch.softmax(torch.bmm(self.query(flat).transpose(1, 2), self.key(flat)), dim=1)
        out = torch.bmm(self.value(flat), attn)
        return x + self.gamma * out.view(n, c, h, w)


def _conv_block(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU()
    )


class UpBlock(nn.Module):
    """Upsample the coarser features ×2, join the skip features and fuse them."""

    def __init__(self, c_in: int, c_skip: int, c_out: int, blur: bool, convs: int) -> None:
        super().__init__()
        self.up = PixelShuffleUp(c_in, c_in // 2, blur)
        self.skip_norm = nn.BatchNorm2d(c_skip)
        layers = [_conv_block(c_in // 2 + c_skip, c_out)]
        layers += [_conv_block(c_out, c_out) for _ in range(convs - 1)]
        self.fuse = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor, skip: torch.Tensor) -> torch.Tensor:
        fused: torch.Tensor = self.fuse(torch.cat([self.up(x), self.skip_norm(skip)], dim=1))
        return fused


def widen_first_conv(conv: nn.Conv2d, bands: int) -> nn.Conv2d:
    """A copy of an RGB conv for ``bands`` inputs: bands beyond 3 (e.g. NIR) start from the
    mean of the RGB filters; fewer bands keep the first filters, rescaled to the same sum."""
    # A Conv2d holds 2-tuples; torch types them as tuple[int, ...] on the shared _ConvNd.
    new = nn.Conv2d(
        bands,
        conv.out_channels,
        cast(tuple[int, int], conv.kernel_size),
        cast(tuple[int, int], conv.stride),
        conv.padding if isinstance(conv.padding, str) else cast(tuple[int, int], conv.padding),
        bias=conv.bias is not None,
    )
    with torch.no_grad():
        w = conv.weight
        mean = w.mean(dim=1, keepdim=True)
        extra = mean.expand(-1, max(bands - 3, 0), -1, -1)
        new.weight.copy_(
            torch.cat([w[:, :bands], extra], dim=1) * 3 / max(bands, 3)
            if bands >= 3
            else w[:, :bands] * 3 / bands
        )
    return new


class EnhancerNet(nn.Module):
    """U-Net: ResNet encoder, pixel-shuffle decoder, residual output."""

    def __init__(self, config: EnhancerConfig, encoder_weights: Path | None = None) -> None:
        super().__init__()
        self.config = config
        resnet: ResNet = BACKBONES[config.backbone](weights=None)
        if encoder_weights is not None:
            load_pretrained(resnet, encoder_weights)
        if config.bands != 3:
            resnet.conv1 = widen_first_conv(resnet.conv1, config.bands)
        stages = [
            nn.Sequential(resnet.conv1, resnet.bn1, resnet.relu),
            nn.Sequential(resnet.maxpool, resnet.layer1),
            resnet.layer2,
            resnet.layer3,
            resnet.layer4,
        ]
        self.encoder = nn.ModuleList(stages[: config.depth - 1])
        self.bottom = stages[config.depth - 1]
        deepest = _STAGE_CHANNELS[config.depth - 1]
        self.middle = nn.Sequential(_conv_block(deepest, deepest))
        self.attention = SelfAttention(deepest) if config.self_attention else None
        skips = [_STAGE_CHANNELS[i] for i in reversed(range(config.depth - 1))] + [config.bands]
        blocks, c_in = [], deepest
        for i, (c_skip, c_out) in enumerate(zip(skips, config.decoder, strict=True)):
            last = i == config.depth - 1
            blocks.append(UpBlock(c_in, c_skip, c_out, config.blur, convs=1 if last else 2))
            c_in = c_out
        self.decoder = nn.ModuleList(blocks)
        self.head = nn.Conv2d(c_in, config.bands, 1)
        nn.init.zeros_(self.head.weight)
        assert self.head.bias is not None
        nn.init.zeros_(self.head.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, w = x.shape[-2:]
        s = self.config.stride
        padded = F.pad(x, (0, -w % s, 0, -h % s), mode="replicate")
        feats = [padded]
        y = (padded - 0.5) / 0.25  # roughly ImageNet-normalised for the encoder
        for stage in self.encoder:
            y = stage(y)
            feats.append(y)
        y = self.middle(self.bottom(y))
        if self.attention is not None:
            y = self.attention(y)
        for block, skip in zip(self.decoder, reversed(feats), strict=True):
            y = block(y, skip)
        residual: torch.Tensor = self.head(y)
        return x + residual[..., :h, :w]


Network = EnhancerNet | InputResNet


def build_network(config: EnhancerConfig, encoder_weights: Path | None = None) -> Network:
    """The network ``config`` describes (``encoder_weights``: ImageNet weights for a U-Net's
    encoder; the input-resolution network has none)."""
    if config.arch == "input-res":
        return InputResNet(config)
    return EnhancerNet(config, encoder_weights)


def _fuse_sequential(seq: nn.Sequential) -> None:
    for i in range(len(seq) - 1):
        conv, bn = seq[i], seq[i + 1]
        if isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d):
            seq[i], seq[i + 1] = fuse_conv_bn_eval(conv, bn), nn.Identity()


def fuse_batchnorm(model: Network) -> Network:
    """Fold every BatchNorm that follows a conv into it, in place (eval mode only): the same
    function, fewer passes over memory at inference."""
    if model.training:
        raise ValueError("fuse_batchnorm needs a model in eval mode")
    for module in model.modules():
        if isinstance(module, nn.Sequential):
            _fuse_sequential(module)
        elif isinstance(module, BasicBlock):
            module.conv1 = fuse_conv_bn_eval(module.conv1, module.bn1)
            module.conv2 = fuse_conv_bn_eval(module.conv2, module.bn2)
            module.bn1, module.bn2 = nn.Identity(), nn.Identity()
    return model


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
