"""The Label page's jobs panel: queue position and ETA, progress and preview, Cancel,
what became of a volunteer's jobs after a restart (finished, interrupted → Resubmit)."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import streamlit as st

from sr.imagery.render import encode_png
from sr.jobs.engine import JobEngine, JobSnapshot, JobState, QueueFull
from sr.jobs.eta import ProgressReport, seconds_left
from sr.jobs.records import JobRecord
from sr.sharpen.pipeline import SharpenRequest
from ui.methods import method_text
from ui.registry import ServedScene
from ui.text import escape_markdown
from ui.uninterrupted import uninterrupted

SHOWN = 3  # ended jobs listed under the active ones


def minutes(seconds: float) -> str:
    """'about 40 s' / 'about 3 min' for an ETA."""
    return f"about {seconds:.0f} s" if seconds < 90 else f"about {seconds / 60:.0f} min"


def status_line(snap: JobSnapshot, smoothed_left_s: float | None = None) -> str:
    """One line for a job: what it is, and where it stands; a running job's time left is
    ``smoothed_left_s`` when known (:func:`smoothed_time_left`), else the engine's."""
    what = method_text(snap.record.method)
    if snap.status is JobState.QUEUED:
        ahead = "next in the queue" if not snap.position else f"{snap.position} ahead in the queue"
        eta = f" · done in {minutes(snap.eta_s)}" if snap.eta_s is not None else ""
        return f"{what}: waiting, {ahead}{eta}"
    if snap.status is JobState.RUNNING:
        left = smoothed_left_s if smoothed_left_s is not None else snap.eta_s
        eta = f" · {minutes(left)} left" if left is not None else ""
        return f"{snap.message}{eta}"
    return f"{what}: {snap.status.value}"


def smoothed_time_left(
    seen: list[ProgressReport], fraction: float, now_s: float
) -> tuple[list[ProgressReport], float | None]:
    """The job's progress reports seen by this page so far, with ``fraction`` added when it
    moved, and the exponentially smoothed time left (``sr.jobs.eta``), so the ETA does not jump."""
    if not seen or seen[-1].fraction != fraction:
        seen = [*seen, ProgressReport(now_s, fraction)]
    return seen, seconds_left(seen, now_s)


def submit(engine: JobEngine, request: SharpenRequest, volunteer: str) -> str | None:
    """Queue a request (its job's key is ``request_key(request)``); the message to show when
    it cannot be (queue full, no cluster)."""
    try:
        engine.submit(request, volunteer)
    except QueueFull as exc:
        return str(exc)
    except OSError as exc:  # the cluster at $SHARPFIELDS_SCHEDULER cannot be reached
        return f"The enhancement workers cannot be reached ({exc}); try again in a minute."
    return None


def show_jobs(
    engine: JobEngine,
    volunteer: str,
    served: ServedScene,
    shown_key: str | None,
    choose_area: Callable[[JobRecord], None],
) -> None:
    """The volunteer's jobs on this scene, refreshed every second while any is active.

    ``shown_key``: the job whose result the page shows now; ``choose_area`` (a button
    callback) makes a finished job's area and method the current ones, so its result shows.
    """
    scene = served.scene
    active = any(s.status.active for s in engine.jobs_of(volunteer, scene.scene_id))

    @st.fragment(run_every=1.0 if active else None)
    def panel() -> None:
        jobs = engine.jobs_of(volunteer, scene.scene_id)
        current = [s for s in jobs if s.status.active]
        ended = [s for s in jobs if not s.status.active][:SHOWN]
        if (active and not current) or st.session_state.pop("jobs_panel_rerun", False):
            st.rerun(scope="app")  # the last one ended, or a result was chosen: show it
        for snap in current:
            active_job(engine, volunteer, served, snap, preview=snap is current[0])
        for snap in ended:
            _ended_job(engine, volunteer, snap, shown_key, choose_area)

    panel()


@uninterrupted
def _chosen(choose_area: Callable[[JobRecord], None], record: JobRecord) -> None:
    choose_area(record)
    st.session_state["jobs_panel_rerun"] = True  # the panel then reruns the whole page


def job_line(snap: JobSnapshot) -> str:
    """A running or queued job's status line, its time left smoothed over what this
    session's page saw of it before."""
    key = f"progress:{snap.key}"
    seen, left = smoothed_time_left(st.session_state.get(key, []), snap.fraction, time.monotonic())
    st.session_state[key] = seen
    return status_line(snap, left)


def active_job(
    engine: JobEngine, volunteer: str, served: ServedScene, snap: JobSnapshot, preview: bool
) -> None:
    """A running or queued job: its notice, progress and time left, its preview (with
    ``preview``) and Cancel."""
    if snap.notice:
        st.warning(escape_markdown(snap.notice))
    st.progress(snap.fraction, text=job_line(snap))
    if preview and snap.preview is not None:
        st.image(_preview_png(served, snap), caption="preview", width="stretch")
    if st.button("Cancel", key=f"cancel-{snap.key}"):
        engine.cancel(snap.key, volunteer)
        st.rerun(scope="app")


def _preview_png(served: ServedScene, snap: JobSnapshot) -> bytes:
    """The job's preview in true colour as PNG, made once per preview the job sends (the
    panel redraws every second)."""
    key = f"preview-png:{snap.key}"
    kept = st.session_state.get(key)
    if kept is not None and kept[0] == snap.preview_version:
        return bytes(kept[1])
    # A date of a multi-date scene is read as red, green, blue, NIR (sr.sharpen.pipeline).
    dated = len(served.scene.dates) > 1
    bands = [0, 1, 2] if dated else [b - 1 for b in served.scene.bands.for_mode("true")]
    rgb = served.stretch("true").apply(snap.preview[bands])  # type: ignore[index]
    opaque = np.full((1, *rgb.shape[1:]), 255, np.uint8)
    png = encode_png(np.concatenate([rgb, opaque]).transpose(1, 2, 0))
    st.session_state[key] = (snap.preview_version, png)
    return png


def _ended_job(
    engine: JobEngine,
    volunteer: str,
    snap: JobSnapshot,
    shown_key: str | None,
    choose_area: Callable[[JobRecord], None],
) -> None:
    if snap.status is JobState.DONE:
        if snap.key != shown_key:
            st.button(
                f"Show the enhanced area ({method_text(snap.record.method)})",
                key=f"show-job-{snap.key}",
                on_click=_chosen,
                args=(choose_area, snap.record),
            )
        return
    if snap.status is JobState.CANCELLED:
        st.info("Cancelled. Nothing was kept.")
        return
    (st.warning if snap.status is JobState.INTERRUPTED else st.error)(
        escape_markdown(snap.error or "failed")
    )
    if st.button("Resubmit", key=f"resubmit-{snap.key}"):
        try:
            engine.resubmit(snap.key, volunteer)
        except (QueueFull, OSError) as exc:
            st.error(escape_markdown(str(exc)))
            return
        st.rerun(scope="app")
