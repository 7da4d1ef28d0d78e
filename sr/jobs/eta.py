"""Time left for a job, from the progress reports seen so far, smoothed so it does not jump.

A job's reports are ``(seconds, fraction done)`` pairs, wherever they come from (a thread, a
Dask worker). The rate between two reports is smoothed exponentially, so one slow or fast
step moves the estimate a little, not all the way; the time before the first report with
progress (reading the area, building the network) does not count, unlike an estimate of
``elapsed × (1 − f) / f``. Once shown, the time left never rises by more than half between two
reports (:data:`MAX_RISE`): a machine that turns busy makes the estimate climb over a few
reports instead of jumping from 2 to 11 minutes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

SMOOTHING = 0.2  # weight of the newest rate; 1.0 would be the last step alone
MAX_RISE = 0.5  # the most the time left may grow from one report to the next (a share)
RISE_FLOOR_S = 10.0  # ... of at least this many seconds, so a 0 s estimate can still grow


@dataclass(frozen=True)
class ProgressReport:
    """One progress report of a job: when (seconds, any clock) and how far (0..1)."""

    at_s: float
    fraction: float


def _steps(
    reports: Iterable[ProgressReport], smoothing: float
) -> Iterator[tuple[ProgressReport, float | None]]:
    """Each report in time order with the smoothed rate after it (None before progress)."""
    rate: float | None = None
    previous: ProgressReport | None = None
    for report in reports:
        if previous is not None and report.at_s < previous.at_s:
            continue  # out of order: ignored
        if previous is not None and report.at_s > previous.at_s:
            step = max(report.fraction - previous.fraction, 0.0) / (report.at_s - previous.at_s)
            if rate is not None:
                rate = smoothing * step + (1 - smoothing) * rate
            elif step > 0:  # the first progress: the time before it does not count
                rate = step
        previous = report
        yield report, rate


def seconds_left(
    reports: Iterable[ProgressReport], now_s: float | None = None, smoothing: float = SMOOTHING
) -> float | None:
    """Seconds until the job is done, from the smoothed rate (None while unknown), never more
    than :data:`MAX_RISE` above the previous report's estimate.

    ``now_s`` (same clock as the reports) takes off the time since the last report."""
    shown: float | None = None
    last: ProgressReport | None = None
    for report, rate in _steps(reports, smoothing):
        if rate is None or rate <= 0:
            continue
        left = (1.0 - report.fraction) / rate
        if shown is not None:
            left = min(left, shown + MAX_RISE * max(shown, RISE_FLOOR_S))
        shown, last = left, report
    if shown is None or last is None:
        return None
    if now_s is not None:
        shown -= max(now_s - last.at_s, 0.0)
    return max(shown, 0.0)
