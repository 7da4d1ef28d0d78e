"""The label store: a protocol (seam for a server database) and its SQLite implementation.

SQLite in WAL mode holds a ``labels`` table (the current version of every label) and an
append-only ``label_versions`` table (every version ever saved, with who, when and how).
Each save is one ``BEGIN IMMEDIATE`` transaction that checks the version the caller edited
(optimistic concurrency), so concurrent writers from many processes queue on SQLite's lock
and a stale edit is refused, never applied. After each commit a GeoJSON snapshot of the
scene is rewritten atomically for QGIS.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import shapely

from labels.errors import (
    LabelError,
    NotFoundError,
    StaleEditError,
    StoreError,
    StoreFullError,
    ValidationError,
)
from labels.geojson import write_geojson
from labels.model import DEFAULT_CROPS, Geometry, Label, Role, Status, utc_now
from labels.validate import (
    DEFAULT_RULES,
    Finding,
    Rules,
    check_geometry,
    has_errors,
    parse_geojson_geometry,
)
from labels.workflow import REVIEW_STATUSES, check_change

DB_NAME = "labels.sqlite"
SNAPSHOT_DIR = "geojson"
SCHEMA_VERSION = 1

# Columns shared by the current table and the versions table, in Label field order.
COLUMNS = (
    "id",
    "scene_id",
    "crop",
    "status",
    "annotator",
    "reviewer",
    "review_comment",
    "view",
    "enhancement",
    "model_version",
    "determination_datetime",
    "area_ha",
    "perimeter_m",
    "created_at",
    "updated_at",
    "updated_by",
    "version",
    "deleted",
    "geometry",
)
_COLUMN_TYPES = {
    "area_ha": "REAL",
    "perimeter_m": "REAL",
    "version": "INTEGER",
    "deleted": "INTEGER",
    "geometry": "BLOB",
}
_REQUIRED = {
    "id",
    "scene_id",
    "crop",
    "status",
    "annotator",
    "view",
    "area_ha",
    "perimeter_m",
    "created_at",
    "updated_at",
    "version",
    "deleted",
    "geometry",
}


def _column_sql() -> str:
    return ",\n".join(
        f"{c} {_COLUMN_TYPES.get(c, 'TEXT')}{' NOT NULL' if c in _REQUIRED else ''}"
        for c in COLUMNS
    )


SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS scenes (
    scene_id TEXT PRIMARY KEY, footprint BLOB NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS labels (rid INTEGER PRIMARY KEY, {_column_sql()}, UNIQUE (id));
CREATE INDEX IF NOT EXISTS labels_scene ON labels (scene_id, status);
CREATE INDEX IF NOT EXISTS labels_annotator ON labels (annotator);
CREATE VIRTUAL TABLE IF NOT EXISTS labels_bbox USING rtree (rid, minx, maxx, miny, maxy);
CREATE TABLE IF NOT EXISTS label_versions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    op TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL,
    {_column_sql()},
    UNIQUE (id, version));
CREATE INDEX IF NOT EXISTS versions_scene ON label_versions (scene_id, seq);
"""


@dataclass(frozen=True, slots=True)
class LabelFilter:
    """Which labels to read; ``None`` means any. Dates compare with ``updated`` (ISO 8601)."""

    scene_id: str | None = None
    status: str | Sequence[str] | None = None
    crop: str | Sequence[str] | None = None
    annotator: str | Sequence[str] | None = None
    since: str | None = None
    until: str | None = None
    include_deleted: bool = False

    def sql(self) -> tuple[str, list[Any]]:
        """A WHERE clause (without the keyword) and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        for column in ("scene_id", "status", "crop", "annotator"):
            value = getattr(self, column)
            if value is None:
                continue
            values = [value] if isinstance(value, str) else list(value)
            clauses.append(f"{column} IN ({','.join('?' * len(values))})")
            params += values
        if self.since:
            clauses.append("updated_at >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("updated_at <= ?")
            params.append(self.until)
        if not self.include_deleted:
            clauses.append("deleted = 0")
        return " AND ".join(clauses) or "1", params


@dataclass(frozen=True, slots=True)
class SaveResult:
    """The label as stored (new version) and the warnings found while saving it."""

    label: Label
    warnings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Version:
    """One entry of a label's history."""

    seq: int
    op: str  # create | update | review | delete
    actor: str
    role: str
    label: Label


