"""Versioned schema migrations: ``<backend>/NNNN_name.sql`` files, applied in order once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: its version number, name and SQL."""

    version: int
    name: str
    sql: str


def migrations(backend: str) -> list[Migration]:
    """The migrations of ``backend`` (a folder of this package), oldest first."""
    found = []
    for entry in resources.files(__package__).joinpath(backend).iterdir():
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    versions = [m.version for m in sorted(found, key=lambda m: m.version)]
    # Each issue has its own number, so a branch may lack the ones between (#23 is 5): the
    # numbers must start at 1 and never repeat.
    if not versions or versions[0] != 1 or len(set(versions)) != len(versions):
        raise RuntimeError(f"{backend} migrations are not numbered 1, 2, …: {versions}")
    return sorted(found, key=lambda m: m.version)
