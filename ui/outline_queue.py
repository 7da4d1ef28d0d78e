"""**Outline all fields here**: every field that stands out on the enhanced area shown,
queued and confirmed one by one under the map (Keep adds it to the unsaved drawings, Skip
drops it, Stop ends the queue; keys K and S). The next one waiting is cut off the fields
drawn or saved since (:func:`fit_queue`)."""

from __future__ import annotations

import folium
import streamlit as st
from shapely.geometry import mapping
from streamlit.delta_generator import DeltaGenerator

from labels.base_store import LabelStore
from sr.imagery.scene import Scene
from ui.auth import Identity
from ui.date_view import current_date
from ui.drawings import Drafts
from ui.map_first import map_news_first
from ui.outline_assist import AllProposed, assist_version, enhanced_frame, propose_all
from ui.outline_centre import centre_button, innermost, move_area
from ui.outline_edges import AREA_MOVED
from ui.outline_propose import (
    QUEUE_MESSAGE_KEY,
    Outlining,
    add_proposal,
    cautions,
    every_date,
    fields_around,
    say,
    say_failed,
    say_under_map,
)
from ui.proposal_record import LastClick, Proposals
from ui.scene_map import MapParent
from ui.state import bump_map
from ui.uninterrupted import uninterrupted

OUTLINE_ALL = "Outline all fields here"
OUTLINE_ALL_HELP = (
    "Proposes every field that stands out on the enhanced area shown, to keep or skip one by one."
)
OUTLINE_ALL_NEEDS_AREA = (
    "Enhance an area first: Outline all proposes the fields of an enhanced area."
)
QUEUE_STYLE = {"color": "#ffd600", "weight": 3, "dashArray": "6 4", "fillOpacity": 0.15}
QUEUE_CUT = (
    "The next proposed field stops at a field drawn since Outline all and shares its border."
)
QUEUE_SKIPPED = (
    "{n} proposed field(s) skipped: little or nothing of them lies outside the fields drawn "
    "since Outline all."
)
QUEUE_STOPPED = (
    "Outline all stopped: the {n} proposed field(s) left were cut by the old area's edge too. "
    "Once the new area is enhanced, press Outline all fields here again to go on there."
)
QUEUE_DONE = (
    "That was the last proposed field. The ones you kept are unsaved drawings: choose their "
    "crop and save them."
)
KEEP_BUTTON, SKIP_BUTTON = "assist-keep", "assist-skip"  # the buttons' widget keys
QUEUE_KEYS = {"k": KEEP_BUTTON, "s": SKIP_BUTTON}  # key → the button it presses
QUEUE_BUTTONS = ("Keep", "Skip", "Stop")  # held by the map until it reported its drawing
QUEUE_KEYS_NOTE = "K keeps, S skips"  # the keys work on the map too
NONE_STANDS_OUT = (
    "No field proposed: none stands out on the enhanced area. Click a field, or outline it "
    "with Draw fields."
)
WATER_LEFT_OUT = (
    "{n} left out as open water on every date (a river, lake or pond): click one to "
    "outline it anyway."
)
WATER_LEFT_OUT_ONE_DATE = (  # a field flooded on the scene's only date looks the same
    "{n} left out as open water on the scene's date (a river, lake or pond, or a field under "
    "water, such as rice just planted): click one to outline it anyway."
)
QUEUE_HEADING = "**Proposed field, {n} waiting**"  # the one in yellow, and how many are left
NONE_LEFT = (
    "No field proposed: the {n} found are all too small, too large, or overlapping or inside "
    "saved fields."
)


def outline_all_answer(
    proposed: AllProposed, at_edge: int, one_date: bool = False
) -> tuple[str, bool]:
    """What Outline all says about its answer (``at_edge`` of the fields reach the area's
    edge; ``one_date``: the scene has one date), and whether it failed (no field
    proposed)."""
    n, failed = len(proposed.fields), proposed.failed_checks
    left_out = WATER_LEFT_OUT_ONE_DATE if one_date else WATER_LEFT_OUT
    water = f" {left_out.format(n=proposed.water)}" if proposed.water else ""
    if n:
        note = (
            f" ({failed} left out: too small, too large, or overlapping or inside a saved field)"
            if failed
            else ""
        )
        edge = f" {at_edge} of them reach the area's edge and come last." if at_edge else ""
        return f"{n} field(s) proposed{note}: keep or skip each.{edge}{water}", False
    if failed:
        return NONE_LEFT.format(n=failed) + water, True
    return (f"No field proposed.{water}" if water else NONE_STANDS_OUT), True


@uninterrupted
@map_news_first
def outline_all(at: Outlining, identity: Identity) -> None:
    """Queue every field that stands out on the enhanced area shown (whole fields first),
    off the fields drawn already, and say how many."""
    scene, shown, drafts = at.scene, at.shown, at.drafts
    if shown is None:  # the button is off without an enhanced area
        return
    proposed = propose_all(
        scene, shown, at.around(drafts.load()), identity.name, every_date=every_date(scene)
    )
    record = Proposals.beside(drafts.path)
    record.queue, record.queue_version = proposed.fields, proposed.version
    record.queue_frame = frame = enhanced_frame(shown)
    record.save()
    at_edge = sum(frame.reaches_edge(p) for p in proposed.fields)
    text, failed = outline_all_answer(proposed, at_edge, one_date=len(scene.dates) == 1)
    (say_failed if failed else say)(text)
    bump_map()


