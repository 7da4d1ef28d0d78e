"""The Review page's logic: the queue, progress, and the original/enhanced comparison map."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from folium.plugins import DualMap
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from labels.base_store import LabelFilter, LabelStore, Version
from labels.geometry import share_inside
from labels.model import HAND, PROPOSED, PROPOSED_EDITED, Label, Status, View
from labels.outline_outcomes import OutlineOutcomes
from labels.review_reasons import reasons_text
from labels.workflow import REVIEW_STATUSES, drew_it
from sr.imagery.bands import DisplayMode
from sr.sharpen.assessment import Badge
from sr.sharpen.cache import CachedResult
from ui.assets import use_local_assets
from ui.auth import Identity
from ui.consistency_view import TEXTS, UNCHECKED, BadgeText, badge_text, consistency_layer
from ui.enhance_flow import results_of_scene
from ui.field_layers import MapField, add_fields
from ui.local_time import date_time
from ui.methods import method_text
from ui.page_keys import ACCEPT_KEY, NEXT_DATE_KEY, REJECT_KEY, KeysToPage
from ui.plain_words import OUTLINED, outlined_words
from ui.registry import ServedScene
from ui.scene_map import TileKey, add_outline, add_scene_tiles
from ui.text import escape_markdown


@dataclass(frozen=True)
class ReviewProgress:
    reviewed: int
    total: int

    @property
    def fraction(self) -> float:
        return self.reviewed / self.total if self.total else 1.0


def review_progress(store: LabelStore, scene_id: str | None) -> ReviewProgress:
    """Accepted + rejected out of all labels submitted for review (drafts not counted),
    counted by the database."""
    counts = store.count_by("status", LabelFilter(scene_id=scene_id))
    reviewed = sum(counts.get(status, 0) for status in REVIEW_STATUSES)
    return ReviewProgress(reviewed, sum(counts.values()) - counts.get(Status.DRAFT, 0))


OWN_FIELD = (
    "You drew this field, so you cannot accept or reject it: another reviewer reviews it. "
    "(Each field is checked by a second person.)"
)


UNEDITED_PROPOSAL = (
    "Saved as the outline assist proposed it: no one adjusted its outline. Check its edges "
    "against both views."
)


def review_caution(label: Label, water: str | None) -> str | None:
    """The one caution beside the decision: a field that looks like open water gets that
    (:func:`ui.water_note.water_note`; it says what to do, and the summary already says a
    proposal was not edited), an unedited proposal :data:`UNEDITED_PROPOSAL`, others none."""
    return water or (UNEDITED_PROPOSAL if label.drawing == PROPOSED else None)


def field_summary(label: Label, badge: BadgeText | None = None) -> str:
    """The field under review in a few lines of escaped Markdown: crop, size, who and where
    it stands, the imagery it was drawn on (the method that sharpened it, and how faithful
    that view is: ``badge``), how its outline came to be, and the dates looked at."""
    drawn_on = f"drawn on the {label.view.value} view"
    if label.enhancement:
        drawn_on += f" ({method_text(*label.enhancement.split(':')[:2])})"
    drawn_on = escape_markdown(drawn_on)
    if badge is not None:  # beside the view it is about, on the same line
        drawn_on += f" :{badge.colour}-badge[{escape_markdown(badge.label)}]"
    if origin := outline_origin(label):
        drawn_on += f", {escape_markdown(origin)}"
    lines = [
        f"**{escape_markdown(label.crop)}**, {label.area_ha:.2f} ha, {label.perimeter_m:.0f} m "
        "around",
        f"by **{escape_markdown(label.annotator)}**, {label.status.value}",
        drawn_on,
    ]
    if label.dates_seen:
        lines.append(f"dates looked at: {escape_markdown(label.dates_seen)}")
    return "  \n".join(lines)


def outline_origin(label: Label) -> str | None:
    """How the field's outline came to be, in the pages' words (None when not recorded:
    fields saved before it was)."""
    if label.drawing not in OUTLINED:
        return None
    return f"outlined {outlined_words(label.drawing)}"


def assist_version_note(label: Label) -> str | None:
    """The version of the assist that proposed the field's outline, for the record under the
    decision (None for a field drawn by hand or not recorded)."""
    if label.drawing in (None, HAND) or not label.assist_version:
        return None
    return f"Outline proposed by assist {escape_markdown(label.assist_version)}."


OUTLINED_CHOICES: dict[str, str | None] = {  # the Review filter's words → Label.drawing
    outlined_words(drawing): drawing for drawing in (HAND, PROPOSED, PROPOSED_EDITED, None)
}


def filter_outlined(labels: Iterable[Label], wanted: Sequence[str]) -> list[Label]:
    """The labels whose outline came to be as one of ``wanted`` (keys of
    :data:`OUTLINED_CHOICES`; empty: all)."""
    if not wanted:
        return list(labels)
    drawings = {OUTLINED_CHOICES[w] for w in wanted}
    return [lab for lab in labels if lab.drawing in drawings]


OUTCOMES_NOTE = (
    "The submitted fields of this scene by how their outline came to be, what reviewers "
    "decided, and the reasons they picked to reject (other: a comment of their own). Where "
    "the assist's proposals saved unedited are rejected more often than fields outlined by "
    "hand, ask volunteers to adjust them before saving; the reasons say what to adjust."
)


def outcome_lines(found: Sequence[OutlineOutcomes]) -> list[str]:
    """The reviews of each kind of outline, in the Review filter's words, a Markdown line
    each: "**by hand**: 2 waiting, 5 accepted, 1 rejected; 83 % of those reviewed accepted.
    Rejected for Edges off 1." Lines wrap in the narrow column the page gives them, where a
    table of six columns showed three and a half (238 px of 493)."""
    lines = []
    for o in found:
        line = f"**{outlined_words(o.drawing)}**: {o.waiting} waiting, {o.accepted} accepted, "
        line += f"{o.rejected} rejected"
        if o.accepted_share is not None:
            line += f"; {o.accepted_share:.0%} of those reviewed accepted"
        if o.rejected_for:
            line += f". Rejected for {reasons_text(o.rejected_for)}"
        lines.append(line + ".")
    return lines


def own_field_notice(identity: Identity, label: Label) -> str | None:
    """Why a reviewer is not offered Accept / Reject for this field: they drew it (or None)."""
    return OWN_FIELD if identity.can_review and drew_it(identity.name, label) else None


def review_filter(
    *,
    scene_id: str | None,
    statuses: Sequence[str],
    crops: Sequence[str],
    annotators: Sequence[str],
) -> LabelFilter:
    """The store filter of the review queue (empty selections mean 'any')."""
    return LabelFilter(
        scene_id=scene_id,
        status=list(statuses) or None,
        crop=list(crops) or None,
        annotator=list(annotators) or None,
    )


def queue_order(labels: Iterable[Label]) -> list[Label]:
    """The review queue's order: oldest change first (fields changed in the same second by
    id, so that the order is the same at every run)."""
    return sorted(labels, key=lambda lab: (lab.updated_at or "", lab.id))


def queue_title(label: Label) -> str:
    """A field as the queue's box names it: 'maize · 0.45 ha · Sita · submitted'."""
    return f"{label.crop} · {label.area_ha or 0:.2f} ha · {label.annotator} · {label.status.value}"


