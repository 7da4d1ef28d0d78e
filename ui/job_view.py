"""What the progress bar of an enhancement says: the job's stage and a smoothed time left.

The page polls the job about once a second and keeps what it saw (``record``); the text
comes from those reports alone (``sr.jobs.eta``), so it does not depend on where the job runs.
"""

from __future__ import annotations

from sr.jobs.eta import ProgressReport, seconds_left

FIRST_STAGE = "starting"


def record(seen: list[ProgressReport], updated_s: float, fraction: float) -> list[ProgressReport]:
    """``seen`` with a new report appended when the job reported something since."""
    if seen and seen[-1].at_s >= updated_s:
        return seen
    return [*seen, ProgressReport(updated_s, fraction)]


def time_left_text(seconds: float | None) -> str:
    """'about 40 s left', 'about 3 min left', or '' while unknown."""
    if seconds is None:
        return ""
    if seconds < 90:
        return f"about {max(5, round(seconds / 5) * 5)} s left"
    return f"about {round(seconds / 60)} min left"


def progress_text(message: str, seen: list[ProgressReport], now_s: float) -> str:
    """The stage ('reading the area', 'starting', 'iteration 40/300') and the time left."""
    stage = message.rstrip("…").strip() or FIRST_STAGE
    left = time_left_text(seconds_left(seen, now_s))
    return f"{stage} · {left}" if left else stage
