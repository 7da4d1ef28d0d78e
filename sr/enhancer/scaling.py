"""Per-band normalisation between image units (DN, reflectance …) and the network's units.

Band b's ``lower``–``upper`` percentiles map to 0 and 1 (an affine map, so nothing is
clipped and the inverse restores the input's units exactly). It reuses DIP's
:class:`sr.dip.BandScaling`; only the robust (percentile) fit is new.
"""

from __future__ import annotations

import numpy as np

from sr.dip import BandScaling

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
