"""A field's season profile: the mean NDVI and the mean of its four bands on each date.

Crops differ over a season (sown weeks apart, flooded, harvested), so a field's NDVI across
the dates, beside its neighbours', helps a volunteer and a reviewer judge the crop.
:func:`profile_of_pixels` is the arithmetic on a stack already read (tested on constructed
values); :func:`field_profile` reads a field's pixels from a scene. Means are of the values as
stored (e.g. reflectance × 10000), NDVI the mean of the per-pixel NDVI of the quantities the
file declares (GDAL's band scale and offset, where it has them); pixels that are
nodata (or 0 in every band of the date) are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from affine import Affine
from rasterio.crs import CRS
from rasterio.features import geometry_mask
from rasterio.warp import transform_geom
from shapely.geometry.base import BaseGeometry

from sr.imagery.band_layout import SceneDate
from sr.imagery.render import ndvi
from sr.imagery.scene import WGS84, Scene, read_area
from sr.imagery.scene_errors import OutsideSceneError

MAX_FIELD_PIXELS = 1024 * 1024  # a field larger than this (100 km² at 10 m) is not profiled
BANDS = ("red", "green", "blue", "nir")


@dataclass(frozen=True)
class DateMeans:
    """One date of a field's profile; None where the date has no valid pixel (or no NIR)."""

    date: str
    when: str | None
    pixels: int
    ndvi: float | None
    red: float | None
    green: float | None
    blue: float | None
    nir: float | None


def profile_of_pixels(
    stack: np.ndarray,
    inside: np.ndarray,
    dates: Sequence[SceneDate],
    nodata: float | None = None,
    as_declared: Callable[[tuple[int, ...], np.ndarray], np.ndarray] | None = None,
) -> list[DateMeans]:
    """Per-date means of ``stack`` (all the scene's bands, rows, cols) over ``inside`` (a
    rows × cols mask); ``dates`` say which bands (1-based) belong to each date. NDVI is of
    the quantities the file declares (``as_declared``: :meth:`Scene.as_declared`), the band
    means of the values as stored."""
    profile = []
    for date in dates:
        roles = date.bands
        indexes = {"red": roles.red, "green": roles.green, "blue": roles.blue, "nir": roles.nir}
        values = {
            name: stack[index - 1].astype(np.float64)
            for name, index in indexes.items()
            if index is not None
        }
        bands = np.stack(list(values.values()))
        valid = inside & np.any(bands != 0, axis=0) & np.all(np.isfinite(bands), axis=0)
        if nodata is not None:
            valid &= np.all(bands != nodata, axis=0)
        count = int(valid.sum())

        def mean(array: np.ndarray, count: int = count, valid: np.ndarray = valid) -> float | None:
            return float(array[valid].mean()) if count else None

        means = {name: mean(values[name]) if name in values else None for name in BANDS}
        index = None
        if roles.nir is not None:
            red, nir = values["red"], values["nir"]
            if as_declared is not None:
                red, nir = as_declared((roles.red, roles.nir), np.stack([red, nir]))
            index = mean(ndvi(red, nir))
        profile.append(DateMeans(date.label, date.when, count, index, **means))
    return profile


def field_profile(scene: Scene, geometry: BaseGeometry) -> list[DateMeans]:
    """The profile of a lon/lat field on ``scene`` (OutsideSceneError when they do not meet)."""
    area = read_area(scene, geometry.bounds, max_pixels=MAX_FIELD_PIXELS, action="a season profile")
    inside = field_mask(geometry, area.array.shape[1:], area.transform, area.crs)
    if not inside.any():
        raise OutsideSceneError("The field is smaller than one pixel of the scene.")
    return profile_of_pixels(area.array, inside, scene.dates, area.nodata, scene.as_declared)


def field_mask(
    geometry: BaseGeometry, shape: tuple[int, ...], transform: Affine, crs: CRS
) -> np.ndarray:
    """True at the pixels whose centres lie in the lon/lat ``geometry`` (every pixel it
    touches, for a field thinner than a pixel)."""
    native = transform_geom(WGS84, crs, geometry.__geo_interface__)
    return pixels_inside(native, shape, transform)


def pixels_inside(
    geometry: BaseGeometry | dict[str, Any], shape: tuple[int, ...], transform: Affine
) -> np.ndarray:
    """True at the pixels whose centres lie in ``geometry`` (in the grid's own coordinates:
    ``transform`` maps column, row to them), or at every pixel it touches when it covers no
    pixel centre."""
    rows, cols = shape[0], shape[1]
    for all_touched in (False, True):
        outside = geometry_mask(
            [geometry], out_shape=(rows, cols), transform=transform, all_touched=all_touched
        )
        if (~outside).any():
            break
    inside: np.ndarray = ~outside
    return inside


def season_properties(profile: Sequence[DateMeans]) -> dict[str, float | str | None]:
    """Export columns of a profile: ``season_dates`` and per date N (1, 2 …) ``ndvi_dN``
    and the four band means ``red_dN`` … (rounded), optional columns of the export."""
    props: dict[str, float | str | None] = {"season_dates": ", ".join(m.date for m in profile)}
    for number, means in enumerate(profile, 1):
        props[f"ndvi_d{number}"] = None if means.ndvi is None else round(means.ndvi, 4)
        for band in BANDS:
            value = getattr(means, band)
            props[f"{band}_d{number}"] = None if value is None else round(value, 1)
    return props
