"""**Centre the area on this field**: a proposal cut by the edge of the view it was outlined
on moves the area to be enhanced onto the field, with room around it; **Enhance the new
area** under the map enhances it (as the side panel's Enhance), and the field is proposed
there once it is shown (:func:`take_centred_field`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from sr.imagery.scene import Scene
from ui.drawings import Draft
from ui.goto_box import LABEL_GOTO, forget_place
from ui.map_first import map_news_first
from ui.outline_edges import AREA_MOVED, CENTRE_BUTTON, ViewFrame, area_holding
from ui.outline_propose import Outlining, click_frame, latest_click, propose_field, say
from ui.proposal_record import Proposals
from ui.settings import default_area_pixels
from ui.state import ask_enhance, bump_map
from ui.uninterrupted import uninterrupted

CENTRED_KEY = "assist_centred_field"  # (lon/lat inside the cut outline, the area chosen)
CENTRED_LEAD = "The field you centred the area on: "
ENHANCE_CENTRED = "Enhance the new area"
CENTRED_WAITS = "The field you centred the area on is outlined again once this area is enhanced."
CENTRED_ENHANCING = (
    "Enhancing the new area (progress under 2 · Sharpen): the field you centred it on is "
    "outlined again once it is ready."
)


@dataclass(frozen=True)
class AreaState:
    """How the area to be enhanced stands, for the panel under the map: enhanced already,
    being enhanced, or why it cannot be (None: it can)."""

    enhanced: bool
    enhancing: bool
    blocker: str | None = None


def take_centred_field(at: Outlining, draft: Draft) -> Draft:
    """Once the area that **Centre the area on this field** chose is enhanced and shown, the
    field it was centred on is proposed there, as a click inside its cut outline would;
    forgotten when the area changes first."""
    if (point := _centred_point()) is None or at.shown is None:
        return draft
    del st.session_state[CENTRED_KEY]
    return propose_field(at, draft, point, lead=CENTRED_LEAD)


def _centred_point() -> tuple[float, float] | None:
    """Where the field that **Centre the area on this field** moved the area onto waits to
    be proposed (lon/lat), while the area is still the one it chose; forgotten (None) once
    the area changed."""
    pending = st.session_state.get(CENTRED_KEY)
    if pending is None:
        return None
    point, area = pending
    if st.session_state.get("area") != area:
        del st.session_state[CENTRED_KEY]
        return None
    return point  # type: ignore[no-any-return]


def centre_button(key: str, on_click: Callable[..., None], args: tuple[Any, ...]) -> None:
    """A button under the edge caution: the area moves onto the field (``on_click``)."""
    st.button(
        CENTRE_BUTTON,
        help="Moves the area to be enhanced onto this field, with room around it, so that "
        "the assist sees all of it. The cut outline is set aside.",
        on_click=on_click,
        args=args,
        key=key,
    )


def innermost(outline: BaseGeometry) -> Point:
    """The point of a lon/lat outline farthest from its border (to ~0.1 m; any point inside
    for one that is not a polygon)."""
    if isinstance(outline, Polygon):
        return polylabel(outline, tolerance=1e-6)
    return outline.representative_point()


def move_area(
    scene: Scene, outline: BaseGeometry, frame: ViewFrame | None, inside: tuple[float, float]
) -> None:
    """The area to be enhanced moves onto a field that the edge of the view it was outlined
    on (``frame``) cut, centred where that edge cut it; the map follows, and the field is
    proposed at ``inside`` (lon/lat) once the area is enhanced (:func:`take_centred_field`)."""
    crossing = frame.crossing(outline) if frame is not None else None
    area = area_holding(scene, outline, default_area_pixels(), crossing)
    st.session_state["area"] = area
    st.session_state[CENTRED_KEY] = (inside, area)
    forget_place(LABEL_GOTO)  # the map follows the area
    bump_map()
    say(AREA_MOVED)


@uninterrupted
@map_news_first
def centre_on_clicked(at: Outlining) -> None:
    """Centre the area on the latest click's field; its cut outline leaves the unsaved
    drawings (else it would be saved beside the whole field, outlined next)."""
    drafts = at.drafts
    draft = drafts.load()
    if (latest := latest_click(drafts, draft)) is None:
        return
    index, click = latest
    outline = draft.new[index]
    drafts.save(Draft([g for i, g in enumerate(draft.new) if i != index], draft.edits))
    record = Proposals.beside(drafts.path)
    record.proposed.pop()
    record.last_click = None
    record.save()
    move_area(at.scene, outline, click_frame(at, click), (click.lon, click.lat))


def centred_wait(area: AreaState, answered: bool) -> None:
    """While the field the area was centred on waits for the area to be enhanced: a button
    that enhances it (as the side panel's Enhance; with a word on why, unless the answer
    just said it), or that it is being enhanced."""
    if _centred_point() is None or area.enhanced:
        return
    if area.enhancing:
        st.info(CENTRED_ENHANCING)
        return
    if not answered:
        st.caption(CENTRED_WAITS)
    st.button(
        ENHANCE_CENTRED,
        type="primary",
        disabled=bool(area.blocker),
        help="The same as Enhance under 2 · Sharpen, with the method chosen there.",
        on_click=ask_enhance,
        key="assist-enhance-centred",
    )
    if area.blocker:
        st.warning(area.blocker)