@uninterrupted
@map_news_first
def _confirm(at: Outlining, keep: bool, user: str) -> None:
    scene, drafts = at.scene, at.drafts
    record = Proposals.beside(drafts.path)
    if not record.queue:
        return
    first = record.queue.pop(0)
    record.save()
    if keep:  # kept as if clicked inside it: Larger / Smaller field work on it too
        inside = first.representative_point()
        click = LastClick(inside.x, inside.y, every_date(scene), current_date(scene))
        version = record.queue_version or assist_version()
        add_proposal(drafts, drafts.load(), first, version, click)
    fit_queue(at.store, scene, drafts, user, at.hidden)
    if not Proposals.beside(drafts.path).queue:
        say_under_map(QUEUE_DONE)
    bump_map()


def fit_queue(
    store: LabelStore,
    scene: Scene,
    drafts: Drafts,
    user: str,
    hidden: frozenset[str] = frozenset(),
) -> bool:
    """Fit the outline-all queue's next proposal to the fields drawn, edited or saved since
    Outline all (:meth:`Proposals.fit_queue_head`; not the fields ``hidden`` from ``user``),
    and say so on the panel when that changed it. True when it did (the map's yellow outline
    is then out of date)."""
    record = Proposals.beside(drafts.path)
    if not record.queue:
        return False
    around = fields_around(store, scene, drafts, drafts.load(), record, hidden)
    fit = record.fit_queue_head(around, user)
    if not (fit.cut or fit.skipped):
        return False
    record.save()
    told = [QUEUE_SKIPPED.format(n=fit.skipped)] if fit.skipped else []
    say_under_map(" ".join([*told, QUEUE_CUT] if fit.cut else told))
    return True


@uninterrupted
def _stop(drafts: Drafts) -> None:
    Proposals.beside(drafts.path).drop_queue()
    bump_map()


@uninterrupted
def _centre_on_waiting(scene: Scene, drafts: Drafts) -> None:
    """Centre the area on Outline all's waiting field. The queue stops: whole fields come
    first, so what waits from there on was cut by the old area's edge too, each outline one
    that its caution says not to keep."""
    record = Proposals.beside(drafts.path)
    if not record.queue:
        return
    (outline, *left), frame = record.queue, record.queue_frame
    record.drop_queue()
    inside = innermost(outline)
    move_area(scene, outline, frame, (inside.x, inside.y))
    if left:
        say(f"{AREA_MOVED} {QUEUE_STOPPED.format(n=len(left))}")


def add_queue_layer(fmap: MapParent, drafts: Drafts) -> None:
    """Show the outline-all proposal waiting for Keep / Skip (yellow, dashed)."""
    queue = Proposals.beside(drafts.path).queue
    if queue:
        folium.GeoJson(
            mapping(queue[0]), name="proposed field", style_function=lambda _: QUEUE_STYLE
        ).add_to(fmap)


def queue_bar(at: Outlining, identity: Identity) -> bool:
    """Outline all's next proposed field (yellow on the map) with Keep, Skip and Stop (keys
    K and S: :data:`QUEUE_KEYS`), and what the last Keep, Skip, save or drawing did to the
    queue. True when a proposed field waits."""
    scene, drafts = at.scene, at.drafts
    message = st.session_state.pop(QUEUE_MESSAGE_KEY, None)
    record = Proposals.beside(drafts.path)
    queue = record.queue
    if not queue:
        if message:
            st.info(message)
        return False
    words, keep, skip, stop = st.columns([3.4, 0.8, 0.8, 0.8], vertical_alignment="center")
    heading = QUEUE_HEADING.format(n=len(queue))
    words.markdown(f"{heading} (yellow on the map; {QUEUE_KEYS_NOTE})")
    for column, label, hint, widget in (
        (keep, "Keep", "Add it to your unsaved drawings (key K).", KEEP_BUTTON),
        (skip, "Skip", "Not a field, or not its outline: drop it (key S).", SKIP_BUTTON),
    ):
        column.button(
            label,
            help=hint,
            on_click=_confirm,
            args=(at, widget == KEEP_BUTTON, identity.name),
            key=widget,
        )
    stop.button("Stop", on_click=_stop, args=(drafts,), key="assist-stop")
    if message:
        st.info(message)
    if caution := cautions(scene, queue[0], record.queue_frame):
        st.warning(caution.text)
        if caution.at_edge:
            centre_button("assist-queue-centre", _centre_on_waiting, (scene, drafts))
    return True


def outline_all_button(at: Outlining, identity: Identity, where: DeltaGenerator) -> None:
    """**Outline all fields here**, under the map where its Keep / Skip come: pressed from
    the side panel's foot, on a laptop's window, they came three screens above the button
    with nothing said beside it."""
    where.button(
        OUTLINE_ALL,
        disabled=at.shown is None,
        help=OUTLINE_ALL_HELP if at.shown is not None else OUTLINE_ALL_NEEDS_AREA,
        on_click=outline_all,
        args=(at, identity),
    )
