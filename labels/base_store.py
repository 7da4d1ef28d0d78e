"""The label store: its protocol and the logic every backend shares.

Two backends implement it: SQLite in a folder (``labels.sqlite_store``, the default) and
PostgreSQL + PostGIS (``labels.postgis_store``) for several app servers on one database;
:func:`labels.store.open_store` opens one.
Both keep a ``labels`` table (the current version of every label) and an append-only
``label_versions`` table (every version ever saved, with who, when and how). Each save is
one transaction that locks the label's row and checks the version the caller edited
(optimistic concurrency), so a stale edit is refused, never applied.

This module is the storage core: the columns, filters as SQL, connections, reads and the
save transaction. The jobs around it have modules of their own: the checks before a save
(``labels.label_checks``), rights (``labels.workflow``), the bookkeeping a save stamps on a
label (``labels.stamping``), the integrity check (``labels.integrity``) and the GeoJSON
snapshots for QGIS, written off the save path (``labels.snapshots``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol, runtime_checkable

import shapely

from labels.campaigns import crop_refused, parse_task_ref
from labels.errors import (
    LabelError,
    NotFoundError,
    StaleEditError,
    StoreError,
    TransitionError,
    ValidationError,
)
from labels.integrity import integrity_problems
from labels.label_checks import checked_label
from labels.model import Geometry, Label, Role, Status, utc_now
from labels.snapshots import SnapshotWriter, write_snapshot_file
from labels.stamping import moved, operation, stamp
from labels.validate import Finding, Rules
from labels.workflow import REVIEW_STATUSES, check_change, check_task_move
from sr.fsutil import safe_file_stem

DATABASE_URL_ENV = "SHARPFIELDS_DATABASE_URL"
SNAPSHOT_DIR = "geojson"
PAGE = 1000  # rows per query round trip
_inherited: list[Any] = []  # a forked child's references to its parent's connections

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
    "consistency",
    "drawing",
    "assist_version",
    "task_id",
    "dates_seen",
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
REQUIRED = frozenset(
    {
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
)


def column_sql(types: dict[str, str]) -> str:
    """Column definitions for ``COLUMNS`` (TEXT unless ``types`` says otherwise)."""
    return ",\n".join(
        f"{c} {types.get(c, 'TEXT')}{' NOT NULL' if c in REQUIRED else ''}" for c in COLUMNS
    )


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
        """A WHERE clause (without the keyword, ``?`` placeholders) and its parameters."""
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
            clauses.append("deleted = ?")
            params.append(False)
        return " AND ".join(clauses) or "1 = 1", params


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
    """What the app needs from a label store (SQLite or PostGIS)."""

    crops: tuple[str, ...]  #: the crops a label may have, the default first
    rules: Rules  #: the thresholds of the checks a saved outline passes

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
    def restore(
        self, label_id: str, *, actor: str, role: Role, expected_version: int
    ) -> SaveResult: ...
    def count(self, flt: LabelFilter | None = None) -> int: ...
    def count_by(self, column: str, flt: LabelFilter | None = None) -> dict[str, int]: ...
    def distinct(self, column: str, flt: LabelFilter | None = None) -> list[str]: ...
    def version_count(self) -> int: ...
    def history(self, label_id: str) -> list[Version]: ...
    def neighbours(self, geom: Geometry, scene_id: str, exclude: str = "") -> list[tuple]: ...
    def labels_near(self, geom: Geometry, scene_id: str) -> list[Label]: ...
    def close(self) -> None: ...


# Columns labels are counted by; all NOT NULL but ``drawing`` (not recorded before the
# outline assist shipped), whose NULL is counted under "".
GROUPABLE = ("scene_id", "crop", "status", "annotator", "view", "drawing")


def _groupable(column: str) -> str:
    """``column`` when labels may be counted by it (it goes into SQL), else ``ValueError``."""
    if column not in GROUPABLE:
        raise ValueError(f"labels are counted by one of {', '.join(GROUPABLE)}, not {column!r}")
    return column


def row_to_label(row: Sequence[Any]) -> Label:
    """A ``Label`` from a row of ``COLUMNS`` (geometry as WKB)."""
    values = dict(zip(COLUMNS, row, strict=True))
    values["geometry"] = shapely.from_wkb(values["geometry"])
    values["deleted"] = bool(values["deleted"])
    return Label(**values)


def label_to_row(label: Label) -> tuple[Any, ...]:
    """The values of ``COLUMNS`` for ``label`` (enums as text, geometry as WKB)."""
    values = [getattr(label, c) for c in COLUMNS[:-1]]
    values[COLUMNS.index("deleted")] = bool(label.deleted)
    return (*[str(v) if hasattr(v, "value") else v for v in values], shapely.to_wkb(label.geometry))


def safe_name(scene_id: str) -> str:
    """A file name for a scene id (unsafe characters replaced, a hash keeps it unique)."""
    cleaned = safe_file_stem(scene_id)
    if cleaned == scene_id and not scene_id.startswith("."):
        return scene_id
    return f"{cleaned.lstrip('.')}-{hashlib.sha1(scene_id.encode()).hexdigest()[:8]}"


class BaseLabelStore:
    """Everything a label store does apart from talking to its database.

    A backend provides a connection per thread and process (``connection``), transactions
    (``_transaction``), reads (``_read``), error translation (``_translate``) and the few
    statements whose SQL differs (class attributes below); all SQL here uses ``?``
    placeholders, which a backend rewrites to its own with ``_sql``.
    """

    where: str  #: the folder or the database, for messages (never a password)
    BACKEND: ClassVar[str] = ""  #: ``sqlite`` or ``postgis`` (``labels.integrity``)
    #: how a geometry column is read (to WKB) and a WKB parameter written
    GEOM_OUT: ClassVar[str] = "geometry"
    GEOM_IN: ClassVar[str] = "?"
    #: appended to the SELECT that reads a label before changing it
    LOCK_ROW: ClassVar[str] = ""
    UPSERT_SCENE: ClassVar[str] = ""

    def __init__(
        self,
        target: str,
        *,
        crops: Sequence[str],
        rules: Rules,
        snapshot_dir: Path | None,
        snapshots: bool,
        snapshot_delay_s: float,
        snapshot_process: bool,
    ) -> None:
        self.crops = tuple(crops)
        self.rules = rules
        self._local = threading.local()
        self.snapshot_dir = snapshot_dir
        self.snapshots = snapshots and snapshot_dir is not None
        self._snapshots = SnapshotWriter(
            self.write_snapshot,
            delay_s=snapshot_delay_s,
            child=(target, snapshot_dir) if snapshot_process and snapshot_dir else None,
        )
        self._select = ", ".join(
            f"{self.GEOM_OUT} AS geometry" if c == "geometry" else c for c in COLUMNS
        )
        self._marks = ", ".join(self.GEOM_IN if c == "geometry" else "?" for c in COLUMNS)

    # --- what a backend provides ----------------------------------------------------------

    def _sql(self, sql: str) -> str:
        """``sql`` with this backend's placeholders."""
        return sql

    def _connect(self) -> Any:
        """A new connection to the database."""
        raise NotImplementedError

    def _transaction(self) -> contextlib.AbstractContextManager[Any]:
        raise NotImplementedError

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def _translate(self, exc: BaseException) -> LabelError:
        raise NotImplementedError

    def _insert_label(self, conn: Any, values: Sequence[Any]) -> Any:
        """Insert a new current row; returns its row key."""
        sql = f"INSERT INTO labels ({', '.join(COLUMNS)}) VALUES ({self._marks}) RETURNING rid"
        return conn.execute(self._sql(sql), values).fetchone()[0]

    def _indexed(self, conn: Any, rid: Any, label: Label, *, replaced: bool) -> None:
        """Keep a spatial index the database does not keep itself (default: none)."""

    def _box_touching(self, geom: Geometry) -> tuple[str, tuple[float, ...]]:
        """A condition on ``labels`` (and its parameters): the label's box touches ``geom``'s
        box, through the backend's spatial index."""
        raise NotImplementedError

    def neighbours(self, geom: Geometry, scene_id: str, exclude: str = "") -> list[tuple]:
        """``(id, geometry)`` of the scene's labels whose boxes touch ``geom``'s box."""
        touching, params = self._box_touching(geom)
        rows = self._read(
            f"SELECT id, {self.GEOM_OUT} FROM labels WHERE {touching} "
            "AND scene_id = ? AND NOT deleted AND id != ?",
            (*params, scene_id, exclude),
        )
        return [(r[0], shapely.from_wkb(r[1])) for r in rows]

    def labels_near(self, geom: Geometry, scene_id: str) -> list[Label]:
        """The scene's labels (whole, current, not deleted) whose boxes touch ``geom``'s box:
        :meth:`neighbours` with every column, in one query."""
        touching, params = self._box_touching(geom)
        rows = self._read(
            f"SELECT {self._select} FROM labels WHERE {touching} AND scene_id = ? AND NOT deleted",
            (*params, scene_id),
        )
        return [row_to_label(r) for r in rows]

    def check(self) -> list[str]:
        """Problems found by the database's own check and a history consistency check
        (``labels.integrity``); [] when the store is sound."""
        return integrity_problems(self._read, self.BACKEND)

    # --- connections: one per thread and process ------------------------------------------

    def connection(self) -> Any:
        """This thread's (and process's) connection, opened on first use."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            return conn
        if conn is not None:
            # A forked child: closing the parent's connection here (even by dropping it)
            # could end the parent's session, so keep it until this process ends.
            _inherited.append(conn)
        conn = self._connect()
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _forget_connection(self) -> None:
        """Drop this thread's connection (it broke); the next call opens a new one."""
        self._local.conn = None

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            conn.close()
        elif conn is not None:
            _inherited.append(conn)  # the parent's: see connection()
        self._local.conn = None

    # --- scenes --------------------------------------------------------------------------

    def register_scene(self, scene_id: str, footprint: Geometry) -> None:
        """Record (or replace) a scene's lon/lat footprint, used to validate its labels."""
        if not isinstance(footprint, shapely.Polygon | shapely.MultiPolygon) or not (
            footprint.is_valid and not footprint.is_empty
        ):
            raise StoreError(f"scene {scene_id}: the footprint must be a valid lon/lat polygon")
        with self._transaction() as conn:
            conn.execute(
                self._sql(self.UPSERT_SCENE), (scene_id, shapely.to_wkb(footprint), utc_now())
            )

    def footprint(self, scene_id: str) -> Geometry | None:
        """The footprint registered for ``scene_id``, or None."""
        rows = self._read(
            f"SELECT {self.GEOM_OUT.replace('geometry', 'footprint')} FROM scenes "
            "WHERE scene_id = ?",
            (scene_id,),
        )
        return shapely.from_wkb(rows[0][0]) if rows else None

    def scenes(self) -> list[tuple[str, Geometry, str]]:
        """Every registered scene: ``(scene_id, footprint, updated_at)``."""
        rows = self._read(
            f"SELECT scene_id, {self.GEOM_OUT.replace('geometry', 'footprint')}, updated_at "
            "FROM scenes ORDER BY scene_id"
        )
        return [(r[0], shapely.from_wkb(r[1]), r[2]) for r in rows]

    # --- reading -------------------------------------------------------------------------

    def get(self, label_id: str) -> Label:
        """The current version of a label (``NotFoundError`` when there is none)."""
        rows = self._read(f"SELECT {self._select} FROM labels WHERE id = ?", (label_id,))
        if not rows:
            raise NotFoundError(f"no label with id {label_id}")
        return row_to_label(rows[0])

    def query(self, flt: LabelFilter | None = None) -> Iterator[Label]:
        """Current labels matching ``flt``, oldest first, read a page at a time."""
        where, params = (flt or LabelFilter()).sql()
        last = -1
        while True:
            rows = self._read(
                f"SELECT rid, {self._select} FROM labels WHERE {where} AND rid > ? "
                f"ORDER BY rid LIMIT {PAGE}",
                (*params, last),
            )
            yield from (row_to_label(r[1:]) for r in rows)
            if len(rows) < PAGE:
                return
            last = rows[-1][0]

    def count(self, flt: LabelFilter | None = None) -> int:
        """How many labels match ``flt``."""
        where, params = (flt or LabelFilter()).sql()
        return int(self._read(f"SELECT count(*) FROM labels WHERE {where}", params)[0][0])

    def count_by(self, column: str, flt: LabelFilter | None = None) -> dict[str, int]:
        """How many labels matching ``flt`` have each value of ``column`` (one of
        ``GROUPABLE``), counted by the database."""
        column = _groupable(column)
        where, params = (flt or LabelFilter()).sql()
        rows = self._read(
            f"SELECT {column}, count(*) FROM labels WHERE {where} GROUP BY {column}", params
        )
        return {"" if r[0] is None else str(r[0]): int(r[1]) for r in rows}

    def distinct(self, column: str, flt: LabelFilter | None = None) -> list[str]:
        """The values of ``column`` (one of ``GROUPABLE``) among labels matching ``flt``,
        sorted."""
        return sorted(self.count_by(column, flt))

    def version_count(self) -> int:
        """How many versions of all labels are stored: it grows with every commit, so it
        is also the store's revision (caches of what was read compare it)."""
        return int(self._read("SELECT count(*) FROM label_versions")[0][0])

    def history(self, label_id: str) -> list[Version]:
        """Every saved version of a label, oldest first."""
        rows = self._read(
            f"SELECT seq, op, actor, role, {self._select} FROM label_versions WHERE id = ? "
            "ORDER BY version",
            (label_id,),
        )
        if not rows:
            raise NotFoundError(f"no label with id {label_id}")
        return [Version(r[0], r[1], r[2], r[3], row_to_label(r[4:])) for r in rows]

    def versions(self) -> Iterator[Version]:
        """Every version of every label, in the order they were saved (copies, checksums)."""
        last = -1
        while True:
            rows = self._read(
                f"SELECT seq, op, actor, role, {self._select} FROM label_versions "
                f"WHERE seq > ? ORDER BY seq LIMIT {PAGE}",
                (last,),
            )
            yield from (Version(r[0], r[1], r[2], r[3], row_to_label(r[4:])) for r in rows)
            if len(rows) < PAGE:
                return
            last = rows[-1][0]

    # --- writing -------------------------------------------------------------------------

    def _prepare(
        self, label: Label, footprints: dict[str, Geometry | None] | None = None
    ) -> tuple[Label, list[Finding]]:
        """Check ``label`` against this store (``labels.label_checks``) and fill its measures;
        raise ``ValidationError`` on errors.

        ``footprints`` caches scene footprints across the labels of one batch."""
        footprints = {} if footprints is None else footprints
        if label.scene_id and label.scene_id not in footprints:
            footprints[label.scene_id] = self.footprint(label.scene_id)
        return checked_label(
            label,
            crops=self.crops,
            rules=self.rules,
            footprint=footprints.get(label.scene_id),
            neighbours=lambda geom: self.neighbours(geom, label.scene_id, exclude=label.id),
        )

    def _apply(
        self,
        conn: Any,
        new: Label,
        expected: int,
        actor: str,
        role: Role,
        op: str | None = None,
        *,
        task_move: bool = False,
    ) -> Label:
        """Inside a write transaction: lock the row, check version and rights, write both
        tables. With ``task_move``, ``new`` may only file the stored label under another
        task (:meth:`file_under_task`)."""
        row = conn.execute(
            self._sql(f"SELECT rid, {self._select} FROM labels WHERE id = ?{self.LOCK_ROW}"),
            (new.id,),
        ).fetchone()
        old = row_to_label(row[1:]) if row else None
        current = old.version if old else 0
        if expected != current:
            by = (old.updated_by or "") if old else ""
            raise StaleEditError(new.id, expected or None, current or None, by)
        if old is not None and old.deleted and op != "restore":
            raise NotFoundError(f"label {new.id} was deleted by {old.updated_by}")
        if task_move:
            check_task_move(old, new)
            assert old is not None  # checked above
            new = moved(old, new.task_id or "", actor=actor, now=utc_now())
        else:
            check_change(old, new, actor, role)
            self._check_campaign_crop(conn, old, new)
            new = stamp(old, new, actor=actor, role=role, now=utc_now())
        values = label_to_row(new)
        if old is None:
            rid = self._insert_label(conn, values)
        else:
            rid = row[0]
            assignments = ", ".join(
                f"{c} = {self.GEOM_IN if c == 'geometry' else '?'}" for c in COLUMNS
            )
            sql = self._sql(f"UPDATE labels SET {assignments} WHERE rid = ?")
            conn.execute(sql, (*values, rid))
        self._indexed(conn, rid, new, replaced=old is not None)
        self.load_versions(conn, [Version(0, op or operation(old, new), actor, str(role), new)])
        return new

    def _check_campaign_crop(self, conn: Any, old: Label | None, new: Label) -> None:
        """Inside a write transaction: ``ValidationError`` when ``new`` is filed under a
        campaign's task with a crop that campaign does not map (``crop_refused``).

        Checked when a field gets its crop or its task (new, crop changed, task changed),
        so a campaign whose coordinator later narrows its crops leaves older fields
        editable and reviewable as they are."""
        if not new.task_id or (
            old is not None and (old.crop, old.task_id) == (new.crop, new.task_id)
        ):
            return
        ref = parse_task_ref(new.task_id)
        sql = self._sql("SELECT name, crops FROM campaigns WHERE id = ?")
        row = conn.execute(sql, (ref[0],)).fetchone() if ref else None
        if row is None:  # not a campaign's task id (an import's own), or a campaign gone
            return
        refused = crop_refused(row[0], json.loads(row[1]), new.crop)
        if refused:
            finding = Finding("crop-not-in-campaign", "error", refused)
            raise ValidationError([finding], f"label {new.id}")

    def file_under_task(
        self, conn: Any, label: Label, task_id: str, *, actor: str, role: Role
    ) -> Label:
        """Inside a write transaction (:meth:`transaction`): ``label``, as read, filed under
        campaign task ``task_id`` with nothing else changed, a new version "task split" by
        ``actor``. Who may is the campaign store's rule (the mapper splitting the task); a
        label changed since it was read raises ``StaleEditError``. Snapshots are the
        caller's (:meth:`_snapshot_after`, after the commit)."""
        return self._apply(
            conn, label.replace(task_id=task_id), label.version, actor, Role(role), "task split",
            task_move=True,
        )  # fmt: skip

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
        footprints: dict[str, Geometry | None] = {}
        for label in labels:
            try:
                prepared.append(self._prepare(label, footprints))
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

    def restore(
        self, label_id: str, *, actor: str, role: Role, expected_version: int
    ) -> SaveResult:
        """Bring a deleted label back as it was before its delete (a new version: undo)."""
        if not self.get(label_id).deleted:
            raise TransitionError(f"label {label_id} is not deleted, so it cannot be restored")
        return self._change(label_id, expected_version, actor, role, "restore", deleted=False)

    # --- raw loading (copies between stores; no validation, history kept as it was) ------

    def transaction(self) -> contextlib.AbstractContextManager[Any]:
        """A write transaction for the ``load_*`` methods: all of it or nothing."""
        return self._transaction()

    def load_scene(self, conn: Any, scene_id: str, footprint: Geometry, updated_at: str) -> None:
        """Write a scene as it is in another store."""
        conn.execute(
            self._sql(self.UPSERT_SCENE), (scene_id, shapely.to_wkb(footprint), updated_at)
        )

    def load_versions(self, conn: Any, versions: Sequence[Version]) -> None:
        """Append history entries as they are in another store, in their order."""
        sql = self._sql(
            f"INSERT INTO label_versions (op, actor, role, {', '.join(COLUMNS)}) "
            f"VALUES (?, ?, ?, {self._marks})"
        )
        rows = [(v.op, v.actor, v.role, *label_to_row(v.label)) for v in versions]
        conn.cursor().executemany(sql, rows)

    def load_label(self, conn: Any, label: Label) -> None:
        """Write a current label as it is in another store."""
        rid = self._insert_label(conn, label_to_row(label))
        self._indexed(conn, rid, label, replaced=False)

    # --- snapshots -----------------------------------------------------------------------

    def snapshot_path(self, scene_id: str) -> Path:
        """Where the GeoJSON snapshot of a scene is written."""
        if self.snapshot_dir is None:
            raise StoreError(
                f"the label store {self.where} has no folder for GeoJSON snapshots; give one "
                "(snapshot_dir=, or --into on the command line)"
            )
        return self.snapshot_dir / f"{safe_name(scene_id)}.geojson"

    def scene_revision(self, scene_id: str) -> int:
        """How many versions of the scene's labels are stored (grows with every commit)."""
        sql = "SELECT count(*) FROM label_versions WHERE scene_id = ?"
        return int(self._read(sql, (scene_id,))[0][0])

    def write_snapshot(self, scene_id: str) -> Path:
        """Rewrite a scene's GeoJSON snapshot atomically unless it is already current
        (``labels.snapshots.write_snapshot_file``)."""
        return write_snapshot_file(
            self.snapshot_path(scene_id),
            revision=lambda: self.scene_revision(scene_id),
            labels=lambda: self.query(LabelFilter(scene_id=scene_id)),
        )

    def flush_snapshots(self) -> list[Finding]:
        """Write the pending snapshots now; returns warnings for those that failed."""
        return self._snapshots.flush()

    def _snapshot_after(self, scene_ids: Iterable[str]) -> list[Finding]:
        """Schedule snapshots after a commit (written now when the delay is 0); a failure
        is a warning, the save itself succeeded."""
        if not self.snapshots:
            return []
        return [w for scene_id in scene_ids for w in self._snapshots.mark(scene_id)]
