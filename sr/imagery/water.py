"""Open water under an outline, from the scene's own pixels: McFeeters' NDWI on each date.

NDWI = (green − NIR) / (green + NIR) is above 0 on open water, which absorbs near-infrared,
and below it on crops and soil, which reflect it (McFeeters 1996, "The use of the Normalized
Difference Water Index (NDWI) in the delineation of open water features"). An outline is
water on a date when at least :data:`WATER_SHARE` of its pixels are; it *looks like water*
when it is on every date that could tell (a date without NIR, or without a valid pixel under
the outline, cannot). The check reads the original scene, not a sharpened view: its 10 m
pixels are what every sharpened result averages back to.

:func:`water_share` is the arithmetic on bands already read (tested on constructed values),
:func:`water_check` applies it to each date of an image in memory (the CLI's), and
:func:`water_checks` reads the scene once for many lon/lat outlines (the app's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from sr.imagery.bands import BandRoles
from sr.imagery.profile import MAX_FIELD_PIXELS, field_mask
from sr.imagery.scene import Scene, read_area
from sr.imagery.scene_errors import SceneError

WATER_NDWI = 0.0  # McFeeters' threshold: above it, a pixel is open water
WATER_SHARE = 0.5  # an outline is water on a date when at least this share of it is


@dataclass(frozen=True)
class WaterCheck:
    """The share of an outline's pixels that are open water on each date of the scene
    (None: that date cannot tell)."""

    shares: tuple[float | None, ...]

    @property
    def known(self) -> tuple[float, ...]:
        return tuple(s for s in self.shares if s is not None)

    def water_on(self, share: float = WATER_SHARE, dates: slice = slice(None)) -> bool:
        """Water (at least ``share`` of it) on every one of ``dates`` that could tell, and at
        least one could."""
        known = [s for s in self.shares[dates] if s is not None]
        return bool(known) and all(s >= share for s in known)

    @property
    def looks_like_water(self) -> bool:
        """Water on every date that could tell, at the shipped :data:`WATER_SHARE`."""
        return self.water_on()


def water_share(
    green: np.ndarray, nir: np.ndarray, inside: np.ndarray, nodata: float | None = None
) -> float | None:
    """The share of the valid pixels ``inside`` (a mask) whose NDWI is above
    :data:`WATER_NDWI`; None without a valid pixel (nodata, 0 in both bands, not finite)."""
    g = green.astype(np.float64)
    n = nir.astype(np.float64)
    valid = inside & np.isfinite(g) & np.isfinite(n) & ((g != 0) | (n != 0))
    if nodata is not None:
        valid &= (g != nodata) & (n != nodata)
    if not valid.any():
        return None
    gv, nv = g[valid], n[valid]
    total = gv + nv
    ndwi = np.divide(gv - nv, total, out=np.zeros_like(gv), where=total != 0)
    return float((ndwi > WATER_NDWI).mean())


GreenNir = tuple[np.ndarray, np.ndarray]  # one date's green and near-infrared band


def water_check(
    dates: Sequence[GreenNir | None], inside: np.ndarray, nodata: float | None = None
) -> WaterCheck:
    """The water check of the pixels ``inside`` (a mask) on each date's green and NIR bands
    (None: a date without NIR, which cannot tell)."""
    return WaterCheck(
        tuple(None if bands is None else water_share(*bands, inside, nodata) for bands in dates)
    )


def can_check_water(scene: Scene) -> bool:
    """Whether any date of the scene has a near-infrared band."""
    return any(date.bands.nir is not None for date in scene.dates)


def _green_nir(scene: Scene, array: np.ndarray, bands: BandRoles) -> GreenNir:
    """One date's green and NIR as the quantities the file declares (:meth:`Scene.as_declared`);
    nodata and 0 kept as stored, so that :func:`water_share` still leaves them out."""
    assert bands.nir is not None
    pair = (bands.green, bands.nir)
    stored = np.stack([array[b - 1] for b in pair])
    missing = (stored == 0) | (stored == scene.nodata if scene.nodata is not None else False)
    declared = np.where(missing, stored, scene.as_declared(pair, stored))
    return declared[0], declared[1]


def water_checks(scene: Scene, outlines: Sequence[BaseGeometry]) -> list[WaterCheck]:
    """The water check of each lon/lat outline on ``scene``, read once over all of them; every
    share None where the scene has no NIR, or the outlines lie off it or are too large."""
    unknown = WaterCheck((None,) * len(scene.dates))
    if not outlines or not can_check_water(scene):
        return [unknown] * len(outlines)
    bounds = unary_union(list(outlines)).bounds
    try:
        area = read_area(scene, bounds, max_pixels=MAX_FIELD_PIXELS, action="a water check")
    except SceneError:  # off the scene, or an area too large to read for a caution
        return [unknown] * len(outlines)
    dates = [
        None if date.bands.nir is None else _green_nir(scene, area.array, date.bands)
        for date in scene.dates
    ]
    return [
        water_check(
            dates, field_mask(o, area.array.shape[1:], area.transform, area.crs), area.nodata
        )
        for o in outlines
    ]
