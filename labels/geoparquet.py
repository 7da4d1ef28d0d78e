"""fiboa 0.3 GeoParquet (GeoParquet 1.1) files of labels: typed columns with fiboa's
nullability, WKB geometry, and the ``geo`` and Vecorel ``collection`` metadata."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from labels.errors import FormatError
from labels.fiboa import (
    FIBOA_TYPES,
    PREFIX,
    PROJECT_TYPES,
    REQUIRED,
    collection_metadata,
    fiboa_properties,
)
from labels.fsutil import atomic_write
from labels.geojson import ExtraProperties, extra_names
from labels.model import Label

GEOPARQUET_VERSION = "1.1.0"

_ARROW_TYPES = {
    "string": pa.string(),
    "float": pa.float32(),
    "uint32": pa.uint32(),
    "date-time": pa.timestamp("ms", tz="UTC"),
}


@dataclass(frozen=True)
class _Column:
    name: str
    type: pa.DataType

    def field(self) -> pa.Field:
        return pa.field(self.name, self.type, nullable=self.name not in REQUIRED)


def _columns() -> list[_Column]:
    typed = {**FIBOA_TYPES, **{PREFIX + k: t for k, t in PROJECT_TYPES.items()}}
    return [
        _Column("id", pa.string()),
        _Column("collection", pa.string()),
        *(_Column(name, _ARROW_TYPES[t]) for name, t in typed.items()),
    ]


def _arrow_value(value: Any, column: _Column) -> Any:
    """``value`` as pyarrow takes it: ISO 8601 UTC text becomes a datetime (to the ms)."""
    if value is None or not pa.types.is_timestamp(column.type):
        return value
    when = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    return when.replace(microsecond=when.microsecond // 1000 * 1000)


def _geo_metadata(geoms: list[Any]) -> dict[str, Any]:
    """GeoParquet's ``geo`` metadata; no ``crs`` member means OGC:CRS84 (lon/lat)."""
    column: dict[str, Any] = {
        "encoding": "WKB",
        "geometry_types": sorted({g.geom_type for g in geoms}),
    }
    if geoms:
        column["bbox"] = [float(v) for v in shapely.total_bounds(geoms)]
    return {
        "version": GEOPARQUET_VERSION,
        "primary_column": "geometry",
        "columns": {"geometry": column},
    }


def labels_to_arrow(labels: Iterable[Label], extra: ExtraProperties | None = None) -> pa.Table:
    """A fiboa 0.3 GeoParquet table: typed columns (fiboa's nullability), WKB geometry, and
    the ``geo`` and ``collection`` metadata; ``extra`` properties per label id become
    nullable ``sharpfields:`` columns after the others (types as pyarrow infers them)."""
    columns = _columns()
    values: dict[str, list[Any]] = {c.name: [] for c in columns}
    geoms = []
    ids = []
    for label in labels:
        props = {"id": label.id, **fiboa_properties(label)}
        for column in columns:
            values[column.name].append(_arrow_value(props.get(column.name), column))
        geoms.append(label.geometry)
        ids.append(label.id)
    arrays = [pa.array(values[c.name], c.type) for c in columns]
    fields = [c.field() for c in columns]
    extras = extra or {}
    for name in extra_names(extras):
        column = pa.array([extras.get(i, {}).get(name) for i in ids])
        arrays.append(column)
        fields.append(pa.field(PREFIX + name, column.type, nullable=True))
    arrays.append(pa.array(shapely.to_wkb(geoms, byte_order=1) if geoms else [], pa.binary()))
    fields.append(pa.field("geometry", pa.binary(), nullable=False))
    metadata = {
        b"geo": json.dumps(_geo_metadata(geoms)).encode(),
        b"collection": json.dumps(collection_metadata()).encode(),
    }
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=metadata))


def write_geoparquet(
    labels: Iterable[Label], path: Path, extra: ExtraProperties | None = None
) -> int:
    """Write a fiboa 0.3 GeoParquet file (zstd), atomically; returns the count."""
    table = labels_to_arrow(labels, extra)
    with atomic_write(Path(path), "wb") as fh:
        pq.write_table(table, fh, compression="zstd")
    return int(table.num_rows)


def read_geoparquet(path: Path) -> list[tuple[Any, dict[str, Any]]]:
    """``(geometry or None, properties)`` of every row of a GeoParquet file, in lon/lat;
    ``FormatError`` when it is not one."""
    import geopandas as gpd

    try:
        frame = gpd.read_parquet(path)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise FormatError(f"{path}: cannot be read as a GeoParquet file: {exc}") from None
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    names = [c for c in frame.columns if c != frame.geometry.name]
    records = frame[names].to_dict("records")
    return list(zip(frame.geometry, records, strict=True))
