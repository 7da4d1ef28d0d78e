"""Crash-safe file writing for the label store: ``sr.fsutil``'s atomic writes, with disk
errors turned into the store's user-facing errors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from labels.errors import StoreError, StoreFullError
from sr import fsutil


def disk_error(exc: OSError, path: Path) -> StoreError:
    """A user-facing error for an OSError while writing ``path``."""
    if fsutil.is_disk_full(exc):
        return StoreFullError(
            f"no space left on the disk while writing {path}; nothing was replaced, the "
            "previous file is intact. Free some space and try again."
        )
    return StoreError(f"could not write {path}: {exc.strerror or exc}")


@contextlib.contextmanager
def atomic_write(path: Path, mode: str = "w") -> Iterator[IO]:
    """Write ``path`` all or nothing (see ``sr.fsutil.atomic_write``); an OSError becomes a
    StoreError (StoreFullError when the disk is full), the old file left as it was."""
    try:
        with fsutil.atomic_write(path, mode) as fh:
            yield fh
    except OSError as exc:
        raise disk_error(exc, Path(path)) from exc


def replace_with(tmp: Path, path: Path) -> None:
    """Move a finished temp file (same folder) over ``path`` durably; errors as StoreError."""
    try:
        fsutil.replace_with(tmp, path)
    except OSError as exc:
        raise disk_error(exc, path) from None
