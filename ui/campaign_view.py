"""What the Campaigns page and the Label page's task panel do: create a campaign from the
page's inputs, take and hand in tasks, validate them, and the progress tables — plain calls
that return ``Outcome``s with a message for the person (nothing raises for their mistake).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

from labels.agreement import Agreement, CampaignAgreement
from labels.base_store import BaseLabelStore
from labels.campaign_store import CampaignStore
from labels.campaigns import (
    STATE_COLOURS,
    STATE_TITLES,
    TASK_HOLDS,
    Campaign,
    CampaignError,
    FieldCounts,
    Progress,
    Task,
    TaskState,
    format_hours,
    iso,
    split_cell,
    task_grid,
)
from labels.errors import LabelError, StaleEditError
from labels.geometry import share_inside
from labels.model import Label, Status, normalise_name, same_person
from labels.review_reasons import (
    OTHER,
    REASONS,
    TASK_REASON_AS_FIELDS,
    TASK_REASONS,
    reason_counts,
)
from sr.imagery.scene import BBox, Scene
from sr.jobs.engine import BACKGROUND, JobEngine
from sr.sharpen.pipeline import SharpenRequest
from ui.auth import Identity
from ui.campaign_map import FIRST_BORDER
from ui.field_layers import MapField
from ui.label_actions import review_field
from ui.local_time import browser_zone, clock_time, date_time, refusal_words
from ui.settings import dip_iterations_override

MAX_AREA_FILE = 5_000_000  # bytes of an uploaded area of interest
MAX_DRAWN_VERTICES = 10_000  # of an area drawn on the map (a hand draws a few dozen)
SAVE_CHANGES = "Save the changes"  # a coordinator's change of a campaign's settings
PRE_ENHANCE_AHEAD = 8  # ready tasks kept queued for sharpening ahead of the volunteers


class AreaError(ValueError):
    """An area of interest that cannot be used (plain words)."""


@dataclass(frozen=True)
class TaskOutcome:
    """An outcome about a task, and the task as it is now (None when nothing changed)."""

    ok: bool
    message: str
    task: Task | None = None


def area_from_geojson(data: bytes) -> Polygon | MultiPolygon:
    """The polygon(s) of an uploaded GeoJSON (a geometry, Feature or FeatureCollection in
    lon/lat), merged; ``AreaError`` says why a file cannot be used."""
    if len(data) > MAX_AREA_FILE:
        raise AreaError(f"the file is larger than {MAX_AREA_FILE // 1_000_000} MB")
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise AreaError("the file is not GeoJSON (it cannot be read as JSON)") from None
    if not isinstance(doc, dict):
        raise AreaError("the file is not a GeoJSON object")
    if doc.get("type") == "FeatureCollection":
        geometries = [f.get("geometry") for f in doc.get("features") or [] if isinstance(f, dict)]
    elif doc.get("type") == "Feature":
        geometries = [doc.get("geometry")]
    else:
        geometries = [doc]
    polygons: list[Any] = []
    for geometry in geometries:
        try:
            geom = shape(geometry) if isinstance(geometry, dict) else None
        except (ValueError, TypeError, AttributeError, shapely.errors.GEOSException):
            geom = None
        if isinstance(geom, Polygon | MultiPolygon) and not geom.is_empty:
            polygons.append(geom.buffer(0) if not geom.is_valid else geom)
    if not polygons:
        raise AreaError("the file holds no polygon; an area of interest is a polygon")
    area = shapely.union_all(polygons)
    west, south, east, north = area.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise AreaError("the coordinates are not longitude / latitude (GeoJSON is WGS 84)")
    if not isinstance(area, Polygon | MultiPolygon):
        raise AreaError("the file holds no polygon; an area of interest is a polygon")
    return area


def area_from_drawing(event: dict[str, Any]) -> Polygon | None:
    """The polygon or rectangle last drawn on the map with the draw tool (streamlit-folium's
    value: ``last_active_drawing`` among ``all_drawings``). A task, field or outline clicked
    on the map is reported as the last active drawing too, but is not among the drawings."""
    drawing = event.get("last_active_drawing")
    geometry = drawing.get("geometry") if isinstance(drawing, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        return None
    rings = geometry.get("coordinates")
    if not isinstance(rings, list | tuple) or not all(isinstance(r, list | tuple) for r in rings):
        return None
    if sum(map(len, rings)) > MAX_DRAWN_VERTICES:
        return None  # what the map sends comes from the browser: no hand draws that many
    drawn = [f.get("geometry") for f in event.get("all_drawings") or [] if isinstance(f, dict)]
    if geometry not in drawn:
        return None
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, AttributeError):
        return None
    return polygon if isinstance(polygon, Polygon) and polygon.is_valid else None


def scene_tasks(scene: Scene, area: Polygon | MultiPolygon, task_pixels: int) -> list[Polygon]:
    """The tasks of ``area`` within the scene: ``task_pixels`` scene pixels across, on the
    scene's own pixel grid (so a task is exactly an area one enhancement covers)."""
    inside = area.intersection(scene.footprint)
    if inside.is_empty or inside.area == 0:
        raise AreaError("the area lies outside the scene; draw it on the scene")
    res_x, res_y = scene.resolution
    origin = (scene.transform.c, scene.transform.f)
    return task_grid(inside, scene.crs, (task_pixels * res_x, task_pixels * res_y), origin)


