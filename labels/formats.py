"""The label file formats: which one a file name means, and the GeoPackage layer's name."""

from __future__ import annotations

from pathlib import Path

from labels.errors import FormatError

GPKG_LAYER = "fields"
GEOJSON_SUFFIXES = (".geojson", ".json")


def file_kind(path: Path) -> str:
    """``geojson`` or ``gpkg`` from the file name, else ``FormatError``."""
    suffix = Path(path).suffix.lower()
    if suffix in GEOJSON_SUFFIXES:
        return "geojson"
    if suffix == ".gpkg":
        return "gpkg"
    raise FormatError(f"{path}: unknown file type {suffix!r}; use .geojson or .gpkg")
