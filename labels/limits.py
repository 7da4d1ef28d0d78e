"""Bounds on untrusted label files: what is read at all, how big, how deeply nested.

A label file comes from anyone (a volunteer's QGIS, a partner's export, an attacker), so
it is checked before it is parsed: a regular file (not a device or a pipe), at most
``$SHARPFIELDS_MAX_IMPORT_MB`` (default 32 MB), JSON nested at most ``MAX_JSON_DEPTH``
levels. Each refusal is a ``FormatError`` with one plain line saying what to do.
"""

from __future__ import annotations

import math
import os
import re
import stat
from pathlib import Path

import numpy as np

from labels.errors import FormatError

MAX_IMPORT_MB_ENV = "SHARPFIELDS_MAX_IMPORT_MB"
DEFAULT_MAX_IMPORT_MB = 32.0  # ~31,000 fields as exported; ~540 MiB to parse (bench/)
MAX_JSON_DEPTH = 32  # a GeoJSON FeatureCollection of MultiPolygons needs 7 levels
MAX_TEXT_CHARS = 1000  # any one text property (crop, names, comments, ids)

# A JSON string: quotes around anything but quotes and backslashes, or escaped characters.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = np.zeros(256, dtype=np.int8)
_STEP[list(b"[{")] = 1
_STEP[list(b"]}")] = -1
_CHUNK = 1 << 20


def max_import_bytes() -> int:
    """The largest label file read, in bytes ($SHARPFIELDS_MAX_IMPORT_MB, default 32)."""
    raw = os.environ.get(MAX_IMPORT_MB_ENV, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MAX_IMPORT_MB
    except ValueError:
        mb = math.nan
    if not (math.isfinite(mb) and mb > 0):
        raise FormatError(
            f"the setting {MAX_IMPORT_MB_ENV}={raw!r} is not a positive number of megabytes"
        )
    return int(mb * 1_000_000)


def _size(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def check_input_file(path: Path) -> int:
    """The size of ``path`` once it is known to be a regular file within the size limit."""
    try:
        info = Path(path).stat()
    except FileNotFoundError:
        raise FormatError(f"{path}: no such file") from None
    except OSError as exc:
        raise FormatError(f"{path}: cannot be read: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise FormatError(f"{path}: not a regular file; give a .geojson or .gpkg file")
    limit = max_import_bytes()
    if info.st_size > limit:
        raise FormatError(
            f"{path}: {_size(info.st_size)} is larger than the {_size(limit)} a label file may "
            f"have; split it (or raise {MAX_IMPORT_MB_ENV})"
        )
    return info.st_size


def read_bounded(path: Path) -> bytes:
    """The bytes of a checked input file, never more than the limit (it may grow meanwhile)."""
    check_input_file(path)
    limit = max_import_bytes()
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise FormatError(f"{path}: cannot be read: {exc.strerror}") from None
    if len(data) > limit:
        raise FormatError(f"{path}: grew beyond {_size(limit)} while being read")
    return data


def json_depth(data: bytes, stop_above: int | None = None) -> int:
    """How deeply the arrays and objects of a JSON text nest (strings ignored), no recursion.

    With ``stop_above``, returns as soon as the depth exceeds it (a depth above it, not
    necessarily the deepest): memory and time stay small for hostile input.
    """
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    steps = _STEP[np.frombuffer(brackets, dtype=np.uint8)]
    depth = deepest = 0
    for start in range(0, len(steps), _CHUNK):
        running = np.cumsum(steps[start : start + _CHUNK], dtype=np.int64) + depth
        deepest = max(deepest, int(running.max()))
        depth = int(running[-1])
        if stop_above is not None and deepest > stop_above:
            break
    return deepest


def check_json_depth(data: bytes, path: Path) -> None:
    """``FormatError`` when the JSON nests deeper than any GeoJSON needs."""
    if json_depth(data, stop_above=MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise FormatError(
            f"{path}: JSON nested more than {MAX_JSON_DEPTH} levels deep (GeoJSON needs 7), "
            "so this is not a label file"
        )