def create_campaign(
    campaigns: CampaignStore,
    scene: Scene,
    identity: Identity,
    *,
    name: str,
    area: Polygon | MultiPolygon | None,
    crops: Sequence[str],
    instructions: str,
    task_pixels: int,
    double_share: float,
    lock_hours: float,
    engine: JobEngine | None = None,
) -> TaskOutcome:
    """Make a campaign on ``scene`` from the page's inputs; with ``engine``, the first
    tasks' areas are queued for sharpening at low priority (``pre_enhance``)."""
    if area is None:
        return TaskOutcome(False, "Draw the area on the map or upload it as GeoJSON first.")
    try:
        tasks = scene_tasks(scene, area, task_pixels)
        made = campaigns.create(
            Campaign(
                name.strip(),
                (scene.scene_id,),
                area,
                identity.name,
                crops=tuple(crops),
                instructions=instructions.strip(),
                task_pixels=task_pixels,
                task_side_m=task_pixels * scene.metres_per_pixel,
                double_share=double_share,
                lock_minutes=lock_hours * 60,
            ),
            tasks,
            actor=identity.name,
            role=identity.role,
        )
    except (AreaError, LabelError) as exc:
        return TaskOutcome(False, f"Not created: {exc}.")
    message = f"Created {made.name!r}: {len(tasks)} tasks of {made.task_side_m:.0f} m."
    if engine is not None:
        message += " " + pre_enhance_text(engine, scene, made.id, campaigns.tasks(made.id))
    return TaskOutcome(True, message)


def pre_enhance_text(engine: JobEngine, scene: Scene, campaign_id: str, tasks: Sequence[Task]
                     ) -> str:  # fmt: skip
    """Queue the next tasks' areas (``pre_enhance``) and say so; a cluster that cannot be
    reached only means nothing is sharpened ahead."""
    try:
        queued = pre_enhance(engine, scene, campaign_id, tasks, PRE_ENHANCE_AHEAD)
    except Exception as exc:  # the cluster is the job engine's business; say it, go on
        return f"The next tasks could not be queued for sharpening ({exc})."
    return (
        f"{queued} more task area(s) queued for sharpening ahead, at low priority."
        if queued
        else ""
    )


def change_campaign(
    campaigns: CampaignStore,
    campaign: Campaign,
    identity: Identity,
    *,
    name: str,
    instructions: str,
    crops: Sequence[str],
    lock_hours: float,
) -> TaskOutcome:
    """Save a coordinator's changes to a campaign's settings (a new version in its
    history); a change made by someone else meanwhile is refused, nothing lost."""
    try:
        saved = campaigns.update(
            campaign.replace(
                name=name.strip(),
                instructions=instructions.strip(),
                crops=tuple(crops),
                lock_minutes=lock_hours * 60,
            ),
            actor=identity.name,
            role=identity.role,
            expected_version=campaign.version,
        )
    except StaleEditError as exc:
        return TaskOutcome(
            False,
            f"Not saved: {exc.by or 'another coordinator'} changed this campaign after you "
            "opened it. The settings you left alone now show theirs; yours are kept: press "
            f"“{SAVE_CHANGES}” again to save them over theirs.",
        )
    except LabelError as exc:
        return TaskOutcome(False, f"Not saved: {exc}.")
    return TaskOutcome(True, f"Saved {saved.name!r} (version {saved.version}).")


