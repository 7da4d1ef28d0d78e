"""Campaigns in the label store, on SQLite and on PostGIS: every task transition, its
refusals, and the history of campaigns and tasks (labels.campaign_store)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from shapely.affinity import translate
from shapely.geometry import Polygon, box

from labels.base_store import BaseLabelStore
from labels.campaign_store import CampaignStore
from labels.campaigns import (
    Campaign,
    CampaignError,
    FieldCounts,
    NoTaskError,
    TaskLockedError,
    TaskState,
    split_cell,
    task_grid,
)
from labels.errors import PermissionDeniedError, StaleEditError, ValidationError
from labels.model import HAND, PROPOSED, PROPOSED_EDITED, Label, Role, Status
from labels.review_reasons import OTHER, REASONS, TASK_REASONS
from tests.labels.conftest import SCENE, make_label, square

AREA = box(85.30, 27.70, 85.34, 27.73)
CELL = (1280.0, 1280.0)  # 128 pixels of 10 m
ORIGIN = (300_000.0, 3_100_000.0)


class Clock:
    """A clock the test moves on."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 8, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def campaigns(store: BaseLabelStore, clock: Clock) -> CampaignStore:
    return CampaignStore(store, clock=clock)


def make_campaign(campaigns: CampaignStore, **kw) -> Campaign:
    campaign = Campaign("Terai rice", (SCENE,), AREA, "boss", instructions="Outline paddies.", **kw)
    tasks = task_grid(AREA, "EPSG:32645", CELL, ORIGIN)
    return campaigns.create(campaign, tasks, actor="boss", role=Role.COORDINATOR)


def test_a_coordinator_creates_a_campaign_with_its_tasks_and_history(
    campaigns: CampaignStore,
) -> None:
    made = make_campaign(campaigns)
    assert campaigns.get(made.id) == made
    assert made.version == 1 and made.created_by == "boss"
    tasks = campaigns.tasks(made.id)
    assert len(tasks) == 16 and {t.state for t in tasks} == {TaskState.READY}
    assert [t.number for t in tasks] == list(range(1, 17))
    assert tasks[0].ref == f"{made.id}:1"
    changed = campaigns.update(
        made.replace(instructions="Outline paddies and orchards.", lock_minutes=60),
        actor="boss",
        role=Role.COORDINATOR,
        expected_version=1,
    )
    assert changed.version == 2 and campaigns.get(made.id).lock_minutes == 60
    history = campaigns.history(made.id)
    assert [(h.op, h.actor, h.campaign.version) for h in history] == [
        ("create", "boss", 1),
        ("update", "boss", 2),
    ]
    assert history[0].campaign.instructions == "Outline paddies."
    with pytest.raises(StaleEditError):
        campaigns.update(made, actor="boss", role=Role.COORDINATOR, expected_version=1)
    assert campaigns.campaigns(SCENE) == [campaigns.get(made.id)]
    assert campaigns.campaigns("another scene") == []


def test_only_a_coordinator_creates_and_a_bad_campaign_writes_nothing(
    campaigns: CampaignStore,
) -> None:
    with pytest.raises(PermissionDeniedError, match="coordinator"):
        campaigns.create(Campaign("x", (SCENE,), AREA, "ram"), [AREA], actor="ram",
                         role=Role.VOLUNTEER)  # fmt: skip
    with pytest.raises(CampaignError, match="name"):
        campaigns.create(Campaign(" ", (SCENE,), AREA, "b"), [AREA], actor="b",
                         role=Role.COORDINATOR)  # fmt: skip
    with pytest.raises(CampaignError, match="no task"):
        campaigns.create(Campaign("x", (SCENE,), AREA, "b"), [], actor="b",
                         role=Role.COORDINATOR)  # fmt: skip
    assert campaigns.campaigns() == []


def test_the_whole_loop_map_validate_and_every_transition_recorded(
    campaigns: CampaignStore, clock: Clock
) -> None:
    c = make_campaign(campaigns)
    task = campaigns.map_next(c.id, "ram")
    assert (task.number, task.state, task.locked_by) == (1, TaskState.LOCKED_MAPPING, "ram")
    assert task.locked_until == "2026-03-01T10:00:00.000000Z"  # 2 h by default
    assert campaigns.map_next(c.id, "Ram").number == 1  # the one they hold, not a second
    clock.advance(minutes=30)
    mapped = campaigns.mark_mapped(c.id, 1, "ram")
    assert (mapped.state, mapped.mappers, mapped.locked_by) == (TaskState.MAPPED, ("ram",), None)
    clock.advance(minutes=5)
    locked = campaigns.lock_for_validation(c.id, 1, "sita", Role.REVIEWER)
    assert locked.state is TaskState.LOCKED_VALIDATION
    done = campaigns.validate(c.id, 1, "sita", Role.REVIEWER, "good")
    assert (done.state, done.validator) == (TaskState.VALIDATED, "sita")
    events = campaigns.events(c.id, 1)
    assert [(e.action, e.from_state, e.to_state, e.actor) for e in events] == [
        ("lock for mapping", "ready", "locked_mapping", "ram"),
        ("mapped", "locked_mapping", "mapped", "ram"),
        ("lock for validation", "mapped", "locked_validation", "sita"),
        ("validated", "locked_validation", "validated", "sita"),
    ]
    assert events[1].at == "2026-03-01T08:30:00.000000Z" and events[3].comment == "good"


