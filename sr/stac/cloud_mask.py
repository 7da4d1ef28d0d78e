"""A time stack's clouds left out: on each date, the pixels Sentinel-2's scene
classification (SCL) calls cloud (medium or high probability), cloud shadow or thin cirrus
become nodata (0) in every band of that date.

A season is read by how a field's NDVI changes from date to date, and the least cloudy scene
of a month in the monsoon can still hide part of the area: a cloud's NDVI is near 0 and a
shadow's is noise, so a field under either would show a drop that looks like a harvest or a
flood. Left out, the date shows a gap there and the field's season profile reads only its
clear pixels (none: no value for that date, not a wrong one). The SCL is read at its own
20 m onto the stack's 10 m grid (nearest, ``sr.stac.search.scene_classes``), as the cloud
ranking reads it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sr.stac.search import CLOUD_CLASSES

CLOUD_MASK_TAG = "CLOUD_MASK"
MASKED_TAG = "CLOUD_MASKED_PERCENT"
#: the value of :data:`CLOUD_MASK_TAG`: what was left out, and how
CLOUD_MASK_TEXT = f"SCL {', '.join(map(str, CLOUD_CLASSES))} set to nodata (0) on their date"


def without_clouds(bands: np.ndarray, scl: np.ndarray) -> tuple[np.ndarray, float]:
    """``bands`` (one date's, bands × rows × cols) with the pixels ``scl`` calls cloud,
    shadow or cirrus set to 0; and the share of the date's valid pixels so left out."""
    valid = np.any(bands != 0, axis=0)
    cloudy = valid & np.isin(scl, CLOUD_CLASSES)
    out = np.where(cloudy, 0, bands).astype(bands.dtype)
    return out, float(cloudy.sum() / valid.sum()) if valid.any() else 0.0


def masked_tag(shares: Sequence[float]) -> str:
    """The value of :data:`MASKED_TAG`: each date's share left out (0–1), in per cent, one
    decimal, ``;`` between dates."""
    return ";".join(f"{share * 100:.1f}" for share in shares)


def masked_percents(tags: Mapping[str, str]) -> list[float]:
    """Each date's per cent left out as cloud, read from a scene's :data:`MASKED_TAG` (parts
    that are not numbers are skipped; none without the tag)."""
    percents = []
    for part in tags.get(MASKED_TAG, "").split(";"):
        try:
            percents.append(float(part))
        except ValueError:
            continue
    return percents
