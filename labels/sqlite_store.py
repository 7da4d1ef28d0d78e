"""The SQLite backend of the label store: one folder, ``labels.sqlite`` in WAL mode.

Each save is one ``BEGIN IMMEDIATE`` transaction, so concurrent writers from many processes
queue on SQLite's lock; an R*-tree of bounding boxes finds a new field's neighbours.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from labels.base_store import COLUMNS, SNAPSHOT_DIR, BaseLabelStore, column_sql
from labels.campaign_store import SQLITE_SCHEMA as CAMPAIGN_SCHEMA
from labels.errors import LabelError, StoreError, StoreFullError
from labels.model import DEFAULT_CROPS, Geometry, Label
from labels.validate import DEFAULT_RULES, Rules
from sr.fsutil import is_disk_full

DB_NAME = "labels.sqlite"
SCHEMA_VERSION = 6
# Columns added after schema version 1, for stores made before them: (table, column, type).
ADDED_COLUMNS = (
    ("labels", "consistency", "TEXT"),
    ("label_versions", "consistency", "TEXT"),
    *((t, c, "TEXT") for t in ("labels", "label_versions") for c in ("drawing", "assist_version")),
    ("labels", "task_id", "TEXT"),  # 4: the campaign task a field was drawn in
    ("label_versions", "task_id", "TEXT"),
    ("labels", "dates_seen", "TEXT"),  # version 5 (#23)
    ("label_versions", "dates_seen", "TEXT"),
    ("campaign_tasks", "priority", "INTEGER NOT NULL DEFAULT 0"),  # version 6: mapped first
    ("campaign_tasks", "assigned_to", "TEXT"),  # version 6: assigned to a volunteer
    ("campaign_tasks", "assigned_key", "TEXT"),
)
_TYPES = {
    "area_ha": "REAL",
    "perimeter_m": "REAL",
    "version": "INTEGER",
    "deleted": "INTEGER",
    "geometry": "BLOB",
}
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS scenes (
    scene_id TEXT PRIMARY KEY, footprint BLOB NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS labels (rid INTEGER PRIMARY KEY, {column_sql(_TYPES)}, UNIQUE (id));
CREATE INDEX IF NOT EXISTS labels_scene ON labels (scene_id, status);
CREATE INDEX IF NOT EXISTS labels_annotator ON labels (annotator);
CREATE VIRTUAL TABLE IF NOT EXISTS labels_bbox USING rtree (rid, minx, maxx, miny, maxy);
CREATE TABLE IF NOT EXISTS label_versions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    op TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL,
    {column_sql(_TYPES)},
    UNIQUE (id, version));
CREATE INDEX IF NOT EXISTS versions_scene ON label_versions (scene_id, seq);
{CAMPAIGN_SCHEMA}
"""
# Indexes on added columns: made once the columns exist (after the upgrade)
AFTER_UPGRADE = "CREATE INDEX IF NOT EXISTS labels_task ON labels (task_id);"


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.OperationalError):
        return "full" in str(exc).lower()
    return is_disk_full(exc)


