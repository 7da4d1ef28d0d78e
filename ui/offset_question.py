"""The coordinator's answer when a scene's pixels look like they carry Sentinel-2's
processing-baseline offset and its file does not say so (``sr.imagery.baseline_offset``):
asked on the Home page under the current scene, never guessed. The file is not changed."""

from __future__ import annotations

import streamlit as st

from sr.imagery.baseline_offset import BASELINE_OFFSET_DN, OffsetBook
from sr.imagery.offset_evidence import OffsetEvidence, band_offsets, offset_evidence
from sr.imagery.scene import Scene
from ui.auth import Identity
from ui.scene_choice import NotPermittedError
from ui.text import escape_markdown

WHAT_IT_DOES = (
    "NDVI (the NDVI view, the season profile, the water check and the exports' NDVI "
    "columns) then reads true"
)


@st.cache_data(max_entries=64, show_spinner=False)
def _evidence(scene_id: str, _scene: Scene) -> OffsetEvidence | None:
    """The scene's evidence, read once per file version (``scene_id`` holds it)."""
    return offset_evidence(_scene)


def _dates_text(scene: Scene, dates: tuple[int, ...]) -> str:
    """'' for a one-date scene; else ' on 1 of its 2 dates (2024-07-05)'."""
    if len(scene.dates) == 1:
        return ""
    labels = ", ".join(escape_markdown(scene.dates[d].label) for d in dates)
    return f" on {len(dates)} of its {len(scene.dates)} dates ({labels})"


def answer_offset(scene: Scene, dates: tuple[int, ...], identity: Identity) -> None:
    """Keep a coordinator's answer: the offset is in ``dates`` (none: the values are as
    they are). Only coordinators answer."""
    if not identity.is_coordinator:
        raise NotPermittedError("Only coordinators can say what a scene's values hold.")
    OffsetBook().confirm(scene.path, band_offsets(scene, dates), identity.name)


def ask_offset(scene: Scene, identity: Identity) -> None:
    """Say what was answered for this scene (with a way to change it), or ask, when its
    file declares nothing and its darkest pixels look like the offset."""
    book = OffsetBook()
    answer = book.get(scene.path, scene.count)
    if answer is not None:
        who = escape_markdown(answer.by) or "a coordinator"
        said = (
            f"{BASELINE_OFFSET_DN} (Sentinel-2's processing-baseline offset) is taken out "
            f"of its values{_dates_text(scene, tuple(answer_dates(scene, answer.offsets)))}"
            if answer.taken_out
            else "its values are read as they are (no baseline offset)"
        )
        st.caption(f"Values: {said}, as {who} answered.")
        if identity.is_coordinator and st.button("Change this answer", key="offset_again"):
            book.forget(scene.path)
            st.rerun()
        return
    evidence = None if scene.band_scaling else _evidence(scene.scene_id, scene)
    if evidence is None or not evidence.dates:
        return
    darkest = min(d for i, d in enumerate(evidence.darkest) if i in evidence.dates and d)
    st.warning(
        f"**NDVI may read low on this scene.** Even its darkest pixels lie above "
        f"{BASELINE_OFFSET_DN}{_dates_text(scene, evidence.dates)} (the darkest 1 % of red, "
        f"green and blue: {darkest:,.0f}), and the file does not say why. Sentinel-2 L2A "
        f"products made since 25 January 2022 (processing baseline 04.00 or later: N0400 or "
        f"higher in the product's name) add {BASELINE_OFFSET_DN} to every value. If this "
        f"scene is one, take it out: {WHAT_IT_DOES}. The file is not changed, and the "
        "answer can be changed here later.",
        icon=":material/warning:",
    )
    if not identity.is_coordinator:
        st.info("Ask a coordinator to answer this for the scene.")
        return
    take, keep = st.columns(2)
    if take.button(f"Take {BASELINE_OFFSET_DN} out (Sentinel-2 L2A since 2022)", key="offset_take"):
        answer_offset(scene, evidence.dates, identity)
        st.rerun()
    if keep.button("Keep the values as they are", key="offset_keep"):
        answer_offset(scene, (), identity)
        st.rerun()


def answer_dates(scene: Scene, offsets: tuple[int, ...]) -> list[int]:
    """The dates whose colour bands an answer takes the offset out of."""
    return [i for i, date in enumerate(scene.dates) if any(offsets[b - 1] for b in date.indexes)]
