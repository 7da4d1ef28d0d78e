"""Validation of field geometries: each problem becomes a ``Finding`` saying what and where.

Severity ``error`` blocks saving (the geometry is broken or cannot be a field); ``warning``
is shown to the volunteer and the reviewer but the label may be saved.
"""

from __future__ import annotations

import math
import os
import re
import reprlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from labels.errors import LabelError
from labels.geometry import measure
from labels.model import Geometry

Severity = Literal["error", "warning"]

MAX_FIELD_HA_ENV = "SHARPFIELDS_MAX_FIELD_HA"
DEFAULT_MAX_FIELD_HA = 100.0  # why 100 ha: docs/labels.md, "Largest field"


@dataclass(frozen=True, slots=True)
class Finding:
    """One validation result: a code for programs, a message for people, maybe a place."""

    code: str
    severity: Severity
    message: str
    location: tuple[float, float] | None = None  # (lon, lat)

    def about(self, subject: str) -> Finding:
        """The same finding with ``subject`` (e.g. ``feature 3``) in front of the message."""
        return replace(self, message=f"{subject}: {self.message}")


@dataclass(frozen=True, slots=True)
class Rules:
    """Thresholds of the checks (defaults suit hand-drawn fields on Sentinel-2)."""

    min_area_m2: float = 400.0  # Fields of The World guideline; error below
    min_polsby_popper: float = 0.05  # 4*pi*A/P^2; a 60:1 strip is ~0.05; warning below
    max_overlap_fraction: float = 0.05  # of the smaller field; warning above
    max_outside_fraction: float = 0.01  # of the field outside the footprint; warning above
    max_vertices: int = 5000  # error above: no one draws that by hand
    max_area_ha: float | None = None  # error above; None: max_field_ha() (the environment)


DEFAULT_RULES = Rules()


