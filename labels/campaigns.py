"""Campaigns: an area of interest split into tasks that volunteers map one at a time.

The pure part: the campaign record, the task grid, the task states and the progress figures.
Storage and the atomic locks are in ``labels.campaign_store``. States follow HOT Tasking
Manager: ready → locked for mapping → mapped → locked for validation → validated, or
invalidated (with a comment) and mapped again, first by its mapper.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import math
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from labels.errors import LabelError
from labels.geometry import share_inside
from labels.model import DEFAULT_CROPS, Geometry, same_person

DEFAULT_TASK_PIXELS = 128  # the area one enhancement covers (ui.settings.default_area_pixels)
DEFAULT_LOCK_MINUTES = 120.0
TASK_HOLDS = 0.5  # a field at least half inside a task belongs to it (Task.holds)
MAX_TASKS = 20_000
MIN_PACE_TASKS = 3  # tasks validated in the last day before a time to finish is estimated
MIN_OVERLAP = 1e-4  # share of a cell below which its piece of the area is a sliver, no task
MIN_SPLIT_PIXELS = 16  # no part of a split task is narrower (scene pixels; split_cell)
MAX_NAME = 120
MAX_INSTRUCTIONS = 4000
WGS84 = CRS.from_epsg(4326)
_GEOD = Geod(ellps="WGS84")


class CampaignError(LabelError):
    """A campaign that cannot be made as asked (the message says why, in plain words)."""


class TaskLockedError(LabelError):
    """The task is locked by someone else, or in a state that does not allow the step.

    A refusal that names a time ('… until 14:05 UTC') keeps it apart (``at``, ISO UTC, said
    between ``lead`` and ``rest``) so that a page can say it in the person's own zone
    (:meth:`said`); ``str()`` says it in UTC."""

    def __init__(self, lead: str, at: str | None = None, rest: str = "") -> None:
        self.lead, self.at, self.rest = lead, at, rest
        super().__init__(self.said(utc_minute))

    def said(self, time_words: Callable[[str], str]) -> str:
        """The refusal, with its time (if any) in ``time_words``' words."""
        return self.lead if self.at is None else f"{self.lead}{time_words(self.at)}{self.rest}"


def utc_minute(stamp: str) -> str:
    """'2026-12-02 14:05 UTC' for an ISO UTC time (the store's own words for a time)."""
    return f"{stamp[:16].replace('T', ' ')} UTC"


class NoTaskError(LabelError):
    """No task is available for this step right now."""


class TaskState(StrEnum):
    """Where a task stands (HOT Tasking Manager's states)."""

    READY = "ready"
    LOCKED_MAPPING = "locked_mapping"
    MAPPED = "mapped"
    LOCKED_VALIDATION = "locked_validation"
    VALIDATED = "validated"
    INVALIDATED = "invalidated"
    BAD_IMAGERY = "bad_imagery"  # set aside by its mapper (clouds, no data) until a reset


STATE_TITLES = {
    TaskState.READY: "ready",
    TaskState.LOCKED_MAPPING: "mapping",
    TaskState.MAPPED: "mapped",
    TaskState.LOCKED_VALIDATION: "validating",
    TaskState.VALIDATED: "validated",
    TaskState.INVALIDATED: "invalidated",
    TaskState.BAD_IMAGERY: "bad imagery",
}
STATE_COLOURS = {  # progress map and legend
    TaskState.READY: "#bdbdbd",
    TaskState.LOCKED_MAPPING: "#ffb300",
    TaskState.MAPPED: "#1e88e5",
    TaskState.LOCKED_VALIDATION: "#8e24aa",
    TaskState.VALIDATED: "#43a047",
    TaskState.INVALIDATED: "#e53935",
    TaskState.BAD_IMAGERY: "#5d4037",
}
LOCKED_STATES = (TaskState.LOCKED_MAPPING, TaskState.LOCKED_VALIDATION)


