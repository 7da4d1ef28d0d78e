"""The debounced snapshot writer: a burst of saves costs one rewrite, off the save path."""

from __future__ import annotations

import errno
import threading
import time
from pathlib import Path

from labels.snapshots import SnapshotWriter


class Recorder:
    """A write function that records which scenes it wrote, and when."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[str, float]] = []
        self.fail = fail
        self.done = threading.Event()

    def __call__(self, scene_id: str) -> Path:
        self.calls.append((scene_id, time.monotonic()))
        self.done.set()
        if self.fail:
            raise OSError(errno.ENOSPC, "No space left on device")
        return Path(scene_id)


def test_a_burst_of_changes_is_one_write_after_the_scene_is_quiet() -> None:
    write = Recorder()
    writer = SnapshotWriter(write, delay_s=0.2, max_wait_s=30)
    start = time.monotonic()
    for _ in range(20):
        assert writer.mark("s1") == []  # returns at once, writes nothing yet
    assert write.calls == []
    assert write.done.wait(10)
    time.sleep(0.3)  # nothing more comes
    assert [scene for scene, _ in write.calls] == ["s1"]
    assert write.calls[0][1] - start >= 0.2


def test_steady_changes_still_write_by_max_wait() -> None:
    write = Recorder()
    writer = SnapshotWriter(write, delay_s=0.2, max_wait_s=0.5)
    start = time.monotonic()
    while time.monotonic() - start < 1.5 and not write.calls:
        writer.mark("busy")  # never quiet for 0.2 s
        time.sleep(0.05)
    assert write.calls and write.calls[0][1] - start < 1.4


def test_flush_writes_pending_scenes_now_and_reports_failures() -> None:
    recorder = Recorder()
    ok = SnapshotWriter(recorder, delay_s=60)
    ok.mark("a")
    ok.mark("b")
    assert ok.flush() == [] and sorted(s for s, _ in recorder.calls) == ["a", "b"]
    assert ok.flush() == []  # nothing pending any more

    failing = SnapshotWriter(Recorder(fail=True), delay_s=0)  # 0: written during mark
    (warning,) = failing.mark("c")
    assert warning.code == "snapshot-not-written" and "No space left" in warning.message

    failing_later = Recorder(fail=True)
    background = SnapshotWriter(failing_later, delay_s=0.05)
    background.mark("d")
    assert failing_later.done.wait(10)
    deadline = time.monotonic() + 10
    while not background.problems and time.monotonic() < deadline:
        time.sleep(0.02)
    assert [p.code for p in background.problems] == ["snapshot-not-written"]