def test_map_next_prefers_the_task_nearest_the_volunteers_last_one(
    campaigns: CampaignStore,
) -> None:
    c = make_campaign(campaigns)  # 4 × 4 tasks, numbered row by row
    first = campaigns.map_next(c.id, "ram")
    campaigns.mark_mapped(c.id, first.number, "ram")
    assert campaigns.map_next(c.id, "sita").number == 2  # first one for a newcomer
    assert campaigns.map_next(c.id, "ram").number == 5  # next to 1 (2 is taken)
    campaigns.give_back(c.id, 5, "ram")
    for number in (6, 7, 8):
        campaigns.lock_for_mapping(c.id, number, f"v{number}")
    assert campaigns.map_next(c.id, "ram").number == 5


def test_a_locked_task_cannot_be_mapped_by_another(campaigns: CampaignStore) -> None:
    c = make_campaign(campaigns)
    campaigns.lock_for_mapping(c.id, 3, "ram")
    with pytest.raises(TaskLockedError) as refused:
        campaigns.lock_for_mapping(c.id, 3, "sita")
    assert str(refused.value) == "task 3 is locked by ram until 2026-03-01 10:00 UTC"
    assert refused.value.at is not None and refused.value.at.startswith("2026-03-01T10:00")
    with pytest.raises(TaskLockedError, match="do not hold"):
        campaigns.mark_mapped(c.id, 3, "sita")
    with pytest.raises(TaskLockedError, match="do not hold"):
        campaigns.give_back(c.id, 3, "sita")
    with pytest.raises(TaskLockedError, match="you are mapping task 3"):
        campaigns.lock_for_mapping(c.id, 4, "ram")  # one task at a time
    assert campaigns.map_next(c.id, "sita").number != 3


def test_a_task_too_large_is_split_by_its_mapper(campaigns: CampaignStore) -> None:
    c = make_campaign(campaigns)
    last = len(campaigns.tasks(c.id))
    task = campaigns.map_next(c.id, "ram")
    parts = split_cell(task.geometry, "EPSG:32645", ORIGIN, (10.0, -10.0))
    with pytest.raises(TaskLockedError, match="do not hold"):
        campaigns.split(c.id, task.number, "sita", parts)  # only its mapper
    with pytest.raises(CampaignError, match="do not cover"):
        campaigns.split(c.id, task.number, "ram", parts[:2])
    made = campaigns.split(c.id, task.number, "ram", parts)
    assert [t.number for t in made] == [last + 1, last + 2, last + 3, last + 4]
    assert made[0].state is TaskState.LOCKED_MAPPING and made[0].locked_by == "ram"
    assert all(t.state is TaskState.READY for t in made[1:])
    assert campaigns.held_by(c.id, "ram") == made[0]  # goes on with the first part
    numbers = [t.number for t in campaigns.tasks(c.id)]
    assert task.number not in numbers and len(numbers) == last + 3
    assert [(e.action, e.comment) for e in campaigns.events(c.id, task.number)][-1] == (
        "split", f"into tasks {last + 1}–{last + 4}"
    )  # fmt: skip
    assert [e.action for e in campaigns.events(c.id, last + 2)] == [
        f"split from task {task.number}"
    ]
    assert campaigns.progress(c.id).total == last + 3


def test_a_split_files_the_fields_saved_in_the_task_under_its_parts(
    campaigns: CampaignStore,
) -> None:
    c = make_campaign(campaigns)
    store = campaigns.store
    task = campaigns.lock_for_mapping(c.id, 6, "gita")
    north_west, _, _, south_east = split_cell(task.geometry, "EPSG:32645", ORIGIN, (10.0, -10.0))

    def field(at: Polygon, by: str, dx: float = 0.0) -> Label:
        where = at.centroid.buffer(0.0004)
        saved = store.save(make_label(geometry=translate(where, dx), task_id=task.ref,
                                      annotator=by, status=Status.SUBMITTED),
                           actor=by, role=Role.VOLUNTEER)  # fmt: skip
        return saved.label

    hers = field(north_west, "gita")  # she saved one field, then gave the task back
    campaigns.give_back(c.id, 6, "gita")
    campaigns.lock_for_mapping(c.id, 6, "ram")
    mine = field(south_east, "ram", -0.001)
    accepted = field(south_east, "ram", 0.001)
    accepted = store.review(accepted.id, actor="maya", decision=Status.ACCEPTED,
                            expected_version=accepted.version).label  # fmt: skip
    gone = field(north_west, "ram", 0.0015)
    store.delete(gone.id, actor="ram", role=Role.VOLUNTEER, expected_version=gone.version)

    made = campaigns.split(c.id, 6, "ram", split_cell(task.geometry, "EPSG:32645", ORIGIN,
                                                       (10.0, -10.0)))  # fmt: skip
    first, *_, last = made
    assert campaigns.held_by(c.id, "ram") == last  # where his fields are, not the first part
    assert first.state is TaskState.READY  # the part with Gita's field: anyone's
    now = {lab.id: lab for lab in campaigns.fields(c.id)}
    assert set(now) == {hers.id, mine.id, accepted.id}  # the deleted field stays deleted
    assert now[hers.id].task_id == first.ref
    assert now[mine.id].task_id == now[accepted.id].task_id == last.ref
    moved = now[accepted.id]
    assert (
        moved.replace(
            task_id=accepted.task_id,
            version=accepted.version,
            updated_at=accepted.updated_at,
            updated_by=accepted.updated_by,
        )
        == accepted
    )
    assert (moved.version, moved.updated_by, moved.status, moved.reviewer) == (
        accepted.version + 1,
        "ram",
        Status.ACCEPTED,
        "maya",
    )  # nothing but its task changed, its review kept
    assert [(v.op, v.actor) for v in store.history(hers.id)][-1] == ("task split", "ram")
    assert store.get(gone.id).task_id == task.ref
    quarters = split_cell(last.geometry, "EPSG:32645", ORIGIN, (10.0, -10.0))
    campaigns.split(c.id, last.number, "ram", quarters)  # a part with fields splits again


