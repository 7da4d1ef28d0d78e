"""Any image → the three 0–1 bands the outline assist works on.

Bands: the three named (default: the first three; one band is repeated, two get their mean
as the third); each is standardised over its valid pixels and mapped to 0.5 + z / 6, clipped
to 0–1 (± 3 standard deviations), so units (reflectance, DN, 8-bit) and sensor colours matter
little and — unlike a percentile stretch that clips — bright or dark fields keep their
edges; non-finite values become 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SPREAD = 6.0  # standard deviations across 0–1


def three_bands(image: np.ndarray, bands: Sequence[int] | None = None) -> np.ndarray:
    """(bands, H, W) of any dtype → (3, H, W) float32 in 0–1."""
    if image.ndim == 2:
        image = image[None]
    if image.ndim != 3 or image.shape[0] < 1:
        raise ValueError(f"expected a (bands, rows, columns) image, got shape {image.shape}")
    data = image.astype(np.float32, copy=False)
    if bands is not None:
        picked = [data[b] for b in bands]
    elif data.shape[0] >= 3:
        picked = [data[0], data[1], data[2]]
    elif data.shape[0] == 2:
        picked = [data[0], data[1], (data[0] + data[1]) / 2]
    else:
        picked = [data[0]] * 3
    out = np.empty((3, *data.shape[1:]), np.float32)
    for i, band in enumerate(picked):
        finite = band[np.isfinite(band)]
        if finite.size == 0:
            out[i] = 0
            continue
        spread = max(float(finite.std()) * SPREAD, 1e-9)
        scaled = 0.5 + (band - float(finite.mean())) / spread
        out[i] = np.nan_to_num(np.clip(scaled, 0, 1), nan=0.0)
    return out