@dataclass(frozen=True, slots=True)
class Campaign:
    """What a coordinator set up: where, on which scenes, which crops, how big the tasks."""

    name: str
    scene_ids: tuple[str, ...]
    area: Geometry  # lon/lat
    created_by: str
    crops: tuple[str, ...] = DEFAULT_CROPS
    instructions: str = ""
    task_pixels: int = DEFAULT_TASK_PIXELS
    task_side_m: float = 0.0  # the tasks' side in metres (filled from the scene's pixels)
    double_share: float = 0.0  # share of tasks mapped independently by two volunteers
    lock_minutes: float = DEFAULT_LOCK_MINUTES
    id: str = dataclasses.field(default_factory=lambda: uuid.uuid4().hex[:12])
    created_at: str | None = None
    updated_at: str | None = None
    updated_by: str | None = None
    version: int = 0

    def replace(self, **changes: Any) -> Campaign:
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Task:
    """One cell of a campaign's grid and its state; ``mappers`` in the order they mapped."""

    campaign_id: str
    number: int
    geometry: Geometry  # lon/lat
    state: TaskState = TaskState.READY
    copies: int = 1  # 2: mapped independently by two volunteers
    mappers: tuple[str, ...] = ()
    locked_by: str | None = None
    locked_until: str | None = None
    locked_from: TaskState | None = None
    validator: str | None = None
    comment: str | None = None
    updated_at: str | None = None
    version: int = 0
    first: bool = False  # a coordinator wants it mapped before the others
    assigned_to: str | None = None  # a coordinator gave it to this volunteer alone to map

    @property
    def ref(self) -> str:
        """The id fields drawn in this task carry (``Label.task_id``)."""
        return task_ref(self.campaign_id, self.number)

    def replace(self, **changes: Any) -> Task:
        return dataclasses.replace(self, **changes)

    def assigned_to_or_free(self, person: str) -> bool:
        """Whether ``person`` may map it as far as its assignment goes: it is assigned to
        nobody, or to them, or its assignee mapped it already (a task mapped twice then
        needs someone else)."""
        if self.assigned_to is None or same_person(self.assigned_to, person):
            return True
        return any(same_person(self.assigned_to, m) for m in self.mappers)

    def holds(self, field: BaseGeometry) -> bool:
        """Whether a field (lon/lat) lies mostly in this task, and so belongs to it: a field
        across a task's border belongs to the task holding more of it."""
        return share_inside(field, self.geometry) >= TASK_HOLDS

    def state_at(self, now: str) -> TaskState:
        """The state as it is at ``now``: an expired lock counts as gone."""
        if self.state in LOCKED_STATES and self.locked_until and self.locked_until < now:
            return self.state_unlocked()
        return self.state

    def state_unlocked(self) -> TaskState:
        """The state a locked task goes back to when its lock ends without a decision."""
        if self.state not in LOCKED_STATES:
            return self.state
        if self.locked_from is not None:
            return self.locked_from
        return TaskState.READY if self.state is TaskState.LOCKED_MAPPING else TaskState.MAPPED

    def unlocked(self, state: TaskState | None = None) -> Task:
        """This task without its lock, in ``state`` (default: where the lock came from)."""
        return self.replace(
            state=state or self.state_unlocked(),
            locked_by=None,
            locked_until=None,
            locked_from=None,
        )


@dataclass(frozen=True, slots=True)
class TaskEvent:
    """One recorded transition of a task: who, when, from which state to which, why."""

    campaign_id: str
    number: int
    action: str
    from_state: str
    to_state: str
    actor: str
    at: str
    comment: str | None = None


def crop_refused(name: str, crops: Sequence[str], crop: str) -> str | None:
    """Why a field of ``crop`` cannot be filed under a task of campaign ``name``, whose
    coordinator chose the ``crops`` it maps, or None when it can."""
    if crop in crops:
        return None
    return f"{name} maps {', '.join(crops)}, not {crop}; choose one of them"


def task_ref(campaign_id: str, number: int) -> str:
    """``campaign:number``: a task's id as fields carry it."""
    return f"{campaign_id}:{number}"


def parse_task_ref(ref: str) -> tuple[str, int] | None:
    """``(campaign_id, number)`` of a task id, or None when it is not one."""
    campaign_id, _, number = ref.rpartition(":")
    return (campaign_id, int(number)) if campaign_id and number.isdigit() else None


def lock_deadline(now: datetime, minutes: float) -> str:
    """When a lock taken at ``now`` expires, as the store writes times (ISO, ``Z``)."""
    return iso(now + timedelta(minutes=minutes))


def iso(moment: datetime) -> str:
    """A UTC datetime as ISO 8601 text with microseconds and ``Z`` (sorts in time order)."""
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


# --- the grid -------------------------------------------------------------------------------


def _transformer(src: CRS, dst: CRS) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def _reproject(geom: BaseGeometry, src: CRS, dst: CRS) -> BaseGeometry:
    if src == dst:
        return geom
    forward = _transformer(src, dst)
    return shapely.transform(
        geom, lambda xy: np.column_stack(forward.transform(xy[:, 0], xy[:, 1]))
    )