def test_only_a_task_move_may_file_a_field_under_another_task(store: BaseLabelStore) -> None:
    saved = store.save(make_label(task_id="c:1"), actor="ram", role=Role.VOLUNTEER).label
    with store.transaction() as conn, pytest.raises(PermissionDeniedError, match="only the task"):
        store._apply(conn, saved.replace(task_id="c:2", crop="wheat"), saved.version, "ram",
                     Role.VOLUNTEER, task_move=True)  # fmt: skip
    with store.transaction() as conn:
        moved = store.file_under_task(conn, saved, "c:2", actor="sita", role=Role.VOLUNTEER)
    assert (moved.task_id, moved.crop, moved.annotator, moved.updated_by) == (
        "c:2",
        "rice",
        "ram",
        "sita",
    )
    with store.transaction() as conn, pytest.raises(StaleEditError):
        store.file_under_task(conn, saved, "c:3", actor="sita", role=Role.VOLUNTEER)  # as read


def test_tasks_a_coordinator_wants_first_are_mapped_first(campaigns: CampaignStore) -> None:
    c = make_campaign(campaigns)
    with pytest.raises(PermissionDeniedError):
        campaigns.map_first(c.id, [9], "ram", Role.VOLUNTEER)
    changed = campaigns.map_first(c.id, [9, 12, 12], "boss", Role.COORDINATOR)
    assert [(t.number, t.first) for t in changed] == [(9, True), (12, True)]
    assert campaigns.map_first(c.id, [9], "boss", Role.COORDINATOR) == []  # first already
    assert campaigns.map_next(c.id, "ram").number == 9  # not task 1
    campaigns.mark_mapped(c.id, 9, "ram")
    assert campaigns.map_next(c.id, "ram").number == 12  # the other one first, though farther
    campaigns.mark_mapped(c.id, 12, "ram")
    campaigns.lock_for_mapping(c.id, 1, "gita")
    campaigns.mark_mapped(c.id, 1, "gita")  # mapped last, but not wanted first
    campaigns.map_first(c.id, [9], "boss", Role.COORDINATOR, first=False)
    assert campaigns.validate_next(c.id, "sita", Role.REVIEWER).number == 12  # first, checked first
    campaigns.invalidate(c.id, 12, "sita", Role.REVIEWER, "the river field is missing")
    assert campaigns.map_next(c.id, "ram").number == 12  # his own, sent back
    campaigns.give_back(c.id, 12, "ram")
    campaigns.map_first(c.id, [12], "boss", Role.COORDINATOR, first=False)
    assert campaigns.map_next(c.id, "sita").number == 2  # none first any more: in order
    first_event = campaigns.events(c.id, 12)[0]
    assert (first_event.action, first_event.actor) == ("to map first", "boss")
    assert not campaigns.task(c.id, 9).first and not campaigns.task(c.id, 12).first


def test_a_task_assigned_to_a_volunteer_is_theirs_alone_to_map(campaigns: CampaignStore) -> None:
    c = make_campaign(campaigns)
    with pytest.raises(PermissionDeniedError):
        campaigns.assign(c.id, [5], "ram", "ram", Role.VOLUNTEER)
    with pytest.raises(CampaignError, match="name"):
        campaigns.assign(c.id, [5], " \u200b ", "boss", Role.COORDINATOR)
    changed = campaigns.assign(c.id, [5, 6], "  Sita   Rai ", "boss", Role.COORDINATOR)
    assert [(t.number, t.assigned_to) for t in changed] == [(5, "Sita Rai"), (6, "Sita Rai")]
    assert campaigns.assigned_to_map(c.id, "sita-rai") == 2
    assert campaigns.assigned_to_map(c.id, "ram") == 0
    assert campaigns.assign(c.id, [5], "sita_rai", "boss", Role.COORDINATOR) == []  # the same
    with pytest.raises(TaskLockedError, match="assigned to Sita Rai"):
        campaigns.lock_for_mapping(c.id, 5, "ram")
    others = {campaigns.map_next(c.id, who).number for who in ("ram", "gita", "hari", "mina")}
    assert others.isdisjoint({5, 6})  # never offered to anyone else
    assert campaigns.map_next(c.id, "SITA-RAI").number == 5  # hers first
    parts = split_cell(campaigns.task(c.id, 5).geometry, "EPSG:32645", ORIGIN, (10.0, -10.0))
    made = campaigns.split(c.id, 5, "sita rai", parts)
    assert {t.assigned_to for t in campaigns.tasks(c.id) if t.number in {m.number for m in made}}
    campaigns.lock_for_mapping(c.id, 7, "tara")  # mapped, sent back, then given to Sita Rai
    campaigns.mark_mapped(c.id, 7, "tara")
    campaigns.lock_for_validation(c.id, 7, "maya", Role.REVIEWER)
    campaigns.invalidate(c.id, 7, "maya", Role.REVIEWER, "the river field is missing")
    campaigns.assign(c.id, [7], "Sita Rai", "boss", Role.COORDINATOR)
    with pytest.raises(TaskLockedError, match="assigned to Sita Rai"):
        campaigns.lock_for_mapping(c.id, 7, "tara")  # not even its mapper
    assert campaigns.map_next(c.id, "tara").number != 7
    assert campaigns.assign(c.id, [6], None, "boss", Role.COORDINATOR)[0].assigned_to is None
    assert campaigns.lock_for_mapping(c.id, 6, "kiran").locked_by == "kiran"  # free for anyone
    assert [e.action for e in campaigns.events(c.id, 6)][:2] == [
        "assigned to Sita Rai", "assignment taken back"
    ]  # fmt: skip


