"""Sign-in fixtures shared by the sign-in tests and the attacks on it: a clock the test moves
by hand and an ``AuthStore`` with a reviewer code and no coordinator code."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui.auth import AuthStore

REVIEWER_CODE = "paddy-2026"


class Clock:
    """Seconds since the epoch, moved by hand (``clock.now += 60``)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock() -> Clock:
    return Clock()


@pytest.fixture()
def auth(tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> AuthStore:
    monkeypatch.setenv("SHARPFIELDS_REVIEWER_CODE", REVIEWER_CODE)
    monkeypatch.delenv("SHARPFIELDS_COORDINATOR_CODE", raising=False)
    return AuthStore(tmp_path, clock=clock)
