"""The Label page's "Click a field" tool and "Outline all fields here" (Streamlit glue).

A click on the map's ground with the tool on proposes the field under it as an unsaved
drawing (or, with "Outline a field by" set to two corners, two clicks at opposite corners
of a field propose the field between them: :mod:`sr.outline.box`), which the volunteer
edits with the usual tools, saves or deletes, or — while a click's proposal is unchanged —
has proposed again larger or smaller (Larger field / Smaller field: the next level of the
merging that gives another outline), or corrected by later clicks that add a part it misses
or cut off one it should not hold ("Next click on the map"; :mod:`sr.outline.corrections`).
"Outline all fields here" queues every field of the enhanced area shown, confirmed one by
one (Keep adds it to the unsaved drawings, Skip drops it); the next one waiting is cut off
the fields drawn or saved since (:func:`fit_queue`). On a scene of several dates a
toggle, on by default, has the assist use every date (the note under it says which views it
uses). Logic: :mod:`ui.outline_assist`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import folium
import streamlit as st
from shapely.geometry import Point, Polygon, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from labels.base_store import LabelStore
from sr.errors import SharpenError
from sr.imagery.scene import Scene
from sr.imagery.scene_errors import SceneError
from sr.outline.segment import MAX_GROW
from sr.sharpen.cache import CachedResult
from ui.auth import Identity
from ui.date_view import current_date
from ui.drawings import Draft, Drafts
from ui.goto_box import LABEL_GOTO, forget_place
from ui.label_actions import Outcome
from ui.outline_assist import (
    SAME_OUTLINE_DEG,
    FieldsAround,
    LastClick,
    LonLatCorrection,
    Proposals,
    assist_version,
    clicked_point,
    cut_caution,
    enhanced_frame,
    propose_all,
    propose_at,
    propose_in_box,
    small_field_note,
    view_frame,
)
from ui.outline_edges import (
    AREA_MOVED,
    CENTRE_BUTTON,
    ViewFrame,
    area_holding,
    edge_note,
)
from ui.scene_map import MapParent
from ui.settings import default_area_pixels
from ui.state import bump_map
from ui.uninterrupted import uninterrupted

OUTLINE_TOOL = "Click a field"
QUEUE_STYLE = {"color": "#ffd600", "weight": 3, "dashArray": "6 4", "fillOpacity": 0.15}
NO_FIELD = (
    "No field found there. Click inside a field (not on a road, a boundary or a wood), "
    "or outline it with Draw fields."
)
EVERY_DATE_KEY = "assist_every_date"
PROPOSED = "Outline proposed (unsaved): adjust it on the map, then save it, or bin it."
NOT_LARGER = (
    "No larger outline there: the assist finds nothing more to join around your click. "
    "Adjust the outline with the map's edit tool."
)
NOT_SMALLER = (
    "No smaller outline there: the assist finds nothing to split off around your click. "
    "Adjust the outline with the map's edit tool."
)
CHANGED = "That proposal was edited, saved or removed: click the field again to start over."
SAVED_NOTE = (
    "A proposal stops at the fields drawn already: saved ones that someone drew by hand, "
    "edited or had accepted, and your unsaved drawings other than unchanged proposals. It "
    "takes their border, so neighbours neither overlap nor leave a gap."
)
INSIDE_SAVED = (
    "No new field there: what the assist found lies inside fields drawn already. To change "
    "one of them, edit it with the map's edit tool."
)
NEXT_CLICK_KEY = "assist_next_click"
SAID_KEY = "assist_said"  # the panel's last answer (:class:`Said`)
CENTRED_KEY = "assist_centred_field"  # (lon/lat inside the cut outline, the area chosen)
CENTRED_LEAD = "The field you centred the area on: "
ENHANCE_CENTRED_KEY = "assist_enhance_centred"  # the button under the map asks the page's Enhance
ENHANCE_CENTRED = "Enhance the new area"
CENTRED_WAITS = "The field you centred the area on is outlined again once this area is enhanced."
CENTRED_ENHANCING = (
    "Enhancing the new area (progress under 2 · Sharpen): the field you centred it on is "
    "outlined again once it is ready."
)
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
QUEUE_MESSAGE_KEY = "assist_queue_message"  # said under the map, beside Keep and Skip
KEEP_BUTTON, SKIP_BUTTON = "assist-keep", "assist-skip"  # the buttons' widget keys
QUEUE_KEYS = {"k": KEEP_BUTTON, "s": SKIP_BUTTON}  # key → the button it presses
QUEUE_BUTTONS = ("Keep", "Skip", "Stop")  # held by the map until it reported its drawing
QUEUE_KEYS_NOTE = "K keeps, S skips"  # the keys work on the map too
UNDER_MAP_NOTE = (
    "The assist's answers, Larger / Smaller field and Outline all's Keep / Skip show under the map."
)
NONE_STANDS_OUT = (
    "No field proposed: none stands out on the enhanced area. Click a field, or outline it "
    "with Draw fields."
)
NONE_LEFT = (
    "No field proposed: the {n} found are all too small, too large, or overlapping or inside "
    "saved fields."
)
NO_FIELD_IN_BOX = (
    "No field found between those corners. Click two opposite corners of one field, a little "
    "outside its edges, or outline it with Draw fields."
)
NEW_FIELD, ADD_PART, CUT_PART = (
    "Outlines another field",
    "Adds a part to this outline",
    "Cuts a part off this outline",
)
NOT_ADDED = (
    "Nothing added: click a part of the field that the outline misses, next to the outline. "
    "Or adjust the outline with the map's edit tool."
)
CUT_TOO_MUCH = (
    "Nothing cut: that cut would leave too little of the outline to propose. Click farther "
    "from the places you clicked to keep, or adjust the outline with the map's edit tool."
)
NOT_CUT = (
    "Nothing cut: click inside the outline, farther from the places you clicked to keep. "
    "Or adjust the outline with the map's edit tool."
)


@dataclass(frozen=True)
class Caution:
    """What to tell beside a proposal, and whether it stops at its view's edge (then
    :data:`CENTRE_BUTTON` goes under it)."""

    text: str
    at_edge: bool


@dataclass(frozen=True)
class Said:
    """The panel's answer to a click or press: its words, whether it failed (nothing
    proposed, added, cut or resized: a warning, not a note), and a caution beside it."""

    text: str
    failed: bool = False
    caution: Caution | None = None


@dataclass(frozen=True)
class AreaState:
    """How the area to be enhanced stands, for the panel under the map: enhanced already,
    being enhanced, or why it cannot be (None: it can)."""

    enhanced: bool
    enhancing: bool
    blocker: str | None = None


def _say(message: str, caution: Caution | None = None) -> None:
    """What the panel tells after a click or press, and a caution beside it (or none)."""
    st.session_state[SAID_KEY] = Said(message, caution=caution)


def _say_failed(message: str) -> None:
    """What the panel tells when a click or press gave nothing (shown as a warning)."""
    st.session_state[SAID_KEY] = Said(message, failed=True)


def _say_under_map(message: str) -> None:
    """What the bar under the map tells about Outline all's queue after a Keep, a Skip, a
    save or a drawing (beside the proposal it speaks of)."""
    st.session_state[QUEUE_MESSAGE_KEY] = message


def every_date(scene: Scene) -> bool:
    """Whether the assist uses every date of the scene (the toggle; on by default)."""
    return len(scene.dates) > 1 and bool(st.session_state.get(EVERY_DATE_KEY, True))


def dates_note(scene: Scene, shown: CachedResult | None) -> str:
    """What the assist looks at, in plain words, for a scene of several dates."""
    labels = " and ".join(d.label for d in scene.dates)
    where = "the enhanced area of each date where there is one, else its original"
    if shown is None:
        where = "the original of each date"
    return (
        f"Uses both dates ({labels}; {where}): their colours are compared together, so two "
        "fields alike on one date but not on the other can come out apart. Measured on "
        "made-up second dates: where the dates differ, it did better than either date alone; "
        "where they look alike, it sometimes did worse. Then turn this off."
        if len(scene.dates) == 2
        else f"Uses all {len(scene.dates)} dates ({labels}; {where}): their colours are "
        "compared together."
    )


def _add_drawing(
    drafts: Drafts,
    draft: Draft,
    geometry: BaseGeometry,
    version: str,
    click: LastClick | None = None,
) -> Draft:
    """Add a proposal to the unsaved drawings and remember it was proposed, by what, and
    from which click (Larger / Smaller field start from it)."""
    record = Proposals.beside(drafts.path)
    record.add(geometry, version)
    record.last_click = click
    record.save()
    changed = Draft([*draft.new, geometry], draft.edits)
    drafts.save(changed)
    return changed


def take_click(
    event: Mapping[str, Any],
    scene: Scene,
    shown: CachedResult | None,
    store: LabelStore,
    drafts: Drafts,
    draft: Draft,
) -> Draft:
    """A new click on the map's ground proposes the field under it (as an unsaved drawing),
    marks a corner of one (two corners propose the field between them), or adds a part to
    the latest proposal or cuts one off it (the panel's "Next click"). A proposal never
    reaches into the saved fields a person drew, edited or accepted, nor into the
    volunteer's own unsaved drawings other than proposals unchanged (:func:`_around`)."""
    mode = st.session_state.get(NEXT_CLICK_KEY, NEW_FIELD)
    corners = mode == NEW_FIELD and st.session_state.get(OUTLINE_BY_KEY) == TWO_CORNERS
    # A correction lands inside the outline it corrects, a corner often on a neighbour's
    # saved field: both count on shapes.
    point = clicked_point(event, on_shapes=mode != NEW_FIELD or corners)
    seen = (st.session_state.get("map_generation", 0), point)
    if point is None or st.session_state.get("assist_click") == seen:
        return draft
    st.session_state["assist_click"] = seen
    if mode != NEW_FIELD:
        return _correct(scene, shown, store, drafts, draft, (*point, mode == ADD_PART))
    if corners:
        return _corner(scene, shown, store, drafts, draft, point)
    return _propose_field(scene, shown, store, drafts, draft, point)


def _propose_field(
    scene: Scene,
    shown: CachedResult | None,
    store: LabelStore,
    drafts: Drafts,
    draft: Draft,
    point: tuple[float, float],
    lead: str = "",
) -> Draft:
    """Propose the field under a lon/lat point as an unsaved drawing (its answer begins with
    ``lead``)."""
    click = LastClick(*point, every_date=every_date(scene), date=current_date(scene))
    if (answer := _proposed(scene, shown, _around(store, scene, drafts, draft), click)) is None:
        return draft
    if answer.outline is None:
        _say_failed(lead + answer.nothing(NO_FIELD))
        return draft
    said = lead + answer.proposed()
    _say(said, _cautions(scene, answer.outline, _frame(scene, shown, click)))
    bump_map()  # a fresh map: the proposal editable, the click forgotten
    return _add_drawing(drafts, draft, answer.outline, answer.version, click)


def take_centred_field(
    scene: Scene,
    shown: CachedResult | None,
    store: LabelStore,
    drafts: Drafts,
    draft: Draft,
) -> Draft:
    """Once the area that **Centre the area on this field** chose is enhanced and shown, the
    field it was centred on is proposed there, as a click inside its cut outline would;
    forgotten when the area changes first."""
    if (point := _centred_point()) is None or shown is None:
        return draft
    del st.session_state[CENTRED_KEY]
    return _propose_field(scene, shown, store, drafts, draft, point, lead=CENTRED_LEAD)


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


def _corner(
    scene: Scene,
    shown: CachedResult | None,
    store: LabelStore,
    drafts: Drafts,
    draft: Draft,
    point: tuple[float, float],
) -> Draft:
    """A corner of a field: the first is marked, the second proposes the field between them
    (an unsaved drawing, as a click's proposal, but without Larger / Smaller or corrections)."""
    first = _first_corner(scene)
    st.session_state.pop(CORNER_KEY, None)
    if first is None:
        st.session_state[CORNER_KEY] = (scene.scene_id, *point)
        _say(FIRST_CORNER)
        return draft
    corners = (*first, *point)
    answer = _answered(
        lambda: propose_in_box(scene, shown, corners, every_date(scene), current_date(scene)),
        _around(store, scene, drafts, draft),
    )
    if answer is None:
        return draft
    if answer.outline is None:
        _say_failed(answer.nothing(NO_FIELD_IN_BOX))
        return draft
    lon, lat = (corners[0] + corners[2]) / 2, (corners[1] + corners[3]) / 2
    frame = _frame(scene, shown, LastClick(lon, lat, date=current_date(scene)))
    _say(answer.proposed(), _cautions(scene, answer.outline, frame, corners_hint=False))
    bump_map()
    return _add_drawing(drafts, draft, answer.outline, answer.version)


def _first_corner(scene: Scene) -> tuple[float, float] | None:
    """(lon, lat) of the first corner clicked on this scene, awaiting the second; None when
    there is none (a corner clicked on another scene does not count)."""
    found = st.session_state.get(CORNER_KEY)
    if found is None or found[0] != scene.scene_id:
        return None
    return float(found[1]), float(found[2])


def add_corner_layer(fmap: MapParent, scene: Scene) -> None:
    """Show the first corner clicked while the second is awaited (a yellow dot)."""
    if (corner := _first_corner(scene)) is not None:
        lon, lat = corner
        folium.CircleMarker((lat, lon), **CORNER_STYLE).add_to(fmap)


@dataclass(frozen=True)
class Answer:
    """The assist's answer: the outline (None: no field), the version that proposed it, and
    how many fields drawn already it was cut along (:class:`FieldsAround`)."""

    outline: Polygon | None
    version: str
    cut_along: int = 0

    def nothing(self, no_field: str) -> str:
        """What to say when there is no outline (``no_field``: when the assist found none)."""
        return INSIDE_SAVED if self.cut_along else no_field

    def proposed(self) -> str:
        """What to say about a proposal, and whether it was cut along fields drawn already."""
        if not self.cut_along:
            return PROPOSED
        if self.cut_along == 1:
            return f"{PROPOSED} It stops at a field drawn already and shares its border."
        n = self.cut_along
        return f"{PROPOSED} It stops at {n} fields drawn already and shares their borders."


def _around(
    store: LabelStore,
    scene: Scene,
    drafts: Drafts,
    draft: Draft,
    record: Proposals | None = None,
) -> FieldsAround:
    """What a proposal on ``scene`` stops at: the firm saved fields (as ``draft`` edits
    them) and the unsaved drawings of ``draft`` that are not proposals unchanged (as
    ``record``, the proposals beside ``drafts`` when already read, knows them)."""
    drawn = (record or Proposals.beside(drafts.path)).not_proposed(draft.new)
    edited = {label_id: outline for label_id, (outline, _) in draft.edits.items()}
    return FieldsAround(store, scene.scene_id, drawn, edited)


def _proposed(
    scene: Scene, shown: CachedResult | None, around: FieldsAround, click: LastClick
) -> Answer | None:
    """The outline of the click's field as ``click`` says (dates, level, corrections), off
    the fields ``around`` it (:func:`_answered`); None, said on the panel, when the area
    could not be read or sharpened."""
    return _answered(
        lambda: propose_at(
            scene,
            shown,
            click.lon,
            click.lat,
            click.every_date,
            click.date,
            click.grow,
            click.corrections,
        ),
        around,
        (click.lon, click.lat),
    )


def _answered(
    propose: Callable[[], tuple[Polygon | None, str]],
    around: FieldsAround,
    at: tuple[float, float] | None = None,
) -> Answer | None:
    """What ``propose`` answers (an outline or None, and the version), with what lies in
    the fields ``around`` it cut away (the piece holding ``at``, lon/lat, or the largest);
    None, said on the panel, when the area could not be read or sharpened."""
    try:
        polygon, version = propose()
    except (SceneError, SharpenError) as exc:
        _say_failed(f"No outline: {exc}")
        return None
    if polygon is None:
        return Answer(None, version)
    trimmed = around.cut(polygon, at)
    return Answer(trimmed.outline, version, trimmed.cut_along)


def _frame(scene: Scene, shown: CachedResult | None, click: LastClick) -> ViewFrame:
    """The frame of the view a click's field was outlined on."""
    return view_frame(scene, shown, click.lon, click.lat, click.date)


def _cautions(
    scene: Scene,
    outline: BaseGeometry,
    frame: ViewFrame | None,
    corners_hint: bool = True,
    first: str | None = None,
) -> Caution | None:
    """What to tell beside a proposal: ``first``, then whether the field is small, then
    whether it reaches the edge of the view it was outlined on (None: nothing)."""
    at_edge = edge_note(outline, frame)
    said = [first, small_field_note(outline, scene.metres_per_pixel, corners_hint), at_edge]
    text = " ".join(c for c in said if c)
    return Caution(text, at_edge is not None) if text else None


def _centre_button(key: str, on_click: Callable[..., None], args: tuple[Any, ...]) -> None:
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


def _move_area(
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
    _say(AREA_MOVED)


@uninterrupted
def _centre_on_clicked(scene: Scene, shown: CachedResult | None, drafts: Drafts) -> None:
    """Centre the area on the latest click's field; its cut outline leaves the unsaved
    drawings (else it would be saved beside the whole field, outlined next)."""
    draft = drafts.load()
    if (latest := _latest(drafts, draft)) is None:
        return
    index, click = latest
    outline = draft.new[index]
    drafts.save(Draft([g for i, g in enumerate(draft.new) if i != index], draft.edits))
    record = Proposals.beside(drafts.path)
    record.proposed.pop()
    record.last_click = None
    record.save()
    _move_area(scene, outline, _frame(scene, shown, click), (click.lon, click.lat))


@uninterrupted
def _centre_on_waiting(scene: Scene, drafts: Drafts) -> None:
    """Centre the area on Outline all's waiting field. The queue stops: whole fields come
    first, so what waits from there on was cut by the old area's edge too, each outline one
    that its caution says not to keep."""
    record = Proposals.beside(drafts.path)
    if not record.queue:
        return
    (outline, *left), frame = record.queue, record.queue_frame
    record.queue = []
    record.save()
    inside = innermost(outline)
    _move_area(scene, outline, frame, (inside.x, inside.y))
    if left:
        _say(f"{AREA_MOVED} {QUEUE_STOPPED.format(n=len(left))}")


def _latest(drafts: Drafts, draft: Draft) -> tuple[int, LastClick] | None:
    """Where the latest click's proposal lies among the unsaved drawings, unchanged, and that
    click; None, said on the panel, when it was edited, saved or removed."""
    record = Proposals.beside(drafts.path)
    index, click = record.latest_unchanged(draft.new), record.last_click
    if index is None or click is None:
        _say(CHANGED)
        return None
    return index, click


def _replace_proposal(
    drafts: Drafts, draft: Draft, index: int, polygon: Polygon, version: str, click: LastClick
) -> Draft:
    """Put ``polygon`` in place of the unchanged proposal at ``index`` of the drawings, and
    remember it as the latest click's proposal."""
    drawings = list(draft.new)
    drawings[index] = polygon
    changed = Draft(drawings, draft.edits)
    drafts.save(changed)
    record = Proposals.beside(drafts.path)
    record.proposed[-1] = (polygon, version)
    record.last_click = click
    record.save()
    bump_map()
    return changed


def _correct(
    scene: Scene,
    shown: CachedResult | None,
    store: LabelStore,
    drafts: Drafts,
    draft: Draft,
    correction: LonLatCorrection,
) -> Draft:
    """Add the part under a click to the latest proposal, or cut it off (``correction``'s
    add), in place; say so when the proposal changed meanwhile or the click changes nothing."""
    if (latest := _latest(drafts, draft)) is None:
        return draft
    index, click = latest
    corrected = replace(click, corrections=(*click.corrections, correction))
    if (answer := _proposed(scene, shown, _around(store, scene, drafts, draft), corrected)) is None:
        return draft
    polygon = answer.outline
    add = correction[2]
    if polygon is None and not add:
        _say_failed(CUT_TOO_MUCH)
        return draft
    if polygon is None or polygon.equals_exact(draft.new[index], SAME_OUTLINE_DEG):
        _say_failed(NOT_ADDED if add else NOT_CUT)
        return draft
    cut = None if add else cut_caution(draft.new[index], polygon)
    _say(
        f"{'Part added' if add else 'Part cut off'}. {answer.proposed()}",
        _cautions(scene, polygon, _frame(scene, shown, click), first=cut),
    )
    return _replace_proposal(drafts, draft, index, polygon, answer.version, corrected)


@uninterrupted
def _resize(
    scene: Scene, shown: CachedResult | None, store: LabelStore, drafts: Drafts, step: int
) -> None:
    """Propose the latest click's field again, the next level larger (``step`` 1) or smaller
    (−1) that gives another outline, in place of the unchanged proposal (its corrections
    applied at that level too)."""
    draft = drafts.load()
    if (latest := _latest(drafts, draft)) is None:
        return
    index, click = latest
    grow = click.grow
    around = _around(store, scene, drafts, draft)
    while abs(grow + step) <= MAX_GROW:
        grow += step
        if (answer := _proposed(scene, shown, around, replace(click, grow=grow))) is None:
            return
        polygon = answer.outline
        if polygon is not None and not polygon.equals_exact(draft.new[index], SAME_OUTLINE_DEG):
            break
    else:
        _say_failed(NOT_LARGER if step > 0 else NOT_SMALLER)
        return
    _replace_proposal(drafts, draft, index, polygon, answer.version, replace(click, grow=grow))
    _say(
        f"{'Larger' if step > 0 else 'Smaller'} outline proposed in its place. "
        + answer.proposed(),
        _cautions(scene, polygon, _frame(scene, shown, click)),
    )


@uninterrupted
def _undo_correction(
    scene: Scene, shown: CachedResult | None, store: LabelStore, drafts: Drafts
) -> None:
    """Propose the latest click's field again without its last correction, in place."""
    draft = drafts.load()
    if (latest := _latest(drafts, draft)) is None:
        return
    index, click = latest
    if not click.corrections:
        _say(CHANGED)
        return
    earlier = replace(click, corrections=click.corrections[:-1])
    around = _around(store, scene, drafts, draft)
    if (answer := _proposed(scene, shown, around, earlier)) is None:
        return
    if answer.outline is None:
        _say_failed(answer.nothing(NO_FIELD))
        return
    _replace_proposal(drafts, draft, index, answer.outline, answer.version, earlier)
    _say(
        f"Last click undone. {answer.proposed()}",
        _cautions(scene, answer.outline, _frame(scene, shown, earlier)),
    )


@uninterrupted
def _outline_all(
    scene: Scene, shown: CachedResult, store: LabelStore, identity: Identity, drafts: Drafts
) -> None:
    around = _around(store, scene, drafts, drafts.load())
    found, left_out, version = propose_all(
        scene, shown, around, identity.name, every_date=every_date(scene)
    )
    record = Proposals.beside(drafts.path)
    record.queue, record.queue_version = found, version
    record.queue_frame = frame = enhanced_frame(shown)
    record.save()
    note = f" ({left_out} left out: too small, too large, or overlapping or inside a saved field)"
    at_edge = sum(frame.reaches_edge(p) for p in found)
    edge = f" {at_edge} of them reach the area's edge and come last." if at_edge else ""
    if not found:
        _say_failed(NONE_LEFT.format(n=left_out) if left_out else NONE_STANDS_OUT)
    else:
        _say(f"{len(found)} field(s) proposed{note if left_out else ''}: keep or skip each.{edge}")
    bump_map()


@uninterrupted
def _confirm(store: LabelStore, drafts: Drafts, keep: bool, scene: Scene, user: str) -> None:
    record = Proposals.beside(drafts.path)
    if not record.queue:
        return
    first = record.queue.pop(0)
    record.save()
    if keep:  # kept as if clicked inside it: Larger / Smaller field work on it too
        inside = first.representative_point()
        click = LastClick(inside.x, inside.y, every_date(scene), current_date(scene))
        version = record.queue_version or assist_version()
        _add_drawing(drafts, drafts.load(), first, version, click)
    fit_queue(store, scene, drafts, user)
    if not Proposals.beside(drafts.path).queue:
        _say_under_map(QUEUE_DONE)
    bump_map()


def fit_queue(store: LabelStore, scene: Scene, drafts: Drafts, user: str) -> bool:
    """Fit the outline-all queue's next proposal to the fields drawn, edited or saved since
    Outline all (:meth:`Proposals.fit_queue_head`), and say so on the panel when that
    changed it. True when it did (the map's yellow outline is then out of date)."""
    record = Proposals.beside(drafts.path)
    if not record.queue:
        return False
    fit = record.fit_queue_head(_around(store, scene, drafts, drafts.load(), record), user)
    if not (fit.cut or fit.skipped):
        return False
    record.save()
    said = [QUEUE_SKIPPED.format(n=fit.skipped)] if fit.skipped else []
    _say_under_map(" ".join([*said, QUEUE_CUT] if fit.cut else said))
    return True


def _forget_corner() -> None:
    """Switching how fields are outlined forgets a first corner waiting for its second."""
    st.session_state.pop(CORNER_KEY, None)


@uninterrupted
def _stop(drafts: Drafts) -> None:
    record = Proposals.beside(drafts.path)
    record.queue = []
    record.save()
    bump_map()


def add_queue_layer(fmap: MapParent, drafts: Drafts) -> None:
    """Show the outline-all proposal waiting for Keep / Skip (yellow, dashed)."""
    queue = Proposals.beside(drafts.path).queue
    if queue:
        folium.GeoJson(
            mapping(queue[0]), name="proposed field", style_function=lambda _: QUEUE_STYLE
        ).add_to(fmap)


def outline_panel(
    scene: Scene,
    shown: CachedResult | None,
    store: LabelStore,
    identity: Identity,
    drafts: Drafts,
) -> None:
    """The tool's side panel: how to outline, what a proposal stops at, the dates, Outline
    all (the answers and what follows them are under the map: :func:`under_map`)."""
    by = st.radio(
        "Outline a field by",
        [ONE_CLICK, TWO_CORNERS],
        key=OUTLINE_BY_KEY,
        horizontal=True,
        on_change=_forget_corner,
        help="Two corners: click a little outside two opposite corners of the field; the "
        "assist outlines the field between them, trimmed to them (corners inside the field "
        "cut it short). Measured on farmland with hand-drawn fields, corners up to a tenth of "
        "the field's size off gave outlines closer to the drawn ones than one click inside "
        "(median overlap 0.78 against 0.61–0.63). One click keeps Larger / Smaller field and "
        "corrections; two corners do not.",
    )
    st.caption(
        "Click inside a field on the map: its outline is proposed from the enhanced area "
        "(or the original where none is shown). Too small or too large? Larger field and "
        "Smaller field propose it again."
        if by == ONE_CLICK
        else "Click two opposite corners of a field on the map (top left and bottom right, "
        "or the other two): the field between them is proposed from the enhanced area (or "
        "the original where none is shown)."
    )
    st.caption(SAVED_NOTE)
    if len(scene.dates) > 1:
        st.toggle(
            "Use every date",
            value=True,
            key=EVERY_DATE_KEY,
            help="Off: the assist looks at the date on screen only.",
        )
        if every_date(scene):
            st.caption(dates_note(scene, shown))
    st.button(
        "Outline all fields here",
        disabled=shown is None,
        help="The fields that stand out on the enhanced area shown, to keep or skip one by one.",
        on_click=_outline_all,
        args=(scene, shown, store, identity, drafts),
    )
    st.caption(UNDER_MAP_NOTE)


def under_map(
    scene: Scene,
    shown: CachedResult | None,
    store: LabelStore,
    identity: Identity,
    drafts: Drafts,
    area: AreaState,
) -> None:
    """Under the map, in view with it: Outline all's queue (first: Keep and Skip right under
    the map), the assist's last answer and what can follow it (Larger / Smaller field, Undo
    last click; what the next click does goes under the Save buttons: :func:`next_click_choice`),
    and after **Centre the area on this field**, Enhance for the new area."""
    _queue(scene, store, identity, drafts)
    _answer(scene, shown, store, drafts, area)


def _centred_wait(area: AreaState, answered: bool) -> None:
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
        on_click=_ask_enhance,
        key="assist-enhance-centred",
    )
    if area.blocker:
        st.warning(area.blocker)


def _ask_enhance() -> None:
    st.session_state[ENHANCE_CENTRED_KEY] = True


def enhance_asked() -> bool:
    """Whether :data:`ENHANCE_CENTRED` was pressed on the last run (once)."""
    return bool(st.session_state.pop(ENHANCE_CENTRED_KEY, False))


def _answer(
    scene: Scene, shown: CachedResult | None, store: LabelStore, drafts: Drafts, area: AreaState
) -> None:
    """The last answer (with its caution, in one box: the controls under it stay in view);
    Enhance the new area after Centre; while the latest proposal is unchanged, Larger /
    Smaller field and Undo last click."""
    said: Said | None = st.session_state.pop(SAID_KEY, None)
    caution = said.caution if said else None
    if said and caution:
        st.warning(f"{said.text} {caution.text}")
    elif said:
        (st.warning if said.failed else st.info)(said.text)
    _centred_wait(area, answered=said is not None)
    if (click := _unchanged_click(drafts)) is None:
        return
    if caution and caution.at_edge:
        _centre_button("assist-centre", _centre_on_clicked, (scene, shown, drafts))
    grow = click.grow
    larger, smaller, undo, _ = st.columns([1, 1, 1.2, 0.8])
    larger.button(
        "Larger field",
        disabled=grow >= MAX_GROW,
        help="The outline stops short of the field's edge: join more of the parts "
        "around your click.",
        on_click=_resize,
        args=(scene, shown, store, drafts, 1),
        key="assist-larger",
    )
    smaller.button(
        "Smaller field",
        disabled=grow <= -MAX_GROW,
        help="The outline spills into a neighbour: split it into smaller parts.",
        on_click=_resize,
        args=(scene, shown, store, drafts, -1),
        key="assist-smaller",
    )
    if click.corrections:
        undo.button(
            "Undo last click",
            help="Take back the last part added or cut off.",
            on_click=_undo_correction,
            args=(scene, shown, store, drafts),
            key="assist-undo",
        )


def _unchanged_click(drafts: Drafts) -> LastClick | None:
    """The latest click, while its proposal lies unchanged among the unsaved drawings (what
    Larger / Smaller field, corrections and Undo last click work on); None otherwise."""
    record = Proposals.beside(drafts.path)
    if record.latest_unchanged(drafts.load().new) is None:
        return None
    return record.last_click


def next_click_choice(drafts: Drafts) -> None:
    """While the latest click's proposal is unchanged: what the next click on the map does
    (another field, or a part added to it or cut off it). Under the Save buttons: the answer,
    Larger / Smaller field and Save come first, in view with the map."""
    if _unchanged_click(drafts) is None:
        return
    st.radio(
        "Next click on the map",
        [NEW_FIELD, ADD_PART, CUT_PART],
        key=NEXT_CLICK_KEY,
        horizontal=True,
        help="Adds: click a part of the field that the outline misses. Cuts: click a part "
        "of the outline that is not the field; the assist takes away what it joined to "
        "your first click last, which can be more than you meant (Undo last click). The "
        "outline stays in the unsaved drawings until you save.",
    )


def _queue(scene: Scene, store: LabelStore, identity: Identity, drafts: Drafts) -> None:
    """Outline all's next proposed field (yellow on the map) with Keep, Skip and Stop (keys
    K and S: :data:`QUEUE_KEYS`), and what the last Keep, Skip, save or drawing did to the
    queue."""
    message = st.session_state.pop(QUEUE_MESSAGE_KEY, None)
    record = Proposals.beside(drafts.path)
    queue = record.queue
    if not queue:
        if message:
            st.info(message)
        return
    words, keep, skip, stop = st.columns([3.4, 0.8, 0.8, 0.8], vertical_alignment="center")
    words.markdown(f"**Proposed field 1 of {len(queue)}** (yellow on the map; {QUEUE_KEYS_NOTE})")
    for column, label, hint, widget in (
        (keep, "Keep", "Add it to your unsaved drawings (key K).", KEEP_BUTTON),
        (skip, "Skip", "Not a field, or not its outline: drop it (key S).", SKIP_BUTTON),
    ):
        column.button(
            label,
            help=hint,
            on_click=_confirm,
            args=(store, drafts, widget == KEEP_BUTTON, scene, identity.name),
            key=widget,
        )
    stop.button("Stop", on_click=_stop, args=(drafts,), key="assist-stop")
    if message:
        st.info(message)
    if caution := _cautions(scene, queue[0], record.queue_frame):
        st.warning(caution.text)
        if caution.at_edge:
            _centre_button("assist-queue-centre", _centre_on_waiting, (scene, drafts))


def forget_saved_proposals(
    drafts: Drafts, drawings: Sequence[BaseGeometry], outcomes: Sequence[Outcome]
) -> None:
    """Forget the proposals whose outlines were just saved."""
    record = Proposals.beside(drafts.path)
    record.forget([g for g, o in zip(drawings, outcomes, strict=False) if o.ok])
    record.save()
