"""Proposing one field with the outline assist, and what the panel says about it.

Shared by the Label page's "Click a field" tool (:mod:`ui.outline_tool`), its corners
(:mod:`ui.outline_corners`), its adjustments (:mod:`ui.outline_adjust`), Centre the area on
this field (:mod:`ui.outline_centre`) and Outline all (:mod:`ui.outline_queue`): the answer
of the assist cut off the fields drawn already, the cautions beside it, and a proposal added
to the unsaved drawings with the click it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from labels.base_store import LabelStore
from sr.errors import SharpenError
from sr.imagery.scene import Scene
from sr.imagery.scene_errors import SceneError
from sr.sharpen.cache import CachedResult
from ui.date_view import current_date
from ui.drawings import Draft, Drafts
from ui.fields_around import FieldsAround
from ui.outline_assist import propose_at, small_field_note, view_frame
from ui.outline_edges import ViewFrame, edge_note
from ui.proposal_record import LastClick, Proposals
from ui.state import bump_map
from ui.water_note import water_note

NO_FIELD = (
    "No field found there. Click inside a field (not on a road, a boundary or a wood), "
    "or outline it with Draw fields."
)
PROPOSED = "Outline proposed (unsaved): adjust it on the map, then save it, or bin it."
INSIDE_SAVED = (
    "No new field there: what the assist found lies inside fields drawn already. To change "
    "one of them, edit it with the map's edit tool."
)
CHANGED = "That proposal was edited, saved or removed: click the field again to start over."
EVERY_DATE_KEY = "assist_every_date"
SAID_KEY = "assist_said"  # the panel's last answer (:class:`Said`)
QUEUE_MESSAGE_KEY = "assist_queue_message"  # said under the map, beside Keep and Skip


@dataclass(frozen=True)
class Outlining:
    """What the assist works with on the Label page: the scene, the enhanced area shown
    (None: the original, read around each click), the label store, the volunteer's drafts
    and the ids of the fields hidden from them (``ui.fields_in_sight``)."""

    scene: Scene
    shown: CachedResult | None
    store: LabelStore
    drafts: Drafts
    hidden: frozenset[str] = frozenset()

    def around(self, draft: Draft) -> FieldsAround:
        """What a proposal stops at while ``draft`` is on the map (:func:`fields_around`)."""
        return fields_around(self.store, self.scene, self.drafts, draft, hidden=self.hidden)


@dataclass(frozen=True)
class Caution:
    """What to tell beside a proposal, and whether it stops at its view's edge (then
    **Centre the area on this field** goes under it)."""

    text: str
    at_edge: bool


@dataclass(frozen=True)
class Said:
    """The panel's answer to a click or press: its words, whether it failed (nothing
    proposed, added, cut or resized: a warning, not a note), and a caution beside it."""

    text: str
    failed: bool = False
    caution: Caution | None = None


def say(message: str, caution: Caution | None = None) -> None:
    """What the panel tells after a click or press, and a caution beside it (or none)."""
    st.session_state[SAID_KEY] = Said(message, caution=caution)


def say_failed(message: str) -> None:
    """What the panel tells when a click or press gave nothing (shown as a warning)."""
    st.session_state[SAID_KEY] = Said(message, failed=True)


def last_said() -> Said | None:
    """The panel's last answer, once (None: nothing was said since)."""
    return st.session_state.pop(SAID_KEY, None)  # type: ignore[no-any-return]


def say_under_map(message: str) -> None:
    """What the bar under the map tells about Outline all's queue after a Keep, a Skip, a
    save or a drawing (beside the proposal it speaks of)."""
    st.session_state[QUEUE_MESSAGE_KEY] = message


def every_date(scene: Scene) -> bool:
    """Whether the assist uses every date of the scene (the toggle; on by default)."""
    return len(scene.dates) > 1 and bool(st.session_state.get(EVERY_DATE_KEY, True))


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


def fields_around(
    store: LabelStore,
    scene: Scene,
    drafts: Drafts,
    draft: Draft,
    record: Proposals | None = None,
    hidden: frozenset[str] = frozenset(),
) -> FieldsAround:
    """What a proposal on ``scene`` stops at: the firm saved fields (as ``draft`` edits
    them; not those ``hidden``) and the unsaved drawings of ``draft`` that are not proposals
    unchanged (as ``record``, the proposals beside ``drafts`` when already read, knows
    them)."""
    drawn = (record or Proposals.beside(drafts.path)).not_proposed(draft.new)
    edited = {label_id: outline for label_id, (outline, _) in draft.edits.items()}
    return FieldsAround(store, scene.scene_id, drawn, edited, hidden)


def answered(
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
        say_failed(f"No outline: {exc}")
        return None
    if polygon is None:
        return Answer(None, version)
    trimmed = around.cut(polygon, at)
    return Answer(trimmed.outline, version, trimmed.cut_along)


def proposed_at(at: Outlining, around: FieldsAround, click: LastClick) -> Answer | None:
    """The outline of the click's field as ``click`` says (dates, level, corrections), off
    the fields ``around`` it (:func:`answered`); None, said on the panel, when the area
    could not be read or sharpened."""
    return answered(
        lambda: propose_at(
            at.scene,
            at.shown,
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


def click_frame(at: Outlining, click: LastClick) -> ViewFrame:
    """The frame of the view a click's field was outlined on."""
    return view_frame(at.scene, at.shown, click.lon, click.lat, click.date)


def cautions(
    scene: Scene,
    outline: BaseGeometry,
    frame: ViewFrame | None,
    corners_hint: bool = True,
    first: str | None = None,
) -> Caution | None:
    """What to tell beside a proposal: ``first``, then whether it looks like open water,
    whether the field is small, and whether it reaches the edge of the view it was outlined
    on (None: nothing)."""
    at_edge = edge_note(outline, frame)
    small = small_field_note(outline, scene.metres_per_pixel, corners_hint)
    told = [first, water_note(scene, outline, reviewing=False), small, at_edge]
    text = " ".join(c for c in told if c)
    return Caution(text, at_edge is not None) if text else None


def add_proposal(
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


def propose_field(at: Outlining, draft: Draft, point: tuple[float, float], lead: str = "") -> Draft:
    """Propose the field under a lon/lat point as an unsaved drawing (its answer begins with
    ``lead``)."""
    scene = at.scene
    click = LastClick(*point, every_date=every_date(scene), date=current_date(scene))
    if (answer := proposed_at(at, at.around(draft), click)) is None:
        return draft
    if answer.outline is None:
        say_failed(lead + answer.nothing(NO_FIELD))
        return draft
    say(lead + answer.proposed(), cautions(scene, answer.outline, click_frame(at, click)))
    bump_map()  # a fresh map: the proposal editable, the click forgotten
    return add_proposal(at.drafts, draft, answer.outline, answer.version, click)


def latest_click(drafts: Drafts, draft: Draft) -> tuple[int, LastClick] | None:
    """Where the latest click's proposal lies among the unsaved drawings, unchanged, and that
    click; None, said on the panel, when it was edited, saved or removed."""
    record = Proposals.beside(drafts.path)
    index, click = record.latest_unchanged(draft.new), record.last_click
    if index is None or click is None:
        say(CHANGED)
        return None
    return index, click


def unchanged_click(drafts: Drafts) -> LastClick | None:
    """The latest click, while its proposal lies unchanged among the unsaved drawings (what
    Larger / Smaller field, corrections and Undo last click work on); None otherwise."""
    record = Proposals.beside(drafts.path)
    if record.latest_unchanged(drafts.load().new) is None:
        return None
    return record.last_click