def test_a_task_mapped_twice_goes_to_a_second_volunteer_once_its_assignee_mapped_it(
    campaigns: CampaignStore,
) -> None:
    c = make_campaign(campaigns, double_share=1.0)
    campaigns.assign(c.id, [4], "sita", "boss", Role.COORDINATOR)
    assert campaigns.map_next(c.id, "sita").number == 4
    campaigns.mark_mapped(c.id, 4, "sita")  # ready again, for its second mapper
    campaigns.map_first(c.id, [4], "boss", Role.COORDINATOR)
    assert campaigns.map_next(c.id, "ram").number == 4  # not stuck
    campaigns.give_back(c.id, 4, "ram")
    assert campaigns.lock_for_mapping(c.id, 4, "gita").locked_by == "gita"


def test_a_reviewer_holds_one_task_at_a_time_to_map_or_to_check(campaigns: CampaignStore) -> None:
    c = make_campaign(campaigns)
    for number in (1, 2):
        campaigns.lock_for_mapping(c.id, number, "ram")
        campaigns.mark_mapped(c.id, number, "ram")
    campaigns.lock_for_validation(c.id, 1, "maya", Role.REVIEWER)
    with pytest.raises(TaskLockedError, match="you are checking task 1"):
        campaigns.lock_for_validation(c.id, 2, "maya", Role.REVIEWER)
    with pytest.raises(TaskLockedError, match="you are checking task 1"):
        campaigns.lock_for_mapping(c.id, 3, "maya")
    assert campaigns.validate_next(c.id, "maya", Role.REVIEWER).number == 1  # the one held
    campaigns.validate(c.id, 1, "maya", Role.REVIEWER, "")
    campaigns.lock_for_mapping(c.id, 3, "maya")
    with pytest.raises(TaskLockedError, match="you are mapping task 3"):
        campaigns.lock_for_validation(c.id, 2, "maya", Role.REVIEWER)
    with pytest.raises(TaskLockedError, match="you are mapping task 3"):
        campaigns.validate_next(c.id, "maya", Role.REVIEWER)


def test_give_it_back_and_a_coordinator_release_make_the_task_ready_again(
    campaigns: CampaignStore,
) -> None:
    c = make_campaign(campaigns)
    campaigns.lock_for_mapping(c.id, 2, "ram")
    back = campaigns.give_back(c.id, 2, "ram")
    assert (back.state, back.locked_by) == (TaskState.READY, None)
    campaigns.lock_for_mapping(c.id, 2, "sita")
    with pytest.raises(PermissionDeniedError, match="coordinator"):
        campaigns.release(c.id, 2, "hari", Role.REVIEWER)
    freed = campaigns.release(c.id, 2, "boss", Role.COORDINATOR)
    assert freed.state is TaskState.READY
    last = campaigns.events(c.id, 2)[-1]
    assert (last.action, last.actor, last.comment) == ("released", "boss", "lock of sita released")
    with pytest.raises(TaskLockedError, match="not locked"):
        campaigns.release(c.id, 2, "boss", Role.COORDINATOR)


def test_an_expired_lock_frees_the_task_and_cannot_be_handed_in(
    campaigns: CampaignStore, clock: Clock
) -> None:
    c = make_campaign(campaigns, lock_minutes=30)
    campaigns.lock_for_mapping(c.id, 1, "ram")
    clock.advance(minutes=31)
    assert campaigns.held_by(c.id, "ram") is None
    assert campaigns.progress(c.id).counts[TaskState.READY] == 16
    with pytest.raises(TaskLockedError) as refused:
        campaigns.mark_mapped(c.id, 1, "ram")
    assert str(refused.value) == (
        "your lock on task 1 expired at 2026-03-01 08:30 UTC; lock it again"
    )
    taken = campaigns.lock_for_mapping(c.id, 1, "sita")
    assert taken.locked_by == "sita"
    actions = [(e.action, e.actor) for e in campaigns.events(c.id, 1)]
    assert actions[-2:] == [("lock expired", "ram"), ("lock for mapping", "sita")]
    clock.advance(minutes=31)
    assert campaigns.map_next(c.id, "hari").number == 1  # map_next takes expired locks too


