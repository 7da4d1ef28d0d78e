"""Sign-in: personal codes, role codes, sessions that expire and end, throttled guessing."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest

from labels.model import Role
from tests.sign_in import Clock
from ui.auth import AuthStore, Identity, SignInError


def test_a_new_name_gets_a_personal_code_once(auth: AuthStore) -> None:
    first = auth.sign_in("  Sita   Rai ", Role.VOLUNTEER)
    assert first.session.identity == Identity("Sita Rai", Role.VOLUNTEER)
    assert first.new_personal_code and len(first.new_personal_code) == 11
    again = auth.sign_in("Sita Rai", Role.VOLUNTEER, personal_code=first.new_personal_code)
    assert again.new_personal_code is None
    assert again.session.identity.name == "Sita Rai"
    # Codes are forgiving about case and the dash.
    relaxed = first.new_personal_code.lower().replace("-", " ")
    assert auth.sign_in("sita rai", Role.VOLUNTEER, personal_code=relaxed).session


def test_a_name_alone_no_longer_acts_as_the_person(auth: AuthStore) -> None:
    auth.sign_in("Asha Rai", Role.VOLUNTEER)
    for typed in ("Asha Rai", "Asha_Rai", "asha rai", "ASHA-RAI"):
        with pytest.raises(SignInError, match="already taken"):
            auth.sign_in(typed, Role.VOLUNTEER)
    with pytest.raises(SignInError, match="not the personal code"):
        auth.sign_in("Asha_Rai", Role.VOLUNTEER, personal_code="AAAAA-AAAAA")


def test_names_are_checked(auth: AuthStore) -> None:
    with pytest.raises(SignInError, match="Type your name"):
        auth.sign_in("   ", Role.VOLUNTEER)
    with pytest.raises(SignInError, match="80 characters"):
        auth.sign_in("x" * 81, Role.VOLUNTEER)
    with pytest.raises(SignInError, match="letter or digit"):
        auth.sign_in("___", Role.VOLUNTEER)


def test_reviewers_need_the_role_code(auth: AuthStore) -> None:
    with pytest.raises(SignInError, match="not the reviewer access code"):
        auth.sign_in("Ram", Role.REVIEWER, role_code="guess")
    signed = auth.sign_in("Ram", Role.REVIEWER, role_code="paddy-2026")
    assert signed.session.identity.can_review


def test_generated_role_codes_are_kept_hashed_and_shown_once(tmp_path: Path) -> None:
    first_start = AuthStore(tmp_path)
    notice = first_start.console_notice()
    code = notice.split("coordinator access code: ", 1)[1].split()[0]
    assert first_start.role_code_matches(Role.COORDINATOR, code)
    assert code not in first_start.console_notice()  # shown once
    restarted = AuthStore(tmp_path)
    assert restarted.role_code_matches(Role.COORDINATOR, code)
    assert code not in restarted.console_notice()
    assert code.encode() not in (tmp_path / "auth.sqlite").read_bytes()  # stored hashed
    assert stat.S_IMODE((tmp_path / "auth.sqlite").stat().st_mode) == 0o600
    assert not restarted.needs_role_code(Role.VOLUNTEER)


def test_sessions_survive_a_restart_expire_and_end_at_sign_out(
    tmp_path: Path, auth: AuthStore, clock: Clock
) -> None:
    signed = auth.sign_in("Sita", Role.VOLUNTEER)
    restarted = AuthStore(tmp_path, clock=clock)
    assert restarted.session(signed.token) == signed.session
    assert auth.session("made-up-token") is None and auth.session("") is None

    clock.now += 12 * 3600 + 1  # the default lifetime is 12 h
    assert auth.session(signed.token) is None

    other = auth.sign_in("Sita", Role.VOLUNTEER, personal_code=signed.new_personal_code or "")
    assert auth.session(other.token) is not None
    auth.sign_out(other.token)
    assert auth.session(other.token) is None
    assert restarted.session(other.token) is None  # gone for every server process


def test_session_lifetime_is_configurable(
    auth: AuthStore, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHARPFIELDS_SESSION_HOURS", "1")
    signed = auth.sign_in("Sita", Role.VOLUNTEER)
    clock.now += 3601
    assert auth.session(signed.token) is None


def test_tile_keys_belong_to_one_scene_and_one_open_session(auth: AuthStore) -> None:
    signed = auth.sign_in("Sita", Role.VOLUNTEER)
    key = auth.tile_key(signed.session, "scene-a")
    assert auth.tile_key_valid(key, "scene-a")
    assert not auth.tile_key_valid(key, "scene-b")
    assert not auth.tile_key_valid("", "scene-a")
    assert not auth.tile_key_valid(key[:-1] + ("0" if key[-1] != "0" else "1"), "scene-a")
    auth.sign_out(signed.token)
    assert not auth.tile_key_valid(key, "scene-a")


def test_wrong_codes_are_throttled_with_a_growing_delay_and_logged(
    auth: AuthStore, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="sharpfields.auth")
    for _ in range(3):  # three free tries
        with pytest.raises(SignInError, match="not the reviewer access code"):
            auth.sign_in("Eve", Role.REVIEWER, role_code="guess", client="10.0.0.9")
    assert auth.retry_after("10.0.0.9") == pytest.approx(2.0)
    # Even the right code is refused while the client must wait.
    with pytest.raises(SignInError, match="Too many wrong codes"):
        auth.sign_in("Eve", Role.REVIEWER, role_code="paddy-2026", client="10.0.0.9")
    assert auth.retry_after("10.0.0.8") == 0  # other clients are not affected
    clock.now += 2.1
    with pytest.raises(SignInError, match="not the reviewer access code"):
        auth.sign_in("Eve", Role.REVIEWER, role_code="guess", client="10.0.0.9")
    assert auth.retry_after("10.0.0.9") == pytest.approx(4.0)  # doubled
    clock.now += 4.1
    assert auth.sign_in("Eve", Role.REVIEWER, role_code="paddy-2026", client="10.0.0.9")
    # A success does not wipe the client's count (tests/security/test_sign_in_guessing.py);
    # it is forgotten after an hour without failures.
    assert auth.retry_after("10.0.0.9") > 0
    clock.now += 3601
    assert auth.retry_after("10.0.0.9") == 0
    failures = [r for r in caplog.records if "sign-in failure" in r.getMessage()]
    assert len(failures) == 4 and "10.0.0.9" in failures[0].getMessage()


def test_reset_personal_code_ends_the_persons_sessions(auth: AuthStore) -> None:
    signed = auth.sign_in("Sita", Role.VOLUNTEER)
    new_code = auth.reset_personal_code("sita")
    assert auth.session(signed.token) is None
    assert auth.sign_in("Sita", Role.VOLUNTEER, personal_code=new_code).session
    with pytest.raises(SignInError, match="Nobody called"):
        auth.reset_personal_code("Nobody")
