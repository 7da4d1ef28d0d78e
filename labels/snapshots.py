"""GeoJSON snapshots for QGIS, written off the save path by a debounced background thread.

A save only marks its scene as changed; a daemon thread rewrites each changed scene's file
once the scene has been quiet for ``delay_s`` seconds (at most ``max_wait_s`` after its first
change), so a burst of saves costs one rewrite, not one per save. ``flush()`` writes every
pending scene now (on demand, at process exit, before a test reads the file).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path

from labels.errors import LabelError
from labels.validate import Finding

log = logging.getLogger(__name__)


class SnapshotWriter:
    """Debounces snapshot writes per scene; ``write(scene_id)`` does the actual rewrite."""

    def __init__(
        self, write: Callable[[str], Path], *, delay_s: float = 1.0, max_wait_s: float = 10.0
    ) -> None:
        self._write = write
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
            for scene_id in due:
                self.problems += self._write_one(scene_id)

    def _write_one(self, scene_id: str) -> list[Finding]:
        try:
            self._write(scene_id)
        except (LabelError, OSError) as exc:
            log.warning("GeoJSON snapshot of scene %s not written: %s", scene_id, exc)
            return [
                Finding(
                    "snapshot-not-written",
                    "warning",
                    f"saved, but the GeoJSON snapshot of scene {scene_id} was not updated: {exc}",
                )
            ]
        return []


def _flush_at_exit(ref: weakref.ref[SnapshotWriter]) -> None:
    writer = ref()
    if writer is not None and writer._pid == os.getpid():
        writer.flush()
