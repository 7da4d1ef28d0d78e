"""GeoJSON (RFC 7946) encoding of labels: features out, features in, with clear findings."""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import shapely

from labels.errors import FormatError
from labels.fiboa import PREFIX as FIBOA_PREFIX
from labels.fiboa import collection_metadata, from_fiboa, to_fiboa_feature
from labels.fsutil import atomic_write
from labels.geometry import geometry_to_geojson
from labels.limits import MAX_TEXT_CHARS, check_json_depth, read_bounded
from labels.model import PROPERTY_NAMES, Geometry, Label, Status, View
from labels.validate import Finding, parse_geojson_geometry, short_repr

WGS84_NAMES = {
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "EPSG:4326",
    "urn:ogc:def:crs:EPSG::4326",
}


# Optional properties to add to the exported features, per label id.
ExtraProperties = Mapping[str, Mapping[str, Any]]


def extra_names(extra: ExtraProperties | None) -> list[str]:
    """Every optional property name in ``extra``, once each, in the order first seen (the
    optional columns of a table export)."""
    return list(dict.fromkeys(name for values in (extra or {}).values() for name in values))


def label_to_feature(label: Label) -> dict[str, Any]:
    """An RFC 7946 Feature: lon/lat, 7 decimals, outer rings counter-clockwise."""
    props = label.properties()
    if props["area"] is not None:
        props["area"] = round(props["area"], 6)
    if props["perimeter"] is not None:
        props["perimeter"] = round(props["perimeter"], 3)
    return {
        "type": "Feature",
        "id": label.id,
        "geometry": geometry_to_geojson(label.geometry),
        "properties": props,
    }


def write_features(
    labels: Iterable[Label],
    fh: IO[str],
    to_feature: Callable[[Label], dict[str, Any]] = label_to_feature,
    members: Mapping[str, Any] | None = None,
    extra: ExtraProperties | None = None,
) -> int:
    """Stream a FeatureCollection (with ``members`` at its top level) to ``fh`` one feature
    at a time; returns the count. ``extra``: optional properties per label id (e.g. the
    season profile, sr.imagery.profile), added under the names given."""
    head = json.dumps({"type": "FeatureCollection", **(members or {})})
    fh.write(head[:-1] + ', "features": [\n')
    n = 0
    for label in labels:
        if n:
            fh.write(",\n")
        feature = to_feature(label)
        feature["properties"].update((extra or {}).get(label.id, {}))
        fh.write(json.dumps(feature, ensure_ascii=False, allow_nan=False))
        n += 1
    fh.write("\n]}\n")
    return n


def write_geojson(labels: Iterable[Label], path: Path, extra: ExtraProperties | None = None) -> int:
    """Write ``labels`` to ``path`` atomically (temp file, fsync, rename); returns the count."""
    with atomic_write(Path(path)) as fh:
        return write_features(labels, fh, extra=extra)


def write_fiboa_geojson(
    labels: Iterable[Label], path: Path, extra: ExtraProperties | None = None
) -> int:
    """Write a fiboa 0.3 GeoJSON FeatureCollection (``labels.fiboa``), atomically; ``extra``
    properties go under the ``sharpfields:`` prefix as the project's own."""
    with atomic_write(Path(path)) as fh:
        return write_features(labels, fh, to_fiboa_feature, collection_metadata(), prefixed(extra))


def prefixed(extra: ExtraProperties | None) -> ExtraProperties:
    """``extra`` with every property name under the project's ``sharpfields:`` prefix."""
    return {
        label_id: {FIBOA_PREFIX + name: value for name, value in values.items()}
        for label_id, values in (extra or {}).items()
    }


def _check_crs(doc: Mapping[str, Any], path: Path) -> None:
    crs = doc.get("crs")
    if crs is None:
        return
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    if not (isinstance(name, str) and name in WGS84_NAMES):
        declared = name if isinstance(name, str) else short_repr(crs)
        raise FormatError(
            f"{path}: the file declares the CRS {declared[:200]}; GeoJSON (RFC 7946) "
            "must be in WGS 84 lon/lat. Reproject it (e.g. ogr2ogr -t_srs EPSG:4326) or use a "
            "GeoPackage."
        )