def history_lines(campaigns: CampaignStore, campaign_id: str, zone: ZoneInfo | None) -> list[str]:
    """The campaign's history, newest first: 'version 2 · update by Boss at 2026-12-02 19:50
    your time' (UTC without a zone)."""
    return [
        f"version {v.campaign.version} · {v.op} by {v.actor} at "
        f"{date_time(v.campaign.updated_at, zone)}"
        for v in reversed(campaigns.history(campaign_id))
    ]


def pre_enhance(
    engine: JobEngine, scene: Scene, campaign_id: str, tasks: Sequence[Task], ahead: int
) -> int:
    """Queue the next ``ahead`` ready tasks' areas for sharpening at low priority (with the
    Label page's default method and preset, so a volunteer who takes one finds it done);
    returns how many were queued."""
    ready = [t for t in tasks if t.state is TaskState.READY][:ahead]
    requests = [
        SharpenRequest(scene, task_bbox(t), iterations=dip_iterations_override()) for t in ready
    ]
    return engine.submit_background(requests, f"campaign {campaign_id}")


def top_up(engine: JobEngine, scene: Scene, campaigns: CampaignStore, campaign_id: str) -> None:
    """After a task is taken: keep the next tasks queued for sharpening, for a campaign
    whose coordinator asked for it (it has background jobs already)."""
    owner = f"{BACKGROUND}campaign {campaign_id}"
    if any(record.volunteers[:1] == (owner,) for record in engine.jobs()):
        pre_enhance_text(engine, scene, campaign_id, campaigns.tasks(campaign_id))


def _numbers(tasks: Sequence[Task]) -> str:
    """'4, 7, 9': the tasks' numbers, for a message."""
    return ", ".join(str(task.number) for task in tasks)


def _refused(exc: LabelError) -> TaskOutcome:
    """A store's refusal as a sentence, a time in it said in the browser's zone."""
    text = refusal_words(exc, browser_zone())
    return TaskOutcome(False, text[:1].upper() + text[1:] + ("" if text.endswith(".") else "."))


def _step(action: Any, done: str) -> TaskOutcome:
    try:
        task = action()
    except LabelError as exc:
        return _refused(exc)
    return TaskOutcome(True, done.format(n=task.number), task)


YOURS_TO_MAP = "Task {n} is yours to map: outline every field inside it."
YOURS_TO_CHECK = "Task {n} is yours to check: look at its fields, then validate or invalidate it."


def map_next(campaigns: CampaignStore, campaign_id: str, identity: Identity) -> TaskOutcome:
    """'Map next task': lock a task for this volunteer (the one they hold, if any)."""
    return _step(
        lambda: campaigns.map_next(campaign_id, identity.name, identity.role),
        YOURS_TO_MAP,
    )


def map_chosen(campaigns: CampaignStore, task: Task, identity: Identity) -> TaskOutcome:
    """'Map this task': lock the task chosen on the map for this volunteer."""
    return _step(
        lambda: campaigns.lock_for_mapping(task.campaign_id, task.number, identity.name),
        YOURS_TO_MAP,
    )


def validate_chosen(campaigns: CampaignStore, task: Task, identity: Identity) -> TaskOutcome:
    """'Validate this task': lock the mapped task chosen on the map for this reviewer."""
    return _step(
        lambda: campaigns.lock_for_validation(
            task.campaign_id, task.number, identity.name, identity.role
        ),
        YOURS_TO_CHECK,
    )