def test_nobody_validates_a_task_they_mapped_and_volunteers_do_not_validate(
    campaigns: CampaignStore,
) -> None:
    c = make_campaign(campaigns)
    campaigns.lock_for_mapping(c.id, 1, "Ram Thapa")
    campaigns.mark_mapped(c.id, 1, "Ram Thapa")
    with pytest.raises(PermissionDeniedError, match="mapped task 1 and cannot validate"):
        campaigns.lock_for_validation(c.id, 1, "ram_thapa", Role.REVIEWER)
    with pytest.raises(NoTaskError):
        campaigns.validate_next(c.id, "RAM THAPA", Role.COORDINATOR)
    with pytest.raises(PermissionDeniedError, match="only reviewers"):
        campaigns.lock_for_validation(c.id, 1, "hari", Role.VOLUNTEER)
    with pytest.raises(TaskLockedError, match="not waiting for validation"):
        campaigns.lock_for_validation(c.id, 2, "sita", Role.REVIEWER)
    assert campaigns.validate_next(c.id, "sita", Role.REVIEWER).number == 1
    with pytest.raises(TaskLockedError, match="do not hold"):
        campaigns.validate(c.id, 1, "gita", Role.REVIEWER)
    with pytest.raises(TaskLockedError, match="needs a comment"):
        campaigns.invalidate(c.id, 1, "sita", Role.REVIEWER, "  ")
    back = campaigns.give_back(c.id, 1, "sita")  # stop validating
    assert back.state is TaskState.MAPPED


def test_an_invalidated_task_goes_back_to_its_mapper_first_then_to_anyone(
    campaigns: CampaignStore, clock: Clock
) -> None:
    c = make_campaign(campaigns)
    for number, person in ((1, "ram"), (2, "hari")):
        campaigns.lock_for_mapping(c.id, number, person)
        campaigns.mark_mapped(c.id, number, person)
    campaigns.lock_for_validation(c.id, 1, "sita", Role.REVIEWER)
    sent_back = campaigns.invalidate(c.id, 1, "sita", Role.REVIEWER, "two fields missing in the NE")
    assert (sent_back.state, sent_back.comment) == (
        TaskState.INVALIDATED,
        "two fields missing in the NE",
    )
    with pytest.raises(TaskLockedError, match="goes back to its mapper first"):
        campaigns.lock_for_mapping(c.id, 1, "hari")
    assert campaigns.map_next(c.id, "hari").number != 1
    assert campaigns.map_next(c.id, "ram").number == 1  # before any ready task
    campaigns.give_back(c.id, 1, "ram")
    assert campaigns.task(c.id, 1).state is TaskState.INVALIDATED
    clock.advance(hours=3)  # ram did not come back: anyone may fix it now
    taken = campaigns.lock_for_mapping(c.id, 1, "gita")
    fixed = campaigns.mark_mapped(c.id, 1, "gita")
    assert (taken.locked_by, fixed.state, fixed.mappers) == ("gita", TaskState.MAPPED, ("gita",))


def test_a_double_task_is_mapped_by_two_volunteers_independently(
    campaigns: CampaignStore,
) -> None:
    c = make_campaign(campaigns, double_share=1.0)
    assert {t.copies for t in campaigns.tasks(c.id)} == {2}
    campaigns.lock_for_mapping(c.id, 1, "ram")
    once = campaigns.mark_mapped(c.id, 1, "ram")
    assert (once.state, once.mappers) == (TaskState.READY, ("ram",))
    with pytest.raises(TaskLockedError, match="mapped task 1 already"):
        campaigns.lock_for_mapping(c.id, 1, "ram")
    assert campaigns.map_next(c.id, "ram").number != 1
    campaigns.lock_for_mapping(c.id, 1, "sita")
    twice = campaigns.mark_mapped(c.id, 1, "sita")
    assert (twice.state, twice.mappers) == (TaskState.MAPPED, ("ram", "sita"))
    with pytest.raises(PermissionDeniedError):
        campaigns.lock_for_validation(c.id, 1, "sita", Role.REVIEWER)


def test_no_task_left_says_so(campaigns: CampaignStore) -> None:
    c = campaigns.create(
        Campaign("tiny", (SCENE,), AREA, "boss"), [AREA], actor="boss", role=Role.COORDINATOR
    )
    campaigns.map_next(c.id, "ram")
    with pytest.raises(NoTaskError, match="no task is ready"):
        campaigns.map_next(c.id, "sita")


def test_fields_drawn_in_a_task_carry_its_id_and_count_per_volunteer(
    campaigns: CampaignStore, store: BaseLabelStore
) -> None:
    c = make_campaign(campaigns)
    task = campaigns.map_next(c.id, "ram")
    saved = store.save(make_label(task_id=task.ref), actor="ram", role=Role.VOLUNTEER).label
    assert store.get(saved.id).task_id == task.ref
    assert store.history(saved.id)[0].label.task_id == task.ref
    store.save(make_label(annotator="sita"), actor="sita", role=Role.VOLUNTEER)  # no task
    assert campaigns.fields_by(c.id) == {"ram": FieldCounts(1)}
    assert campaigns.progress(c.id).fields_by == {"ram": FieldCounts(1)}
    assert store.check() == []


