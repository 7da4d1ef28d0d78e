"""Sign-in: names, roles, access codes and tokens that survive a reload but not an edit."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from labels.model import Role
from ui.auth import AccessCodes, Identity, SignInError


def test_volunteers_need_only_a_name(tmp_path: Path) -> None:
    codes = AccessCodes(tmp_path)
    assert codes.sign_in("  Sita   Rai ", Role.VOLUNTEER) == Identity("Sita Rai", Role.VOLUNTEER)
    with pytest.raises(SignInError, match="Type your name"):
        codes.sign_in("   ", Role.VOLUNTEER)
    with pytest.raises(SignInError, match="limited to 80"):
        codes.sign_in("x" * 81, Role.VOLUNTEER)


def test_reviewers_need_the_code_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SHARPFIELDS_REVIEWER_CODE", "paddy-2026")
    codes = AccessCodes(tmp_path)
    with pytest.raises(SignInError, match="not the reviewer access code"):
        codes.sign_in("Ram", Role.REVIEWER, "guess")
    identity = codes.sign_in("Ram", Role.REVIEWER, "paddy-2026")
    assert identity.can_review
    assert not Identity("Sita", Role.VOLUNTEER).can_review


def test_generated_codes_are_private_and_stable(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SHARPFIELDS_REVIEWER_CODE", raising=False)
    first = AccessCodes(tmp_path).code(Role.REVIEWER)
    assert first and AccessCodes(tmp_path).code(Role.REVIEWER) == first
    mode = stat.S_IMODE((tmp_path / "access-codes.json").stat().st_mode)
    assert mode == 0o600
    assert first in AccessCodes(tmp_path).console_notice()


def test_a_token_keeps_the_identity_but_an_edited_role_is_refused(tmp_path: Path) -> None:
    codes = AccessCodes(tmp_path)
    sita = Identity("Sita", Role.VOLUNTEER)
    token = codes.token(sita)
    assert codes.from_token("Sita", "volunteer", token) == sita
    assert codes.from_token("Sita", "reviewer", token) is None
    assert codes.from_token("Sita", "emperor", token) is None
    assert AccessCodes(tmp_path).from_token("Sita", "volunteer", token) == sita  # after restart