def split_parts(campaigns: CampaignStore, scene: Scene, task: Task) -> list[Polygon] | None:
    """The parts the task held would be split in (``labels.campaigns.split_cell``, on the
    scene's pixel grid), or None when it cannot be: mapped once already, or too small."""
    if task.mappers:
        return None
    origin = (scene.transform.c, scene.transform.f)
    try:
        return split_cell(task.geometry, scene.crs, origin, scene.resolution)
    except CampaignError:
        return None


def split_task(
    campaigns: CampaignStore, task: Task, parts: Sequence[Polygon], identity: Identity
) -> TaskOutcome:
    """'Split it': the mapper goes on with the part holding most of their fields (the
    north-west one when they saved none); the fields saved are filed under their parts."""
    try:
        made = campaigns.split(task.campaign_id, task.number, identity.name, parts)
    except LabelError as exc:
        return _refused(exc)
    held = next(part for part in made if part.state is TaskState.LOCKED_MAPPING)
    which = "its north-west part" if held is made[0] else "where most of your fields are"
    return TaskOutcome(
        True,
        f"Task {task.number} is split into tasks {made[0].number}–{made[-1].number}. You go on "
        f"with task {held.number}, {which}.",
        held,
    )


def hand_in(campaigns: CampaignStore, task: Task, identity: Identity) -> TaskOutcome:
    """ "I'm done with this task"."""
    return _step(
        lambda: campaigns.mark_mapped(task.campaign_id, task.number, identity.name),
        "Task {n} is mapped. Thank you!",
    )


def give_back(campaigns: CampaignStore, task: Task, identity: Identity) -> TaskOutcome:
    """ "Give it back": the task is free for someone else."""
    return _step(
        lambda: campaigns.give_back(task.campaign_id, task.number, identity.name),
        "Task {n} is free again.",
    )


def release(campaigns: CampaignStore, task: Task, identity: Identity) -> TaskOutcome:
    """A coordinator frees someone's lock."""
    return _step(
        lambda: campaigns.release(task.campaign_id, task.number, identity.name, identity.role),
        "Task {n} was released.",
    )


def validate_next(campaigns: CampaignStore, campaign_id: str, identity: Identity) -> TaskOutcome:
    """'Validate next task' for a reviewer (never one they mapped)."""
    return _step(
        lambda: campaigns.validate_next(campaign_id, identity.name, identity.role),
        YOURS_TO_CHECK,
    )


def decide(
    campaigns: CampaignStore,
    task: Task,
    identity: Identity,
    valid: bool,
    comment: str,
    seen: Sequence[Label] = (),
) -> TaskOutcome:
    """Validate the task, or invalidate it with a comment (back to its mapper).

    Validating accepts the task's fields waiting for review, as the reviewer saw them
    (``seen``: the task's fields read when the buttons were shown); a field changed
    since is left waiting for Review. A task mapped twice is validated once one version is
    kept, so that two copies of its fields are never both accepted."""
    if not valid:
        return _step(
            lambda: campaigns.invalidate(
                task.campaign_id, task.number, identity.name, identity.role, comment
            ),
            "Task {n} goes back to its mapper with your comment.",
        )
    if len(versions := by_mapper(seen, task)) > 1:
        return TaskOutcome(
            False,
            f"Task {task.number} holds {len(versions)} versions: keep one before you validate "
            "it, or both would be accepted.",
        )
    outcome = _step(
        lambda: campaigns.validate(
            task.campaign_id, task.number, identity.name, identity.role, comment
        ),
        "Task {n} is validated.",
    )
    if not outcome.ok:
        return outcome
    waiting = waiting_for_review(versions)
    accepted = sum(
        review_field(campaigns.store, lab, identity, True, comment).ok for lab in waiting
    )
    said = f" Its {accepted} field(s) waiting for review are accepted." if accepted else ""
    if missed := len(waiting) - accepted:
        said += (
            f" {missed} could not be accepted (changed or deleted since you looked) and still "
            "wait on the Review page."
        )
    return replace(outcome, message=outcome.message + said)


def set_aside(campaigns: CampaignStore, task: Task, identity: Identity, reason: str) -> TaskOutcome:
    """The mapper sets the task aside: it cannot be mapped on this imagery."""
    return _step(
        lambda: campaigns.set_aside(task.campaign_id, task.number, identity.name, reason),
        "Task {n} is set aside for bad imagery, out of the queue until a coordinator puts it "
        "back. Thank you for saying so!",
    )


