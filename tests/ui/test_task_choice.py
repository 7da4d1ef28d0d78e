"""A task chosen by a click on the Campaigns map: what is said of it and what is offered."""

from __future__ import annotations

from shapely.geometry import box

from labels.campaigns import Task, TaskEvent, TaskState
from labels.model import Role
from tests.ui.conftest import shown
from ui.auth import Identity
from ui.local_time import zone_named
from ui.task_choice import (
    FIRST,
    MAP_IT,
    NOT_FIRST,
    PUT_IT_BACK,
    RELEASE_IT,
    VALIDATE_IT,
    choice_for,
    task_history_lines,
)

NOW = "2026-12-06T12:00:00Z"
LATER = "2026-12-06T15:00:00Z"
SITA = Identity("Sita", Role.VOLUNTEER)
MAYA = Identity("Maya", Role.REVIEWER)
BOSS = Identity("Boss", Role.COORDINATOR)


def _task(number: int = 3, state: TaskState = TaskState.READY, **kw) -> Task:  # type: ignore[no-untyped-def]
    return Task("c", number, box(0, 0, 1, 1), state, **kw)


def test_a_ready_or_invalidated_task_is_offered_to_map() -> None:
    ready = choice_for(_task(), SITA, None, NOW)
    assert (ready.line, ready.actions, ready.note) == ("Task 3 · ready", (MAP_IT,), None)
    sent_back = _task(state=TaskState.INVALIDATED, mappers=("Ram",), validator="Maya",
                      comment="The river field is missing.")  # fmt: skip
    choice = choice_for(sent_back, SITA, None, NOW)
    assert choice.actions == (MAP_IT,)  # the store says whether Ram has it first
    assert "invalidated by Maya: The river field is missing." in choice.line


def test_a_task_mapped_twice_is_not_offered_again_to_its_first_mapper() -> None:
    waiting = _task(copies=2, mappers=("Sita",))  # ready for its second mapper
    mine = choice_for(waiting, SITA, None, NOW)
    assert mine.actions == () and "second volunteer" in (mine.note or "")
    assert choice_for(waiting, Identity("Ram", Role.VOLUNTEER), None, NOW).actions == (MAP_IT,)


def test_a_mapped_task_is_offered_to_a_reviewer_who_did_not_map_it() -> None:
    mapped = _task(state=TaskState.MAPPED, mappers=("Maya",))
    assert choice_for(mapped, Identity("Ram", Role.REVIEWER), None, NOW).actions == (VALIDATE_IT,)
    own = choice_for(mapped, Identity(" maya ", Role.REVIEWER), None, NOW)
    assert own.actions == () and own.note == "You mapped it: another reviewer validates it."
    by_volunteer = choice_for(mapped, SITA, None, NOW)
    assert by_volunteer.actions == () and "waits for a reviewer" in (by_volunteer.note or "")


def test_a_person_holding_a_task_takes_no_other() -> None:
    held = _task(7, TaskState.LOCKED_MAPPING, locked_by="Sita", locked_until=LATER)
    other = choice_for(_task(), SITA, held, NOW)
    assert other.actions == ()
    assert other.note == "You hold task 7: hand it in or give it back to take another."
    assert choice_for(held, SITA, held, NOW).note == "You hold this task."


def test_a_coordinator_releases_a_lock_or_puts_a_task_set_aside_back() -> None:
    locked = _task(state=TaskState.LOCKED_MAPPING, locked_by="Ram", locked_until=LATER)
    assert choice_for(locked, BOSS, None, NOW).actions == (RELEASE_IT, FIRST)
    assert "held by Ram" in choice_for(locked, BOSS, None, NOW).line
    seen_by_volunteer = choice_for(locked, SITA, None, NOW)
    assert seen_by_volunteer.actions == () and "Ram" not in seen_by_volunteer.line
    expired = choice_for(locked, BOSS, None, "2026-12-06T16:00:00Z")
    assert expired.actions == (MAP_IT, FIRST)  # its lock ran out: ready again
    aside = _task(state=TaskState.BAD_IMAGERY, comment="clouds", mappers=("Ram",))
    assert choice_for(aside, BOSS, None, NOW).actions == (PUT_IT_BACK, FIRST)
    assert choice_for(aside, SITA, None, NOW).actions == ()
    assert choice_for(aside, SITA, None, NOW).line.startswith("Task 3 · bad imagery: clouds")


def test_a_tasks_history_is_listed_newest_first() -> None:
    events = [
        TaskEvent("c", 3, "lock for mapping", "ready", "locked_mapping", "Sita",
                  "2026-12-06T10:00:00.123Z"),
        TaskEvent("c", 3, "bad imagery", "locked_mapping", "bad_imagery", "Sita",
                  "2026-12-06T10:20:00.456Z", "clouds"),
    ]  # fmt: skip
    assert task_history_lines(events) == [
        "2026-12-06 10:20 UTC · bad imagery by Sita: clouds",
        "2026-12-06 10:00 UTC · lock for mapping by Sita",
    ]
    kathmandu = task_history_lines(events, zone_named("Asia/Kathmandu"))
    assert [line.split(" · ")[0] for line in kathmandu] == [
        "2026-12-06 16:05 your time",
        "2026-12-06 15:45 your time",
    ]


def test_a_tasks_history_shows_names_and_comments_as_text() -> None:
    said = TaskEvent("c", 3, "invalidated", "locked_validation", "invalidated", "*Maya*",
                     "2026-12-06T10:20:00Z", "see [here](http://x.example) # now")  # fmt: skip
    [line] = task_history_lines([said])
    assert shown(line) == (
        "2026-12-06 10:20 UTC · invalidated by *Maya*: see [here](http://x.example) # now"
    )
    assert "[here](" not in line and "*Maya*" not in line  # escaped: no link, no emphasis


def test_a_coordinator_has_a_task_mapped_first_or_no_longer() -> None:
    first = choice_for(_task(first=True), BOSS, None, NOW)
    assert first.actions == (MAP_IT, NOT_FIRST) and first.line.endswith("· to map first")
    assert choice_for(_task(first=True), SITA, None, NOW).actions == (MAP_IT,)
    done = _task(state=TaskState.VALIDATED, first=True, mappers=("Ram",), validator="Maya")
    assert choice_for(done, BOSS, None, NOW).actions == ()  # nothing left to hurry
    assert "to map first" not in choice_for(done, BOSS, None, NOW).line


def test_a_task_assigned_to_someone_else_is_not_offered() -> None:
    assigned = _task(assigned_to="Sita Rai")
    other = choice_for(assigned, Identity("Ram", Role.VOLUNTEER), None, NOW)
    assert (
        other.actions == ()
        and other.note == "Assigned to Sita Rai: ask the coordinator for another."
    )
    assert choice_for(assigned, Identity("sita_rai", Role.VOLUNTEER), None, NOW).actions == (
        MAP_IT,
    )
    assert choice_for(assigned, SITA, None, NOW).line.endswith("· assigned to Sita Rai")
