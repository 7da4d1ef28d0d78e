"""Export: a store's labels (or any labels) as a GeoJSON (RFC 7946) or GeoPackage file."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd

from labels.formats import GPKG_LAYER, file_kind
from labels.fsutil import replace_with
from labels.geojson import ExtraProperties, write_geojson
from labels.model import PROPERTY_NAMES, Geometry, Label
from labels.store import LabelFilter, LabelStore


def labels_to_frame(
    labels: Iterable[Label], extra: ExtraProperties | None = None
) -> gpd.GeoDataFrame:
    """A GeoDataFrame (EPSG:4326) with one row per label and the export property names,
    then the optional ``extra`` properties per label id as more columns."""
    rows: list[dict[str, Any]] = []
    geoms: list[Geometry] = []
    extras = extra or {}
    for label in labels:
        rows.append({**label.properties(), **extras.get(label.id, {})})
        geoms.append(label.geometry)
    optional = dict.fromkeys(name for values in extras.values() for name in values)
    columns = [*PROPERTY_NAMES.values(), "determination_method", *optional]
    return gpd.GeoDataFrame(rows, columns=columns, geometry=geoms, crs="EPSG:4326")


def write_gpkg(labels: Iterable[Label], path: Path, extra: ExtraProperties | None = None) -> int:
    """Write ``labels`` as a GeoPackage layer ``fields``, atomically; returns the count."""
    path = Path(path)
    frame = labels_to_frame(labels, extra)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.gpkg")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        frame.to_file(tmp, layer=GPKG_LAYER, driver="GPKG", engine="pyogrio")
    except OSError:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    replace_with(tmp, path)
    return len(frame)


def write_labels(labels: Iterable[Label], out: Path, extra: ExtraProperties | None = None) -> int:
    """Write ``labels`` to ``out`` (.geojson or .gpkg, from its name); returns the count.
    ``extra``: optional properties per label id (the season profile: ui.season_export)."""
    out = Path(out)
    if file_kind(out) == "gpkg":
        return write_gpkg(labels, out, extra)
    return write_geojson(labels, out, extra)


def export(store: LabelStore, out: Path, flt: LabelFilter | None = None) -> int:
    """Export the store's labels matching ``flt`` to ``out`` (.geojson or .gpkg)."""
    return write_labels(store.query(flt), out)