def reset_set_aside(
    campaigns: CampaignStore,
    campaign_id: str,
    identity: Identity,
    numbers: Collection[int] | None = None,
) -> TaskOutcome:
    """A coordinator puts tasks set aside for bad imagery back in the queue: those of
    ``numbers``, or all of them."""
    try:
        back = campaigns.reset_set_aside(campaign_id, identity.name, identity.role, numbers)
    except LabelError as exc:
        return _refused(exc)
    return TaskOutcome(
        True, f"Back in the queue: task(s) {_numbers(back)}." if back else "None left."
    )


def put_back_label(chosen: Collection[int], set_aside: int) -> str:
    """The coordinator's button: the tasks chosen, or all of those set aside when none is."""
    if not chosen:
        return f"Put the {set_aside} task(s) set aside back in the queue"
    return f"Put task(s) {', '.join(map(str, sorted(chosen)))} back in the queue"


def held_task(store: BaseLabelStore, scene_id: str, identity: Identity) -> Task | None:
    """The task this person holds a live lock on in a campaign of the scene, if any."""
    campaigns = CampaignStore(store)
    for campaign in campaigns.campaigns(scene_id):
        task = campaigns.held_by(campaign.id, identity.name)
        if task is not None:
            return task
    return None


def sent_back_note(task: Task) -> str | None:
    """What the reviewer said when they invalidated the task now being mapped again (None
    for a task mapped for the first time): the volunteer reads it with the task."""
    if task.locked_from is not TaskState.INVALIDATED or not task.comment:
        return None
    return f"Sent back by {task.validator or 'a reviewer'}: {task.comment}"


def by_mapper(fields: Sequence[Label], task: Task) -> dict[str, list[Label]]:
    """The fields drawn in a task (of a campaign's ``fields``), by mapper, in name order."""
    found: dict[str, list[Label]] = {}
    for lab in fields:
        if lab.task_id == task.ref:
            found.setdefault(lab.annotator, []).append(lab)
    return dict(sorted(found.items()))


def waiting_for_review(versions: dict[str, list[Label]]) -> list[Label]:
    """The fields of a task's versions (:func:`by_mapper`) still waiting for review."""
    return [lab for drawn in versions.values() for lab in drawn if lab.status is Status.SUBMITTED]


def task_fields(fields: Sequence[Label], task: Task) -> dict[str, list[MapField]]:
    """The fields drawn in a task (of a campaign's ``fields``), for the map: one layer per
    mapper's version."""
    return {
        f"{mapper}'s fields": [MapField.of(lab) for lab in drawn]
        for mapper, drawn in by_mapper(fields, task).items()
    }


def keep_version(
    campaigns: CampaignStore, task: Task, keep: str, shown: Sequence[Label], identity: Identity
) -> TaskOutcome:
    """A reviewer keeps one mapper's version of a task mapped twice: the other's fields in
    the task, at the versions the reviewer was shown (``shown``: the task's fields read when
    the button was drawn), are deleted (new versions; their history stays, and agreement
    still counts them). A field changed since stops it with a message: the reviewer looks
    again. The task stays locked for the reviewer to validate."""
    others = [lab for lab in shown if lab.task_id == task.ref and lab.annotator != keep]
    removed = 0
    try:
        for lab in others:
            campaigns.store.delete(lab.id, actor=identity.name, role=identity.role,
                                   expected_version=lab.version)  # fmt: skip
            removed += 1
    except LabelError as exc:
        return TaskOutcome(
            False, f"Removed {removed} of {len(others)} field(s), then stopped: {exc}. Look again."
        )
    return TaskOutcome(
        True, f"Kept {keep}'s version of task {task.number}; removed {removed} other field(s)."
    )


