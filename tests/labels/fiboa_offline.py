"""Run fiboa-cli's validator (``fiboa validate``) with the schemas it would download served
from tests/labels/fiboa_schemas/ (see its README), so the tests need no network."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import referencing
import referencing.jsonschema
import yaml

SCHEMAS = Path(__file__).with_name("fiboa_schemas")
URLS = {
    "https://vecorel.org/specification/v0.1.0/schema.yaml": (
        "vecorel-specification-v0.1.0-schema.yaml"
    ),
    "https://vecorel.org/specification/v0.1.0/geojson/datatypes.json": (
        "vecorel-specification-v0.1.0-geojson-datatypes.json"
    ),
    "https://fiboa.org/specification/v0.3.0/schema.yaml": "fiboa-specification-v0.3.0-schema.yaml",
    "https://fiboa.org/crop-extension/v0.2.0/schema.yaml": (
        "fiboa-crop-extension-v0.2.0-schema.yaml"
    ),
    "https://geojson.org/schema/Geometry.json": "geojson-schema-Geometry.json",
    "https://geojson.org/schema/Feature.json": "geojson-schema-Feature.json",
    "https://geojson.org/schema/FeatureCollection.json": "geojson-schema-FeatureCollection.json",
    "https://geoparquet.org/releases/v1.1.0/schema.json": "geoparquet-v1.1.0-schema.json",
}


def _load(name: str) -> Any:
    text = (SCHEMAS / name).read_text(encoding="utf-8")
    return yaml.safe_load(text) if name.endswith(".yaml") else json.loads(text)


def _retrieve(uri: str) -> referencing.Resource:
    if uri not in URLS:
        raise LookupError(f"{uri} is not vendored in {SCHEMAS} (the test runs offline)")
    return referencing.Resource.from_contents(
        _load(URLS[uri]), default_specification=referencing.jsonschema.DRAFT202012
    )


@contextlib.contextmanager
def offline_schemas() -> Iterator[None]:
    """fiboa-cli's file cache and JSON Schema registry filled from the vendored files."""
    from vecorel_cli.validate_schema import ValidateSchema
    from vecorel_cli.vecorel import util

    saved_cache = dict(util.file_cache)
    saved_retrieve = ValidateSchema.__dict__["retrieve_remote_schema"]
    util.file_cache.update({url: _load(name) for url, name in URLS.items()})
    ValidateSchema.retrieve_remote_schema = staticmethod(_retrieve)  # type: ignore[method-assign]
    try:
        yield
    finally:
        util.file_cache.clear()
        util.file_cache.update(saved_cache)
        ValidateSchema.retrieve_remote_schema = saved_retrieve  # type: ignore[method-assign]


def fiboa_validate(path: Path) -> tuple[bool, list[str], list[str]]:
    """``(valid, errors, warnings)`` from fiboa-cli's ``validate`` command, every feature."""
    import fiboa_cli.registry  # noqa: F401  (makes the fiboa registry the CLI's)
    from fiboa_cli.validate import ValidateData

    with offline_schemas():
        result = ValidateData().validate(path, num=None)
    return result.is_valid(), [str(e) for e in result.errors], [str(w) for w in result.warnings]
