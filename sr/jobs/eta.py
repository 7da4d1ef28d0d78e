"""Time left for a job, from the progress reports seen so far, smoothed so it does not jump.

A job's reports are ``(seconds, fraction done)`` pairs, wherever they come from (a thread, a
Dask worker). The rate between two reports is smoothed exponentially, so one slow or fast
step moves the estimate a little, not all the way; the time before the first report with
progress (reading the area, building the network) does not count, unlike an estimate of
``elapsed × (1 − f) / f``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SMOOTHING = 0.2  # weight of the newest rate; 1.0 would be the last step alone


@dataclass(frozen=True)
class ProgressReport:
    """One progress report of a job: when (seconds, any clock) and how far (0..1)."""

    at_s: float
    fraction: float


def smoothed_rate(reports: Iterable[ProgressReport], smoothing: float = SMOOTHING) -> float | None:
    """Fraction done per second, exponentially smoothed over the steps between reports
    (None before two reports with progress between them)."""
    rate: float | None = None
    previous: ProgressReport | None = None
    for report in reports:
        if previous is not None and report.at_s > previous.at_s:
            step = max(report.fraction - previous.fraction, 0.0) / (report.at_s - previous.at_s)
            if rate is not None:
                rate = smoothing * step + (1 - smoothing) * rate
            elif step > 0:  # the first progress: the time before it does not count
                rate = step
        if previous is None or report.at_s >= previous.at_s:
            previous = report
    return rate


def seconds_left(
    reports: Iterable[ProgressReport], now_s: float | None = None, smoothing: float = SMOOTHING
) -> float | None:
    """Seconds until the job is done, from the smoothed rate (None while unknown).

    ``now_s`` (same clock as the reports) takes off the time since the last report."""
    reports = list(reports)
    rate = smoothed_rate(reports, smoothing)
    if rate is None or rate <= 0 or not reports:
        return None
    last = reports[-1]
    left = (1.0 - last.fraction) / rate
    if now_s is not None:
        left -= max(now_s - last.at_s, 0.0)
    return max(left, 0.0)
