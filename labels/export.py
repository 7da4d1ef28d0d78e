"""Export: a store's labels (or any labels) as a GeoJSON (RFC 7946), GeoPackage or fiboa 0.3
(GeoJSON, GeoParquet) file."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from labels.base_store import LabelFilter, LabelStore
from labels.errors import StoreError
from labels.formats import GPKG_LAYER, file_kind
from labels.fsutil import replace_with
from labels.geojson import ExtraProperties, extra_names, write_fiboa_geojson, write_geojson
from labels.geoparquet import write_geoparquet
from labels.gpkg_style import add_crop_style
from labels.model import PROPERTY_NAMES, Geometry, Label

EXPORT_MODE_ENV = "SHARPFIELDS_EXPORT_MODE"
DEFAULT_EXPORT_MODE = 0o644
TIME_COLUMNS = (
    PROPERTY_NAMES["determination_datetime"],
    PROPERTY_NAMES["created_at"],
    PROPERTY_NAMES["updated_at"],
)


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
    columns = [*PROPERTY_NAMES.values(), "determination_method", *extra_names(extra)]
    frame = gpd.GeoDataFrame(rows, columns=columns, geometry=geoms, crs="EPSG:4326")
    for column in TIME_COLUMNS:  # real date-times (GeoPackage DATETIME: to the millisecond)
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame


def write_gpkg(
    labels: Iterable[Label],
    path: Path,
    extra: ExtraProperties | None = None,
    more_layers: Mapping[str, gpd.GeoDataFrame] | None = None,
) -> int:
    """Write ``labels`` as a GeoPackage layer ``fields`` (with the ``extra`` columns, and
    ``more_layers`` beside it), atomically; returns the count of labels."""
    path = Path(path)
    frame = labels_to_frame(labels, extra)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.gpkg")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        frame.to_file(tmp, layer=GPKG_LAYER, driver="GPKG", engine="pyogrio")
        for layer, more in (more_layers or {}).items():
            more.to_file(tmp, layer=layer, driver="GPKG", engine="pyogrio", mode="a")
        add_crop_style(tmp, GPKG_LAYER)
    except OSError:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    replace_with(tmp, path)
    return len(frame)


Writer = Callable[[Iterable[Label], Path, ExtraProperties | None], int]
WRITERS: dict[str, Writer] = {
    "geojson": write_geojson,
    "fiboa": write_fiboa_geojson,
    "gpkg": write_gpkg,
    "parquet": write_geoparquet,
}


def export_mode() -> int:
    """The permissions of an export file: ``SHARPFIELDS_EXPORT_MODE`` (octal, e.g. ``640``),
    else 0644: readable by the group and others, who download or copy exports, while the
    store's own files stay private."""
    text = os.environ.get(EXPORT_MODE_ENV, "").strip()
    if not text:
        return DEFAULT_EXPORT_MODE
    try:
        mode = int(text, 8)
    except ValueError:
        mode = -1
    if not 0 <= mode <= 0o777:
        raise StoreError(f"{EXPORT_MODE_ENV}={text!r} is not a file mode such as 644 or 640")
    return mode


def write_labels(labels: Iterable[Label], out: Path, extra: ExtraProperties | None = None) -> int:
    """Write ``labels`` to ``out`` in the format its name says (``labels.formats``: .geojson,
    .fiboa.json, .gpkg, .parquet), with the export permissions; returns the count.
    ``extra``: optional properties per label id (the season profile: ui.season_export)."""
    out = Path(out)
    mode = export_mode()
    count = WRITERS[file_kind(out)](labels, out, extra)
    os.chmod(out, mode)
    return count


def export(store: LabelStore, out: Path, flt: LabelFilter | None = None) -> int:
    """Export the store's labels matching ``flt`` to ``out`` (any format of ``write_labels``)."""
    return write_labels(store.query(flt), out)