def review_queue(
    store: LabelStore,
    *,
    scene_id: str | None,
    statuses: Sequence[str],
    crops: Sequence[str],
    annotators: Sequence[str],
) -> list[Label]:
    """Labels matching the filters (empty selections mean 'any'), oldest change first."""
    flt = review_filter(scene_id=scene_id, statuses=statuses, crops=crops, annotators=annotators)
    return queue_order(store.query(flt))


def without_sent_back(labels: Iterable[Label], sent_back: set[str]) -> tuple[list[Label], int]:
    """The queue without the fields waiting for a decision in campaign tasks sent back to
    their mappers (``CampaignStore.sent_back``): a task's reviewer said they need fixing, so
    no one accepts them before their mapper hands the task in again. Returns the fields left
    and how many were held back."""
    kept, held = [], 0
    for label in labels:
        if label.status is Status.SUBMITTED and label.task_id in sent_back:
            held += 1
        else:
            kept.append(label)
    return kept, held


def sent_back_note(held: int) -> str:
    """Why fields that are waiting are not in the queue."""
    return (
        f"{held} field(s) wait in campaign tasks sent back to their mappers to fix: they come "
        "back here once their task is handed in again."
    )


HELD_ENOUGH = 0.5  # the share of a field an enhanced area must hold to be its view


def enhanced_view_of(
    label: Label, results: Iterable[CachedResult] | None = None, date: int | None = None
) -> CachedResult | None:
    """The enhanced area that holds most of the label, at least half of it (of the scene's
    date ``date`` when there is one); ``results`` are the scene's cached areas when the caller
    has read them already.

    Not only one that holds all of it: an area's raster is cut on the scene's grid, so it
    reaches past the lon/lat box chosen on the map, and a field the assist outlined to the
    raster's edge lies partly outside that box (9 % of one such field in a walk-through).
    """
    return enhanced_area_holding(label.geometry, label.scene_id, results, date)


