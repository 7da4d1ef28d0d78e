"""The PostgreSQL + PostGIS backend of the label store: several app servers, one database.

Geometries live in PostGIS columns (EPSG:4326) with a GiST index on the current labels; a
save locks the label's row (``SELECT … FOR UPDATE``) inside its transaction, so concurrent
saves from any number of servers queue per label and a stale edit is refused. The schema is
created and upgraded by the versioned migrations in ``labels/migrations/postgis``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from labels.base_store import BaseLabelStore
from labels.errors import LabelError, StaleEditError, StoreError, StoreFullError
from labels.migrations import migrations
from labels.model import DEFAULT_CROPS, Geometry
from labels.validate import DEFAULT_RULES, Rules

MIGRATION_LOCK = 0x5F1E1D5  # pg_advisory_xact_lock key: one migrating server at a time


def describe_url(url: str) -> str:
    """``user@host:port/dbname`` of a connection URL, without any password."""
    try:
        info = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(an unreadable database URL)"
    user = f"{info['user']}@" if info.get("user") else ""
    port = f":{info['port']}" if info.get("port") else ""
    return f"{user}{info.get('host', 'localhost')}{port}/{info.get('dbname', '')}"


class PostGISLabelStore(BaseLabelStore):
    """A label store in a PostgreSQL database with PostGIS (``postgresql://…`` URL).

    Every thread and process opens its own connection. The GeoJSON snapshots for QGIS are
    written to ``snapshot_dir`` on this server when one is given (the app gives its data
    folder's), in the background like the SQLite store's.
    """

    BACKEND = "postgis"
    GEOM_OUT = "ST_AsBinary(geometry)"
    GEOM_IN = "ST_GeomFromWKB(?, 4326)"
    LOCK_ROW = " FOR UPDATE"
    UPSERT_SCENE = (
        "INSERT INTO scenes VALUES (?, ST_GeomFromWKB(?, 4326), ?) ON CONFLICT (scene_id) "
        "DO UPDATE SET footprint = excluded.footprint, updated_at = excluded.updated_at"
    )

    def __init__(
        self,
        url: str,
        *,
        crops: Sequence[str] = DEFAULT_CROPS,
        rules: Rules = DEFAULT_RULES,
        snapshot_dir: str | os.PathLike[str] | None = None,
        snapshots: bool = True,
        snapshot_delay_s: float = 1.0,
        snapshot_process: bool = False,
        busy_timeout_s: float = 60.0,
    ) -> None:
        super().__init__(
            url,
            crops=crops,
            rules=rules,
            snapshot_dir=Path(snapshot_dir) if snapshot_dir is not None else None,
            snapshots=snapshots,
            snapshot_delay_s=snapshot_delay_s,
            snapshot_process=snapshot_process,
        )
        self.url = url
        self.where = describe_url(url)
        self.busy_timeout_s = busy_timeout_s
        self.migrate()

    def __repr__(self) -> str:
        return f"PostGISLabelStore({self.where!r})"

    # --- connections and transactions --------------------------------------------------

    def _connect(self) -> psycopg.Connection:
        try:
            return psycopg.connect(
                self.url,
                autocommit=True,
                connect_timeout=10,
                options=f"-c lock_timeout={int(self.busy_timeout_s * 1000)}",
                application_name="sharpfields",
            )
        except psycopg.Error as exc:
            raise self._translate(exc) from None

    def _translate(self, exc: BaseException) -> LabelError:
        if isinstance(exc, pg_errors.DiskFull | pg_errors.OutOfMemory):
            return StoreFullError(
                f"the database {self.where} is full; the change was not saved and the "
                "previous state is intact. Free some space and save again."
            )
        if isinstance(exc, pg_errors.LockNotAvailable | pg_errors.QueryCanceled):
            return StoreError(
                f"the label database {self.where} stayed busy for {self.busy_timeout_s:.0f} s; "
                "nothing was saved, try again"
            )
        if isinstance(exc, psycopg.OperationalError):
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            reason = lines[-1] if lines else "no answer"
            return StoreError(f"cannot reach the label database {self.where}: {reason}")
        return StoreError(f"the label database {self.where} cannot be used: {exc}")

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection]:
        conn = self.connection()
        try:
            with conn.transaction():
                yield conn
        except psycopg.Error as exc:
            if conn.broken:
                self._forget_connection()
            raise self._translate(exc) from exc

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        conn = self.connection()
        try:
            rows: list[Any] = conn.execute(self._sql(sql), params).fetchall()
            return rows
        except psycopg.Error as exc:
            if conn.broken:
                self._forget_connection()
            raise self._translate(exc) from None

    def migrate(self) -> int:
        """Apply the migrations this database lacks, under a lock (servers may start
        together); returns the schema version."""
        with self._transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
                "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {r[0] for r in conn.execute("SELECT version FROM schema_migrations")}
            steps = migrations("postgis")
            for step in steps:
                if step.version in done:
                    continue
                try:
                    conn.execute(step.sql.encode())
                except pg_errors.InsufficientPrivilege as exc:
                    raise StoreError(
                        f"the label database {self.where} needs schema step {step.version} "
                        f"({step.name}) but this user may not apply it: {exc}. Ask the "
                        "database's owner to run it once (or to CREATE EXTENSION postgis)."
                    ) from None
                conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                    (step.version, step.name),
                )
        return steps[-1].version

    # --- what differs from SQLite ----------------------------------------------------------

    def _insert_label(self, conn: psycopg.Connection, values: Sequence[Any]) -> int:
        try:
            return int(super()._insert_label(conn, values))
        except pg_errors.UniqueViolation:  # created by someone else since our check
            raise StaleEditError(values[0], None, 1) from None

    def _box_touching(self, geom: Geometry) -> tuple[str, tuple[float, ...]]:
        """Labels whose boxes touch ``geom``'s box (the GiST index)."""
        return "geometry && ST_MakeEnvelope(?, ?, ?, ?, 4326)", tuple(geom.bounds)
