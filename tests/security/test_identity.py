"""Attacks on identity: borrowed names, tokens after sign-out, guessed codes, anonymous use
of pages and of ``?scene=``."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from labels.model import Role
from tests.conftest import PROJECT_ROOT
from tests.ui.conftest import shown
from ui.auth import AuthStore, Identity

APP = str(PROJECT_ROOT / "app.py")


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path))
    monkeypatch.setenv("SHARPFIELDS_COORDINATOR_CODE", "monsoon-42")
    monkeypatch.chdir(PROJECT_ROOT)
    st.cache_resource.clear()
    return tmp_path


def _sign_in(
    app: AppTest, name: str, personal: str = "", role: Role = Role.VOLUNTEER, code: str = ""
) -> AppTest:
    app.text_input(key="name").input(name)
    app.text_input(key="personal_code").input(personal)
    app.radio(key="role").set_value(role)
    app.text_input(key="code").input(code)
    return app.button[0].click().run()


@pytest.mark.parametrize(
    "page", ["pages/map.py", "pages/label.py", "pages/review.py", "pages/export.py"]
)
def test_every_page_needs_a_sign_in(page: str) -> None:
    app = AppTest.from_file(APP, default_timeout=30)
    app.query_params["scene"] = "/etc/passwd"
    app.switch_page(page)
    app.run()
    assert not app.exception
    assert any("Sign in on the Home page first" in w.value for w in app.warning)
    assert not app.error  # the scene was not even looked at


def test_a_name_typed_differently_cannot_act_as_its_owner(_data_dir: Path) -> None:
    asha = AppTest.from_file(APP, default_timeout=30).run()
    _sign_in(asha, "Asha Rai")
    assert asha.session_state["session_token"]
    for typed in ("Asha_Rai", "asha rai", "ASHA  RAI"):
        other = _sign_in(AppTest.from_file(APP, default_timeout=30).run(), typed)
        assert not other.session_state["session_token"]
        assert any("already taken" in e.value for e in other.error)


def test_the_address_stops_working_after_sign_out(_data_dir: Path) -> None:
    app = _sign_in(AppTest.from_file(APP, default_timeout=30).run(), "Sita")
    token = app.session_state["session_token"]
    app.button(key="sign_out").click().run()
    # The same address opened in another browser after the sign-out: nobody is signed in.
    elsewhere = AppTest.from_file(APP, default_timeout=30)
    elsewhere.query_params["session"] = token
    elsewhere.switch_page("pages/label.py")
    elsewhere.run()
    assert any("Sign in on the Home page first" in w.value for w in elsewhere.warning)
    assert AuthStore(_data_dir).session(token) is None


def test_guessing_access_codes_is_slowed_down_and_logged(
    _data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = AppTest.from_file(APP, default_timeout=30).run()
    messages = []
    for guess in ("monsoon-1", "monsoon-2", "monsoon-3", "monsoon-4", "monsoon-42"):
        _sign_in(app, "Mallory", role=Role.COORDINATOR, code=guess)
        messages.append(shown(app.error[0].value) if app.error else "signed in")
    assert (
        messages[:3]
        == ["That is not the coordinator access code. Ask your coordinator for it."] * 3
    )
    # From the fourth try on, even the right code waits: guessing costs time.
    assert messages[3].startswith("Too many wrong codes") and messages[4].startswith("Too many")
    assert not app.session_state["session_token"]
    assert sum("sign-in failure" in r.getMessage() for r in caplog.records) == 3


def test_a_scene_in_the_address_must_be_an_allowed_reference(_data_dir: Path) -> None:
    store = AuthStore(_data_dir)
    _, token = store.open_session(Identity("Sita", Role.VOLUNTEER))
    for scene in ("/etc/passwd", "samples:../../../etc/passwd", str(_data_dir / "auth.sqlite")):
        app = AppTest.from_file(APP, default_timeout=30)
        app.session_state["session_token"] = token
        app.query_params["scene"] = scene
        app.switch_page("pages/map.py")
        app.run()
        assert not app.exception
        errors = " ".join(e.value for e in app.error)
        assert "not an allowed scene" in errors or "not a GeoTIFF" in errors
        assert "/etc" not in errors and str(_data_dir) not in errors
