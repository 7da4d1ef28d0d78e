"""Campaigns in the label store (SQLite or PostGIS): campaigns with their history, tasks and
every task transition, and the atomic task locks.

Every step is one transaction of the label store. On SQLite ``BEGIN IMMEDIATE`` queues the
writers; on PostGIS the task a step changes is locked with ``FOR UPDATE`` and "map next
task" takes the nearest task nobody else is taking (``FOR UPDATE SKIP LOCKED``), so two
volunteers asking at once never get the same task and neither waits for the other.
"""

from __future__ import annotations

import contextlib
import json
import math
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import shapely

from labels.agreement import CampaignAgreement, campaign_agreement
from labels.base_store import BaseLabelStore, row_to_label
from labels.campaigns import (
    LOCKED_STATES,
    STATE_TITLES,
    Campaign,
    CampaignError,
    FieldCounts,
    NoTaskError,
    Progress,
    Task,
    TaskEvent,
    TaskLockedError,
    TaskState,
    check_campaign,
    doubled,
    iso,
    lock_deadline,
    parts_holding,
    progress,
    task_ref,
)
from labels.errors import NotFoundError, PermissionDeniedError, StaleEditError
from labels.limits import MAX_TEXT_CHARS
from labels.model import PROPOSED, Geometry, Label, Role, Status, normalise_name, same_person
from labels.review_reasons import reason_counts

# The campaign tables on SQLite (PostGIS: labels/migrations/postgis/0004_campaigns.sql).
CAMPAIGN_COLUMNS = (
    "id",
    "name",
    "scene_ids",
    "area",
    "crops",
    "instructions",
    "task_pixels",
    "task_side_m",
    "double_share",
    "lock_minutes",
    "created_by",
    "created_at",
    "updated_at",
    "updated_by",
    "version",
)
_CAMPAIGN_SQL = """
    name TEXT NOT NULL, scene_ids TEXT NOT NULL, area BLOB NOT NULL, crops TEXT NOT NULL,
    instructions TEXT NOT NULL, task_pixels INTEGER NOT NULL, task_side_m REAL NOT NULL,
    double_share REAL NOT NULL, lock_minutes REAL NOT NULL, created_by TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT,
    version INTEGER NOT NULL"""
SQLITE_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS campaigns (id TEXT PRIMARY KEY, {_CAMPAIGN_SQL});
CREATE TABLE IF NOT EXISTS campaign_versions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL, actor TEXT NOT NULL,
    role TEXT NOT NULL, id TEXT NOT NULL, {_CAMPAIGN_SQL}, UNIQUE (id, version));
CREATE TABLE IF NOT EXISTS campaign_tasks (
    campaign_id TEXT NOT NULL, number INTEGER NOT NULL, geometry BLOB NOT NULL,
    cx REAL NOT NULL, cy REAL NOT NULL, state TEXT NOT NULL, copies INTEGER NOT NULL,
    mappers TEXT NOT NULL, mapper_keys TEXT NOT NULL, locked_by TEXT, locked_key TEXT,
    locked_until TEXT, locked_from TEXT, validator TEXT, comment TEXT,
    updated_at TEXT NOT NULL, version INTEGER NOT NULL, priority INTEGER NOT NULL DEFAULT 0,
    assigned_to TEXT, assigned_key TEXT, PRIMARY KEY (campaign_id, number));
CREATE INDEX IF NOT EXISTS campaign_tasks_state ON campaign_tasks (campaign_id, state);
CREATE TABLE IF NOT EXISTS campaign_task_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, campaign_id TEXT NOT NULL, number INTEGER NOT NULL,
    action TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL,
    actor TEXT NOT NULL, actor_key TEXT NOT NULL, at TEXT NOT NULL, comment TEXT);
CREATE INDEX IF NOT EXISTS campaign_task_events_task
    ON campaign_task_events (campaign_id, number, seq);
CREATE INDEX IF NOT EXISTS campaign_task_events_actor
    ON campaign_task_events (campaign_id, actor_key, seq);
"""
TASK_COLUMNS = (
    "campaign_id",
    "number",
    "geometry",
    "state",
    "copies",
    "mappers",
    "locked_by",
    "locked_until",
    "locked_from",
    "validator",
    "comment",
    "updated_at",
    "version",
    "priority",
    "assigned_to",
)
MAX_PERSON = 80  # characters of a volunteer's name (ui.auth.MAX_NAME)
_SEP = "\n"  # between the normalised names in mapper_keys (a name never holds a line break)
REVIEWING_ROLES = (Role.REVIEWER, Role.COORDINATOR)


def utc_clock() -> datetime:
    return datetime.now(UTC)


def _keys(names: Sequence[str]) -> str:
    return _SEP + _SEP.join(normalise_name(n) for n in names) + _SEP if names else _SEP


@dataclass(frozen=True, slots=True)
class CampaignVersion:
    """One entry of a campaign's history."""

    seq: int
    op: str
    actor: str
    role: str
    campaign: Campaign