def pixel_side_metres(crs: CRS | str, resolution: float, at_lonlat: tuple[float, float]) -> float:
    """The ground length of ``resolution`` CRS units eastward at a lon/lat point (any CRS:
    projected in metres or feet, or geographic in degrees), measured on the ellipsoid."""
    crs = CRS.from_user_input(crs)
    x, y = _transformer(WGS84, crs).transform(*at_lonlat)
    lon2, lat2 = _transformer(crs, WGS84).transform(x + resolution, y)
    return float(_GEOD.inv(at_lonlat[0], at_lonlat[1], lon2, lat2)[2])


def task_grid(
    area: Geometry,
    crs: CRS | str,
    cell: tuple[float, float],
    origin: tuple[float, float] = (0.0, 0.0),
    max_tasks: int = MAX_TASKS,
) -> list[Polygon]:
    """The tasks of an area: a grid of ``cell`` (CRS units) aligned on ``origin`` (the
    scene's pixel grid, so a task is the area one enhancement covers) in ``crs``, clipped to
    ``area`` (lon/lat); cells that do not overlap it are dropped. Row by row from the north
    west; returned in lon/lat."""
    crs = CRS.from_user_input(crs)
    cw, ch = abs(cell[0]), abs(cell[1])
    if not (cw > 0 and ch > 0):
        raise CampaignError("the task size must be larger than zero")
    if area.is_empty or area.area <= 0:
        raise CampaignError("the area of interest is empty; draw or upload a polygon")
    native = _reproject(area, WGS84, crs)  # vertices projected; edges straight in the CRS
    minx, miny, maxx, maxy = native.bounds
    cols = np.arange(math.floor((minx - origin[0]) / cw), math.ceil((maxx - origin[0]) / cw))
    rows = np.arange(math.ceil((maxy - origin[1]) / ch), math.floor((miny - origin[1]) / ch), -1)
    if len(cols) * len(rows) > max_tasks * 4:
        raise CampaignError(
            f"the area holds about {len(cols) * len(rows)} tasks of this size; the most is "
            f"{max_tasks}. Choose a smaller area or larger tasks."
        )
    x0 = origin[0] + np.tile(cols, len(rows)) * cw
    y1 = origin[1] + np.repeat(rows, len(cols)) * ch
    cells = shapely.box(x0, y1 - ch, x0 + cw, y1)
    shapely.prepare(native)
    clipped = shapely.intersection(cells[shapely.intersects(cells, native)], native)
    kept = [g for g in clipped if g.area > MIN_OVERLAP * cw * ch]
    if len(kept) > max_tasks:
        raise CampaignError(
            f"the area holds {len(kept)} tasks of this size; the most is {max_tasks}. Choose "
            "a smaller area or larger tasks."
        )
    return [_largest_lonlat(geom, crs) for geom in kept]


def _largest_lonlat(native: BaseGeometry, crs: CRS) -> Polygon:
    """A piece of a task (in ``crs``) in lon/lat: its largest polygon when cut in several."""
    lonlat = _reproject(native, crs, WGS84)
    parts = [p for p in getattr(lonlat, "geoms", [lonlat]) if isinstance(p, Polygon)]
    return max(parts, key=lambda p: p.area) if len(parts) != 1 else parts[0]


def parts_holding(parts: Sequence[Task], field: BaseGeometry) -> Task:
    """The part of a split task that holds most of ``field`` (lon/lat; the first of equals),
    which the field is filed under."""
    return max(parts, key=lambda part: share_inside(field, part.geometry))