# The agreement table's columns in plain words, what each says when pointed at, and how its
# numbers show (the export keeps the store's names: labels.agreement.Agreement.summary).
AGREEMENT_HELP = {
    "tasks": "Tasks mapped twice: both mappers handed them in.",
    "fields matched": "Pairs of fields, one by each mapper, that overlap at IoU 0.5 or more.",
    "overlap (IoU)": "The matched pairs' mean intersection over union: 1 is the same outline.",
    "edges within 2 m (F)": "How much of each mapper's field edges lie within 2 m of the "
    "other's, as an F-score: 1 is all of them.",
    "same crop": "Of the matched pairs, those given the same crop.",
    "only theirs": "Their fields that match none of the other mapper's (on the "
    "whole campaign's row: the first mapper's).",
    "only the other's": "The other mapper's fields that match none of theirs (on "
    "the whole campaign's row: the second mapper's).",
}
AGREEMENT_FORMATS = {
    "overlap (IoU)": "%.2f",
    "edges within 2 m (F)": "%.2f",
    "same crop": "%.0f %%",
}


def agreement_table(found: CampaignAgreement) -> pd.DataFrame:
    """The campaign's agreement, then each volunteer's (them as the first side), one row
    each, in :data:`AGREEMENT_HELP`'s words; the same crop as a percentage."""
    rows = [(WHOLE_CAMPAIGN, found.campaign), *sorted(found.per_volunteer.items())]
    return pd.DataFrame([(who, *_agreement_cells(a)) for who, a in rows],
                        columns=["who", *AGREEMENT_HELP])  # fmt: skip


def _agreement_cells(a: Agreement) -> tuple[int | float | None, ...]:
    same_crop = None if a.crop_agreement is None else 100 * a.crop_agreement
    return (a.tasks, a.matched, a.mean_iou, a.boundary_f, same_crop, a.unmatched_a,
            a.unmatched_b)  # fmt: skip


def task_bbox(task: Task) -> BBox:
    """The task's lon/lat bounds (the Label page's area: the map flies there)."""
    west, south, east, north = task.geometry.bounds
    return (west, south, east, north)


def now_utc() -> datetime:
    return datetime.now(UTC)


def state_table(found: Progress) -> pd.DataFrame:
    """Tasks per state, with their share, in the order of the work."""
    rows = [
        {"state": STATE_TITLES[state], "tasks": found.counts[state], "%": 100 * found.share(state)}
        for state in TaskState
    ]
    return pd.DataFrame(rows, columns=["state", "tasks", "%"])


# The Volunteers tables' columns: each volunteer's tasks, then their fields, then what the
# reviewers said. Three tables, so that each is whole on a laptop: one of eleven columns ran
# 1,290 px in a 904 px frame, and the reasons as a column ran past it when a volunteer was
# told many things (bench/results/campaign_tables.md).
TASK_PEOPLE_COLUMNS = (
    "person",
    "tasks mapped",
    "sent back",
    "tasks set aside",
    "tasks assigned, to map",
    "tasks validated",
)
FIELD_PEOPLE_COLUMNS = (
    "person",
    "fields",
    "assist proposals saved unedited",
    "fields rejected",
)
REASONS_TITLE = "What the reviewers sent back and rejected for"
REASON_COLUMNS = ("person", "reason", "tasks sent back for it", "fields rejected for it")
PEOPLE_HELP = {
    "sent back": "How often a reviewer invalidated a task this volunteer had mapped.",
    "tasks set aside": "Tasks this volunteer set aside for bad imagery.",
    "tasks assigned, to map": "Tasks assigned to this volunteer and not handed in yet.",
    "tasks validated": "Tasks this person validated, as a reviewer.",
    "assist proposals saved unedited": "Of their fields, those saved just as the outline "
    "assist proposed them.",
    "reason": "The reason the reviewers picked (other: a comment of their own).",
}


