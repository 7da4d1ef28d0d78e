"""The trained enhancer: a network that sharpens upsampled satellite images (a ResNet U-Net
or a residual network at the input's resolution, :mod:`sr.sharpen.enhancer.config`).

The ``enhancer`` and ``dip+enhancer`` methods of :data:`sr.sharpen.methods.METHODS` run it. Here:

- :func:`load_default_enhancer` → :class:`Enhancer`; ``enhancer(upsampled)`` sharpens an
  already upsampled (bands, H, W) image;
- :func:`run_enhancer` ``(lr, scale=4, upsample="bicubic"|"lanczos"|"dip", …)`` does both
  steps from the low-resolution image.

Values are in the input's units in and out, float32, never clipped.
"""

from sr.sharpen.enhancer.chain import run_enhancer
from sr.sharpen.enhancer.checkpoint import CheckpointError
from sr.sharpen.enhancer.infer import (
    DEFAULT_MODEL,
    Enhancer,
    EnhancerError,
    load_default_enhancer,
    load_enhancer,
)

__all__ = [
    "DEFAULT_MODEL",
    "CheckpointError",
    "Enhancer",
    "EnhancerError",
    "load_default_enhancer",
    "load_enhancer",
    "run_enhancer",
]
