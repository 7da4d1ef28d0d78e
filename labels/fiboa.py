"""fiboa 0.3 encoding of labels (Vecorel 0.1 core, the fiboa 0.3 schema, the crop extension):
GeoJSON and GeoParquet out, and the 0.3 names back to the store's on the way in.

A label becomes a feature of the collection ``sharpfields`` with the fiboa 0.3 properties
(``metrics:area`` in m², ``metrics:perimeter`` in m, ``determination:datetime``,
``determination:method``), the crop extension (``crop:code``, ``crop:name``,
``crop:code_list``) and every other field of the label under the ``sharpfields:`` prefix,
declared in the file's ``schemas:custom``. A value the label does not have is left out
(fiboa forbids nulls where a property has a type). See docs/labels.md, "fiboa 0.3".
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from labels.geometry import geometry_to_geojson
from labels.model import DEFAULT_CROPS, PROPERTY_NAMES, Label

COLLECTION = "sharpfields"
PREFIX = "sharpfields:"
VECOREL_SCHEMA = "https://vecorel.org/specification/v0.1.0/schema.yaml"
FIBOA_SCHEMA = "https://fiboa.org/specification/v0.3.0/schema.yaml"
CROP_SCHEMA = "https://fiboa.org/crop-extension/v0.2.0/schema.yaml"
SCHEMAS = [VECOREL_SCHEMA, FIBOA_SCHEMA, CROP_SCHEMA]

CODE_LIST_FILE = Path(__file__).with_name("code_lists") / "crop_codes.csv"
CODE_LIST_ENV = "SHARPFIELDS_CROP_CODE_LIST"  # where a deployment publishes the CSV (a URL)
CODE_LIST_DEFAULT = "labels/code_lists/crop_codes.csv"  # the file's place in this repository

# The label's own fields that fiboa has no name for, with their Vecorel data types.
PROJECT_TYPES: dict[str, str] = {
    "status": "string",
    "annotator": "string",
    "reviewer": "string",
    "review_comment": "string",
    "scene_id": "string",
    "view": "string",
    "enhancement": "string",
    "model_version": "string",
    "consistency": "string",
    "drawing": "string",
    "assist_version": "string",
    "task_id": "string",
    "dates_seen": "string",
    "created": "date-time",
    "updated": "date-time",
    "updated_by": "string",
    "version": "uint32",
}
FIBOA_TYPES: dict[str, str] = {
    "metrics:area": "float",
    "metrics:perimeter": "float",
    "determination:datetime": "date-time",
    "determination:method": "string",
    "crop:code": "string",
    "crop:name": "string",
    "crop:code_list": "string",
}
REQUIRED = ("id", "collection", "geometry", "crop:code", "crop:code_list")


def code_list_uri() -> str:
    """The ``crop:code_list`` value: ``SHARPFIELDS_CROP_CODE_LIST`` or the file in the repo."""
    return os.environ.get(CODE_LIST_ENV, "").strip() or CODE_LIST_DEFAULT


def crop_code(crop: str) -> str:
    """The crop's code in the published code list: the crop list's own (English) name."""
    return crop


def write_code_list(path: Path, crops: Iterable[str] = DEFAULT_CROPS) -> None:
    """Write the code list CSV (``original_code,original_name,translated_name``)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["original_code", "original_name", "translated_name"])
        writer.writerows([crop_code(crop), crop, crop] for crop in crops)


def collection_metadata() -> dict[str, Any]:
    """The collection part of a fiboa file: its schemas and the project's custom schema."""
    return {
        "schemas": {COLLECTION: list(SCHEMAS)},
        "schemas:custom": {
            "properties": {PREFIX + name: {"type": t} for name, t in PROJECT_TYPES.items()}
        },
    }


def fiboa_properties(label: Label) -> dict[str, Any]:
    """The label's fiboa 0.3 feature properties, without ``id`` and the geometry; no nulls."""
    props: dict[str, Any] = {
        "collection": COLLECTION,
        "crop:code": crop_code(label.crop),
        "crop:name": label.crop,
        "crop:code_list": code_list_uri(),
        "determination:method": label.properties()["determination_method"],
    }
    if label.area_ha is not None:
        props["metrics:area"] = round(label.area_ha * 10_000, 2)
    if label.perimeter_m is not None:
        props["metrics:perimeter"] = round(label.perimeter_m, 3)
    if label.determination_datetime is not None:
        props["determination:datetime"] = label.determination_datetime
    own = label.properties()
    for name in PROJECT_TYPES:
        if own.get(name) is not None:
            props[PREFIX + name] = own[name]
    return props


def to_fiboa_feature(label: Label) -> dict[str, Any]:
    """A fiboa 0.3 GeoJSON Feature (RFC 7946 geometry, 7 decimals)."""
    return {
        "type": "Feature",
        "id": label.id,
        "geometry": geometry_to_geojson(label.geometry),
        "properties": fiboa_properties(label),
    }


# --- fiboa names in --------------------------------------------------------------------

_FROM_FIBOA = {
    "determination:datetime": PROPERTY_NAMES["determination_datetime"],
    "metrics:perimeter": PROPERTY_NAMES["perimeter_m"],
}
_DROPPED = {"collection", "crop:code_list", "determination:method", "crop:code"}


def from_fiboa(props: Mapping[str, Any]) -> dict[str, Any]:
    """Properties with fiboa 0.3 names (and ``sharpfields:`` ones) under the store's export
    names; other properties are kept as they are (fiboa 0.2 files read unchanged)."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        if key.startswith(PREFIX):
            out.setdefault(key[len(PREFIX) :], value)
        elif key == "metrics:area":
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            out[PROPERTY_NAMES["area_ha"]] = value / 10_000 if is_number else value
        elif key in _FROM_FIBOA:
            out[_FROM_FIBOA[key]] = value
        elif key not in _DROPPED:
            out[key] = value
    if "crop:name" not in out and props.get("crop:code") is not None:
        out["crop:name"] = props["crop:code"]  # the code list's codes are the crop names
    return out
