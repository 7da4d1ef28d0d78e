"""The time left of a job, from its progress reports, smoothed (synthetic sequences)."""

from __future__ import annotations

import pytest

from sr.jobs.eta import ProgressReport, seconds_left, smoothed_rate


def _steady(start_s: float, step_s: float, steps: int, total: int) -> list[ProgressReport]:
    """Reports of a job that does one of ``total`` iterations every ``step_s`` seconds."""
    return [ProgressReport(start_s + i * step_s, i / total) for i in range(steps + 1)]


def test_nothing_is_promised_before_progress() -> None:
    assert seconds_left([]) is None
    assert seconds_left([ProgressReport(0.0, 0.0), ProgressReport(25.0, 0.0)]) is None


def test_the_time_before_the_first_progress_does_not_count() -> None:
    # 30 s of reading and starting at 0 %, then 1 % a second: 60 s left at 40 %.
    reports = [ProgressReport(0.0, 0.0), ProgressReport(30.0, 0.0)]
    reports += [ProgressReport(30.0 + i, i / 100) for i in range(1, 41)]
    assert seconds_left(reports) == pytest.approx(60.0)
    naive = reports[-1].at_s * (1 - 0.4) / 0.4  # elapsed × (1 − f) / f
    assert naive == pytest.approx(105.0)


def test_one_slow_step_moves_the_estimate_a_little() -> None:
    reports = _steady(0.0, 1.0, 50, 100)  # 1 % a second: 50 s left
    assert seconds_left(reports) == pytest.approx(50.0)
    stalled = [*reports, ProgressReport(reports[-1].at_s + 10.0, 0.51)]  # one step took 10 s
    left = seconds_left(stalled)
    last_step_only = (1 - 0.51) / (0.01 / 10.0)  # 490 s
    assert left is not None and 49.0 < left < 70.0 < last_step_only


def test_estimates_at_the_same_point_agree_across_runs_with_jitter() -> None:
    # Two runs of the same job whose steps take 0.8–1.2 s in a different order.
    times_a = [0.8, 1.2] * 30
    times_b = [1.2, 0.8] * 30
    estimates = []
    for times in (times_a, times_b):
        at, reports = 0.0, [ProgressReport(0.0, 0.0)]
        for i, step in enumerate(times, start=1):
            at += step
            reports.append(ProgressReport(at, i / 100))
        estimates.append(seconds_left(reports))
    assert estimates[0] == pytest.approx(estimates[1], rel=0.2)
    assert estimates[0] == pytest.approx(40.0, rel=0.2)


def test_the_time_since_the_last_report_is_taken_off() -> None:
    reports = _steady(0.0, 1.0, 50, 100)
    assert seconds_left(reports, now_s=60.0) == pytest.approx(40.0)
    assert seconds_left(reports, now_s=500.0) == 0.0
    assert smoothed_rate(reports) == pytest.approx(0.01)
