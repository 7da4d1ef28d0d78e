"""When a scene's imagery was taken, from its file's tags (exports' ``determination_datetime``).

Scenes fetched by ``sr.stac.search`` carry ``DATETIME`` (the STAC item's, ISO 8601); the Landsat
sample carries ``ACQUISITION_DATE``; other producers write ``DATE_ACQUIRED``,
``SENSING_TIME`` or ``PRODUCT_START_TIME``. TIFF's own ``TIFFTAG_DATETIME`` is when the
*file* was written, so it is never taken for the imagery's date. A file without any of
these (or with one that is not a date) has no acquisition date: None, never a guess.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from sr.imagery.raster_guard import open_raster

#: the tags that name the imagery's date, most specific first
ACQUISITION_TAGS = (
    "DATETIME",
    "ACQUISITION_DATE",
    "DATE_ACQUIRED",
    "SENSING_TIME",
    "PRODUCT_START_TIME",
)


def acquisition_datetime(path: str | os.PathLike[str]) -> str | None:
    """The imagery's acquisition time as RFC 3339 UTC (``2020-05-18T00:00:00Z`` for a tag
    that gives only the date), or None when the file's tags do not say."""
    real = Path(path).resolve()
    return _from_tags(str(real), real.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _from_tags(path: str, mtime_ns: int) -> str | None:
    """The date read once per file version (``mtime_ns`` keys the cache)."""
    with open_raster(path) as ds:
        tags = ds.tags()
    for name in ACQUISITION_TAGS:
        value = parse_acquisition(tags.get(name, ""))
        if value is not None:
            return value
    return None


def parse_acquisition(text: str) -> str | None:
    """An ISO 8601 date or date-time as RFC 3339 UTC with a ``Z``; None when it is not one.

    A date alone is midnight of that day; a time without a zone is taken as UTC (satellite
    metadata is in UTC)."""
    text = text.strip()
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")
