"""The label file formats: which one a file name means, and the GeoPackage layer's name."""

from __future__ import annotations

from pathlib import Path

from labels.errors import FormatError

GPKG_LAYER = "fields"
GEOJSON_SUFFIXES = (".geojson", ".json")
FIBOA_SUFFIXES = (".fiboa.geojson", ".fiboa.json")
PARQUET_SUFFIXES = (".parquet", ".geoparquet")


def file_kind(path: Path) -> str:
    """``fiboa`` (fiboa 0.3 GeoJSON, ``NAME.fiboa.json``), ``geojson``, ``gpkg`` or
    ``parquet`` (fiboa 0.3 GeoParquet) from the file name, else ``FormatError``."""
    name = Path(path).name.lower()
    suffix = Path(path).suffix.lower()
    if name.endswith(FIBOA_SUFFIXES):
        return "fiboa"
    if suffix in GEOJSON_SUFFIXES:
        return "geojson"
    if suffix == ".gpkg":
        return "gpkg"
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    raise FormatError(
        f"{path}: unknown file type {suffix!r}; use .geojson or .gpkg "
        "(or for fiboa 0.3: .fiboa.json or .parquet)"
    )
