"""GeoJSON snapshots for QGIS, written off the save path by a debounced background thread.

A save only marks its scene as changed; a daemon thread rewrites each changed scene's file
once the scene has been quiet for ``delay_s`` seconds (at most ``max_wait_s`` after its first
change), so a burst of saves costs one rewrite, not one per save. ``flush()`` writes every
pending scene now (on demand, at process exit, before a test reads the file).

Building a scene's GeoJSON is Python work that holds the interpreter lock for ~0.1 s per
1,000 fields, which delays the server's other threads (its saves). With a ``child`` the
background thread instead runs ``python -m labels.snapshot_child SCENE…`` in a separate process
and only waits for it; the app uses that (see ``open_configured_store``).
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path

from labels.errors import LabelError
from labels.geojson import write_geojson
from labels.model import Label
from labels.validate import Finding

log = logging.getLogger(__name__)
STORE_ENV = "SHARPFIELDS_SNAPSHOT_STORE"
DIR_ENV = "SHARPFIELDS_SNAPSHOT_DIR"
PROJECT = str(Path(__file__).resolve().parents[1])


def write_snapshot_file(
    path: Path, *, revision: Callable[[], int], labels: Callable[[], Iterable[Label]]
) -> Path:
    """Rewrite the GeoJSON file ``path`` with ``labels()`` atomically, unless the file is
    already at ``revision()`` (the scene's number of stored versions).

    A per-file lock orders concurrent writers. The revision is read before the labels, so a
    snapshot is never marked newer than what it holds, and the last one written holds at
    least the state committed when it started.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    rev_path = path.with_name(f".{path.name}.rev")
    with open(path.with_name(f".{path.name}.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        rev = str(revision())
        done = rev_path.read_text().strip() if rev_path.exists() else ""
        if done == rev and path.exists():
            return path
        for leftover in path.parent.glob(f".{path.name}.*.tmp"):
            leftover.unlink(missing_ok=True)  # from a writer killed mid-write
        write_geojson(labels(), path)
        rev_path.write_text(rev)
    return path


class SnapshotWriter:
    """Debounces snapshot writes per scene; ``write(scene_id)`` does the actual rewrite."""

    def __init__(
        self,
        write: Callable[[str], Path],
        *,
        delay_s: float = 1.0,
        max_wait_s: float = 10.0,
        child: tuple[str, Path] | None = None,
    ) -> None:
        self._write = write
        self.child = child  # (store target, snapshot folder): write in a separate process
        self.delay_s = delay_s
        self.max_wait_s = max_wait_s
        self._pending: dict[str, tuple[float, float]] = {}  # scene -> (first, last) change
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self.problems: list[Finding] = []  # failures of background writes, newest last
        atexit.register(_flush_at_exit, weakref.ref(self))

    def mark(self, scene_id: str) -> list[Finding]:
        """Note that ``scene_id`` changed; with ``delay_s == 0`` write it now."""
        if self.delay_s <= 0:
            return self._write_one(scene_id)
        now = time.monotonic()
        with self._cond:
            first, _ = self._pending.get(scene_id, (now, now))
            self._pending[scene_id] = (first, now)
            self._ensure_thread()
            self._cond.notify()
        return []

    def flush(self) -> list[Finding]:
        """Write every pending scene now; returns the warnings of failed writes."""
        with self._cond:
            scenes = list(self._pending)
            self._pending.clear()
        return [w for scene_id in scenes for w in self._write_one(scene_id)]

    def _ensure_thread(self) -> None:
        if self._pid != os.getpid():  # a forked child: the parent's thread is not here
            self._pid, self._thread = os.getpid(), None
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="label-snapshots", daemon=True)
            self._thread.start()

    def _due(self, now: float) -> tuple[list[str], float | None]:
        """Scenes due now, and how long until the next one is due (None: none pending)."""
        due, wait = [], None
        for scene_id, (first, last) in self._pending.items():
            at = min(last + self.delay_s, first + self.max_wait_s)
            if at <= now:
                due.append(scene_id)
            else:
                wait = at - now if wait is None else min(wait, at - now)
        return due, wait

    def _run(self) -> None:
        while True:
            with self._cond:
                due, wait = self._due(time.monotonic())
                while not due:
                    self._cond.wait(timeout=wait)
                    due, wait = self._due(time.monotonic())
                for scene_id in due:
                    del self._pending[scene_id]
            if self.child is not None:
                self.problems += self._write_in_child(due)
                continue
            for scene_id in due:
                self.problems += self._write_one(scene_id)

    def _write_one(self, scene_id: str) -> list[Finding]:
        try:
            self._write(scene_id)
        except (LabelError, OSError) as exc:
            return [_not_written(scene_id, exc)]
        return []

    def _write_in_child(self, scene_ids: list[str]) -> list[Finding]:
        target, folder = self.child  # type: ignore[misc]
        env = {
            **os.environ,
            STORE_ENV: target,  # not on the command line: a URL may hold a password
            DIR_ENV: str(folder),
            "PYTHONPATH": os.pathsep.join(filter(None, [PROJECT, os.environ.get("PYTHONPATH")])),
        }
        command = [sys.executable, "-m", "labels.snapshot_child", *scene_ids]
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return [_not_written(", ".join(scene_ids), exc)]
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
            return [_not_written(", ".join(scene_ids), lines[-1])]
        return []


def _not_written(scene: str, why: object) -> Finding:
    log.warning("GeoJSON snapshot of scene %s not written: %s", scene, why)
    return Finding(
        "snapshot-not-written",
        "warning",
        f"saved, but the GeoJSON snapshot of scene {scene} was not updated: {why}",
    )


def _flush_at_exit(ref: weakref.ref[SnapshotWriter]) -> None:
    writer = ref()
    if writer is not None and writer._pid == os.getpid():
        writer.flush()