def split_cell(
    task: Geometry, crs: CRS | str, origin: tuple[float, float], pixel: tuple[float, float]
) -> list[Polygon]:
    """A task (lon/lat) cut in four, as HOT Tasking Manager splits a task too large for one
    sitting: its bounding box in ``crs`` cut at the scene's pixel edge (``origin``,
    ``pixel``) nearest its middle, each quarter clipped to the task; north-west, north-east,
    south-west, south-east, in lon/lat, slivers dropped. A side too short for two halves of
    :data:`MIN_SPLIT_PIXELS` scene pixels is not cut, so a strip (a task at the area's edge)
    is cut in two across its length; ``CampaignError`` when neither side is long enough."""
    crs = CRS.from_user_input(crs)
    native = _reproject(task, WGS84, crs)
    minx, miny, maxx, maxy = native.bounds
    px, py = abs(pixel[0]), abs(pixel[1])
    cut_x = maxx - minx >= 2 * MIN_SPLIT_PIXELS * px
    cut_y = maxy - miny >= 2 * MIN_SPLIT_PIXELS * py
    if not (cut_x or cut_y):
        raise CampaignError(
            f"the task is too small to split (its parts would be under {MIN_SPLIT_PIXELS} "
            "scene pixels across)"
        )
    xs = [minx, origin[0] + round(((minx + maxx) / 2 - origin[0]) / px) * px, maxx]
    ys = [maxy, origin[1] + round(((miny + maxy) / 2 - origin[1]) / py) * py, miny]
    xs, ys = (xs if cut_x else xs[::2]), (ys if cut_y else ys[::2])
    cells = [
        (x0, y1, x1, y0) for y0, y1 in itertools.pairwise(ys) for x0, x1 in itertools.pairwise(xs)
    ]
    pieces = shapely.intersection(shapely.box(*np.array(cells).T), native)
    whole = (maxx - minx) * (maxy - miny)
    return [_largest_lonlat(p, crs) for p in pieces if p.area > MIN_OVERLAP * whole]


def doubled(count: int, share: float, seed: str) -> set[int]:
    """Which task numbers (1..count) are mapped by two volunteers: ``round(share*count)`` of
    them, drawn at random but the same for the same campaign (``seed``)."""
    if share <= 0 or count == 0:
        return set()
    how_many = min(count, max(1, round(share * count)))
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8]))
    return {int(n) + 1 for n in rng.choice(count, size=how_many, replace=False)}


def check_campaign(campaign: Campaign, known_crops: Sequence[str] | None = None) -> None:
    """Raise ``CampaignError`` with a plain reason when the campaign cannot be made."""
    if not campaign.name.strip():
        raise CampaignError("give the campaign a name")
    if len(campaign.name) > MAX_NAME:
        raise CampaignError(f"a campaign name has at most {MAX_NAME} characters")
    if not campaign.scene_ids:
        raise CampaignError("choose the scene the campaign maps on")
    if not campaign.crops:
        raise CampaignError("choose at least one crop")
    if known_crops is not None and (unknown := set(campaign.crops) - set(known_crops)):
        raise CampaignError(f"unknown crop(s): {', '.join(sorted(unknown))}")
    if len(campaign.instructions) > MAX_INSTRUCTIONS:
        raise CampaignError(f"instructions have at most {MAX_INSTRUCTIONS} characters")
    if not 8 <= campaign.task_pixels <= 4096:
        raise CampaignError("a task is between 8 and 4096 scene pixels across")
    if not 0 <= campaign.double_share <= 1:
        raise CampaignError("the share of double-mapped tasks is between 0 and 100 %")
    if not 1 <= campaign.lock_minutes <= 7 * 24 * 60:
        raise CampaignError("a lock lasts between 1 minute and 7 days")
    if not isinstance(campaign.area, Polygon | shapely.MultiPolygon) or not campaign.area.is_valid:
        raise CampaignError("the area of interest must be a valid polygon")


# --- progress -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldCounts:
    """A volunteer's current fields in a campaign: all of them, those saved as the outline
    assist proposed them (unedited), those a reviewer rejected, and what for
    (``labels.review_reasons``)."""

    fields: int
    unedited: int = 0
    rejected: int = 0
    rejected_for: Counter[str] = dataclasses.field(default_factory=Counter)


@dataclass(frozen=True, slots=True)
class Progress:
    """Counts per state at a moment, per volunteer, and the pace of the recent work."""

    counts: dict[TaskState, int]
    total: int
    mapped_by: dict[str, int]
    validated_by: dict[str, int]
    fields_by: dict[str, FieldCounts]
    tasks_per_hour: float | None
    hours_left: float | None
    set_aside_by: dict[str, int] = dataclasses.field(default_factory=dict)  # bad imagery, ever
    # the tasks set aside now, each with the event that set it aside (who, when, why)
    set_aside_now: dict[int, TaskEvent] = dataclasses.field(default_factory=dict)
    # tasks assigned to each volunteer and not handed in yet (ready, sent back, being mapped)
    assigned_left: dict[str, int] = dataclasses.field(default_factory=dict)
    # per volunteer, the reviewers' comments on each of their mappings invalidated, ever
    sent_back: dict[str, list[str | None]] = dataclasses.field(default_factory=dict)

    def share(self, state: TaskState) -> float:
        return self.counts.get(state, 0) / self.total if self.total else 0.0

    @property
    def set_aside(self) -> int:
        """Tasks set aside for bad imagery: out of the work until a coordinator resets them."""
        return self.counts.get(TaskState.BAD_IMAGERY, 0)

    @property
    def workable(self) -> int:
        """Tasks the campaign can finish on its imagery (all but those set aside)."""
        return self.total - self.set_aside

    @property
    def done_share(self) -> float:
        """Share of the workable tasks validated (the campaign is finished at 1.0)."""
        done = self.counts.get(TaskState.VALIDATED, 0)
        return done / self.workable if self.workable else 0.0