def test_the_store_files_under_a_task_only_the_crops_its_campaign_maps(
    campaigns: CampaignStore, store: BaseLabelStore
) -> None:
    c = make_campaign(campaigns, crops=("wheat", "maize"))
    task = campaigns.map_next(c.id, "ram")
    before = store.version_count()
    for role in (Role.VOLUNTEER, Role.COORDINATOR):  # a script or an import alike
        with pytest.raises(ValidationError) as refused:
            store.save(make_label(crop="potato", task_id=task.ref), actor="ram", role=role)
        assert [f.code for f in refused.value.findings] == ["crop-not-in-campaign"]
        assert "Terai rice maps wheat, maize, not potato" in refused.value.findings[0].message
    with pytest.raises(ValidationError, match="not potato"):
        store.save_many([make_label(crop="potato", task_id=task.ref)], actor="boss",
                        role=Role.COORDINATOR)  # fmt: skip
    assert store.version_count() == before  # nothing written
    wheat = make_label(crop="wheat", task_id=task.ref, status="submitted")
    saved = store.save(wheat, actor="ram", role=Role.VOLUNTEER).label
    with pytest.raises(ValidationError, match="not rice"):  # a change of crop is checked
        store.save(saved.replace(crop="rice"), actor="ram", role=Role.VOLUNTEER)
    maize = store.save(saved.replace(crop="maize"), actor="ram", role=Role.VOLUNTEER).label
    assert store.get(saved.id).crop == "maize" and maize.version == 2
    free = store.save(make_label(square(85.35), crop="potato"), actor="ram", role=Role.VOLUNTEER)
    assert free.label.task_id is None  # mapped freely: any crop of the store's list
    # The coordinator narrows the campaign's crops: the maize field stays editable and
    # reviewable as it is; only a change of its crop must pick one of the new ones.
    campaigns.update(c.replace(crops=("wheat",)), actor="boss", role=Role.COORDINATOR,
                     expected_version=1)  # fmt: skip
    moved = store.save(maize.replace(geometry=square(85.3001)), actor="ram", role=Role.VOLUNTEER)
    reviewed = store.review(saved.id, actor="sita", decision=Status.ACCEPTED,
                            expected_version=moved.label.version)  # fmt: skip
    assert reviewed.label.status is Status.ACCEPTED and reviewed.label.crop == "maize"


def test_the_fields_per_volunteer_count_unedited_proposals_and_rejections(
    campaigns: CampaignStore, store: BaseLabelStore
) -> None:
    c = make_campaign(campaigns)
    task = campaigns.map_next(c.id, "ram")

    def save(lon: float, drawing: str) -> Label:
        label = make_label(square(lon), task_id=task.ref, status="submitted", drawing=drawing)
        return store.save(label, actor="ram", role=Role.VOLUNTEER).label

    proposed = [save(85.30 + 0.01 * i, PROPOSED) for i in range(3)]
    save(85.34, PROPOSED_EDITED)
    save(85.35, HAND)
    for label, comment in zip(proposed[:2], ("cut", REASONS["Edges off"]), strict=True):
        store.review(
            label.id, actor="sita", decision=Status.REJECTED, comment=comment, expected_version=1
        )
    store.delete(proposed[2].id, actor="ram", role=Role.VOLUNTEER, expected_version=1)
    why = Counter({"Edges off": 1, OTHER: 1})  # a reason picked, and a comment of one's own
    assert campaigns.fields_by(c.id) == {"ram": FieldCounts(4, 2, 2, why)}