@runtime_checkable
class LabelStore(Protocol):
    """What the app needs from a label store (SQLite now, PostGIS later)."""

    def register_scene(self, scene_id: str, footprint: Geometry) -> None: ...
    def footprint(self, scene_id: str) -> Geometry | None: ...
    def get(self, label_id: str) -> Label: ...
    def query(self, flt: LabelFilter | None = None) -> Iterator[Label]: ...
    def save(
        self, label: Label, *, actor: str, role: Role, expected_version: int | None = None
    ) -> SaveResult: ...
    def save_many(self, labels: Iterable[Label], *, actor: str, role: Role) -> list[SaveResult]: ...
    def review(
        self,
        label_id: str,
        *,
        actor: str,
        decision: Status,
        comment: str = "",
        expected_version: int,
    ) -> SaveResult: ...
    def delete(
        self, label_id: str, *, actor: str, role: Role, expected_version: int
    ) -> SaveResult: ...
    def history(self, label_id: str) -> list[Version]: ...
    def close(self) -> None: ...


def _row_to_label(row: Sequence[Any]) -> Label:
    values = dict(zip(COLUMNS, row, strict=True))
    values["geometry"] = shapely.from_wkb(values["geometry"])
    values["deleted"] = bool(values["deleted"])
    return Label(**values)


def _label_to_row(label: Label) -> tuple[Any, ...]:
    values = [getattr(label, c) for c in COLUMNS[:-1]]
    values[COLUMNS.index("deleted")] = int(label.deleted)
    return (*[str(v) if hasattr(v, "value") else v for v in values], shapely.to_wkb(label.geometry))


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.OperationalError):
        return "full" in str(exc).lower()
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