def pace(events: Iterable[TaskEvent], now: datetime, window_h: float = 24.0) -> float | None:
    """Tasks validated per hour since the first of those validated in the last ``window_h``
    hours (None with fewer than ``MIN_PACE_TASKS``: too few to say a pace)."""
    since = iso(now - timedelta(hours=window_h))
    done = [e.at for e in events if e.to_state == TaskState.VALIDATED and e.at >= since]
    if len(done) < MIN_PACE_TASKS:
        return None
    first = datetime.fromisoformat(min(done).replace("Z", "+00:00"))
    hours = max((now - first).total_seconds() / 3600.0, 1.0 / 60)
    return len(done) / hours


def progress(
    tasks: Iterable[Task],
    events: Iterable[TaskEvent],
    fields_by: Mapping[str, FieldCounts],
    now: datetime,
) -> Progress:
    """The progress figures of a campaign's tasks at ``now`` (expired locks count as gone);
    the time left is the tasks not yet validated (nor set aside for bad imagery) at the
    validated pace of the last day."""
    stamp = iso(now)
    counts = dict.fromkeys(TaskState, 0)
    mapped_by: dict[str, int] = {}
    validated_by: dict[str, int] = {}
    total = 0
    aside_now: set[int] = set()
    assigned_left: dict[str, int] = {}
    to_map = (TaskState.READY, TaskState.INVALIDATED, TaskState.LOCKED_MAPPING)
    for task in tasks:
        total += 1
        state = task.state_at(stamp)
        counts[state] += 1
        if task.state is TaskState.BAD_IMAGERY:
            aside_now.add(task.number)
        if task.assigned_to and state in to_map:
            assigned_left[task.assigned_to] = assigned_left.get(task.assigned_to, 0) + 1
        for person in task.mappers:
            mapped_by[person] = mapped_by.get(person, 0) + 1
        if task.validator and task.state is TaskState.VALIDATED:
            validated_by[task.validator] = validated_by.get(task.validator, 0) + 1
    events = list(events)
    set_aside_by: dict[str, int] = {}
    set_aside_now: dict[int, TaskEvent] = {}
    for event in events:  # oldest first: the last one setting a task aside wins
        if event.to_state == TaskState.BAD_IMAGERY.value:
            set_aside_by[event.actor] = set_aside_by.get(event.actor, 0) + 1
            if event.number in aside_now:
                set_aside_now[event.number] = event
    rate = pace(events, now)
    left = total - counts[TaskState.VALIDATED] - counts[TaskState.BAD_IMAGERY]
    hours = left / rate if rate else (0.0 if left == 0 and total else None)
    return Progress(counts, total, mapped_by, validated_by, dict(fields_by), rate, hours,
                    set_aside_by, set_aside_now, assigned_left, sent_back(events))  # fmt: skip


def sent_back(events: Iterable[TaskEvent]) -> dict[str, list[str | None]]:
    """Per volunteer, the comment of each invalidation of a task they had mapped (oldest
    first): an invalidation falls on those who handed the task in since its last decision
    (both mappers of a task mapped twice, a first mapping kept through a reset of bad
    imagery included: the store keeps it, waiting for the second)."""
    mappers: dict[int, list[str]] = {}
    found: dict[str, list[str | None]] = {}
    for event in events:
        if event.action == "mapped":
            mappers.setdefault(event.number, []).append(event.actor)
        elif event.action == "invalidated":
            for person in dict.fromkeys(mappers.pop(event.number, [])):
                found.setdefault(person, []).append(event.comment)
        elif event.action == "validated":
            mappers.pop(event.number, None)
    return found


def format_hours(hours: float | None) -> str:
    """'about 3 h', 'about 2 days', or 'not known yet' (no task validated recently)."""
    if hours is None:
        return f"not known yet (fewer than {MIN_PACE_TASKS} tasks validated in the last day)"
    if hours == 0:
        return "finished"
    if hours < 1:
        return f"about {max(1, round(hours * 60))} min"
    if hours < 48:
        return f"about {hours:.0f} h"
    return f"about {hours / 24:.0f} days"