def max_field_ha() -> float:
    """The largest area one field may cover, in hectares: $SHARPFIELDS_MAX_FIELD_HA or 100.

    Read at every check, so a changed setting applies without a restart; a value that is
    not a positive number raises ``LabelError`` saying so (nothing is saved meanwhile).
    """
    raw = os.environ.get(MAX_FIELD_HA_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_FIELD_HA
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise LabelError(
            f"the setting {MAX_FIELD_HA_ENV}={raw!r} is not a positive number of hectares; "
            f"fix it (or unset it for the default of {DEFAULT_MAX_FIELD_HA:g} ha)"
        )
    return value


def format_hectares(value: float) -> str:
    """Hectares for people: thousands separated, one decimal below 1,000 ha ('2.5', '100,471')."""
    return f"{value:,.0f}" if value >= 1000 else f"{value:,.1f}".removesuffix(".0")


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding blocks saving."""
    return any(f.severity == "error" for f in findings)


def _at(lon: float, lat: float) -> str:
    return f"at lon {lon:.7f}, lat {lat:.7f}"


def _err(code: str, message: str, location: tuple[float, float] | None = None) -> Finding:
    return Finding(code, "error", message, location)


def _warn(code: str, message: str, location: tuple[float, float] | None = None) -> Finding:
    return Finding(code, "warning", message, location)


# --- raw GeoJSON geometry objects -------------------------------------------------------


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict = 3, 4, 4
_SHORT.maxstring = _SHORT.maxother = _SHORT.maxlong = 40


def short_repr(value: Any) -> str:
    """A short, bounded repr of untrusted data for a message (nesting and length cut)."""
    return _SHORT.repr(value)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _is_finite(v: int | float) -> bool:
    try:
        return math.isfinite(v)
    except OverflowError:  # an integer too large for a float
        return False


def _ring_findings(ring: Any, where: str) -> list[Finding]:
    if not isinstance(ring, list):
        return [_err("malformed", f"{where} is not a list of positions")]
    for i, pos in enumerate(ring):
        if not (isinstance(pos, list) and len(pos) in (2, 3) and all(map(_is_number, pos))):
            got = short_repr(pos)
            return [_err("malformed", f"{where}, position {i}: expected [lon, lat], got {got}")]
        if not all(map(_is_finite, pos)):
            return [
                _err(
                    "non-finite",
                    f"{where}, position {i}: {short_repr(pos)} is not a place; coordinates "
                    "must be finite numbers (not NaN or Infinity)",
                )
            ]
    if len(ring) < 4:
        return [
            _err(
                "too-few-points",
                f"{where} has {len(ring)} positions; a ring needs at least 4 "
                "(3 distinct points and the closing one)",
            )
        ]
    if ring[0][:2] != ring[-1][:2]:
        return [
            _err(
                "ring-not-closed",
                f"{where} is not closed: first position {ring[0][:2]} differs from the last "
                f"{ring[-1][:2]}",
            )
        ]
    return []


def _polygon_findings(rings: Any, where: str) -> list[Finding]:
    if not isinstance(rings, list) or not rings:
        subject = where.rstrip(", ") or "the polygon"
        return [_err("malformed", f"{subject} must be a non-empty list of rings")]
    findings: list[Finding] = []
    for r, ring in enumerate(rings):
        findings += _ring_findings(ring, f"{where}ring {r}" if where else f"ring {r}")
    return findings


def parse_geojson_geometry(obj: Any) -> tuple[Geometry | None, list[Finding]]:
    """Check the structure of a GeoJSON geometry object and build the shapely geometry.

    Returns ``(None, findings)`` when the object cannot be a Polygon / MultiPolygon.
    """
    if not isinstance(obj, dict):
        return None, [_err("malformed", f"geometry is not a JSON object: {short_repr(obj)}")]
    gtype = obj.get("type")
    coords = obj.get("coordinates")
    if gtype not in ("Polygon", "MultiPolygon"):
        return None, [
            _err(
                "geometry-type",
                f"geometry type {short_repr(gtype)} is not supported; a field must be a Polygon or "
                "MultiPolygon",
            )
        ]
    polys: list[Any]  # each a polygon's rings
    if gtype == "Polygon":
        findings = _polygon_findings(coords, "")
        polys = [coords] if not findings else []
    else:
        if not isinstance(coords, list) or not coords:
            return None, [_err("malformed", "MultiPolygon coordinates must be a non-empty list")]
        findings = []
        for p, rings in enumerate(coords):
            findings += _polygon_findings(rings, f"polygon {p}, ")
        polys = coords if not findings else []
    if findings:
        return None, findings
    shells = [
        Polygon([pt[:2] for pt in rings[0]], [[pt[:2] for pt in h] for h in rings[1:]])
        for rings in polys
    ]
    geom: Geometry = shells[0] if gtype == "Polygon" else MultiPolygon(shells)
    return geom, []


# --- shapely geometries -----------------------------------------------------------------


def _coordinate_findings(geom: Geometry) -> list[Finding]:
    xy = shapely.get_coordinates(geom)
    bad = ~np.isfinite(xy).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        return [
            _err(
                "non-finite",
                f"coordinate {i} is not a finite number ({xy[i, 0]}, {xy[i, 1]}); "
                f"{int(bad.sum())} such coordinate(s) in all",
            )
        ]
    lon_bad = np.abs(xy[:, 0]) > 180
    lat_bad = np.abs(xy[:, 1]) > 90
    if lat_bad.any() and not (np.abs(xy[:, 0]) > 90).any():
        i = int(np.flatnonzero(lat_bad)[0])
        return [
            _err(
                "lat-lon-swapped",
                f"latitude out of range at coordinate {i} ({xy[i, 0]}, {xy[i, 1]}); the "
                "coordinates look like [lat, lon], GeoJSON wants [lon, lat]",
            )
        ]
    if lon_bad.any() or lat_bad.any():
        i = int(np.flatnonzero(lon_bad | lat_bad)[0])
        return [
            _err(
                "out-of-range",
                f"coordinate {i} ({xy[i, 0]}, {xy[i, 1]}) is outside lon -180..180 / "
                "lat -90..90; is the file in WGS 84 lon/lat?",
            )
        ]
    return []


def _ring_point_findings(geom: Geometry, rules: Rules) -> list[Finding]:
    n = int(shapely.get_num_coordinates(geom))
    if n > rules.max_vertices:
        return [
            _err(
                "too-many-vertices",
                f"{n} vertices, more than the {rules.max_vertices} allowed for a hand-drawn "
                "field; simplify it",
            )
        ]
    findings: list[Finding] = []
    polys = geom.geoms if isinstance(geom, MultiPolygon) else [geom]
    for p, poly in enumerate(polys):
        for r, ring in enumerate([poly.exterior, *poly.interiors]):
            distinct = len({tuple(c) for c in shapely.get_coordinates(ring).tolist()})
            if distinct < 3:
                where = f"polygon {p}, ring {r}" if isinstance(geom, MultiPolygon) else f"ring {r}"
                x, y = ring.coords[0]
                findings.append(
                    _err(
                        "too-few-points",
                        f"{where} has {distinct} distinct point(s) {_at(x, y)}; "
                        "at least 3 are needed",
                        (x, y),
                    )
                )
    return findings


_REASON_AT = re.compile(r"^(?P<what>[^\[]+)\[(?P<x>\S+) (?P<y>[^\]]+)\]")


def _validity_findings(geom: Geometry) -> list[Finding]:
    if shapely.is_valid(geom):
        return []
    reason = shapely.is_valid_reason(geom)
    m = _REASON_AT.match(reason)
    location = None
    text = reason
    if m:
        location = (float(m["x"]), float(m["y"]))
        text = f"{m['what'].strip().lower()} {_at(*location)}"
    return [
        _err(
            "invalid-geometry",
            f"invalid polygon: {text}; repair it with labels.validate.repair() "
            "(shapely make_valid) and check the result",
            location,
        )
    ]


def _size_findings(geom: Geometry, area_ha: float, rules: Rules) -> list[Finding]:
    """An error when the outline covers more than one field can (a whole scene, a region)."""
    limit = rules.max_area_ha if rules.max_area_ha is not None else max_field_ha()
    if area_ha <= limit:
        return []
    c = geom.centroid
    return [
        _err(
            "too-large",
            f"This outline covers {format_hectares(area_ha)} ha; a field can be at most "
            f"{format_hectares(limit)} ha. Draw one field at a time.",
            (c.x, c.y),
        )
    ]


def _shape_findings(geom: Geometry, area_ha: float, perimeter_m: float, rules: Rules) -> list:
    findings: list[Finding] = []
    area_m2 = area_ha * 10_000.0
    c = geom.centroid
    if area_m2 < rules.min_area_m2:
        findings.append(
            _err(
                "too-small",
                f"area {area_m2:.0f} m² is below the minimum of {rules.min_area_m2:.0f} m² "
                f"(field {_at(c.x, c.y)})",
                (c.x, c.y),
            )
        )
    pp = 4 * math.pi * area_m2 / perimeter_m**2 if perimeter_m > 0 else 0.0
    if pp < rules.min_polsby_popper:
        findings.append(
            _warn(
                "sliver",
                f"sliver: thinness (Polsby-Popper) {pp:.3f} is below {rules.min_polsby_popper} "
                f"(field {_at(c.x, c.y)}); is it really one field?",
                (c.x, c.y),
            )
        )
    return findings


def _footprint_findings(geom: Geometry, footprint: Geometry, rules: Rules) -> list[Finding]:
    if not geom.intersects(footprint):
        swapped = shapely.transform(geom, lambda xy: xy[:, ::-1])
        if swapped.intersects(footprint):
            return [
                _err(
                    "lat-lon-swapped",
                    "the field lies outside the scene but falls inside it with lon and lat "
                    "swapped; GeoJSON wants [lon, lat]",
                )
            ]
        c = geom.centroid
        return [
            _err(
                "outside-footprint",
                f"the field ({_at(c.x, c.y)}) lies entirely outside the scene footprint",
                (c.x, c.y),
            )
        ]
    outside = geom.difference(footprint)
    fraction = outside.area / geom.area if geom.area else 0.0
    if fraction > rules.max_outside_fraction:
        c = outside.representative_point()
        return [
            _warn(
                "partly-outside-footprint",
                f"{fraction:.0%} of the field lies outside the scene footprint "
                f"(e.g. {_at(c.x, c.y)})",
                (c.x, c.y),
            )
        ]
    return []


def _overlap_findings(
    geom: Geometry, others: Iterable[tuple[str, Geometry]], rules: Rules
) -> list[Finding]:
    findings: list[Finding] = []
    for other_id, other in others:
        if not geom.intersects(other) or not other.is_valid:
            continue
        inter = geom.intersection(other)
        smaller = min(geom.area, other.area)
        fraction = inter.area / smaller if smaller else 0.0
        if fraction > rules.max_overlap_fraction:
            c = inter.representative_point()
            findings.append(
                _warn(
                    "overlap",
                    f"overlaps field {other_id} by {fraction:.0%} of the smaller field "
                    f"({_at(c.x, c.y)})",
                    (c.x, c.y),
                )
            )
    return findings


def check_geometry(
    geom: Any,
    *,
    footprint: Geometry | None = None,
    others: Iterable[tuple[str, Geometry]] = (),
    rules: Rules = DEFAULT_RULES,
) -> tuple[list[Finding], tuple[float, float] | None]:
    """Findings and ``(area_ha, perimeter_m)`` (None when the geometry cannot be measured).

    ``footprint``: the scene's lon/lat footprint; ``others``: ``(id, geometry)`` of the other
    fields of the same scene (for overlaps). Later checks are skipped when an earlier one
    makes them meaningless.
    """
    if not isinstance(geom, Polygon | MultiPolygon):
        kind = getattr(geom, "geom_type", type(geom).__name__)
        return [
            _err("geometry-type", f"a field must be a Polygon or MultiPolygon, not {kind}")
        ], None
    if geom.is_empty:
        return [_err("empty", "the geometry is empty")], None
    findings = (
        _coordinate_findings(geom) or _ring_point_findings(geom, rules) or _validity_findings(geom)
    )
    if findings:
        return findings, None
    area_ha, perimeter_m = measure(geom)
    if footprint is not None:
        findings += _footprint_findings(geom, footprint, rules)
        if has_errors(findings):
            return findings, (area_ha, perimeter_m)
    too_large = _size_findings(geom, area_ha, rules)
    if too_large:  # one outline over many fields: overlaps and shape say nothing more
        return findings + too_large, (area_ha, perimeter_m)
    findings += _shape_findings(geom, area_ha, perimeter_m, rules)
    findings += _overlap_findings(geom, others, rules)
    return findings, (area_ha, perimeter_m)


def validate_geometry(geom: Any, **kwargs: Any) -> list[Finding]:
    """All findings for one lon/lat field geometry (keywords as ``check_geometry``)."""
    return check_geometry(geom, **kwargs)[0]


def validate_geojson_geometry(obj: Any, **kwargs: Any) -> tuple[Geometry | None, list[Finding]]:
    """Structure checks then ``validate_geometry``; ``(geometry or None, findings)``."""
    geom, findings = parse_geojson_geometry(obj)
    if geom is None:
        return None, findings
    return geom, validate_geometry(geom, **kwargs)


def repair(geom: Geometry) -> Geometry | None:
    """A valid version of ``geom`` (shapely ``make_valid``, polygonal parts kept), or None.

    Never applied automatically: show the result to the volunteer before saving it.
    """
    fixed = shapely.make_valid(geom)
    parts: Sequence[Any] = getattr(fixed, "geoms", [fixed])
    polys: list[Polygon] = []
    for part in parts:
        if isinstance(part, Polygon) and not part.is_empty:
            polys.append(part)
        elif isinstance(part, MultiPolygon):
            polys.extend(part.geoms)
    if not polys:
        return None
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)
