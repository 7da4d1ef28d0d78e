"""The architecture of an enhancer, as stored in its model file to rebuild the network.

Two architectures: ``unet`` (:class:`~sr.sharpen.enhancer.model.EnhancerNet`, a ResNet U-Net
working at the output's resolution) and ``input-res``
(:class:`~sr.sharpen.enhancer.input_res.InputResNet`, residual blocks at the input's
resolution). Model files written before ``arch`` existed are U-Nets.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

ARCHS = ("unet", "input-res")
BACKBONE_NAMES = ("resnet18", "resnet34")
# The training settings (``python -m sr train``) that choose the architecture.
TRAINING_KEYS = ("arch", "backbone", "self_attention", "width", "blocks")


@dataclass(frozen=True)
class EnhancerConfig:
    """Architecture of an enhancer; ``backbone``/``depth``/``decoder``/``self_attention``/
    ``blur`` shape the U-Net, ``width``/``blocks`` the input-resolution network."""

    backbone: str = "resnet18"
    bands: int = 3
    depth: int = 4  # encoder scales used: 4 = stem … layer3 (stride 16), 5 adds layer4
    decoder: tuple[int, ...] = field(default=(128, 64, 32, 16))  # widths, coarse → full res
    self_attention: bool = True
    blur: bool = True
    arch: str = "unet"
    width: int = 64  # input-res: feature channels per coarse pixel
    blocks: int = 16  # input-res: residual blocks

    def __post_init__(self) -> None:
        if self.arch not in ARCHS:
            raise ValueError(f"arch must be one of {', '.join(ARCHS)}, not {self.arch}")
        if self.backbone not in BACKBONE_NAMES:
            raise ValueError(
                f"backbone must be one of {', '.join(BACKBONE_NAMES)}, not {self.backbone}"
            )
        if not 2 <= self.depth <= 5:
            raise ValueError(f"depth must be 2–5, not {self.depth}")
        if len(self.decoder) != self.depth:
            raise ValueError(f"decoder needs {self.depth} widths, got {len(self.decoder)}")
        if self.bands < 1:
            raise ValueError(f"bands must be at least 1, not {self.bands}")
        if self.width < 1 or self.blocks < 0:
            raise ValueError(f"width must be ≥ 1 and blocks ≥ 0, not {self.width}/{self.blocks}")

    @property
    def stride(self) -> int:
        """The side every input is padded to a multiple of."""
        return int(2**self.depth) if self.arch == "unet" else 4

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "decoder": list(self.decoder)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EnhancerConfig:
        return cls(**{**data, "decoder": tuple(data["decoder"])})

    @classmethod
    def from_training(cls, settings: dict[str, Any]) -> EnhancerConfig:
        """The architecture a training run's settings (a model's ``train_config``) name;
        settings from before ``arch``, ``width`` and ``blocks`` existed are a U-Net's."""
        return cls(**{k: settings[k] for k in TRAINING_KEYS if k in settings})

    def describe(self) -> str:
        """One line for model cards and logs."""
        if self.arch == "input-res":
            return (
                f"input-resolution network: {self.blocks} residual blocks with channel "
                f"attention, {self.width} channels, on the 4×-folded image"
            )
        attention = "on" if self.self_attention else "off"
        return (
            f"U-Net, {self.backbone} encoder (stem … layer{self.depth - 1}), pixel-shuffle "
            f"decoder with ICNR and blur, self-attention {attention}"
        )
