"""Per-band affine maps between image units (DN, reflectance …) and a network's units.

:class:`BandScaling` maps each band by ``(x − offset) / span`` and back exactly, so nothing
is clipped. Deep Image Prior fits it on the band's range with headroom
(:meth:`BandScaling.fit`); the enhancer on robust percentiles (:func:`fit_percentiles`), so
tiles of one image agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BandScaling:
    """Per-band affine map from input units to the network's range and back.

    Band b's values [min_b, max_b] map to [h/(1+2h), (1+h)/(1+2h)] with h the headroom,
    so values up to h·(max_b − min_b) beyond the input's range stay representable.
    A fixed ``value_range`` (e.g. (0, 255) for 8-bit images, as in the paper) maps to [0, 1].
    """

    offset: np.ndarray  # (bands,) value that maps to 0
    span: np.ndarray  # (bands,) value range that maps to 1

    @classmethod
    def fit(
        cls,
        image: np.ndarray,
        headroom: float,
        value_range: tuple[float, float] | None = None,
    ) -> BandScaling:
        bands = image.shape[0]
        if value_range is not None:
            low, high = value_range
            return cls(np.full(bands, low, np.float64), np.full(bands, high - low, np.float64))
        flat = image.reshape(bands, -1).astype(np.float64)
        low, high = flat.min(axis=1), flat.max(axis=1)
        width = np.maximum(high - low, 1e-6 * np.maximum(np.abs(high), 1.0))
        return cls(low - headroom * width, width * (1 + 2 * headroom))

    def to_unit(self, image: np.ndarray) -> np.ndarray:
        unit: np.ndarray = (image - self.offset[:, None, None]) / self.span[:, None, None]
        return unit.astype(np.float32)

    def from_unit(self, image: np.ndarray) -> np.ndarray:
        values: np.ndarray = (
            image.astype(np.float64) * self.span[:, None, None] + self.offset[:, None, None]
        )
        return values.astype(np.float32)


LOWER, UPPER = 1.0, 99.0


def fit_percentiles(
    image: np.ndarray, valid: np.ndarray | None = None, lower: float = LOWER, upper: float = UPPER
) -> BandScaling:
    """The percentile scaling of a (bands, H, W) image, over ``valid`` pixels if given."""
    bands = image.shape[0]
    flat = image.reshape(bands, -1).astype(np.float64)
    if valid is not None:
        flat = flat[:, valid.reshape(-1)]
    if flat.shape[1] == 0:
        raise ValueError("no valid pixels to fit a scaling on")
    low, high = np.percentile(flat, [lower, upper], axis=1)
    span = np.maximum(high - low, 1e-6 * np.maximum(np.abs(high), 1.0))
    return BandScaling(low, span)