def _parse_json(data: bytes, path: Path) -> Any:
    """The JSON document in ``data``; ``FormatError`` saying where when it is not JSON."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not UTF-8 text (byte {exc.start}); is it GeoJSON?") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        doc = None  # the depth check below says how deep
    except ValueError:  # the one other refusal: an integer of thousands of digits
        raise FormatError(f"{path}: a number in it has thousands of digits; not GeoJSON") from None
    check_json_depth(data, path)
    return doc


def read_geojson_features(path: Path) -> list[Any]:
    """The features of a GeoJSON FeatureCollection (or single Feature) file, unchecked.

    Raises ``FormatError`` with the place of the problem when the file is not GeoJSON, is
    larger than the limit or nests deeper than GeoJSON does (``labels.limits``).
    """
    path = Path(path)
    doc = _parse_json(read_bounded(path), path)
    if not isinstance(doc, dict):
        raise FormatError(f"{path}: the top level is not a JSON object (GeoJSON needs one)")
    _check_crs(doc, path)
    if doc.get("type") == "Feature":
        return [doc]
    if doc.get("type") != "FeatureCollection":
        raise FormatError(
            f"{path}: top-level type is {short_repr(doc.get('type'))}; expected 'FeatureCollection'"
        )
    features = doc.get("features")
    if not isinstance(features, list):
        raise FormatError(f"{path}: 'features' is missing or not a list")
    return features


def _clean(value: Any) -> Any:
    """Plain Python values from table cells (numpy numbers, NaN / NaT, timestamps)."""
    if value is None:
        return None
    if isinstance(value, datetime):  # pandas Timestamps too
        if value != value:  # NaT
            return None
        return iso_utc(value)
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def iso_utc(value: datetime) -> str:
    """``2024-03-01T04:55:31Z`` (fractions of a second only when there are some); a time
    without a zone is taken as UTC."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    text = value.replace(tzinfo=None).isoformat()
    return f"{text}Z"


def content_id(props: Mapping[str, Any], geometry: Geometry) -> str:
    """A UUID derived from a feature's content, so importing a file twice adds it once."""
    key = json.dumps(props, sort_keys=True, default=str) + shapely.to_wkb(geometry, hex=True)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "sharpfields-label:" + key))


_NUMBER_PROPERTIES = {PROPERTY_NAMES["area_ha"], PROPERTY_NAMES["perimeter_m"]}
_ENUM_PROPERTIES = {PROPERTY_NAMES["status"]: Status, PROPERTY_NAMES["view"]: View}


def _property_findings(props: Mapping[str, Any], where: str) -> list[Finding]:
    """Errors for label properties of the wrong type or size (others are ignored)."""
    findings: list[Finding] = []

    def bad(name: str, problem: str) -> None:
        message = f"{where}: {name} {short_repr(props[name])} {problem}"
        findings.append(Finding("bad-property", "error", message))

    for name in set(PROPERTY_NAMES.values()) & set(props):
        value = props[name]
        if value is None:
            continue
        if name == "version":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                bad(name, "is not a whole number")
        elif name in _NUMBER_PROPERTIES:
            if isinstance(value, bool) or not isinstance(value, int | float):
                bad(name, "is not a number")
        elif name == "id" and isinstance(value, int) and not isinstance(value, bool):
            continue
        elif not isinstance(value, str):
            bad(name, "is not text")
        elif len(value) > MAX_TEXT_CHARS:
            bad(name, f"is longer than {MAX_TEXT_CHARS} characters")
        elif name in _ENUM_PROPERTIES and value not in {e.value for e in _ENUM_PROPERTIES[name]}:
            bad(name, f"is not one of {', '.join(e.value for e in _ENUM_PROPERTIES[name])}")
    return sorted(findings, key=lambda f: f.message)


def properties_to_label(
    props: Mapping[str, Any] | None, geometry: Geometry, where: str, **overrides: Any
) -> tuple[Label | None, list[Finding]]:
    """A Label from export-named properties; findings name ``where`` on any bad value."""
    if props is None:
        props = {}
    if not isinstance(props, Mapping):
        return None, [Finding("malformed", "error", f"{where}: 'properties' is not an object")]
    props = from_fiboa({k: _clean(v) for k, v in props.items()})
    if "crop:name" not in props and "crop" in props:
        props["crop:name"] = props["crop"]
    findings = _property_findings(props, where)
    if not (overrides.get("crop") or props.get("crop:name")):
        findings.append(Finding("missing-property", "error", f"{where}: no 'crop:name' value"))
    if findings:
        return None, findings
    props = {"scene_id": "", "annotator": "", **props}
    if props.get("id") is None:
        props["id"] = content_id(props, geometry)
    return Label.from_properties(props, geometry, **overrides), []


def feature_to_label(
    feature: Any, where: str, **overrides: Any
) -> tuple[Label | None, list[Finding]]:
    """Check one GeoJSON Feature object and turn it into a Label (without validation rules)."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        kind = feature.get("type") if isinstance(feature, dict) else type(feature).__name__
        message = f"{where}: not a GeoJSON Feature ({short_repr(kind)})"
        return None, [Finding("malformed", "error", message)]
    if feature.get("geometry") is None:
        return None, [Finding("malformed", "error", f"{where}: the feature has no geometry")]
    geom, findings = parse_geojson_geometry(feature["geometry"])
    if geom is None:
        return None, [f.about(where) for f in findings]
    props = feature.get("properties")
    if isinstance(props, dict) and "id" not in props and feature.get("id") is not None:
        props = {**props, "id": feature["id"]}
    return properties_to_label(props, geom, where, **overrides)
