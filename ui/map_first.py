"""Label page buttons that change the unsaved drawings take the map's news first.

streamlit-folium reports a drawing once the map has been quiet for 250 ms, and the live map
holds a press of Keep, Larger field … until that report is sent (ui/js/live_map.js). On a
busy server Streamlit can still hand the page the report and the press in one run, and a
button's callback runs before the page reads the map. A callback acting on the drafts as
last saved then had its result overwritten by the page's intake of the map's drawings, which
did not show it yet: a field kept with K just after drawing one by hand was lost (a browser
test on a loaded machine; an AppTest replays it). A callback wrapped with
:func:`map_news_first` first lets the page take in the map's drawings — the intake the page
offered on its last run (:func:`offer_intake`) — and then acts on them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import streamlit as st

P = ParamSpec("P")
R = TypeVar("R")

INTAKE_KEY = "label_map_intake"  # the page's intake of the map's drawings, for callbacks


def offer_intake(intake: Callable[[], object]) -> None:
    """Keep the page's intake of the map's drawings for the next run's button callbacks."""
    st.session_state[INTAKE_KEY] = intake


def map_news_first(action: Callable[P, R]) -> Callable[P, R]:
    """A button callback that takes in the map's drawings before it acts (see the module)."""

    @functools.wraps(action)
    def after_the_map(*args: P.args, **kwargs: P.kwargs) -> R:
        intake = st.session_state.get(INTAKE_KEY)
        if callable(intake):
            intake()
        return action(*args, **kwargs)

    return after_the_map
