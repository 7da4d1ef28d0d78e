"""A throw-away PostgreSQL 15 + PostGIS server for tests and benchmarks (Debian packages).

``PostgresServer`` runs ``initdb`` and ``pg_ctl`` on a temporary folder and a free loopback
port (its unix socket in that folder too), as the ``postgres`` user when running as root
(PostgreSQL refuses to run as root). ``database()`` hands out a fresh database copied from a
template that already holds the label store's schema, so each test starts empty in ~0.1 s.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.ports import free_port

PG_BIN = Path(os.environ.get("SHARPFIELDS_PG_BIN", "/usr/lib/postgresql/15/bin"))
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")
SKIP_ENV = "SHARPFIELDS_SKIP_POSTGIS"
TEMPLATE = "sharpfields_template"


def missing() -> str:
    """Why a PostGIS server cannot be started here ('' when it can)."""
    if not (PG_BIN / "pg_ctl").is_file():
        return f"PostgreSQL 15 is not installed ({PG_BIN}/pg_ctl is missing)"
    if not POSTGIS_CONTROL.is_file():
        return "PostGIS is not installed (no postgis.control for PostgreSQL 15)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root needs runuser to start PostgreSQL as the postgres user"
    return ""


class PostgresServer:
    """One PostgreSQL server in a temporary folder; ``stop()`` removes everything.

    ``durable=False`` turns off fsync (tests: a killed client still cannot corrupt the
    database, only an operating-system crash could); benchmarks keep the defaults.
    """

    def __init__(self, *, durable: bool = False) -> None:
        problem = missing()
        if problem:
            raise RuntimeError(
                f"{problem}. Run `bash scripts/setup.sh --dev` (installs postgresql-15 and "
                f"postgresql-15-postgis-3), or set {SKIP_ENV}=1 to skip the PostGIS tests."
            )
        self.root = Path(tempfile.mkdtemp(prefix="sharpfields-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0
        self._names = itertools.count()
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        settings = [
            "-c listen_addresses=127.0.0.1",
            f"-c port={self.port}",
            f"-c unix_socket_directories={self.root}",
            "-c max_connections=100",
        ]
        if not durable:
            settings += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
            "-o", " ".join(settings), "start",
        )  # fmt: skip
        self._started = True
        try:
            self._make_template()
        except BaseException:
            self.stop()
            raise

    def _run(self, tool: str, *args: str) -> None:
        command = [str(PG_BIN / tool), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr or done.stdout}")

    def url(self, dbname: str = "postgres") -> str:
        """The connection URL of a database on this server."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)

    def _make_template(self) -> None:
        from labels.postgis_store import PostGISLabelStore

        self._admin(f"CREATE DATABASE {TEMPLATE}")
        store = PostGISLabelStore(self.url(TEMPLATE), snapshots=False)
        store.close()

    def database(self, *, empty: bool = False) -> str:
        """A new database (with the label schema unless ``empty``); returns its URL."""
        name = f"t{os.getpid()}_{next(self._names)}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {'template0' if empty else TEMPLATE}")
        return self.url(name)

    def stop(self) -> None:
        """Stop the server at once and delete its folder."""
        if getattr(self, "_started", False):
            self._started = False
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            finally:
                shutil.rmtree(self.root, ignore_errors=True)