def people_table(found: Progress) -> pd.DataFrame:
    """Per volunteer: tasks mapped, how often their mappings were sent back (invalidated),
    how many tasks they set aside for bad imagery (one who sets many aside is one to ask
    why), how many tasks assigned to them are still to map (the name a coordinator typed is
    matched to the one they sign in with, as ``labels.model.same_person`` does), tasks
    validated; fields drawn in the campaign, how many of those they saved as the outline
    assist proposed them, and how many were rejected. The page shows it as two tables,
    :data:`TASK_PEOPLE_COLUMNS` and :data:`FIELD_PEOPLE_COLUMNS`; what for is
    :func:`reasons_table`."""
    people = sorted(
        set(found.mapped_by) | set(found.validated_by) | set(found.fields_by)
        | set(found.set_aside_by) | set(found.sent_back)
    )  # fmt: skip
    by_key = {normalise_name(p): p for p in people}
    assigned: dict[str, int] = {}
    for name, left in found.assigned_left.items():
        person = by_key.setdefault(normalise_name(name), name)
        assigned[person] = assigned.get(person, 0) + left
    rows = []
    for p in sorted(set(people) | set(assigned)):
        fields = found.fields_by.get(p, FieldCounts(0))
        tasks = (found.mapped_by.get(p, 0), len(found.sent_back.get(p, [])),
                 found.set_aside_by.get(p, 0), assigned.get(p, 0),
                 found.validated_by.get(p, 0))  # fmt: skip
        rows.append((p, *tasks, fields.fields, fields.unedited, fields.rejected))
    return pd.DataFrame(rows, columns=[*TASK_PEOPLE_COLUMNS, *FIELD_PEOPLE_COLUMNS[1:]])


def reasons_table(found: Progress) -> pd.DataFrame:
    """What the reviewers sent each volunteer's tasks back for and rejected their fields
    for (``labels.review_reasons``; a task's reason that says what a field's says is one
    row with it, under the field's name: Not fields is Not a field): one row per volunteer
    and reason given, most given first. Long rather than wide, so that it stays whole in its
    frame however much the reviewers said: what to talk about with whom."""
    order = [*REASONS, *(r for r in TASK_REASONS if r not in TASK_REASON_AS_FIELDS), OTHER]
    rejected = {p: c.rejected_for for p, c in found.fields_by.items() if c.rejected}
    rows = []
    for person in sorted(set(found.sent_back) | set(rejected)):
        tasks: Counter[str] = Counter()
        for reason, n in reason_counts(found.sent_back.get(person, []), TASK_REASONS).items():
            tasks[TASK_REASON_AS_FIELDS.get(reason, reason)] += n
        fields = rejected.get(person, Counter())
        given = sorted(set(tasks) | set(fields),
                       key=lambda r: (-tasks[r] - fields[r], order.index(r)))  # fmt: skip
        rows += [(person, reason, tasks[reason], fields[reason]) for reason in given]
    return pd.DataFrame(rows, columns=list(REASON_COLUMNS))


WHOLE_CAMPAIGN = "whole campaign"  # the agreement table's first row
OWN_ROWS_NOTE = "Your own figures: reviewers and coordinators see every volunteer's."


def rows_for(frame: pd.DataFrame, column: str, identity: Identity) -> pd.DataFrame:
    """The rows of a table about volunteers that ``identity`` may read: all of them for a
    reviewer or coordinator; for a volunteer, their own (``column`` names whose row it is)
    and the whole campaign's. A volunteer sees their own figures and the reasons given to
    them, not how often the others were sent back or for what."""
    if identity.can_review:
        return frame
    theirs = [who == WHOLE_CAMPAIGN or same_person(who, identity.name) for who in frame[column]]
    return frame.loc[pd.Series(theirs, index=frame.index, dtype=bool)].reset_index(drop=True)


def locks(tasks: Sequence[Task], now: datetime) -> list[Task]:
    """The tasks locked right now (expired locks left out), by task number."""
    stamp = iso(now)
    return [t for t in tasks if t.state_at(stamp) in (TaskState.LOCKED_MAPPING,
                                                      TaskState.LOCKED_VALIDATION)]  # fmt: skip


def lock_line(task: Task, zone: ZoneInfo | None = None) -> str:
    """'task 12 · mapping · Sita until 14:05 UTC' (or '… until 19:50 your time' in ``zone``)."""
    until = clock_time(task.locked_until, zone)
    return f"task {task.number} · {STATE_TITLES[task.state]} · {task.locked_by} until {until}"


