"""The label store's integrity check: the database's own check, then the history's.

``labels check`` and the tests call it through ``BaseLabelStore.check()``; each function
takes the store's read function (SQL with ``?`` placeholders -> rows) so the checks are
plain queries, one per backend where the databases differ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Read = Callable[[str, Sequence[Any]], list[Any]]

#: labels whose version is not the number of stored versions, or not the latest one
HISTORY_MISMATCH = (
    "SELECT l.id, l.version, count(v.seq), max(v.version) FROM labels l "
    "LEFT JOIN label_versions v ON v.id = l.id GROUP BY l.id, l.version "
    "HAVING l.version != count(v.seq) OR l.version != max(v.version)"
)


def history_problems(read: Read) -> list[str]:
    """A line for every label whose history does not end at its current version."""
    return [
        f"label {r[0]}: version {r[1]} but {r[2]} versions stored"
        for r in read(HISTORY_MISMATCH, ())
    ]


def sqlite_problems(read: Read) -> list[str]:
    """What SQLite's ``PRAGMA integrity_check`` reports (nothing when it says ok)."""
    return [r[0] for r in read("PRAGMA integrity_check", ()) if r[0] != "ok"]


def postgis_problems(read: Read) -> list[str]:
    """Stored geometries PostGIS finds invalid."""
    rows = read("SELECT id FROM labels WHERE NOT ST_IsValid(geometry)", ())
    return [f"label {r[0]}: invalid geometry" for r in rows]


DATABASE_CHECKS: dict[str, Callable[[Read], list[str]]] = {
    "sqlite": sqlite_problems,
    "postgis": postgis_problems,
}


def integrity_problems(read: Read, backend: str) -> list[str]:
    """Every problem found in a store of ``backend`` (``sqlite`` or ``postgis``); [] when
    it is sound."""
    return DATABASE_CHECKS[backend](read) + history_problems(read)
