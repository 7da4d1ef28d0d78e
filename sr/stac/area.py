"""The area to fetch imagery for: parsed from a bbox or GeoJSON, checked against a size limit."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from pyproj import Geod
from shapely.geometry import box, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

# FTW's CLI refuses areas over 10,000 km²; sharpfields reads the area at 10 m into memory
# (4 bands × 2 bytes × 10⁴ px per km²), so its default is smaller: 2,500 km² ≈ 200 MB.
DEFAULT_MAX_AREA_KM2 = 2500.0
_GEOD = Geod(ellps="WGS84")
_POLYGONS = ("Polygon", "MultiPolygon")


class AreaError(ValueError):
    """An area that cannot be used; the message says why in plain words."""


@dataclass(frozen=True)
class Area:
    """A lon/lat (EPSG:4326) polygon to fetch imagery for."""

    geometry: BaseGeometry

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees."""
        west, south, east, north = self.geometry.bounds
        return (west, south, east, north)

    @property
    def km2(self) -> float:
        """Area on the WGS84 ellipsoid, in km²."""
        area, _ = _GEOD.geometry_area_perimeter(self.geometry)
        return abs(area) / 1e6

    def geojson(self) -> dict[str, object]:
        return dict(mapping(self.geometry))


def area_from_bbox(west: float, south: float, east: float, north: float) -> Area:
    """An area from four lon/lat numbers, checked for order and range."""
    values = (west, south, east, north)
    if not all(math.isfinite(v) for v in values):
        raise AreaError("The box needs four finite numbers: west, south, east, north.")
    if not (-180 <= west < east <= 180):
        raise AreaError(
            f"West ({west}) must be less than east ({east}), both between -180 and 180 degrees."
        )
    if not (-90 <= south < north <= 90):
        raise AreaError(
            f"South ({south}) must be less than north ({north}), both between -90 and 90 degrees."
        )
    return Area(box(west, south, east, north))


def area_from_geojson(text: str) -> Area:
    """An area from GeoJSON text: a (Multi)Polygon, a Feature or a FeatureCollection."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AreaError(f"This is not valid GeoJSON ({exc.msg}, line {exc.lineno}).") from exc
    if not isinstance(data, dict):
        raise AreaError("GeoJSON must be an object with a 'type'.")
    kind = data.get("type")
    if kind == "FeatureCollection":
        geometries = [f.get("geometry") for f in data.get("features") or [] if isinstance(f, dict)]
    elif kind == "Feature":
        geometries = [data.get("geometry")]
    else:
        geometries = [data]
    shapes = []
    for geometry in geometries:
        polygonal = isinstance(geometry, dict) and geometry.get("type") in _POLYGONS
        if not polygonal:
            raise AreaError("The GeoJSON must contain polygons (the outline of the area).")
        try:
            shapes.append(shape(geometry))
        except (ValueError, TypeError, IndexError, KeyError) as exc:
            raise AreaError(f"A polygon in the GeoJSON is malformed: {exc}.") from exc
    if not shapes:
        raise AreaError("The GeoJSON has no polygon.")
    geometry = unary_union(shapes)
    if geometry.is_empty or not geometry.is_valid or geometry.area == 0:
        raise AreaError("The GeoJSON polygon is empty or crosses itself.")
    west, south, east, north = geometry.bounds
    area_from_bbox(west, south, east, north)  # range checks
    return Area(geometry)


def parse_area(text: str) -> Area:
    """'W,S,E,N' (commas or spaces) or GeoJSON text → an Area."""
    text = text.strip()
    if text.startswith("{"):
        return area_from_geojson(text)
    parts = text.replace(",", " ").split()
    try:
        values = [float(v) for v in parts]
    except ValueError:
        values = []
    if len(values) != 4:
        raise AreaError(
            "Give the area as four numbers W, S, E, N in degrees (e.g. 84.40, 27.55, 84.50, "
            "27.65) or paste GeoJSON."
        )
    return area_from_bbox(*values)


def check_area_size(area: Area, max_km2: float = DEFAULT_MAX_AREA_KM2) -> None:
    """Refuse an area over ``max_km2`` with the reason."""
    if area.km2 > max_km2:
        raise AreaError(
            f"The area is {area.km2:,.0f} km², more than the {max_km2:,.0f} km² that can be "
            "fetched at once (it is read at 10 m into memory). Split it into smaller areas."
        )
