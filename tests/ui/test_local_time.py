"""Times in the person's own zone, and what a browser may send as its zone."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from labels.campaigns import CampaignError, Task, TaskLockedError, TaskState
from ui.campaign_view import lock_line
from ui.local_time import clock_time, date_time, refusal_words, zone_named


def test_a_time_is_said_in_the_browsers_zone_or_in_utc() -> None:
    kathmandu = zone_named("Asia/Kathmandu")
    assert clock_time("2026-12-06T23:04:00.000Z", kathmandu) == "04:49 your time"  # +5:45
    assert clock_time("2026-12-06T23:04:00.000Z", None) == "23:04 UTC"
    assert clock_time("2026-12-06T23:04:00+00:00", zone_named("UTC")) == "23:04 UTC"
    assert clock_time(None, kathmandu) == "a moment"
    assert clock_time("not a time", kathmandu) == "a moment"
    assert date_time("2026-12-06T23:04:00+00:00", kathmandu) == "2026-12-07 04:49 your time"
    assert date_time("2026-12-06T23:04:00", None) == "2026-12-06 23:04 UTC"  # no zone: UTC
    assert date_time("", kathmandu) == ""


@pytest.mark.parametrize(
    "name",
    [None, 5, "", "Nowhere/Atlantis", "../../etc/passwd", "/etc/localtime", "Asia",
     "Asia/../../etc/passwd", "Asia/Kathmandu\n", "A" * 200, "Europe/Vienna; rm -rf /"],
)  # fmt: skip
def test_a_zone_the_browser_sends_is_used_only_when_it_names_a_known_zone(name: object) -> None:
    assert zone_named(name) is None


def test_a_coordinators_lock_line_says_the_time_in_their_zone() -> None:
    task = Task("c", 12, box(0, 0, 1, 1), TaskState.LOCKED_MAPPING, locked_by="Sita",
                locked_until="2026-12-06T14:05:00.000Z")  # fmt: skip
    assert lock_line(task) == "task 12 · mapping · Sita until 14:05 UTC"
    assert lock_line(task, zone_named("Europe/Vienna")) == (
        "task 12 · mapping · Sita until 15:05 your time"
    )


def test_a_refusal_says_the_lock_time_in_the_persons_zone() -> None:
    refused = TaskLockedError("your lock on task 1 expired at ", "2026-03-01T08:30:00.000000Z",
                              "; lock it again")  # fmt: skip
    assert str(refused) == "your lock on task 1 expired at 2026-03-01 08:30 UTC; lock it again"
    assert refusal_words(refused, zone_named("Asia/Kathmandu")) == (
        "your lock on task 1 expired at 14:15 your time; lock it again"
    )
    assert refusal_words(refused, None) == "your lock on task 1 expired at 08:30 UTC; lock it again"
    plain = TaskLockedError("task 3 is validated, not ready to map")
    assert refusal_words(plain, zone_named("Asia/Kathmandu")) == str(plain)
    assert refusal_words(CampaignError("no {at} here"), None) == "no {at} here"
