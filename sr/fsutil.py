"""File helpers shared by every package: crash-safe writes, disk-full checks, safe file names.

Atomic writes go to a temp file in the same folder (``.<name>.<random>.tmp``), are fsynced,
moved over the target with ``os.replace`` and the folder is fsynced: readers see the old
file or the complete new one, never half of it, and a crash or a full disk leaves the old
file intact. Nothing here imports ``ui`` or ``labels``; both (and ``sr``) import it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk (or the user's quota) is full."""
    return isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS


def _fsync_and_close(fd: int) -> None:
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    _fsync_and_close(fd)


def temp_path_beside(path: Path) -> Path:
    """A new, empty temp file in ``path``'s folder, named ``.<name>.<random>.tmp``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    return Path(name)


@contextlib.contextmanager
def _removed_on_error(tmp: Path, errors: type[BaseException] = BaseException) -> Iterator[None]:
    """Remove the temp file ``tmp`` when the block raises one of ``errors`` (re-raised)."""
    try:
        yield
    except errors:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def replace_with(tmp: Path, path: Path) -> None:
    """Move a finished temp file (same folder) over ``path`` durably: fsync, rename, fsync.

    On an OSError the temp file is removed and the error raised; ``path`` is untouched.
    """
    with _removed_on_error(tmp, OSError):
        _fsync_and_close(os.open(tmp, os.O_RDONLY))
        os.replace(tmp, path)
        fsync_dir(path.parent)


@contextlib.contextmanager
def atomic_write(
    path: Path, mode: str = "w", check: Callable[[Path], object] | None = None
) -> Iterator[IO]:
    """Write ``path`` all or nothing: readers see the old file or the complete new one.

    Yields an open file (text with UTF-8, or binary for ``mode='wb'``). ``check``, if given,
    is called with the finished temp file before it replaces ``path`` (to validate it); an
    error it raises keeps the old file. On any error the temp file is removed and the error
    propagates unchanged.
    """
    path = Path(path)
    tmp = temp_path_beside(path)
    with _removed_on_error(tmp):
        with open(tmp, mode, encoding=None if "b" in mode else "utf-8") as fh:
            yield fh
        if check is not None:
            check(tmp)
    replace_with(tmp, path)


def safe_file_stem(
    text: str,
    *,
    keep: str = "._-",
    unicode_letters: bool = False,
    collapse: bool = False,
    max_length: int | None = None,
    default: str = "",
) -> str:
    """``text`` usable in a file name: every character that is not a letter, a digit or in
    ``keep`` becomes ``_``.

    Letters are ASCII unless ``unicode_letters``; ``collapse`` turns a run of unsafe
    characters into one ``_``; the result is cut to ``max_length`` and is ``default`` when
    nothing is left.
    """
    letters = r"\w" if unicode_letters else "A-Za-z0-9"
    pattern = f"[^{letters}{re.escape(keep)}]" + ("+" if collapse else "")
    cleaned = re.sub(pattern, "_", text)[:max_length]
    return cleaned or default


def file_version_key(path: Path) -> str:
    """A short key for one version of a file: a hash of its real path, size and mtime."""
    stat = path.stat()
    text = f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def file_version(path: Path) -> str:
    """``<stem>@<first 12 hex digits of the SHA-256>``: a model file named by its content."""
    return f"{path.stem}@{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"
