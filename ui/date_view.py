"""Which date of a scene is on screen, and in which view: the date switch of Label and Review
(one button per date, and the key D for the next), and the view (true colour, false colour,
NDVI). The dates a volunteer looked at are recorded with the fields they draw."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from sr.imagery.bands import DisplayMode
from sr.imagery.render import view_bands
from sr.imagery.scene import Scene
from sr.imagery.scene_errors import SceneError
from ui.label_actions import DrawnOn
from ui.page_keys import NEXT_DATE_KEY
from ui.scene_map import MODE_NAMES
from ui.state import bump_map
from ui.uninterrupted import uninterrupted

DATE_KEY = "view_date"  # shared by Map, Label and Review: the date stays when changing page
MODE_KEY = "view_mode"  # the view's radio; it stays when changing page too (date_switch)
VIEW_NAMES = {**MODE_NAMES, "ndvi": "NDVI (vegetation)"}  # the radio's; the layer's: MODE_NAMES


def current_date(scene: Scene) -> int:
    """The date on screen (0 = the first), kept within the scene's dates."""
    date = int(st.session_state.get(DATE_KEY, 0))
    return date if 0 <= date < len(scene.dates) else 0


def views_of(scene: Scene, date: int = 0) -> list[str]:
    """The views a date can show: NIR makes false colour and NDVI possible."""
    views = ["true"]
    for mode in ("false", "ndvi"):
        try:
            view_bands(scene.date_bands(date), mode)
        except SceneError:
            continue
        views.append(mode)
    return views


@uninterrupted
def _show_date(date: int) -> None:
    st.session_state[DATE_KEY] = date
    bump_map()


@uninterrupted
def _next_date(count: int) -> None:
    _show_date((int(st.session_state.get(DATE_KEY, 0)) + 1) % count)


def seen_key(scene: Scene) -> str:
    return f"dates_seen-{scene.scene_id}"


def note_seen(scene: Scene, date: int) -> None:
    """Remember that the volunteer looked at ``date`` while drawing on this scene."""
    seen = st.session_state.setdefault(seen_key(scene), set())
    seen.add(date)


def dates_seen_text(scene: Scene) -> str | None:
    """The dates looked at since the last save, in time order ('date 1, date 2'); None for a
    scene of one date."""
    if len(scene.dates) < 2:
        return None
    seen = sorted(st.session_state.get(seen_key(scene), {current_date(scene)}))
    return ", ".join(scene.dates[i].label for i in seen)


def drawn_with_dates(drawn_on: DrawnOn, scene: Scene) -> DrawnOn:
    """What a field is drawn on, with the date on screen's time (when the scene knows it)
    and the dates looked at."""
    if len(scene.dates) < 2:
        return drawn_on
    when = scene.dates[current_date(scene)].when or drawn_on.determination_datetime
    return replace(drawn_on, determination_datetime=when, dates_seen=dates_seen_text(scene))


def forget_seen(scene: Scene) -> None:
    """After a save: the next field starts with the date on screen only."""
    st.session_state[seen_key(scene)] = {current_date(scene)}


def date_switch(scene: Scene, key: str) -> tuple[int, DisplayMode]:
    """The date buttons (and D for the next date) and the view choice; returns both."""
    date = current_date(scene)
    if len(scene.dates) > 1:
        st.markdown(f"**Date on screen: {scene.dates[date].label}**")
        columns = st.columns([1.0] * len(scene.dates) + [1.8])
        for index, (column, shown) in enumerate(zip(columns, scene.dates, strict=False)):
            column.button(
                shown.label,
                key=f"{key}-date-{index}",
                type="primary" if index == date else "secondary",
                on_click=_show_date,
                args=(index,),
            )
        columns[-1].button(
            "Next date",
            key=f"{key}-next-date",
            help=f"Or press {NEXT_DATE_KEY.upper()}, on the page or in the map",
            shortcut=NEXT_DATE_KEY,
            on_click=_next_date,
            args=(len(scene.dates),),
        )
    views = views_of(scene, date)
    # The view chosen, on this page or another: Streamlit keeps a widget's state for its own
    # page only, unless the script sets it (as it does the date, which is no widget's).
    chosen = st.session_state.get(MODE_KEY, "true")
    st.session_state[MODE_KEY] = chosen if chosen in views else "true"
    mode = st.radio(
        "View",
        views,
        format_func=VIEW_NAMES.__getitem__,
        horizontal=True,
        key=MODE_KEY,
        on_change=bump_map,
    )
    note_seen(scene, date)
    return date, mode  # type: ignore[return-value]


def other_date_choice(
    scene: Scene, date: int, key: str, label: str = "Right: another date (side by side)"
) -> int | None:
    """A toggle to show another date beside the one on screen (side by side on Review, a
    swipe on Label), and which; None when off or when the scene has one date."""
    if len(scene.dates) < 2:
        return None
    if not st.toggle(label, key=f"{key}-side-by-side", on_change=bump_map):
        return None
    others = [i for i in range(len(scene.dates)) if i != date]
    other = int(
        st.selectbox(
            "Date on the right",
            others,
            format_func=lambda i: scene.dates[i].label,
            key=f"{key}-right-date",
            on_change=bump_map,
        )
    )
    note_seen(scene, other)  # looked at too, while drawing
    return other
