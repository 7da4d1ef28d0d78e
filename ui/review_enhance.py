"""The Review page's Enhance, for a field that no enhanced area holds.

The right map then showed the original again, and the reviewer could not compare. A button
beside the maps' caption enhances an area holding the field with the recommended method (as
the Label page's Enhance, under the reviewer's name), shows its progress, and the comparison
follows once it is done.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from labels.model import Label
from sr.imagery.scene import Scene
from sr.jobs.records import JobState
from sr.sharpen.methods import DEFAULT_METHOD
from sr.sharpen.pipeline import SharpenRequest, request_key
from ui.enhance_flow import enhance_blocker, job_engine
from ui.jobs_panel import job_line, submit
from ui.methods import method_text
from ui.outline_edges import area_holding
from ui.registry import ServedScene
from ui.settings import default_area_pixels
from ui.text import escape_markdown
from ui.uninterrupted import uninterrupted

ENHANCE_FIELD = "Enhance this field's area"
NOTHING_ENHANCED = "Left: original. Right: the same, not enhanced yet."
JOBS_KEY = "review_enhance_jobs"  # label id → the key of the job enhancing its area
PROBLEM_KEY = "review_enhance_problem"  # why the last press queued nothing
BUTTON_PX = 40  # a Streamlit button's height
ROW = [1.6, 1]  # the caption or the job's line | the button


def field_request(scene: Scene, label: Label, reviewer: str, date: int) -> SharpenRequest:
    """The recommended method's sharpening of an area that holds the field with a margin
    (as the Label page's Centre the area makes one), on the date the reviewer looks at."""
    area = area_holding(scene, label.geometry, default_area_pixels())
    return SharpenRequest(scene, area, DEFAULT_METHOD, "fast", requested_by=reviewer, date=date)


@uninterrupted
def _start(request: SharpenRequest, reviewer: str, label_id: str) -> None:
    """Button callback: queue the job (or join one running for the same area)."""
    if problem := submit(job_engine(), request, reviewer):
        st.session_state[PROBLEM_KEY] = problem
        return
    st.session_state.setdefault(JOBS_KEY, {})[label_id] = request_key(request)


def caption_row() -> tuple[DeltaGenerator, DeltaGenerator]:
    """The row above the maps: (its words, its control). The control's place is as tall as
    a button in every state (the button, Cancel, or room kept), so the maps under the row do
    not move as it changes."""
    words, control = st.columns(ROW, vertical_alignment="center")
    return words, control


def keep_room(control: DeltaGenerator) -> None:
    """The control's place held at a button's height, where there is no button."""
    control.container(height=BUTTON_PX, border=False)


def enhance_field(served: ServedScene, label: Label, reviewer: str, date: int) -> None:
    """The :func:`caption_row` of maps that show no enhanced view: the caption and the
    button (disabled with the reason when the area cannot be enhanced), or the job's progress
    and Cancel while it runs (the page reruns when it ends), and what became of a last try
    that did not finish."""
    engine = job_engine()
    key = st.session_state.get(JOBS_KEY, {}).get(label.id)
    snap = engine.snapshot(key) if key else None
    if snap is not None and snap.status.active:

        @st.fragment(run_every=1.0)
        def progress() -> None:
            now = engine.snapshot(snap.key)
            if now is None or not now.status.active:
                st.rerun(scope="app")  # done: the maps find the new area
            line, cancel = caption_row()
            line.progress(now.fraction, text=job_line(now))
            if cancel.button("Cancel", key=f"review-cancel-{now.key}"):
                engine.cancel(now.key, reviewer)
                st.rerun(scope="app")

        progress()
        return
    last = st.session_state.pop(PROBLEM_KEY, None)
    if snap is not None:  # it ended: what became of it is said once
        st.session_state[JOBS_KEY].pop(label.id, None)
        if snap.status is JobState.CANCELLED:
            last = "Cancelled; nothing was kept."
        elif snap.status is not JobState.DONE:
            last = snap.error or "The enhancement failed."
    words, control = caption_row()
    words.caption(escape_markdown(f"{NOTHING_ENHANCED} {last or ''}".strip()))
    request = field_request(served.scene, label, reviewer, date)
    blocker = enhance_blocker(request)
    control.button(
        ENHANCE_FIELD,
        key=f"review-enhance-{label.id}",
        disabled=bool(blocker),
        help=blocker
        or f"{method_text(DEFAULT_METHOD)} (the recommended method) on an area around the "
        "field; the right map then shows it. Others who review or map here see it too.",
        on_click=_start,
        args=(request, reviewer, label.id),
    )
