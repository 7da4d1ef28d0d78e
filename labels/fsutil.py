"""Crash-safe file writing: temp file in the same folder, fsync, os.replace, fsync folder."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from labels.errors import StoreError, StoreFullError


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def disk_error(exc: OSError, path: Path) -> StoreError:
    """A user-facing error for an OSError while writing ``path``."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StoreFullError(
            f"no space left on the disk while writing {path}; nothing was replaced, the "
            "previous file is intact. Free some space and try again."
        )
    return StoreError(f"could not write {path}: {exc.strerror or exc}")


def _discard(tmp: Path, path: Path, exc: BaseException) -> BaseException:
    """Remove the temp file; the error to raise (OSError becomes a user-facing one)."""
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    return disk_error(exc, path) if isinstance(exc, OSError) else exc


@contextlib.contextmanager
def atomic_write(path: Path, mode: str = "w") -> Iterator[IO]:
    """Write ``path`` all or nothing: readers see the old file or the complete new one.

    Yields an open file (text with UTF-8, or binary for ``mode='wb'``). On any error the
    temp file is removed and the old file is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8") as fh:
            yield fh
    except BaseException as exc:
        err = _discard(tmp, path, exc)
        if err is exc:
            raise
        raise err from exc
    replace_with(tmp, path)


def replace_with(tmp: Path, path: Path) -> None:
    """Move a finished temp file (same folder) over ``path`` durably: fsync, rename, fsync."""
    try:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        raise _discard(tmp, path, exc) from None