def safe_name(scene_id: str) -> str:
    """A file name for a scene id (unsafe characters replaced, a hash keeps it unique)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", scene_id)
    if cleaned == scene_id and not scene_id.startswith("."):
        return scene_id
    return f"{cleaned.lstrip('.')}-{hashlib.sha1(scene_id.encode()).hexdigest()[:8]}"


class SQLiteLabelStore:
    """A label store in a folder: ``labels.sqlite`` (WAL) and ``geojson/<scene>.geojson``.

    Safe to share between threads and processes: every thread and process opens its own
    connection. ``snapshots=False`` skips the per-scene GeoJSON files (bulk loads).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        crops: Sequence[str] = DEFAULT_CROPS,
        rules: Rules = DEFAULT_RULES,
        snapshots: bool = True,
        busy_timeout_s: float = 60.0,
    ) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path} is a file; the label store must be a folder")
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the label store {self.path}: {exc.strerror}") from None
        self.db_path = self.path / DB_NAME
        self.snapshot_dir = self.path / SNAPSHOT_DIR
        self.crops = tuple(crops)
        self.rules = rules
        self.snapshots = snapshots
        self.busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        try:
            self.connection().executescript(
                f"BEGIN IMMEDIATE; {SCHEMA}; INSERT OR IGNORE INTO meta "
                f"VALUES ('schema_version', '{SCHEMA_VERSION}'); COMMIT;"
            )
        except sqlite3.Error as exc:
            raise self._translate(exc) from None

    # --- connections and transactions --------------------------------------------------

    def connection(self) -> sqlite3.Connection:
        """This thread's (and process's) connection, opened on first use."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            return conn
        try:
            conn = sqlite3.connect(self.db_path, timeout=self.busy_timeout_s, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
        except sqlite3.DatabaseError as exc:
            raise self._translate(exc) from None
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            conn.close()
        self._local.conn = None

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
            return self.connection().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise self._translate(exc) from None

    # --- scenes --------------------------------------------------------------------------

    def register_scene(self, scene_id: str, footprint: Geometry) -> None:
        """Record (or replace) a scene's lon/lat footprint, used to validate its labels."""
        if not isinstance(footprint, shapely.Polygon | shapely.MultiPolygon) or not (
            footprint.is_valid and not footprint.is_empty
        ):
            raise StoreError(f"scene {scene_id}: the footprint must be a valid lon/lat polygon")
        with self._transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO scenes VALUES (?, ?, ?)",
                (scene_id, shapely.to_wkb(footprint), utc_now()),
            )

    def footprint(self, scene_id: str) -> Geometry | None:
        """The footprint registered for ``scene_id``, or None."""
        rows = self._read("SELECT footprint FROM scenes WHERE scene_id = ?", (scene_id,))
        return shapely.from_wkb(rows[0][0]) if rows else None

    # --- reading -------------------------------------------------------------------------

    def get(self, label_id: str) -> Label:
        """The current version of a label (``NotFoundError`` when there is none)."""
        cols = ", ".join(COLUMNS)
        rows = self._read(f"SELECT {cols} FROM labels WHERE id = ?", (label_id,))
        if not rows:
            raise NotFoundError(f"no label with id {label_id}")
        return _row_to_label(rows[0])

    def query(self, flt: LabelFilter | None = None) -> Iterator[Label]:
        """Current labels matching ``flt``, oldest first, streamed from the database."""
        where, params = (flt or LabelFilter()).sql()
        cols = ", ".join(COLUMNS)
        try:
            cursor = self.connection().execute(
                f"SELECT {cols} FROM labels WHERE {where} ORDER BY rid", params
            )
            while batch := cursor.fetchmany(1000):
                yield from map(_row_to_label, batch)
        except sqlite3.Error as exc:
            raise self._translate(exc) from None

    def count(self, flt: LabelFilter | None = None) -> int:
        """How many labels match ``flt``."""
        where, params = (flt or LabelFilter()).sql()
        return int(self._read(f"SELECT count(*) FROM labels WHERE {where}", params)[0][0])

    def history(self, label_id: str) -> list[Version]:
        """Every saved version of a label, oldest first."""
        cols = ", ".join(COLUMNS)
        rows = self._read(
            f"SELECT seq, op, actor, role, {cols} FROM label_versions WHERE id = ? "
            "ORDER BY version",
            (label_id,),
        )
        if not rows:
            raise NotFoundError(f"no label with id {label_id}")
        return [Version(r[0], r[1], r[2], r[3], _row_to_label(r[4:])) for r in rows]

    def neighbours(self, geom: Geometry, scene_id: str, exclude: str = "") -> list[tuple]:
        """``(id, geometry)`` of the scene's labels whose boxes touch ``geom``'s box."""
        minx, miny, maxx, maxy = geom.bounds
        rows = self._read(
            "SELECT l.id, l.geometry FROM labels_bbox b JOIN labels l ON l.rid = b.rid "
            "WHERE b.minx <= ? AND b.maxx >= ? AND b.miny <= ? AND b.maxy >= ? "
            "AND l.scene_id = ? AND l.deleted = 0 AND l.id != ?",
            (maxx, minx, maxy, miny, scene_id, exclude),
        )
        return [(r[0], shapely.from_wkb(r[1])) for r in rows]

    # --- writing -------------------------------------------------------------------------

    def _prepare(self, label: Label) -> tuple[Label, list[Finding]]:
        """Validate ``label`` and fill its measures; raise ``ValidationError`` on errors."""
        subject = f"label {label.id}"
        findings: list[Finding] = []
        if label.crop not in self.crops:
            findings.append(
                Finding(
                    "unknown-crop",
                    "error",
                    f"crop {label.crop!r} is not in the crop list ({', '.join(self.crops)})",
                )
            )
        for attr in ("scene_id", "annotator"):
            if not str(getattr(label, attr) or "").strip():
                findings.append(Finding("missing-property", "error", f"no {attr} given"))
        geom = label.geometry
        if isinstance(geom, dict):
            geom, parse_findings = parse_geojson_geometry(geom)
            if geom is None:
                raise ValidationError(findings + parse_findings, subject)
        footprint = self.footprint(label.scene_id) if label.scene_id else None
        others: list[tuple] = []
        if isinstance(geom, shapely.Polygon | shapely.MultiPolygon) and not geom.is_empty:
            with contextlib.suppress(ValueError):
                others = self.neighbours(geom, label.scene_id, exclude=label.id)
        geo_findings, measured = check_geometry(
            geom, footprint=footprint, others=others, rules=self.rules
        )
        findings += geo_findings
        if has_errors(findings) or measured is None:
            raise ValidationError(findings, subject)
        area, perimeter = measured
        return label.replace(geometry=geom, area_ha=area, perimeter_m=perimeter), findings

    def _apply(
        self,
        conn: sqlite3.Connection,
        new: Label,
        expected: int,
        actor: str,
        role: Role,
        op: str | None = None,
    ) -> Label:
        """Inside a write transaction: check version and rights, write both tables."""
        cols = ", ".join(COLUMNS)
        row = conn.execute(f"SELECT rid, {cols} FROM labels WHERE id = ?", (new.id,)).fetchone()
        old = _row_to_label(row[1:]) if row else None
        current = old.version if old else 0
        if expected != current:
            raise StaleEditError(new.id, expected or None, current or None, old and old.updated_by)
        if old is not None and old.deleted:
            raise NotFoundError(f"label {new.id} was deleted by {old.updated_by}")
        check_change(old, new, actor, role)
        now = utc_now()
        keep_review = role is Role.VOLUNTEER and old is not None
        new = new.replace(
            created_at=old.created_at if old else now,
            updated_at=now,
            updated_by=actor,
            version=current + 1,
            reviewer=(
                old.reviewer
                if keep_review
                else actor
                if role is Role.REVIEWER and new.status in REVIEW_STATUSES
                else new.reviewer
            ),
            review_comment=old.review_comment if keep_review else new.review_comment,
        )
        values = _label_to_row(new)
        placeholders = ", ".join("?" * len(COLUMNS))
        if old is None:
            rid = conn.execute(
                f"INSERT INTO labels ({cols}) VALUES ({placeholders})", values
            ).lastrowid
        else:
            rid = row[0]
            assignments = ", ".join(f"{c} = ?" for c in COLUMNS)
            conn.execute(f"UPDATE labels SET {assignments} WHERE rid = ?", (*values, rid))
            conn.execute("DELETE FROM labels_bbox WHERE rid = ?", (rid,))
        if not new.deleted:
            minx, miny, maxx, maxy = new.geometry.bounds
            conn.execute(
                "INSERT INTO labels_bbox VALUES (?, ?, ?, ?, ?)", (rid, minx, maxx, miny, maxy)
            )
        if op is None:
            changed_review = old is None or old.status != new.status
            op = (
                "create"
                if old is None
                else "review"
                if changed_review and new.status in REVIEW_STATUSES
                else "update"
            )
        conn.execute(
            f"INSERT INTO label_versions (op, actor, role, {cols}) "
            f"VALUES (?, ?, ?, {placeholders})",
            (op, actor, str(Role(role)), *values),
        )
        return new

    def save(
        self, label: Label, *, actor: str, role: Role, expected_version: int | None = None
    ) -> SaveResult:
        """Validate and save ``label`` as a new version; returns it with its warnings.

        ``expected_version`` is the version the caller edited (default ``label.version``;
        0 for a new label). Raises ``ValidationError``, ``StaleEditError``,
        ``PermissionDeniedError``, ``TransitionError`` or ``StoreFullError``; on any of
        them nothing is written.
        """
        expected = label.version if expected_version is None else expected_version
        prepared, warnings = self._prepare(label)
        with self._transaction() as conn:
            saved = self._apply(conn, prepared, expected, actor, Role(role))
        return SaveResult(saved, warnings + self._snapshot_after([saved.scene_id]))

    def save_many(self, labels: Iterable[Label], *, actor: str, role: Role) -> list[SaveResult]:
        """Save new labels in one transaction: all or none (imports, bulk loads).

        Overlaps are checked against the labels already stored, not within the batch.
        """
        prepared: list[tuple[Label, list[Finding]]] = []
        errors: list[Finding] = []
        for label in labels:
            try:
                prepared.append(self._prepare(label))
            except ValidationError as exc:
                errors += [f.about(f"label {label.id}") for f in exc.findings]
        if errors:
            raise ValidationError(errors, "batch")
        with self._transaction() as conn:
            saved = [self._apply(conn, lab, lab.version, actor, Role(role)) for lab, _ in prepared]
        warnings = self._snapshot_after({s.scene_id for s in saved})
        results = [SaveResult(s, w) for s, (_, w) in zip(saved, prepared, strict=True)]
        if warnings and results:
            results[-1].warnings.extend(warnings)
        return results

    def _change(
        self, label_id: str, expected_version: int, actor: str, role: Role, op: str, **changes: Any
    ) -> SaveResult:
        with self._transaction() as conn:
            current = self.get(label_id)
            saved = self._apply(
                conn, current.replace(**changes), expected_version, actor, Role(role), op
            )
        return SaveResult(saved, self._snapshot_after([saved.scene_id]))

    def review(
        self,
        label_id: str,
        *,
        actor: str,
        decision: Status,
        comment: str = "",
        expected_version: int,
    ) -> SaveResult:
        """A reviewer accepts or rejects a label (rejecting needs a comment)."""
        decision = Status(decision)
        if decision not in REVIEW_STATUSES:
            raise LabelError(f"a review decides accepted or rejected, not {decision}")
        return self._change(
            label_id,
            expected_version,
            actor,
            Role.REVIEWER,
            "review",
            status=decision,
            review_comment=comment or None,
        )

    def delete(self, label_id: str, *, actor: str, role: Role, expected_version: int) -> SaveResult:
        """Mark a label deleted (a new version; its history stays)."""
        return self._change(label_id, expected_version, actor, role, "delete", deleted=True)

    # --- snapshots and checks ------------------------------------------------------------

    def snapshot_path(self, scene_id: str) -> Path:
        """Where the GeoJSON snapshot of a scene is written."""
        return self.snapshot_dir / f"{safe_name(scene_id)}.geojson"

    def write_snapshot(self, scene_id: str) -> Path:
        """Rewrite a scene's GeoJSON snapshot atomically unless it is already current.

        A per-scene file lock orders concurrent writers; the state is read inside the lock,
        so the last snapshot written always holds the newest committed state.
        """
        path = self.snapshot_path(scene_id)
        self.snapshot_dir.mkdir(parents=True, exist_ok=True)
        rev_path = path.with_name(f".{path.name}.rev")
        with open(path.with_name(f".{path.name}.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            conn = self.connection()
            conn.execute("BEGIN")
            try:
                rev = conn.execute(
                    "SELECT coalesce(max(seq), 0) FROM label_versions WHERE scene_id = ?",
                    (scene_id,),
                ).fetchone()[0]
                done = rev_path.read_text().strip() if rev_path.exists() else ""
                if done == str(rev) and path.exists():
                    return path
                for leftover in self.snapshot_dir.glob(f".{path.name}.*.tmp"):
                    leftover.unlink(missing_ok=True)  # from a writer killed mid-write
                write_geojson(self.query(LabelFilter(scene_id=scene_id)), path)
            finally:
                conn.execute("COMMIT")
            rev_path.write_text(str(rev))
        return path

    def _snapshot_after(self, scene_ids: Iterable[str]) -> list[Finding]:
        """Snapshots after a commit; a failure is a warning (the save itself succeeded)."""
        if not self.snapshots:
            return []
        warnings = []
        for scene_id in scene_ids:
            try:
                self.write_snapshot(scene_id)
            except (LabelError, OSError) as exc:
                warnings.append(
                    Finding(
                        "snapshot-not-written",
                        "warning",
                        f"saved, but the GeoJSON snapshot of scene {scene_id} was not "
                        f"updated: {exc}",
                    )
                )
        return warnings

    def check(self) -> list[str]:
        """Problems found by SQLite's integrity check and a history consistency check."""
        problems = [r[0] for r in self._read("PRAGMA integrity_check") if r[0] != "ok"]
        rows = self._read(
            "SELECT l.id, l.version, count(v.seq), max(v.version) FROM labels l "
            "LEFT JOIN label_versions v ON v.id = l.id GROUP BY l.id "
            "HAVING l.version != count(v.seq) OR l.version != max(v.version)"
        )
        problems += [f"label {r[0]}: version {r[1]} but {r[2]} versions stored" for r in rows]
        return problems


def open_store(path: str | os.PathLike[str], **options: Any) -> SQLiteLabelStore:
    """Open (creating when missing) the label store at ``path``.

    The one place to choose an implementation: a PostGIS store would be picked here from a
    ``postgresql://`` URL.
    """
    return SQLiteLabelStore(path, **options)