class SQLiteLabelStore(BaseLabelStore):
    """A label store in a folder: ``labels.sqlite`` (WAL) and ``geojson/<scene>.geojson``.

    Safe to share between threads and processes: every thread and process opens its own
    connection. ``snapshot_dir`` defaults to ``<folder>/geojson``; ``snapshots=False`` skips
    the per-scene GeoJSON files (bulk loads);
    ``snapshot_delay_s=0`` writes them during the save instead of in the background.
    """

    BACKEND = "sqlite"
    UPSERT_SCENE = "INSERT OR REPLACE INTO scenes VALUES (?, ?, ?)"

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        crops: Sequence[str] = DEFAULT_CROPS,
        rules: Rules = DEFAULT_RULES,
        snapshot_dir: str | os.PathLike[str] | None = None,
        snapshots: bool = True,
        snapshot_delay_s: float = 1.0,
        snapshot_process: bool = False,
        busy_timeout_s: float = 60.0,
    ) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path} is a file; the label store must be a folder")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the label store {self.path}: {exc.strerror}") from None
        super().__init__(
            str(self.path.absolute()),
            crops=crops,
            rules=rules,
            snapshot_dir=Path(snapshot_dir) if snapshot_dir else self.path / SNAPSHOT_DIR,
            snapshots=snapshots,
            snapshot_delay_s=snapshot_delay_s,
            snapshot_process=snapshot_process,
        )
        self.db_path = self.path / DB_NAME
        self.where = str(self.path)
        self.busy_timeout_s = busy_timeout_s
        try:
            self.connection().executescript(
                f"BEGIN IMMEDIATE; {SCHEMA}; {self._upgrade_sql()} {AFTER_UPGRADE} "
                "INSERT OR REPLACE INTO meta "
                f"VALUES ('schema_version', '{SCHEMA_VERSION}'); COMMIT;"
            )
        except sqlite3.Error as exc:
            raise self._translate(exc) from None

    def _upgrade_sql(self) -> str:
        """ALTER TABLE statements for the columns an older store lacks."""
        conn = self.connection()
        statements = []
        for table, column, kind in ADDED_COLUMNS:
            have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            if have and column not in have:
                statements.append(f"ALTER TABLE {table} ADD COLUMN {column} {kind};")
        return " ".join(statements)

    def __repr__(self) -> str:
        return f"SQLiteLabelStore({str(self.path)!r})"

    # --- connections and transactions --------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.db_path, timeout=self.busy_timeout_s, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from None
        return conn

    def _translate(self, exc: BaseException) -> LabelError:
        if _is_disk_full(exc):
            return StoreFullError(
                f"the disk holding the label store {self.path} is full; the change was not "
                "saved and the previous state is intact. Free some space and save again."
            )
        if "locked" in str(exc) or "busy" in str(exc):
            return StoreError(
                f"the label store {self.path} stayed busy for {self.busy_timeout_s:.0f} s; "
                "nothing was saved, try again"
            )
        return StoreError(f"the label store {self.db_path} cannot be used: {exc}")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise self._translate(exc) from None
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error | OSError):
                raise self._translate(exc) from exc
            raise

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            rows: list[Any] = self.connection().execute(sql, params).fetchall()
            return rows
        except sqlite3.Error as exc:
            raise self._translate(exc) from None

    # --- what differs from PostGIS ---------------------------------------------------------

    def _insert_label(self, conn: sqlite3.Connection, values: Sequence[Any]) -> int:
        marks = ", ".join("?" * len(COLUMNS))
        sql = f"INSERT INTO labels ({', '.join(COLUMNS)}) VALUES ({marks})"
        rid = conn.execute(sql, values).lastrowid
        if rid is None:  # sqlite3 sets it after every INSERT; None would be a driver fault
            raise StoreError(f"the label store {self.db_path} did not number the new label")
        return rid

    def _indexed(self, conn: sqlite3.Connection, rid: int, label: Label, *, replaced: bool) -> None:
        """Keep the R*-tree of bounding boxes in step with the labels table."""
        if replaced:
            conn.execute("DELETE FROM labels_bbox WHERE rid = ?", (rid,))
        if not label.deleted:
            minx, miny, maxx, maxy = label.geometry.bounds
            conn.execute(
                "INSERT INTO labels_bbox VALUES (?, ?, ?, ?, ?)", (rid, minx, maxx, miny, maxy)
            )

    def _box_touching(self, geom: Geometry) -> tuple[str, tuple[float, ...]]:
        """Labels whose boxes touch ``geom``'s box (the R*-tree)."""
        minx, miny, maxx, maxy = geom.bounds
        return (
            "rid IN (SELECT rid FROM labels_bbox "
            "WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?)",
            (maxx, minx, maxy, miny),
        )