class CampaignStore:
    """Campaigns and their tasks in a label store's database (same connections and
    transactions). ``clock`` gives the current UTC time (tests move it on)."""

    def __init__(self, store: BaseLabelStore, clock: Callable[[], datetime] = utc_clock) -> None:
        self.store = store
        self.clock = clock
        geom_out, self._geom_in = store.GEOM_OUT, store.GEOM_IN
        self._task_select = ", ".join(
            f"{geom_out} AS geometry" if c == "geometry" else c for c in TASK_COLUMNS
        )
        self._campaign_select = ", ".join(
            geom_out.replace("geometry", "area") if c == "area" else c for c in CAMPAIGN_COLUMNS
        )
        postgis = store.BACKEND == "postgis"
        self._position = "strpos" if postgis else "instr"
        self._for_update = " FOR UPDATE" if postgis else ""
        self._skip_locked = " FOR UPDATE SKIP LOCKED" if postgis else ""
        self._queue: contextlib.AbstractContextManager[Any] = (
            contextlib.nullcontext() if postgis else _writer_lock(store.where)
        )

    # --- plumbing ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Any]:
        """A write transaction of the label store. On SQLite the threads of this process
        queue on a lock first: SQLite's own wait for its file lock polls with growing
        sleeps, which under many writers leaves some waiting for seconds."""
        with self._queue, self.store.transaction() as conn:
            yield conn

    def _exec(self, conn: Any, sql: str, params: Sequence[Any] = ()) -> Any:
        return conn.execute(self.store._sql(sql), params)

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self.store._read(sql, params)

    @staticmethod
    def _row_to_task(row: Sequence[Any]) -> Task:
        values = dict(zip(TASK_COLUMNS, row, strict=True))
        values["geometry"] = shapely.from_wkb(values["geometry"])
        values["state"] = TaskState(values["state"])
        values["mappers"] = tuple(json.loads(values["mappers"]))
        values["first"] = bool(values.pop("priority"))
        if values["locked_from"]:
            values["locked_from"] = TaskState(values["locked_from"])
        return Task(**values)

    @staticmethod
    def _row_to_campaign(row: Sequence[Any]) -> Campaign:
        values = dict(zip(CAMPAIGN_COLUMNS, row, strict=True))
        values["area"] = shapely.from_wkb(values["area"])
        values["scene_ids"] = tuple(json.loads(values["scene_ids"]))
        values["crops"] = tuple(json.loads(values["crops"]))
        return Campaign(**values)

    def _campaign_values(self, c: Campaign) -> tuple[Any, ...]:
        values = {name: getattr(c, name) for name in CAMPAIGN_COLUMNS}
        values["area"] = shapely.to_wkb(c.area)
        values["scene_ids"] = json.dumps(list(c.scene_ids))
        values["crops"] = json.dumps(list(c.crops))
        return tuple(values[name] for name in CAMPAIGN_COLUMNS)

    def _campaign_marks(self) -> str:
        return ", ".join(self._geom_in if c == "area" else "?" for c in CAMPAIGN_COLUMNS)

    # --- campaigns -----------------------------------------------------------------------

    def create(
        self, campaign: Campaign, tasks: Sequence[shapely.Polygon], *, actor: str, role: Role
    ) -> Campaign:
        """Store a new campaign and its tasks (numbered 1..n in the given order); only a
        coordinator may. ``CampaignError`` when it cannot be made, nothing written."""
        if Role(role) is not Role.COORDINATOR:
            raise PermissionDeniedError("only a coordinator may create a campaign")
        check_campaign(campaign, self.store.crops)
        if not tasks:
            raise CampaignError("the area holds no task; draw a larger area inside the scene")
        now = iso(self.clock())
        made = campaign.replace(
            created_by=actor, created_at=now, updated_at=now, updated_by=actor, version=1
        )
        twice = doubled(len(tasks), made.double_share, made.id)
        numbered = [(number, geom, 2 if number in twice else 1)
                    for number, geom in enumerate(tasks, start=1)]  # fmt: skip
        with self._transaction() as conn:
            self._exec(
                conn,
                f"INSERT INTO campaigns ({', '.join(CAMPAIGN_COLUMNS)}) "
                f"VALUES ({self._campaign_marks()})",
                self._campaign_values(made),
            )
            self._version(conn, made, "create", actor, role)
            self._insert_tasks(conn, made, numbered, now)
        return made

    def _insert_tasks(
        self,
        conn: Any,
        campaign: Campaign,
        tasks: Sequence[tuple[int, Geometry, int]],
        now: str,
        plan: Task | None = None,
    ) -> None:
        """Insert ready tasks: (number, lon/lat geometry, copies) each; with the
        coordinator's plan of ``plan`` (mapped first, assigned), the task they are parts of."""
        # centres in a local equirectangular frame (degrees of latitude), so that "nearest
        # task" compares ground distances: a degree of longitude is cos(lat) as long
        east = math.cos(math.radians(campaign.area.centroid.y))
        first = int(plan is not None and plan.first)
        assigned = plan.assigned_to if plan is not None else None
        key = normalise_name(assigned) if assigned else None
        rows = [
            (campaign.id, number, shapely.to_wkb(geom), geom.centroid.x * east,
             geom.centroid.y, TaskState.READY.value, copies, "[]", _SEP, now, 1, first,
             assigned, key)
            for number, geom, copies in tasks
        ]  # fmt: skip
        conn.cursor().executemany(
            self.store._sql(
                "INSERT INTO campaign_tasks (campaign_id, number, geometry, cx, cy, state, "
                "copies, mappers, mapper_keys, updated_at, version, priority, assigned_to, "
                f"assigned_key) VALUES (?, ?, {self._geom_in}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            rows,
        )

    def _version(self, conn: Any, c: Campaign, op: str, actor: str, role: Role) -> None:
        self._exec(
            conn,
            f"INSERT INTO campaign_versions (op, actor, role, {', '.join(CAMPAIGN_COLUMNS)}) "
            f"VALUES (?, ?, ?, {self._campaign_marks()})",
            (op, actor, str(Role(role)), *self._campaign_values(c)),
        )

    def update(
        self, campaign: Campaign, *, actor: str, role: Role, expected_version: int
    ) -> Campaign:
        """Save changed settings (name, instructions, crops, lock time) as a new version;
        the area, scenes and tasks stay. A stale edit is refused (``StaleEditError``)."""
        if Role(role) is not Role.COORDINATOR:
            raise PermissionDeniedError("only a coordinator may change a campaign")
        check_campaign(campaign, self.store.crops)
        with self._transaction() as conn:
            row = self._exec(
                conn,
                f"SELECT {self._campaign_select} FROM campaigns WHERE id = ?{self._for_update}",
                (campaign.id,),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"no campaign with id {campaign.id}")
            old = self._row_to_campaign(row)
            if old.version != expected_version:
                raise StaleEditError(
                    campaign.id, expected_version, old.version, old.updated_by or ""
                )
            new = old.replace(
                name=campaign.name,
                instructions=campaign.instructions,
                crops=campaign.crops,
                lock_minutes=campaign.lock_minutes,
                updated_at=iso(self.clock()),
                updated_by=actor,
                version=old.version + 1,
            )
            self._exec(
                conn,
                "UPDATE campaigns SET name = ?, instructions = ?, crops = ?, lock_minutes = ?, "
                "updated_at = ?, updated_by = ?, version = ? WHERE id = ?",
                (new.name, new.instructions, json.dumps(list(new.crops)), new.lock_minutes,
                 new.updated_at, actor, new.version, new.id),
            )  # fmt: skip
            self._version(conn, new, "update", actor, role)
        return new

    def get(self, campaign_id: str) -> Campaign:
        rows = self._read(
            f"SELECT {self._campaign_select} FROM campaigns WHERE id = ?", (campaign_id,)
        )
        if not rows:
            raise NotFoundError(f"no campaign with id {campaign_id}")
        return self._row_to_campaign(rows[0])

    def campaigns(self, scene_id: str | None = None) -> list[Campaign]:
        """Every campaign (on ``scene_id`` when given), newest first."""
        rows = self._read(f"SELECT {self._campaign_select} FROM campaigns ORDER BY created_at DESC")
        found = [self._row_to_campaign(r) for r in rows]
        return [c for c in found if scene_id is None or scene_id in c.scene_ids]

    def history(self, campaign_id: str) -> list[CampaignVersion]:
        rows = self._read(
            f"SELECT seq, op, actor, role, {self._campaign_select} FROM campaign_versions "
            "WHERE id = ? ORDER BY seq",
            (campaign_id,),
        )
        return [CampaignVersion(r[0], r[1], r[2], r[3], self._row_to_campaign(r[4:])) for r in rows]

    # --- reading tasks -------------------------------------------------------------------

    def tasks(self, campaign_id: str) -> list[Task]:
        rows = self._read(
            f"SELECT {self._task_select} FROM campaign_tasks WHERE campaign_id = ? ORDER BY number",
            (campaign_id,),
        )
        return [self._row_to_task(r) for r in rows]

    def task(self, campaign_id: str, number: int) -> Task:
        rows = self._read(
            f"SELECT {self._task_select} FROM campaign_tasks WHERE campaign_id = ? AND number = ?",
            (campaign_id, number),
        )
        if not rows:
            raise NotFoundError(f"campaign {campaign_id} has no task {number}")
        return self._row_to_task(rows[0])

    def sent_back(self, scene_id: str) -> set[str]:
        """The refs of the tasks of the scene's campaigns sent back to be mapped again
        (invalidated) and not handed in since, held or not: their fields wait for their mapper
        to fix them, not for Review."""
        refs: set[str] = set()
        for campaign in self.campaigns(scene_id):
            rows = self._read(
                "SELECT number FROM campaign_tasks WHERE campaign_id = ? AND (state = ? OR "
                "(state = ? AND locked_from = ?))",
                (campaign.id, TaskState.INVALIDATED.value, TaskState.LOCKED_MAPPING.value,
                 TaskState.INVALIDATED.value),
            )  # fmt: skip
            refs.update(task_ref(campaign.id, number) for (number,) in rows)
        return refs

    def events(self, campaign_id: str, number: int | None = None) -> list[TaskEvent]:
        """The recorded transitions of a campaign's tasks (of one task), oldest first."""
        extra, params = (
            ("AND number = ? ", (campaign_id, number)) if number else ("", (campaign_id,))
        )
        rows = self._read(
            "SELECT campaign_id, number, action, from_state, to_state, actor, at, comment "
            f"FROM campaign_task_events WHERE campaign_id = ? {extra}ORDER BY seq",
            params,
        )
        return [TaskEvent(*r) for r in rows]

    def held_by(self, campaign_id: str, person: str) -> Task | None:
        """The task ``person`` holds a live lock on (mapping or validating), if any."""
        rows = self._read(
            f"SELECT {self._task_select} FROM campaign_tasks WHERE campaign_id = ? "
            "AND locked_key = ? AND locked_until >= ? ORDER BY number LIMIT 1",
            (campaign_id, normalise_name(person), iso(self.clock())),
        )
        return self._row_to_task(rows[0]) if rows else None

    def assigned_to_map(self, campaign_id: str, person: str) -> int:
        """How many tasks of the campaign assigned to ``person`` wait to be mapped (ready, or
        sent back)."""
        rows = self._read(
            "SELECT count(*) FROM campaign_tasks WHERE campaign_id = ? AND assigned_key = ? "
            "AND state IN (?, ?)",
            (campaign_id, normalise_name(person), TaskState.READY.value,
             TaskState.INVALIDATED.value),
        )  # fmt: skip
        return int(rows[0][0])

    def fields_by(self, campaign_id: str) -> dict[str, FieldCounts]:
        """How many current fields each volunteer drew in the campaign's tasks, how many of
        them they saved as the outline assist proposed them, how many were rejected, and the
        reasons the reviewers gave (read from their comments)."""
        in_campaign = f"{campaign_id}:%"
        rows = self._read(
            "SELECT annotator, count(*), "
            "sum(CASE WHEN drawing = ? THEN 1 ELSE 0 END), "
            "sum(CASE WHEN status = ? THEN 1 ELSE 0 END) "
            "FROM labels WHERE task_id LIKE ? AND deleted = ? GROUP BY annotator",
            (PROPOSED, Status.REJECTED.value, in_campaign, False),
        )
        comments: dict[str, list[str | None]] = {}
        for who, comment in self._read(
            "SELECT annotator, review_comment FROM labels "
            "WHERE task_id LIKE ? AND deleted = ? AND status = ?",
            (in_campaign, False, Status.REJECTED.value),
        ):
            comments.setdefault(str(who), []).append(comment)
        return {
            str(r[0]): FieldCounts(
                int(r[1]), int(r[2]), int(r[3]), reason_counts(comments.get(str(r[0]), []))
            )
            for r in rows
        }

    def fields(self, campaign_id: str, *, removed_by_reviewer: bool = False) -> list[Label]:
        """The current fields drawn in the campaign's tasks (by their task id); with
        ``removed_by_reviewer`` also those someone else deleted (the version a reviewer did
        not keep of a task mapped twice), which still count for agreement."""
        rows = self._read(
            f"SELECT {self.store._select} FROM labels WHERE task_id LIKE ? "
            "AND (deleted = ? OR (? AND updated_by <> annotator)) ORDER BY rid",
            (f"{campaign_id}:%", False, removed_by_reviewer),
        )
        return [row_to_label(r) for r in rows]

    def fields_in(self, task: Task) -> list[Label]:
        """The current fields drawn in one task (what its reviewer checks), without reading
        the rest of its campaign's."""
        rows = self._read(
            f"SELECT {self.store._select} FROM labels WHERE task_id = ? AND deleted = ? "
            "ORDER BY rid",
            (task.ref, False),
        )
        return [row_to_label(r) for r in rows]

    def agreement(self, campaign_id: str) -> CampaignAgreement:
        """Agreement of the two mappers of each double-mapped task mapped twice."""
        mappers = {
            t.ref: (t.mappers[0], t.mappers[1])
            for t in self.tasks(campaign_id)
            if t.copies > 1 and len(t.mappers) > 1
        }
        return campaign_agreement(mappers, self.fields(campaign_id, removed_by_reviewer=True))

    def progress(self, campaign_id: str, tasks: Sequence[Task] | None = None) -> Progress:
        """Counts per state, per volunteer, and the time left at the recent pace (``tasks``:
        the campaign's, when the caller has just read them)."""
        return progress(
            self.tasks(campaign_id) if tasks is None else tasks,
            self.events(campaign_id),
            self.fields_by(campaign_id),
            self.clock(),
        )

    # --- transitions ---------------------------------------------------------------------

    def _locked_row(self, conn: Any, campaign_id: str, number: int) -> Task:
        row = self._exec(
            conn,
            f"SELECT {self._task_select} FROM campaign_tasks WHERE campaign_id = ? "
            f"AND number = ?{self._for_update}",
            (campaign_id, number),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"campaign {campaign_id} has no task {number}")
        return self._row_to_task(row)

    def _write(
        self,
        conn: Any,
        old: Task,
        new: Task,
        action: str,
        actor: str,
        now: str,
        comment: str | None = None,
    ) -> Task:
        """Write a task's new state and record the transition."""
        new = new.replace(updated_at=now, version=old.version + 1)
        self._exec(
            conn,
            "UPDATE campaign_tasks SET state = ?, mappers = ?, mapper_keys = ?, locked_by = ?, "
            "locked_key = ?, locked_until = ?, locked_from = ?, validator = ?, comment = ?, "
            "updated_at = ?, version = ? WHERE campaign_id = ? AND number = ?",
            (
                new.state.value,
                json.dumps(list(new.mappers)),
                _keys(new.mappers),
                new.locked_by,
                normalise_name(new.locked_by) if new.locked_by else None,
                new.locked_until,
                new.locked_from.value if new.locked_from else None,
                new.validator,
                new.comment,
                now,
                new.version,
                old.campaign_id,
                old.number,
            ),
        )
        self._event(conn, old, action, old.state.value, new.state.value, actor, now, comment)
        return new

    def _event(self, conn: Any, task: Task, action: str, from_state: str, to_state: str,
               actor: str, now: str, comment: str | None) -> None:  # fmt: skip
        """Record a transition of ``task``."""
        self._exec(
            conn,
            "INSERT INTO campaign_task_events (campaign_id, number, action, from_state, "
            "to_state, actor, actor_key, at, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (task.campaign_id, task.number, action, from_state, to_state, actor,
             normalise_name(actor), now, comment),
        )  # fmt: skip

    def _expire(self, conn: Any, task: Task, now: str) -> Task:
        """A task whose lock ran out goes back to the state before the lock (recorded)."""
        state = task.state_at(now)
        if state is task.state:
            return task
        return self._write(conn, task, task.unlocked(), "lock expired", task.locked_by or "", now)

    def _lock(self, conn: Any, task: Task, state: TaskState, actor: str, now: datetime) -> Task:
        minutes = self._lock_minutes(task.campaign_id)
        stamp = iso(now)
        task = self._expire(conn, task, stamp)
        locked = task.replace(
            state=state,
            locked_by=actor,
            locked_until=lock_deadline(now, minutes),
            locked_from=task.state,
        )
        action = "lock for mapping" if state is TaskState.LOCKED_MAPPING else "lock for validation"
        return self._write(conn, task, locked, action, actor, stamp)

    def _lock_minutes(self, campaign_id: str) -> float:
        rows = self._read("SELECT lock_minutes FROM campaigns WHERE id = ?", (campaign_id,))
        if not rows:
            raise NotFoundError(f"no campaign with id {campaign_id}")
        return float(rows[0][0])

    def _mappable_sql(self) -> str:
        """The condition on tasks a person may lock for mapping; its parameters: now, the
        person's wrapped key, now, the key again, when a mapper's first claim on an
        invalidated task ends (before it: only its mappers may take it), their key (a task
        assigned to someone else is not theirs to map) and the separator twice (unless its
        assignee mapped it already: a task mapped twice needs a second volunteer)."""
        pos = self._position
        expired = "(state = 'locked_mapping' AND locked_until < ? AND locked_from = '{0}')"
        return (
            f"(((state = 'ready' OR {expired.format('ready')}) AND {pos}(mapper_keys, ?) = 0) "
            f"OR ((state = 'invalidated' OR {expired.format('invalidated')}) "
            f"AND ({pos}(mapper_keys, ?) > 0 OR updated_at < ?))) "
            f"AND (assigned_key IS NULL OR assigned_key = ? OR {pos}(mapper_keys, ? || "
            "assigned_key || ?) > 0)"
        )

    def map_next(self, campaign_id: str, actor: str, role: Role = Role.VOLUNTEER) -> Task:
        """Lock a task for ``actor`` to map: the one they hold already, else their own
        invalidated task, else a task assigned to them, else the ready task nearest their
        last one (the first task when they have none), those a coordinator wants mapped first
        before the others; never a task assigned to someone else. ``NoTaskError`` when none
        is left for them."""
        now = self.clock()
        stamp = iso(now)
        key = normalise_name(actor)
        wrapped = f"{_SEP}{key}{_SEP}"
        reserve = iso(now - timedelta(minutes=self._lock_minutes(campaign_id)))
        with self._transaction() as conn:
            held = self._exec(
                conn,
                f"SELECT {self._task_select} FROM campaign_tasks WHERE campaign_id = ? "
                "AND state = 'locked_mapping' AND locked_key = ? AND locked_until >= ? LIMIT 1",
                (campaign_id, key, stamp),
            ).fetchone()
            if held is not None:
                return self._row_to_task(held)
            last = self._exec(
                conn,
                "SELECT t.cx, t.cy FROM campaign_task_events e JOIN campaign_tasks t ON "
                "t.campaign_id = e.campaign_id AND t.number = e.number WHERE e.campaign_id = ? "
                "AND e.actor_key = ? AND e.action = 'lock for mapping' ORDER BY e.seq DESC LIMIT 1",
                (campaign_id, key),
            ).fetchone()
            cx, cy = (float(last[0]), float(last[1])) if last else (0.0, 0.0)
            near = "(cx - ?) * (cx - ?) + (cy - ?) * (cy - ?), " if last else ""
            near_params = (cx, cx, cy, cy) if last else ()
            pos = self._position
            mappable = (stamp, wrapped, stamp, wrapped, reserve, key, _SEP, _SEP)
            row = self._exec(
                conn,
                f"SELECT {self._task_select} FROM campaign_tasks WHERE campaign_id = ? AND "
                f"{self._mappable_sql()} ORDER BY CASE WHEN {pos}(mapper_keys, ?) > 0 "
                "THEN 0 WHEN assigned_key = ? THEN 1 ELSE 2 END, priority DESC, "
                f"{near}number LIMIT 1{self._skip_locked}",
                (campaign_id, *mappable, wrapped, key, *near_params),
            ).fetchone()
            if row is None:
                raise NoTaskError("no task is ready for you to map right now")
            return self._lock(conn, self._row_to_task(row), TaskState.LOCKED_MAPPING, actor, now)

    def lock_for_mapping(self, campaign_id: str, number: int, actor: str) -> Task:
        """Lock one chosen task for ``actor`` to map (``TaskLockedError`` when they may not)."""
        now = self.clock()
        stamp = iso(now)
        with self._transaction() as conn:
            task = self._locked_row(conn, campaign_id, number)
            state = task.state_at(stamp)
            mine = _is_mapper(task, actor)
            if state in LOCKED_STATES:
                raise TaskLockedError(
                    f"task {number} is locked by {task.locked_by} until ", task.locked_until
                )
            if state is TaskState.READY and mine:
                raise TaskLockedError(
                    f"you mapped task {number} already; a second volunteer maps it on their own"
                )
            if state is TaskState.INVALIDATED and not mine:
                reserve = iso(now - timedelta(minutes=self._lock_minutes(campaign_id)))
                if (task.updated_at or "") >= reserve:
                    raise TaskLockedError(
                        f"task {number} was invalidated and goes back to its mapper first"
                    )
            if state not in (TaskState.READY, TaskState.INVALIDATED):
                raise TaskLockedError(f"task {number} is {STATE_TITLES[state]}, not ready to map")
            if not task.assigned_to_or_free(actor):
                raise TaskLockedError(
                    f"task {number} is assigned to {task.assigned_to}; ask the coordinator for "
                    "another"
                )
            self._refuse_another(self.held_by(campaign_id, actor), number)
            return self._lock(conn, task, TaskState.LOCKED_MAPPING, actor, now)

    @staticmethod
    def _refuse_another(held: Task | None, number: int | None) -> None:
        """``TaskLockedError`` when the task a person holds (``held``, from :meth:`held_by`)
        is not task ``number`` (None: any task): one task at a time, to map or to check."""
        if held is None or held.number == number:
            return
        if held.state is TaskState.LOCKED_VALIDATION:
            raise TaskLockedError(
                f"you are checking task {held.number}; validate or invalidate it first"
            )
        raise TaskLockedError(
            f"you are mapping task {held.number}; finish it or give it back first"
        )

    def _own_lock(self, conn: Any, campaign_id: str, number: int, actor: str, state: TaskState,
                  now: str) -> Task:  # fmt: skip
        task = self._locked_row(conn, campaign_id, number)
        if task.state is not state or normalise_name(task.locked_by or "") != normalise_name(actor):
            raise TaskLockedError(f"you do not hold task {number}'s lock; lock it first")
        if task.state_at(now) is not state:
            raise TaskLockedError(
                f"your lock on task {number} expired at ", task.locked_until, "; lock it again"
            )
        return task

    def split(
        self, campaign_id: str, number: int, actor: str, parts: Sequence[Geometry]
    ) -> list[Task]:
        """The mapper holding a task cuts it in ``parts`` (lon/lat; ``labels.campaigns.
        split_cell``), as HOT Tasking Manager splits a task too large for one sitting. The
        parts become ready tasks numbered after the campaign's last; the task's row goes (its
        history stays under its number, with the split). The fields saved in it are filed
        under the part holding most of each (a new version of each, "task split"). The
        mapper goes on with the part holding most of their own fields (the first part, the
        north-west one, when they saved none), locked. Returns the parts as tasks, in
        number order."""
        if len(parts) < 2:
            raise CampaignError("a task is split in two parts or more")
        now_dt = self.clock()
        now = iso(now_dt)
        with self._transaction() as conn:
            row = self._exec(
                conn,
                f"SELECT {self._campaign_select} FROM campaigns WHERE id = ?{self._for_update}",
                (campaign_id,),
            ).fetchone()  # one split of the campaign at a time: the new numbers are unique
            if row is None:
                raise NotFoundError(f"no campaign with id {campaign_id}")
            campaign = self._row_to_campaign(row)
            task = self._own_lock(conn, campaign_id, number, actor, TaskState.LOCKED_MAPPING, now)
            if task.mappers:
                raise TaskLockedError(f"task {number} was mapped once already; it is not split")
            whole = shapely.union_all(list(parts))
            if whole.symmetric_difference(task.geometry).area > 0.01 * task.geometry.area:
                raise CampaignError(f"the parts do not cover task {number}")
            saved = [
                row_to_label(r)
                for r in self._exec(
                    conn,
                    f"SELECT {self.store._select} FROM labels WHERE task_id = ? AND deleted = ? "
                    "ORDER BY rid",
                    (task.ref, False),
                ).fetchall()
            ]
            (last,) = self._exec(
                conn, "SELECT max(number) FROM campaign_tasks WHERE campaign_id = ?",
                (campaign_id,),
            ).fetchone()  # fmt: skip
            numbers = list(range(last + 1, last + 1 + len(parts)))
            parts_numbered = [(n, g, task.copies) for n, g in zip(numbers, parts, strict=True)]
            self._insert_tasks(conn, campaign, parts_numbered, now, plan=task)  # its plan kept
            self._exec(
                conn,
                "DELETE FROM campaign_tasks WHERE campaign_id = ? AND number = ?",
                (campaign_id, number),
            )
            said = f"into tasks {numbers[0]}–{numbers[-1]}"
            self._event(
                conn, task, "split", TaskState.LOCKED_MAPPING.value, "split", actor, now, said
            )
            made = [self._locked_row(conn, campaign_id, n) for n in numbers]
            for part in made:
                self._event(
                    conn,
                    part,
                    f"split from task {number}",
                    "split",
                    TaskState.READY.value,
                    actor,
                    now,
                    None,
                )
            own = dict.fromkeys(numbers, 0)  # the actor's fields filed under each part
            for label in saved:
                part = parts_holding(made, label.geometry)
                self.store.file_under_task(conn, label, part.ref, actor=actor, role=Role.VOLUNTEER)
                own[part.number] += same_person(label.annotator, actor)
            going_on = max(numbers, key=lambda n: (own[n], -n))  # ties: the first part
            at = numbers.index(going_on)
            made[at] = self._lock(conn, made[at], TaskState.LOCKED_MAPPING, actor, now_dt)
        if saved:
            self.store._snapshot_after(campaign.scene_ids)
        return made

    def mark_mapped(self, campaign_id: str, number: int, actor: str) -> Task:
        """ "All fields in this task are drawn": mapped (or ready for its second mapper)."""
        now = iso(self.clock())
        with self._transaction() as conn:
            task = self._own_lock(conn, campaign_id, number, actor, TaskState.LOCKED_MAPPING, now)
            mappers = task.mappers if _is_mapper(task, actor) else (*task.mappers, actor)
            if task.locked_from is TaskState.INVALIDATED and task.copies == 1:
                mappers = (actor,)
            waiting = task.copies > len(mappers) and task.locked_from is TaskState.READY
            done = task.unlocked(TaskState.READY if waiting else TaskState.MAPPED).replace(
                mappers=mappers, validator=None, comment=None
            )
            return self._write(conn, task, done, "mapped", actor, now)

    def give_back(self, campaign_id: str, number: int, actor: str) -> Task:
        """Stop mapping (back to ready, or invalidated) or validating (back to mapped)."""
        now = iso(self.clock())
        with self._transaction() as conn:
            task = self._locked_row(conn, campaign_id, number)
            if task.state not in LOCKED_STATES or normalise_name(task.locked_by or "") != (
                normalise_name(actor)
            ):
                raise TaskLockedError(f"you do not hold task {number}'s lock")
            return self._write(conn, task, task.unlocked(), "gave back", actor, now)

    def set_aside(self, campaign_id: str, number: int, actor: str, reason: str = "") -> Task:
        """The mapper holding the task says it cannot be mapped on this imagery (clouds,
        haze, no data): it leaves the queues, with the reason, until a coordinator resets it
        (:meth:`reset_set_aside`). Fields saved in it stay as they are."""
        now = iso(self.clock())
        with self._transaction() as conn:
            task = self._own_lock(conn, campaign_id, number, actor, TaskState.LOCKED_MAPPING, now)
            why = _said(reason)
            aside = task.unlocked(TaskState.BAD_IMAGERY).replace(validator=None, comment=why)
            return self._write(conn, task, aside, "bad imagery", actor, now, why)

    def reset_set_aside(
        self, campaign_id: str, actor: str, role: Role, numbers: Collection[int] | None = None
    ) -> list[Task]:
        """A coordinator puts the tasks set aside for bad imagery back in the queue (new
        imagery came, or the volunteers were wrong): those of ``numbers``, or every one; the
        tasks as they are now. A number not set aside (any more) is left as it is."""
        if Role(role) is not Role.COORDINATOR:
            raise PermissionDeniedError("only a coordinator may put tasks back in the queue")
        now = iso(self.clock())
        with self._transaction() as conn:
            rows = self._exec(
                conn,
                f"SELECT {self._task_select} FROM campaign_tasks WHERE campaign_id = ? "
                f"AND state = ? ORDER BY number{self._for_update}",
                (campaign_id, TaskState.BAD_IMAGERY.value),
            ).fetchall()
            back = []
            for task in map(self._row_to_task, rows):
                if numbers is not None and task.number not in numbers:
                    continue
                waiting = task.copies > len(task.mappers)  # for its second mapper: kept
                mappers = task.mappers if waiting else ()  # else mapped anew, by anyone
                ready = task.replace(state=TaskState.READY, mappers=mappers, comment=None)
                back.append(self._write(conn, task, ready, "reset", actor, now, task.comment))
            return back

    def map_first(
        self, campaign_id: str, numbers: Collection[int], actor: str, role: Role, first: bool = True
    ) -> list[Task]:
        """A coordinator wants the tasks of ``numbers`` mapped first (Map next task takes them
        before the others), or no longer (``first`` False); the tasks changed, as they are
        now (each change recorded)."""
        if Role(role) is not Role.COORDINATOR:
            raise PermissionDeniedError("only a coordinator chooses the tasks mapped first")
        return self._change_plan(
            campaign_id,
            numbers,
            actor,
            "to map first" if first else "no longer first",
            settled=lambda task: task.first is first,
            columns={"priority": int(first)},
            changes={"first": first},
        )

    def assign(
        self, campaign_id: str, numbers: Collection[int], person: str | None, actor: str,
        role: Role,
    ) -> list[Task]:  # fmt: skip
        """A coordinator assigns the tasks of ``numbers`` to ``person`` (HOT Tasking Manager's
        task assignment: theirs alone to map, offered to them first), or takes the
        assignment back (``person`` None); validated tasks are left as they are. The tasks
        changed, as they are now (each change recorded)."""
        if Role(role) is not Role.COORDINATOR:
            raise PermissionDeniedError("only a coordinator assigns tasks")
        name = " ".join((person or "").split()) or None
        if name is not None and (len(name) > MAX_PERSON or not normalise_name(name)):
            raise CampaignError(f"give the volunteer's name, at most {MAX_PERSON} characters")
        key = normalise_name(name) if name else None
        return self._change_plan(
            campaign_id,
            numbers,
            actor,
            f"assigned to {name}" if name else "assignment taken back",
            settled=lambda task: (
                normalise_name(task.assigned_to or "") == (key or "")
                or task.state is TaskState.VALIDATED
            ),
            columns={"assigned_to": name, "assigned_key": key},
            changes={"assigned_to": name},
        )

    def _change_plan(
        self,
        campaign_id: str,
        numbers: Collection[int],
        actor: str,
        action: str,
        settled: Callable[[Task], bool],
        columns: dict[str, Any],
        changes: dict[str, Any],
    ) -> list[Task]:
        """Change the coordinator's plan of tasks (their ``columns``; ``changes``: the same
        on the ``Task``), leaving those ``settled`` as they are; one event (``action``) per
        task changed. The tasks changed, as they are now."""
        sets = ", ".join(f"{column} = ?" for column in columns)  # the code's own names
        now = iso(self.clock())
        changed = []
        with self._transaction() as conn:
            for number in sorted(set(numbers)):
                task = self._locked_row(conn, campaign_id, number)
                if settled(task):
                    continue
                version = task.version + 1
                self._exec(
                    conn,
                    f"UPDATE campaign_tasks SET {sets}, updated_at = ?, version = ? "
                    "WHERE campaign_id = ? AND number = ?",
                    (*columns.values(), now, version, campaign_id, number),
                )
                self._event(conn, task, action, task.state.value, task.state.value, actor, now,
                            None)  # fmt: skip
                changed.append(task.replace(**changes, updated_at=now, version=version))
        return changed

    def release(self, campaign_id: str, number: int, actor: str, role: Role) -> Task:
        """A coordinator frees a task someone holds (it goes back as on "give it back")."""
        if Role(role) is not Role.COORDINATOR:
            raise PermissionDeniedError("only a coordinator may release someone else's lock")
        now = iso(self.clock())
        with self._transaction() as conn:
            task = self._locked_row(conn, campaign_id, number)
            if task.state not in LOCKED_STATES:
                raise TaskLockedError(f"task {number} is not locked")
            return self._write(
                conn,
                task,
                task.unlocked(),
                "released",
                actor,
                now,
                f"lock of {task.locked_by} released",
            )

    def _check_reviewer(self, task: Task, actor: str, role: Role) -> None:
        if Role(role) not in REVIEWING_ROLES:
            raise PermissionDeniedError("only reviewers and coordinators validate tasks")
        if _is_mapper(task, actor):
            raise PermissionDeniedError(
                f"{actor} mapped task {task.number} and cannot validate it; another reviewer must"
            )

    def lock_for_validation(self, campaign_id: str, number: int, actor: str, role: Role) -> Task:
        """Lock a mapped task for a reviewer who did not map it."""
        now = self.clock()
        with self._transaction() as conn:
            task = self._locked_row(conn, campaign_id, number)
            self._check_reviewer(task, actor, role)
            state = task.state_at(iso(now))
            if state is not TaskState.MAPPED:
                raise TaskLockedError(f"task {number} is {state.value}, not waiting for validation")
            self._refuse_another(self.held_by(campaign_id, actor), number)
            return self._lock(conn, task, TaskState.LOCKED_VALIDATION, actor, now)

    def validate_next(self, campaign_id: str, actor: str, role: Role) -> Task:
        """Lock the next mapped task this reviewer did not map, those a coordinator wants
        mapped first before the others, then the first mapped (``NoTaskError`` if none); the
        task they are checking already, if any (one task at a time)."""
        if Role(role) not in REVIEWING_ROLES:
            raise PermissionDeniedError("only reviewers and coordinators validate tasks")
        now = self.clock()
        stamp = iso(now)
        wrapped = f"{_SEP}{normalise_name(actor)}{_SEP}"
        held = self.held_by(campaign_id, actor)
        if held is not None and held.state is TaskState.LOCKED_VALIDATION:
            return held
        self._refuse_another(held, None)
        with self._transaction() as conn:
            row = self._exec(
                conn,
                f"SELECT {self._task_select} FROM campaign_tasks WHERE campaign_id = ? AND "
                "(state = 'mapped' OR (state = 'locked_validation' AND locked_until < ?)) AND "
                f"{self._position}(mapper_keys, ?) = 0 ORDER BY priority DESC, updated_at, number "
                f"LIMIT 1{self._skip_locked}",
                (campaign_id, stamp, wrapped),
            ).fetchone()
            if row is None:
                raise NoTaskError("no mapped task is waiting for you to validate")
            return self._lock(conn, self._row_to_task(row), TaskState.LOCKED_VALIDATION, actor, now)

    def validate(self, campaign_id: str, number: int, actor: str, role: Role,
                 comment: str = "") -> Task:  # fmt: skip
        """The reviewer holding the task's validation lock accepts the mapping."""
        return self._decide(campaign_id, number, actor, role, TaskState.VALIDATED, comment)

    def invalidate(self, campaign_id: str, number: int, actor: str, role: Role,
                   comment: str) -> Task:  # fmt: skip
        """The reviewer sends the task back to be mapped again, saying why (a comment is
        required); its mapper gets it first."""
        if not comment.strip():
            raise TaskLockedError("say what needs fixing: invalidating needs a comment")
        return self._decide(campaign_id, number, actor, role, TaskState.INVALIDATED, comment)

    def _decide(self, campaign_id: str, number: int, actor: str, role: Role, state: TaskState,
                comment: str) -> Task:  # fmt: skip
        now = iso(self.clock())
        with self._transaction() as conn:
            task = self._locked_row(conn, campaign_id, number)
            self._check_reviewer(task, actor, role)
            task = self._own_lock(
                conn, campaign_id, number, actor, TaskState.LOCKED_VALIDATION, now
            )
            said = _said(comment)
            decided = task.unlocked(state).replace(validator=actor, comment=said)
            verb = "validated" if state is TaskState.VALIDATED else "invalidated"
            return self._write(conn, task, decided, verb, actor, now, said)


_WRITER_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_LOCK = threading.Lock()


def _writer_lock(where: str) -> threading.Lock:
    """The one lock of this process for the SQLite store at ``where``."""
    with _LOCKS_LOCK:
        return _WRITER_LOCKS.setdefault(where, threading.Lock())


def _said(text: str) -> str | None:
    """A person's comment or reason as stored: trimmed, at most ``MAX_TEXT_CHARS`` (as any
    text of an imported label), None when empty."""
    return text.strip()[:MAX_TEXT_CHARS].strip() or None


def _is_mapper(task: Task, person: str) -> bool:
    key = normalise_name(person)
    return any(normalise_name(m) == key for m in task.mappers)