def enhanced_area_holding(
    geometry: BaseGeometry,
    scene_id: str,
    results: Iterable[CachedResult] | None = None,
    date: int | None = None,
) -> CachedResult | None:
    """The scene's enhanced area that holds most of a lon/lat ``geometry`` (a field, a
    campaign's task), at least half of it, of the date ``date`` first."""
    scene_results = results_of_scene(scene_id) if results is None else results
    found = [(_share_held(r, geometry), r) for r in scene_results]
    found = [(share, r) for share, r in found if share >= HELD_ENOUGH]
    same_date = [
        (share, r) for share, r in found if int(r.provenance.get("date_index") or 0) == date
    ]
    chosen = same_date or found
    return max(chosen, key=lambda f: f[0])[1] if chosen else None  # the first of equals


def _share_held(result: CachedResult, geometry: BaseGeometry) -> float:
    """The share of the geometry's area inside the result's box (to 0.001, so that areas
    that all hold it count as equals)."""
    return round(share_inside(geometry, box(*result.provenance["bbox"])), 3)


# What a reviewer filters by: the consistency of the imagery a field was drawn on.
ORIGINAL_VIEW = "drawn on the original"
DRAWN_ON_CHOICES = (
    ORIGINAL_VIEW,
    TEXTS[Badge.CONSISTENT].label,
    TEXTS[Badge.CHECK].label,
    TEXTS[Badge.INCONSISTENT].label,
    UNCHECKED.label,
)


def drawn_on_badge(label: Label, result: CachedResult | None) -> BadgeText | None:
    """The consistency badge of the enhanced area a field was drawn on (None when it was
    drawn on the original imagery): the one recorded with the field, else that of the
    cached area containing it (fields drawn before the badge was recorded)."""
    if label.view is not View.ENHANCED:
        return None
    if label.consistency in set(Badge):
        return TEXTS[Badge(label.consistency)]
    return badge_text(result.provenance) if result is not None else UNCHECKED


def drawn_on_choice(label: Label, result: CachedResult | None) -> str:
    """Which of ``DRAWN_ON_CHOICES`` a field falls under."""
    found = drawn_on_badge(label, result)
    return ORIGINAL_VIEW if found is None else found.label


def filter_drawn_on(
    labels: Iterable[Label], wanted: Sequence[str], views: Mapping[str, CachedResult | None]
) -> list[Label]:
    """The labels whose imagery is one of ``wanted`` (empty: all); ``views`` maps label
    ids to their enhanced area (:func:`enhanced_view_of`)."""
    if not wanted:
        return list(labels)
    return [lab for lab in labels if drawn_on_choice(lab, views.get(lab.id)) in wanted]


def comparison_map(
    original: ServedScene,
    enhanced: ServedScene | None,
    label: Label,
    neighbours: list[Label],
    tile_key: TileKey,
    consistency_map: Path | None = None,
    mode: DisplayMode = "true",
    date: int = 0,
    right_date: int | None = None,
) -> DualMap:
    """Original (left, on the scene's date ``date``) and enhanced (right) side by side,
    synchronised, in one view (``mode``), the fields on both; with ``right_date``, the right
    shows the original on that date instead (two dates side by side)."""
    west, south, east, north = label.geometry.buffer(label.geometry.length / 8).bounds
    dual = DualMap(
        location=((south + north) / 2, (west + east) / 2),
        tiles=None,
        max_zoom=20,
        layout="horizontal",
    )
    add_scene_tiles(dual.m1, original, mode, "original", tile_key, date=date)
    if right_date is not None:
        other = original.scene.dates[right_date].label
        add_scene_tiles(dual.m2, original, mode, f"original, {other}", tile_key, date=right_date)
    elif enhanced is not None:
        add_scene_tiles(dual.m2, enhanced, mode, "enhanced", tile_key)
        if consistency_map is not None:
            consistency_layer(consistency_map).add_to(dual.m2)
    else:
        again = "original (not enhanced yet)"
        add_scene_tiles(dual.m2, original, mode, again, tile_key, date=date)
    fields = [MapField.of(lab) for lab in [*neighbours, label]]
    for side in (dual.m1, dual.m2):
        add_fields(side, fields, "fields")
        add_outline(side, label.geometry, "this field", "#ffff00", weight=4)
    dual.fit_bounds([[south, west], [north, east]])
    KeysToPage([ACCEPT_KEY, REJECT_KEY, NEXT_DATE_KEY]).add_to(dual.m1)  # pressed in the maps too
    return use_local_assets(dual)


def history_line(version: Version, zone: ZoneInfo | None) -> str:
    """One version of a field for its History: '2026-12-07 06:24 your time · task split by
    Ram (volunteer) → submitted' (UTC without a zone); the names escaped."""
    return (
        f"{date_time(version.label.updated_at, zone)} · {escape_markdown(version.op)} by "
        f"{escape_markdown(version.actor)} ({escape_markdown(version.role)}) → "
        f"{version.label.status.value}"
    )
