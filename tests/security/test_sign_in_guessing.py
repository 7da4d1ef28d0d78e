"""Attacks on sign-in: simultaneous guesses, a success that wipes the count, one name guessed
from many addresses, codes in the log or on disk, free new names, look-alike names."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from labels.model import Role
from tests.sign_in import Clock
from ui.auth import AuthStore, SignInError

GUESSES = 40


def _guess_at_once(tmp_path: Path, clock: Clock, name: str, clients: list[str]) -> list[str]:
    """``len(clients)`` wrong personal codes for ``name`` at the same moment, from two server
    processes' stores (threads released together); the messages they got."""
    stores = [AuthStore(tmp_path, clock=clock), AuthStore(tmp_path, clock=clock)]
    start = threading.Barrier(len(clients))
    answers: list[str] = []

    def guess(index: int, client: str) -> None:
        start.wait()
        try:
            stores[index % 2].sign_in(
                name, Role.VOLUNTEER, personal_code="WRONG-GUESS", client=client
            )
        except SignInError as exc:
            answers.append(str(exc))

    threads = [threading.Thread(target=guess, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(answers) == len(clients)
    return answers


def test_simultaneous_guesses_from_one_client_are_checked_at_most_three_times(
    auth: AuthStore, tmp_path: Path, clock: Clock
) -> None:
    auth.sign_in("Asha Rai", Role.VOLUNTEER, client="asha's phone")
    answers = _guess_at_once(tmp_path, clock, "Asha Rai", ["10.0.0.66"] * GUESSES)
    checked = [a for a in answers if "not the personal code" in a]
    assert len(checked) == 3, f"{len(checked)} of {GUESSES} simultaneous guesses were checked"
    assert all("Too many wrong codes" in a for a in answers if a not in checked)


def test_one_name_guessed_from_many_addresses_is_throttled(
    auth: AuthStore, tmp_path: Path, clock: Clock
) -> None:
    first = auth.sign_in("Asha Rai", Role.VOLUNTEER, client="asha's phone")
    clients = [f"10.1.0.{i}" for i in range(GUESSES)]
    answers = _guess_at_once(tmp_path, clock, "Asha Rai", clients)
    assert sum("not the personal code" in a for a in answers) == 3
    # Even the owner waits a little now; after the wait, their own code works and ends the count.
    code = first.new_personal_code or ""
    with pytest.raises(SignInError, match="Too many wrong codes"):
        auth.sign_in("Asha Rai", Role.VOLUNTEER, personal_code=code, client="asha's phone")
    clock.now += 3
    assert auth.sign_in("Asha Rai", Role.VOLUNTEER, personal_code=code, client="asha's phone")
    assert auth.retry_after("somewhere else", "Asha Rai") == 0


def test_a_success_with_another_name_does_not_wipe_the_count(auth: AuthStore) -> None:
    for _ in range(3):
        with pytest.raises(SignInError, match="not the reviewer access code"):
            auth.sign_in("Eve", Role.REVIEWER, role_code="guess", client="10.0.0.66")
    # A new name signs in fine from the same address (no code involved) ...
    assert auth.sign_in("Mallory 1", Role.VOLUNTEER, client="10.0.0.66").session
    # ... but that does not reset the guessing count of the address or of the name.
    assert auth.retry_after("10.0.0.66") > 0
    with pytest.raises(SignInError, match="Too many wrong codes"):
        auth.sign_in("Eve 2", Role.REVIEWER, role_code="paddy-2026", client="10.0.0.66")
    with pytest.raises(SignInError, match="Too many wrong codes"):
        auth.sign_in("Eve", Role.REVIEWER, role_code="paddy-2026", client="10.9.9.9")


def test_access_codes_are_hashed_and_never_logged_when_set_by_the_operator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHARPFIELDS_COORDINATOR_CODE", "monsoon-42")
    monkeypatch.delenv("SHARPFIELDS_REVIEWER_CODE", raising=False)
    auth = AuthStore(tmp_path)
    notice = auth.console_notice()
    assert "monsoon-42" not in notice and "set by SHARPFIELDS_COORDINATOR_CODE" in notice
    generated = notice.split("reviewer access code: ", 1)[1].split()[0]
    assert auth.role_code_matches(Role.REVIEWER, generated)
    assert auth.role_code_matches(Role.COORDINATOR, "monsoon-42")
    assert not auth.role_code_matches(Role.COORDINATOR, "monsoon-43")
    assert generated not in auth.console_notice()  # printed once
    stored = (tmp_path / "auth.sqlite").read_bytes()
    for wal in tmp_path.glob("auth.sqlite-*"):
        stored += wal.read_bytes()
    assert b"monsoon-42" not in stored and generated.encode() not in stored


def test_a_data_folder_with_plain_role_codes_is_hashed_at_start(tmp_path: Path) -> None:
    import sqlite3

    AuthStore(tmp_path).close()
    with sqlite3.connect(tmp_path / "auth.sqlite") as db:  # as main stored them
        db.execute("DELETE FROM settings WHERE name LIKE 'code%'")
        db.execute("INSERT INTO settings VALUES ('code:coordinator', 'old-plain-code')")
    auth = AuthStore(tmp_path)
    assert "old-plain-code" in auth.console_notice()  # shown once more, then never
    assert auth.role_code_matches(Role.COORDINATOR, "old-plain-code")
    with sqlite3.connect(tmp_path / "auth.sqlite") as db:
        values = [row[0] for row in db.execute("SELECT value FROM settings")]
    assert "old-plain-code" not in values


def test_new_names_from_one_client_are_bounded(auth: AuthStore, clock: Clock) -> None:
    for i in range(20):
        auth.sign_in(f"Sock Puppet {i}", Role.VOLUNTEER, client="10.0.0.66")
    with pytest.raises(SignInError, match="Too many new names"):
        auth.sign_in("Sock Puppet 20", Role.VOLUNTEER, client="10.0.0.66")
    assert auth.sign_in("Real Volunteer", Role.VOLUNTEER, client="10.0.0.7").session
    clock.now += 3601
    assert auth.sign_in("Sock Puppet 20", Role.VOLUNTEER, client="10.0.0.66").session


@pytest.mark.parametrize(
    "look_alike",
    [
        "\u0410sha Rai",  # Cyrillic А
        "Asha R\u0430i",  # Cyrillic а
        "\u0391sha Rai",  # Greek Α
        "\uff21sha Rai",  # full-width Ａ
        "Ashа Rаi",  # Cyrillic а twice
    ],
)
def test_look_alike_names_are_the_same_person(auth: AuthStore, look_alike: str) -> None:
    auth.sign_in("Asha Rai", Role.VOLUNTEER)
    with pytest.raises(SignInError, match="already taken"):
        auth.sign_in(look_alike, Role.VOLUNTEER)


@pytest.mark.parametrize(
    "hidden", ["Asha\u200bRai", "Asha Rai\u200d", "Asha \u202eiaR", "Asha\x07 Rai", "\u2060Asha"]
)
def test_names_with_invisible_characters_are_refused(auth: AuthStore, hidden: str) -> None:
    with pytest.raises(SignInError, match="invisible or control characters"):
        auth.sign_in(hidden, Role.VOLUNTEER)
