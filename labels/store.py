"""Opening a label store: SQLite in a folder (the default) or PostgreSQL + PostGIS at a URL.

The protocol and the logic both backends share are in :mod:`labels.base_store`; the
backends in :mod:`labels.sqlite_store` and :mod:`labels.postgis_store`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from labels.base_store import DATABASE_URL_ENV, SNAPSHOT_DIR, BaseLabelStore
from labels.postgis_store import PostGISLabelStore
from labels.sqlite_store import SQLiteLabelStore


def is_database_url(target: str | os.PathLike[str]) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) URL."""
    return str(target).startswith(("postgresql://", "postgres://"))


def open_store(target: str | os.PathLike[str], **options: Any) -> BaseLabelStore:
    """Open (creating when missing) the label store at ``target``: a folder (SQLite) or a
    ``postgresql://user@host:port/db`` URL (PostGIS)."""
    if is_database_url(target):
        return PostGISLabelStore(str(target), **options)
    return SQLiteLabelStore(target, **options)


def open_configured_store(folder: str | os.PathLike[str], **options: Any) -> BaseLabelStore:
    """The app's store: PostGIS when ``SHARPFIELDS_DATABASE_URL`` is set (snapshots for QGIS
    still go to ``folder``), else SQLite in ``folder``; snapshots are built in a separate
    process."""
    options.setdefault("snapshot_process", True)  # keep the server's saves quick
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return open_store(url, snapshot_dir=Path(folder) / SNAPSHOT_DIR, **options)
    return open_store(folder, **options)