def set_aside_table(found: Progress, zone: ZoneInfo | None = None) -> pd.DataFrame:
    """The tasks set aside for bad imagery now, for the coordinator: who set each aside,
    when (in ``zone``, theirs, when known), and why (a table: shown as text, never as
    markdown)."""
    rows = [(number, e.actor, date_time(e.at, zone), e.comment or "")
            for number, e in sorted(found.set_aside_now.items())]  # fmt: skip
    return pd.DataFrame(rows, columns=["task", "set aside by", "at", "why"])


def progress_text(found: Progress) -> str:
    """'3 of 40 tasks validated (8 %)', of the tasks the imagery allows, and how many were
    set aside for bad imagery."""
    done = found.counts[TaskState.VALIDATED]
    aside = f"; {found.set_aside} set aside for bad imagery" if found.set_aside else ""
    return f"{done} of {found.workable} tasks validated ({found.done_share:.0%}){aside}"


def eta_text(found: Progress) -> str:
    """The time to finish at the recent pace, with the pace it comes from."""
    if found.tasks_per_hour is None:
        return f"Time to finish: {format_hours(found.hours_left)}."
    return (
        f"Time to finish: {format_hours(found.hours_left)} at the pace of the last day "
        f"({found.tasks_per_hour:.1f} tasks validated per hour)."
    )


def legend_html() -> str:
    """The progress map's legend: one coloured square per state."""
    items = "".join(
        f'<span style="display:inline-block;margin-right:12px">'
        f'<span style="display:inline-block;width:12px;height:12px;background:{colour};'
        f'border:1px solid #555;margin-right:4px"></span>{STATE_TITLES[state]}</span>'
        for state, colour in STATE_COLOURS.items()
    )
    first = (
        '<span style="display:inline-block"><span style="display:inline-block;width:12px;'
        f"height:12px;border:{FIRST_BORDER['weight']}px solid {FIRST_BORDER['color']};"
        'margin-right:4px"></span>to map first</span>'
    )
    return f'<div class="campaign-legend">{items}{first}</div>'


def assign(
    campaigns: CampaignStore,
    campaign_id: str,
    numbers: Collection[int],
    person: str | None,
    identity: Identity,
) -> TaskOutcome:
    """A coordinator assigns tasks to a volunteer (or takes the assignment back: None)."""
    try:
        changed = campaigns.assign(campaign_id, numbers, person, identity.name, identity.role)
    except LabelError as exc:
        return _refused(exc)
    said = _numbers(changed) or "none changed"
    if changed and changed[0].assigned_to:
        return TaskOutcome(True, f"Assigned to {changed[0].assigned_to}: task(s) {said}.")
    if person:
        return TaskOutcome(True, f"Already assigned to {person}, or validated: {said}.")
    return TaskOutcome(True, f"Assignment taken back: task(s) {said}.")


def tasks_in(tasks: Sequence[Task], area: BaseGeometry) -> list[Task]:
    """The tasks lying at least half in ``area`` (an area a coordinator drew on the map)."""
    return [task for task in tasks if share_inside(task.geometry, area) >= TASK_HOLDS]


def map_first(
    campaigns: CampaignStore,
    campaign_id: str,
    numbers: Collection[int],
    identity: Identity,
    first: bool = True,
) -> TaskOutcome:
    """A coordinator wants tasks mapped first (or no longer)."""
    try:
        changed = campaigns.map_first(campaign_id, numbers, identity.name, identity.role, first)
    except LabelError as exc:
        return _refused(exc)
    said = _numbers(changed) or "none changed"
    if first:
        return TaskOutcome(True, f"Mapped first, before the others: task(s) {said}.")
    return TaskOutcome(True, f"No longer first: task(s) {said}.")


def campaign_caption(campaign: Campaign, task_count: int) -> str:
    """One line about a campaign: tasks, their size, locks, double-mapped share."""
    double = f", {campaign.double_share:.0%} mapped twice" if campaign.double_share else ""
    return (
        f"{task_count} tasks of {campaign.task_side_m:.0f} m ({campaign.task_pixels} pixels), "
        f"locks last {campaign.lock_minutes / 60:g} h{double}; by {campaign.created_by}"
    )
