"""What runs on a Dask worker for one job, and how it talks to the app across processes.

Each submission has a job id. Its progress (fraction, message, tries, worker, and the
number of the latest preview) is a small ``distributed.Variable`` the worker sets and the
app reads every second; the preview itself, shrunk to :data:`PREVIEW_SIDE` pixels, is a
second Variable the app reads only when its number changes. Cancel is a
``distributed.Event`` that DIP checks every iteration, because ``Future.cancel()`` does not
stop a task that is already running. The worker counts its tries in the same Variable:
when a worker dies, the scheduler runs the task again elsewhere, and the job says so; after
``max_tries`` starts it gives up instead of being retried forever.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
from distributed import Event, Variable, get_worker

from sr.jobs.cluster import prepare_worker_process
from sr.progress import Cancelled, Progress
from sr.sharpen.cache import CachedResult, ResultCache
from sr.sharpen.pipeline import SharpenRequest, sharpen_area


class JobLost(RuntimeError):
    """The job's workers stopped too many times (killed, out of memory); not retried."""


def progress_name(job_id: str) -> str:
    return f"sharpfields-progress-{job_id}"


def preview_name(job_id: str) -> str:
    return f"sharpfields-preview-{job_id}"


def cancel_name(job_id: str) -> str:
    return f"sharpfields-cancel-{job_id}"


def lost_message(tries: int) -> str:
    return (
        f"The worker running this job stopped {tries} time{'' if tries == 1 else 's'} "
        "(killed, or out of memory); "
        "it is not retried again. Resubmit it, or choose a smaller area."
    )


def restarted_notice(tries: int, max_tries: int) -> str:
    return (
        "The worker running this job stopped; the job started again on another worker "
        f"(try {tries} of {max_tries})."
    )


PREVIEW_SIDE = 256
"""Longest side of a job's preview, in pixels. A whole 512² four-band result was 4 MB, and
every open jobs panel fetched and drew it every second: on 2 cores, two running jobs then
slowed everyone's pages."""


def small_preview(preview: np.ndarray, side: int = PREVIEW_SIDE) -> np.ndarray:
    """(bands, H, W) averaged over blocks so that its longest side is at most ``side``
    (the edge rows and columns left over by the blocks are dropped)."""
    step = -(-max(preview.shape[-2:]) // side)
    if step <= 1:
        return preview
    bands, rows, cols = preview.shape
    rows, cols = rows // step * step, cols // step * step
    blocks = preview[:, :rows, :cols].reshape(bands, rows // step, step, cols // step, step)
    out: np.ndarray = blocks.mean(axis=(2, 4))
    return out


def encode_preview(preview: np.ndarray | None) -> dict[str, Any] | None:
    """A preview as plain bytes and shape, for a Variable."""
    if preview is None:
        return None
    array = np.ascontiguousarray(preview, dtype=np.float32)
    return {"data": array.tobytes(), "shape": list(array.shape)}


def decode_preview(packed: dict[str, Any] | None) -> np.ndarray | None:
    if not packed:
        return None
    return np.frombuffer(packed["data"], dtype=np.float32).reshape(packed["shape"])


def run_job(
    request: SharpenRequest, cache_folder: str, job_id: str, max_tries: int
) -> CachedResult:
    """The task: sharpen the area into the shared result cache, reporting as it goes."""
    prepare_worker_process()
    progress = Variable(progress_name(job_id))
    cancel = Event(cancel_name(job_id))
    before = progress.get(timeout="10s") or {}
    tries = int(before.get("tries", 0)) + 1
    state: dict[str, Any] = {
        "tries": tries,
        "started": time.time(),
        "worker": get_worker().address,
        "notice": restarted_notice(tries, max_tries) if tries > 1 else "",
        "fraction": 0.0,
        "message": "starting…",
        "preview_version": int(before.get("preview_version", 0)),
    }
    progress.set(state)
    preview = Variable(preview_name(job_id))
    if tries > max_tries:
        raise JobLost(lost_message(tries - 1))

    def report(update: Progress) -> None:
        state.update(fraction=update.fraction, message=update.message)
        if update.preview is not None:
            preview.set(encode_preview(small_preview(update.preview)))
            state["preview_version"] += 1
        progress.set(state)

    try:
        return sharpen_area(request, ResultCache(Path(cache_folder)), report, cancel)
    except Cancelled:
        cancel.clear()  # seen: the scheduler may forget the token
        raise
