"""Outlining a field by two clicks at opposite corners (the Label page's "Outline a field
by"): the first corner is marked on the map, the second proposes the field between them
(:func:`ui.outline_assist.propose_in_box`, :mod:`sr.outline.box`)."""

from __future__ import annotations

from typing import Any

import folium
import streamlit as st

from sr.imagery.scene import Scene
from ui.date_view import current_date
from ui.drawings import Draft
from ui.outline_assist import propose_in_box
from ui.outline_propose import (
    Outlining,
    add_proposal,
    answered,
    cautions,
    click_frame,
    every_date,
    say,
    say_failed,
)
from ui.proposal_record import LastClick
from ui.scene_map import MapParent
from ui.state import bump_map

OUTLINE_BY_KEY = "assist_outline_by"
ONE_CLICK, TWO_CORNERS = ("One click inside it", "Two clicks at opposite corners")
CORNER_KEY = "assist_first_corner"  # (scene id, lon, lat) of a first corner, until the second
CORNER_STYLE: dict[str, Any] = {
    "radius": 6,
    "color": "#ffd600",
    "weight": 3,
    "fill": True,
    "fillOpacity": 0.6,
}
FIRST_CORNER = (
    "First corner marked (yellow dot). Now click the opposite corner of the field: the "
    "assist outlines the field between them."
)
NO_FIELD_IN_BOX = (
    "No field found between those corners. Click two opposite corners of one field, a little "
    "outside its edges, or outline it with Draw fields."
)


def by_corners() -> bool:
    """Whether "Outline a field by" is set to two corners."""
    return st.session_state.get(OUTLINE_BY_KEY) == TWO_CORNERS


def take_corner(at: Outlining, draft: Draft, point: tuple[float, float]) -> Draft:
    """A corner of a field: the first is marked, the second proposes the field between them
    (an unsaved drawing, as a click's proposal, but without Larger / Smaller or corrections)."""
    scene = at.scene
    first = first_corner(scene)
    st.session_state.pop(CORNER_KEY, None)
    if first is None:
        st.session_state[CORNER_KEY] = (scene.scene_id, *point)
        say(FIRST_CORNER)
        return draft
    corners = (*first, *point)
    answer = answered(
        lambda: propose_in_box(scene, at.shown, corners, every_date(scene), current_date(scene)),
        at.around(draft),
    )
    if answer is None:
        return draft
    if answer.outline is None:
        say_failed(answer.nothing(NO_FIELD_IN_BOX))
        return draft
    lon, lat = (corners[0] + corners[2]) / 2, (corners[1] + corners[3]) / 2
    frame = click_frame(at, LastClick(lon, lat, date=current_date(scene)))
    say(answer.proposed(), cautions(scene, answer.outline, frame, corners_hint=False))
    bump_map()
    return add_proposal(at.drafts, draft, answer.outline, answer.version)


def first_corner(scene: Scene) -> tuple[float, float] | None:
    """(lon, lat) of the first corner clicked on this scene, awaiting the second; None when
    there is none (a corner clicked on another scene does not count)."""
    found = st.session_state.get(CORNER_KEY)
    if found is None or found[0] != scene.scene_id:
        return None
    return float(found[1]), float(found[2])


def forget_corner() -> None:
    """Switching how fields are outlined forgets a first corner waiting for its second."""
    st.session_state.pop(CORNER_KEY, None)


def add_corner_layer(fmap: MapParent, scene: Scene) -> None:
    """Show the first corner clicked while the second is awaited (a yellow dot)."""
    if (corner := first_corner(scene)) is not None:
        lon, lat = corner
        folium.CircleMarker((lat, lon), **CORNER_STYLE).add_to(fmap)