def test_a_store_made_before_campaigns_is_upgraded_on_open(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from labels.store import open_store

    folder = tmp_path / "old"
    store = open_store(folder)
    old = store.save(make_label(), actor="ram", role=Role.VOLUNTEER).label
    store.close()
    with sqlite3.connect(folder / "labels.sqlite") as conn:  # back to schema version 2
        conn.execute("DROP INDEX labels_task")  # on the column added (not in version 2)
        conn.execute("ALTER TABLE labels DROP COLUMN task_id")
        conn.execute("ALTER TABLE label_versions DROP COLUMN task_id")
        for table in ("campaigns", "campaign_versions", "campaign_tasks", "campaign_task_events"):
            conn.execute(f"DROP TABLE {table}")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    reopened = open_store(folder)
    assert reopened.get(old.id).task_id is None
    with sqlite3.connect(folder / "labels.sqlite") as conn:  # a task's fields found by index
        plan = conn.execute("EXPLAIN QUERY PLAN SELECT id FROM labels WHERE task_id = 'c:1'")
        assert "labels_task" in " ".join(str(row) for row in plan)
    made = make_campaign(CampaignStore(reopened))
    assert len(CampaignStore(reopened).tasks(made.id)) == 16
    assert reopened.check() == []


def test_a_store_made_before_tasks_mapped_first_is_upgraded_on_open(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from labels.store import open_store

    folder = tmp_path / "v5"
    made = make_campaign(CampaignStore(open_store(folder)))
    with sqlite3.connect(folder / "labels.sqlite") as conn:  # back to schema version 5
        conn.execute("ALTER TABLE campaign_tasks DROP COLUMN priority")
        conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    campaigns = CampaignStore(open_store(folder))
    assert not any(t.first for t in campaigns.tasks(made.id))
    campaigns.map_first(made.id, [3], "boss", Role.COORDINATOR)
    assert campaigns.map_next(made.id, "ram").number == 3


def test_agreement_of_a_task_mapped_twice(campaigns: CampaignStore, store: BaseLabelStore) -> None:
    from tests.labels.conftest import square

    c = make_campaign(campaigns, double_share=1.0)
    for person, lon in (("ram", 85.3005), ("sita", 85.3005)):
        task = campaigns.lock_for_mapping(c.id, 1, person)
        label = make_label(square(lon, 27.7295, 80.0), annotator=person, task_id=task.ref)
        store.save(label, actor=person, role=Role.VOLUNTEER)
        campaigns.mark_mapped(c.id, 1, person)
    found = campaigns.agreement(c.id)
    assert list(found.per_task) == [f"{c.id}:1"]
    assert found.campaign.matched == 1 and found.campaign.mean_iou == pytest.approx(1.0)
    assert set(found.per_volunteer) == {"ram", "sita"}
    assert len(campaigns.fields(c.id)) == 2
    task = campaigns.task(c.id, 1)
    assert sorted(lab.annotator for lab in campaigns.fields_in(task)) == ["ram", "sita"]
    [kept, other] = campaigns.fields_in(task)
    store.delete(other.id, actor="maya", role=Role.REVIEWER, expected_version=other.version)
    assert campaigns.fields_in(task) == [kept]  # the current fields only
    assert campaigns.fields_in(campaigns.task(c.id, 2)) == []


def test_nearest_means_on_the_ground_not_in_degrees(campaigns: CampaignStore) -> None:
    # at 60° N a degree of longitude is half as long: cells 1000 m wide and 1300 m tall,
    # so the task east of the first is nearer than the one south of it
    from pyproj import Transformer
    from shapely.geometry import Polygon

    x, y = Transformer.from_crs(4326, 32645, always_xy=True).transform(85.3, 60.0)
    x0 = ORIGIN[0] + (x - ORIGIN[0]) // 1000 * 1000  # on the grid: whole cells only
    y0 = ORIGIN[1] + (y - ORIGIN[1]) // 1300 * 1300
    to_lonlat = Transformer.from_crs(32645, 4326, always_xy=True)
    corners = [(x0, y0), (x0 + 3000, y0), (x0 + 3000, y0 + 2600), (x0, y0 + 2600)]
    area = Polygon([to_lonlat.transform(cx, cy) for cx, cy in corners])  # 3 × 2 cells
    tasks = task_grid(area, "EPSG:32645", (1000.0, 1300.0), ORIGIN)
    assert len(tasks) == 6
    c = campaigns.create(Campaign("north", (SCENE,), area, "boss"), tasks, actor="boss",
                         role=Role.COORDINATOR)  # fmt: skip
    first = campaigns.map_next(c.id, "ram")
    campaigns.mark_mapped(c.id, first.number, "ram")
    east = campaigns.map_next(c.id, "ram")
    assert east.number == first.number + 1
    assert east.geometry.centroid.x > first.geometry.centroid.x


def test_a_task_set_aside_for_bad_imagery_waits_for_a_coordinator(
    campaigns: CampaignStore,
) -> None:
    c = make_campaign(campaigns)
    task = campaigns.map_next(c.id, "ram")
    with pytest.raises(TaskLockedError, match="do not hold"):
        campaigns.set_aside(c.id, task.number, "sita", "clouds")  # only its mapper
    aside = campaigns.set_aside(c.id, task.number, "ram", "  clouds over the north half ")
    assert (aside.state, aside.comment, aside.locked_by) == (
        TaskState.BAD_IMAGERY, "clouds over the north half", None
    )  # fmt: skip
    with pytest.raises(TaskLockedError, match="is bad imagery, not ready to map"):
        campaigns.lock_for_mapping(c.id, task.number, "gita")
    assert campaigns.map_next(c.id, "ram").number != task.number  # out of the queue
    found = campaigns.progress(c.id)
    assert (found.set_aside, found.workable) == (1, found.total - 1)
    with pytest.raises(PermissionDeniedError):
        campaigns.reset_set_aside(c.id, "ram", Role.VOLUNTEER)
    [back] = campaigns.reset_set_aside(c.id, "boss", Role.COORDINATOR)
    assert (back.number, back.state, back.comment, back.mappers) == (
        task.number, TaskState.READY, None, ()
    )  # fmt: skip
    actions = [(e.action, e.to_state, e.comment) for e in campaigns.events(c.id, task.number)]
    assert actions[-2:] == [
        ("bad imagery", "bad_imagery", "clouds over the north half"),
        ("reset", "ready", "clouds over the north half"),
    ]
    assert campaigns.reset_set_aside(c.id, "boss", Role.COORDINATOR) == []  # none left
    one, two = (campaigns.map_next(c.id, who) for who in ("ram", "gita"))
    for held, who in ((one, "ram"), (two, "gita")):
        campaigns.set_aside(c.id, held.number, who, "haze")
    [only] = campaigns.reset_set_aside(c.id, "boss", Role.COORDINATOR, [two.number, 999])
    assert only.number == two.number  # the one chosen; a number not set aside is ignored
    assert campaigns.task(c.id, one.number).state is TaskState.BAD_IMAGERY
    assert campaigns.lock_for_mapping(c.id, task.number, "gita").locked_by == "gita"


def test_an_invalidated_task_set_aside_and_reset_is_mapped_anew(campaigns: CampaignStore) -> None:
    c = make_campaign(campaigns)
    task = campaigns.map_next(c.id, "ram")
    campaigns.mark_mapped(c.id, task.number, "ram")
    campaigns.validate_next(c.id, "sita", Role.REVIEWER)
    campaigns.invalidate(c.id, task.number, "sita", Role.REVIEWER, "the river field is missing")
    assert campaigns.map_next(c.id, "ram").number == task.number  # back to its mapper
    campaigns.set_aside(c.id, task.number, "ram")  # no reason given: none recorded
    assert campaigns.task(c.id, task.number).comment is None
    [back] = campaigns.reset_set_aside(c.id, "boss", Role.COORDINATOR)
    assert back.mappers == ()  # not waiting for a second mapper: anyone maps it


def test_a_task_sent_back_holds_its_fields_from_review_until_handed_in_again(
    campaigns: CampaignStore,
) -> None:
    c = make_campaign(campaigns)
    task = campaigns.map_next(c.id, "ram")
    campaigns.mark_mapped(c.id, task.number, "ram")
    assert campaigns.sent_back(SCENE) == set()
    campaigns.validate_next(c.id, "sita", Role.REVIEWER)
    campaigns.invalidate(c.id, task.number, "sita", Role.REVIEWER, "the river field is missing")
    assert campaigns.sent_back(SCENE) == {task.ref}
    assert campaigns.sent_back("another scene") == set()
    campaigns.map_next(c.id, "ram")  # its mapper fixes it: still sent back
    assert campaigns.sent_back(SCENE) == {task.ref}
    campaigns.mark_mapped(c.id, task.number, "ram")  # handed in again: for review
    assert campaigns.sent_back(SCENE) == set()


def test_a_reason_or_comment_is_stored_at_most_1000_characters(campaigns: CampaignStore) -> None:
    c = make_campaign(campaigns)
    first = campaigns.map_next(c.id, "ram")
    campaigns.mark_mapped(c.id, first.number, "ram")
    campaigns.validate_next(c.id, "sita", Role.REVIEWER)
    sent = campaigns.invalidate(c.id, first.number, "sita", Role.REVIEWER, " " + "y" * 3000)
    second = campaigns.map_next(c.id, "gita")
    aside = campaigns.set_aside(c.id, second.number, "gita", "x" * 5000)  # a client sends more
    assert len(sent.comment or "") == len(aside.comment or "") == 1000  # than the page's box
    assert campaigns.events(c.id, second.number)[-1].comment == aside.comment


def test_each_invalidation_falls_on_the_volunteers_who_mapped_the_task(
    campaigns: CampaignStore,
) -> None:
    """The coordinator's Volunteers table counts, per volunteer, their mappings sent back and
    why: an invalidation falls on whoever handed the task in since its last decision, both
    mappers of a task mapped twice (a first mapping kept through a reset too); one given
    back is not theirs."""
    c = make_campaign(campaigns, double_share=1.0)
    missed, edges = TASK_REASONS["Fields missed"], TASK_REASONS["Edges off"]

    def map_and_decide(number: int, mappers: tuple[str, ...], comment: str | None) -> None:
        for who in mappers:
            campaigns.lock_for_mapping(c.id, number, who)
            campaigns.mark_mapped(c.id, number, who)
        campaigns.lock_for_validation(c.id, number, "maya", Role.REVIEWER)
        if comment is None:
            campaigns.validate(c.id, number, "maya", Role.REVIEWER)
        else:
            campaigns.invalidate(c.id, number, "maya", Role.REVIEWER, comment)

    map_and_decide(1, ("sita", "ram"), missed)  # mapped twice: both sent back
    map_and_decide(1, ("sita",), f"{edges} West side.")  # mapped again by Sita alone
    map_and_decide(1, ("sita",), None)  # validated: nothing more
    campaigns.lock_for_mapping(c.id, 2, "hari")
    campaigns.give_back(c.id, 2, "hari")  # handed nothing in
    map_and_decide(2, ("gita", "tara"), "redo")
    campaigns.lock_for_mapping(c.id, 3, "mina")  # the first mapping, then clouds for the second
    campaigns.mark_mapped(c.id, 3, "mina")
    campaigns.lock_for_mapping(c.id, 3, "kiran")
    campaigns.set_aside(c.id, 3, "kiran", "clouds")
    campaigns.reset_set_aside(c.id, "boss", Role.COORDINATOR)
    assert campaigns.task(c.id, 3).mappers == ("mina",)  # kept, waiting for a second
    map_and_decide(3, ("hari",), "wrong crops")
    found = campaigns.progress(c.id).sent_back
    assert found == {
        "sita": [missed, f"{edges} West side."],
        "ram": [missed],
        "gita": ["redo"],
        "tara": ["redo"],
        "mina": ["wrong crops"],
        "hari": ["wrong crops"],
    }
