"""Sentinel-2 L2A pixels on one scale across processing baselines.

From processing baseline 04.00 (products made from 25 January 2022, and every product of
the Collection-1 reprocessing) ESA adds 1000 to every L2A value: reflectance =
(DN − 1000) / 10000 instead of DN / 10000 (``BOA_ADD_OFFSET``). Left in, a field's NDVI
reads low (dense crops about 0.5 instead of 0.8) and a season stacked across the change
jumps where nothing grew. Catalogues say so in the assets' ``raster:bands`` (scale 0.0001,
offset −0.1), but not reliably: Earth Search's ``sentinel-2-l2a`` COGs have the offset
taken out already while many of their items still declare it (Element84/earth-search #66,
#71), and its ``sentinel-2-c1-l2a`` keeps it in. So the pixels decide:

- the catalogue's offset (``raster:bands``, else 1000 for a ``s2:processing_baseline`` of
  04.00 or later with no ``raster:bands`` offset) says how much may have been added;
- it is taken out only where the pixels bear it out: the darkest 1 % of the area's valid
  pixels in each of red, green and blue at or above it. Farmland has vegetation and shadow
  far darker than 1000 (0.1 reflectance) in blue, so pixels without the offset fail this by
  a wide margin and pixels with it pass; only an area all cloud or snow could fool it, and
  such an area is refused for mapping anyway.

The stored COG then holds reflectance × 10000 on every date (0 stays nodata; values the
offset would take below 1 become 1), and its tags say what was taken out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pystac

from sr.imagery.baseline_offset import BASELINE_OFFSET_DN, bears_offset

OFFSET_BASELINE = 4.0  # the first processing baseline that adds it
MAX_DN = 65535  # the largest value a fetched (uint16) band holds


def _scaling(item: pystac.Item, asset: str = "red") -> dict[str, object]:
    """The asset's first ``raster:bands`` entry (empty when the catalogue gives none)."""
    entry = item.assets.get(asset)
    bands = entry.extra_fields.get("raster:bands") if entry is not None else None
    first = bands[0] if isinstance(bands, list) and bands else {}
    return first if isinstance(first, dict) else {}


def _baseline(item: pystac.Item) -> float | None:
    """The item's ``s2:processing_baseline`` (e.g. "05.10") as a number, when it has one."""
    try:
        return float(item.properties.get("s2:processing_baseline"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def declared_offset_dn(item: pystac.Item) -> int:
    """How much the catalogue says was added to the item's values (0: nothing)."""
    scaling = _scaling(item)
    scale, offset = scaling.get("scale"), scaling.get("offset")
    if isinstance(offset, int | float) and isinstance(scale, int | float) and scale > 0:
        added = -offset / scale  # a catalogue's numbers: not finite, or past uint16, is none
        return round(added) if math.isfinite(added) and 0 < added <= MAX_DN else 0
    baseline = _baseline(item)
    return BASELINE_OFFSET_DN if baseline is not None and baseline >= OFFSET_BASELINE else 0


def without_offset(bands: np.ndarray, items: Sequence[pystac.Item]) -> tuple[np.ndarray, int]:
    """``bands`` (uint16, one pass's red, green, blue, NIR) with the baseline offset taken
    out where the catalogue declares one and the pixels bear it out; and how much was taken
    out (0: the pixels as delivered)."""
    offset = max((declared_offset_dn(item) for item in items), default=0)
    if not bears_offset(bands, offset):
        return bands, 0
    out = np.where(bands == 0, 0, np.maximum(bands.astype(np.int32) - offset, 1))
    return out.astype(bands.dtype), offset


def reflectance_tags(item: pystac.Item, removed: Sequence[int]) -> dict[str, str]:
    """The COG's tags on its values: ``REFLECTANCE_SCALE`` (the catalogue's) and
    ``REFLECTANCE_OFFSET`` 0 (the stored values × the scale are reflectance, on every date),
    ``CATALOGUE_REFLECTANCE_OFFSET`` (what the catalogue declared, for the record) and
    ``OFFSET_REMOVED_DN``: what was taken out of each date (";" between dates)."""
    scaling = _scaling(item)
    tags = {"OFFSET_REMOVED_DN": ";".join(str(n) for n in removed)}
    scale, offset = scaling.get("scale"), scaling.get("offset")
    if isinstance(scale, int | float):
        tags |= {"REFLECTANCE_SCALE": str(scale), "REFLECTANCE_OFFSET": "0"}
    if isinstance(offset, int | float):
        tags["CATALOGUE_REFLECTANCE_OFFSET"] = str(offset)
    return tags
