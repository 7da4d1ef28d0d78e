"""Geometry helpers: area and perimeter in a local metric CRS, RFC 7946 normalisation.

Area and perimeter are computed in the UTM zone of each field's centroid (WGS 84 / UTM,
EPSG 326xx north, 327xx south). Within a zone the UTM scale factor lies between 0.9996 and
about 1.0004 at Nepal's latitudes, so areas are within about 0.1 % of the ellipsoidal value.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer

from labels.model import Geometry

GEOJSON_DECIMALS = 7  # RFC 7946 section 11.2: about 1 cm in longitude / latitude


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS 84 / UTM zone holding ``(lon, lat)``."""
    zone = int(np.clip(np.floor((lon + 180.0) / 6.0) + 1, 1, 60))
    return (32600 if lat >= 0 else 32700) + zone


@lru_cache(maxsize=64)
def _to_utm(epsg: int) -> Transformer:
    return Transformer.from_crs(4326, epsg, always_xy=True)


def _project(geoms: np.ndarray, epsg: int) -> np.ndarray:
    transformer = _to_utm(epsg)

    def forward(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    projected: np.ndarray = shapely.transform(geoms, forward)
    return projected


def measure_many(geoms: Sequence[Geometry]) -> tuple[np.ndarray, np.ndarray]:
    """Areas in hectares and perimeters in metres (holes included) of lon/lat geometries."""
    arr = np.asarray(geoms, dtype=object)
    area = np.full(len(arr), np.nan)
    perimeter = np.full(len(arr), np.nan)
    if len(arr) == 0:
        return area, perimeter
    centroids = shapely.get_coordinates(shapely.centroid(arr))
    if len(centroids) != len(arr):  # an empty geometry has no centroid
        raise ValueError("cannot measure an empty geometry")
    epsgs = np.array([utm_epsg(x, y) for x, y in centroids])
    for epsg in np.unique(epsgs):
        idx = np.flatnonzero(epsgs == epsg)
        projected = _project(arr[idx], int(epsg))
        area[idx] = shapely.area(projected) / 10_000.0
        perimeter[idx] = shapely.length(projected)
    return area, perimeter


def measure(geom: Geometry) -> tuple[float, float]:
    """``(area_ha, perimeter_m)`` of one lon/lat polygon or multipolygon."""
    area, perimeter = measure_many([geom])
    return float(area[0]), float(perimeter[0])


def to_rfc7946(geom: Geometry, decimals: int = GEOJSON_DECIMALS) -> Geometry:
    """Round to ``decimals`` and orient rings: outer counter-clockwise, holes clockwise."""
    rounded = shapely.transform(geom, lambda xy: np.round(xy, decimals))
    return shapely.orient_polygons(rounded, exterior_cw=False)


def geometry_to_geojson(geom: Geometry, decimals: int = GEOJSON_DECIMALS) -> dict[str, Any]:
    """An RFC 7946 GeoJSON geometry object (lists, rounded, right-hand rule)."""
    oriented = to_rfc7946(geom, decimals)

    def rings(poly: shapely.Polygon) -> list[list[list[float]]]:
        return [shapely.get_coordinates(ring).tolist() for ring in (poly.exterior, *poly.interiors)]

    if isinstance(oriented, shapely.MultiPolygon):
        return {"type": "MultiPolygon", "coordinates": [rings(p) for p in oriented.geoms]}
    return {"type": "Polygon", "coordinates": rings(oriented)}


def is_ccw_ring(coords: Sequence[Sequence[float]]) -> bool:
    """True when a closed ring of ``[x, y]`` positions runs counter-clockwise (shoelace)."""
    xy = np.asarray(coords, dtype=float)
    x, y = xy[:, 0], xy[:, 1]
    return float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1])) > 0


def share_inside(geom: Geometry, area: Geometry) -> float:
    """The share of ``geom``'s area that lies inside ``area`` (0 for an empty ``geom``), in
    their own coordinates: enough to tell which of two neighbours holds most of it."""
    total = geom.area
    return geom.intersection(area).area / total if total > 0 else 0.0
