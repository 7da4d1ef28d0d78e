"""The time left of a job, from its progress reports, smoothed (synthetic sequences)."""

from __future__ import annotations

import itertools

import pytest

from sr.jobs.eta import ProgressReport, seconds_left


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


def test_the_time_left_never_rises_by_more_than_half_between_reports() -> None:
    # 1 % a second for 50 s, then the machine turns busy: 1 % every 20 s.
    reports = _steady(0.0, 1.0, 50, 100)
    at = reports[-1].at_s
    shown = [seconds_left(reports)]
    for i in range(51, 80):
        at += 20.0
        reports.append(ProgressReport(at, i / 100))
        shown.append(seconds_left(reports))
    for before, after in itertools.pairwise(shown):
        assert before is not None and after is not None
        assert after <= max(1.5 * before, before + 5.0) + 1e-9  # at most half more
    # ... and it does climb towards the slower pace (20 s per 1 %: 420 s for the last 21 %).
    last = shown[-1]
    assert last is not None and last > 3 * shown[0]  # type: ignore[operator]


def test_a_steady_job_is_not_held_back_by_the_limit() -> None:
    reports = _steady(0.0, 2.0, 30, 100)  # 0.5 % a second: 140 s left at 30 %
    assert seconds_left(reports) == pytest.approx(140.0)


def test_a_sudden_stall_raises_the_time_left_by_half_at_most() -> None:
    # Unsmoothed (the last step alone), one step of 100 s after steps of 1 s would say 4,900 s.
    reports = _steady(0.0, 1.0, 50, 100)
    before = seconds_left(reports, smoothing=1.0)
    reports.append(ProgressReport(reports[-1].at_s + 100.0, 0.51))
    after = seconds_left(reports, smoothing=1.0)
    assert before == pytest.approx(50.0) and after == pytest.approx(75.0)
