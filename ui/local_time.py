"""Times said in the person's own time zone: a volunteer in Kathmandu (UTC+5:45) should not do
sums to know until when a task is theirs. The zone is the browser's (``st.context.timezone``),
so it is checked before use; any doubt gives UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import streamlit as st

from labels.campaigns import TaskLockedError
from labels.errors import LabelError

_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]{0,29}(/[A-Za-z0-9_+\-]{1,30}){0,2}")


def browser_zone() -> ZoneInfo | None:
    """The browser's time zone, when it names a known IANA zone; else None."""
    return zone_named(st.context.timezone)


def zone_named(name: object) -> ZoneInfo | None:
    """The IANA zone ``name`` names ('Asia/Kathmandu'), or None when it is not one (the name
    comes from the browser: no path, nothing odd, only a zone the system knows)."""
    if not isinstance(name, str) or not _ZONE_NAME.fullmatch(name):
        return None
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, KeyError):  # unknown, or not a zone file
        return None


def _moment(stamp: str | None) -> datetime | None:
    """An ISO time (one without a zone, or with 'Z', is UTC), or None when it cannot be
    read."""
    try:
        moment = datetime.fromisoformat((stamp or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _said(moment: datetime, zone: ZoneInfo | None, form: str) -> str:
    if zone is None or zone.key in ("UTC", "Etc/UTC"):
        return f"{moment.astimezone(UTC):{form}} UTC"
    return f"{moment.astimezone(zone):{form}} your time"


def clock_time(stamp: str | None, zone: ZoneInfo | None) -> str:
    """'04:49 your time' for an ISO UTC time in ``zone``, '23:04 UTC' without one, and
    'a moment' when there is no time (or it cannot be read)."""
    moment = _moment(stamp)
    return "a moment" if moment is None else _said(moment, zone, "%H:%M")


def date_time(stamp: str | None, zone: ZoneInfo | None) -> str:
    """'2026-12-02 04:49 your time' ('2026-12-01 23:04 UTC' without a zone); '' when there
    is no time."""
    moment = _moment(stamp)
    return "" if moment is None else _said(moment, zone, "%Y-%m-%d %H:%M")


def refusal_words(exc: LabelError, zone: ZoneInfo | None) -> str:
    """A store's refusal with the time it names (a lock's end) said in ``zone``:
    'task 3 is locked by Ram until 19:50 your time'."""
    if isinstance(exc, TaskLockedError):
        return exc.said(lambda stamp: clock_time(stamp, zone))
    return str(exc)
