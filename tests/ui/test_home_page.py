"""The home page, run headless with Streamlit's AppTest (no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from labels.model import Role
from tests.conftest import PROJECT_ROOT
from tests.ui.conftest import session_token
from ui.auth import Identity
from ui.text import escape_markdown

APP = PROJECT_ROOT / "app.py"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path / "data"))
    monkeypatch.chdir(PROJECT_ROOT)
    st.cache_resource.clear()


def _signed_in(identity: Identity) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.session_state["session_token"] = session_token(identity)
    return app.run()


def test_nothing_but_the_sign_in_before_signing_in() -> None:
    app = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not app.exception
    assert not app.success and not app.radio(key="role").disabled
    assert all(r.key != "scene_source" for r in app.radio)


def test_home_opens_on_the_sample_and_describes_it() -> None:
    app = _signed_in(Identity("Sita", Role.VOLUNTEER))
    assert not app.exception
    assert escape_markdown("danube_farmland_sentinel2.tif") in app.success[0].value
    details = app.markdown[-1].value
    assert "276 × 379 pixels, 8 bands (uint16)" in details
    assert "dates: 2 dates (date 1, date 2)" in details  # both dates of its source
    assert "pixel size 10 × 10 metre" in details
    assert "EPSG:32633" in details
    assert "false colour view: yes" in details
    # Volunteers choose among the samples only: no server paths, no uploads.
    assert app.radio(key="scene_source").options == ["Bundled sample"]


def test_a_bad_path_shows_one_message_and_keeps_the_current_scene() -> None:
    app = _signed_in(Identity("Gita", Role.COORDINATOR))
    app.radio(key="scene_source").set_value("A file on this server").run()
    app.text_input(key="scene_path_input").input("/etc/passwd").run()
    app.button(key="open_path").click().run()
    assert any("not an allowed scene" in e.value for e in app.error)
    assert not any("/etc" in e.value for e in app.error)
    assert escape_markdown("danube_farmland_sentinel2") in app.success[0].value


def test_first_sign_in_shows_the_personal_code_and_reviewers_need_the_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHARPFIELDS_REVIEWER_CODE", "paddy")
    app = AppTest.from_file(str(APP), default_timeout=30).run()
    app.text_input(key="name").input("Ram <b>")
    app.radio(key="role").set_value(Role.REVIEWER)
    app.text_input(key="code").input("wrong")
    app.button[0].click().run()
    assert any("not the reviewer access code" in e.value for e in app.error)
    assert not app.session_state["session_token"]

    app.text_input(key="name").input("Ram <b>")
    app.radio(key="role").set_value(Role.REVIEWER)
    app.text_input(key="code").input("paddy")
    app.button[0].click().run()
    assert app.session_state["session_token"]
    assert any("Your personal code is" in w.value for w in app.warning)
    # The name is shown literally, not as HTML or markdown.
    assert any("Ram \\<b\\>" in m.value for m in app.markdown)

    app.button(key="sign_out").click().run()
    assert not app.session_state["session_token"]
    assert any(t.key == "name" for t in app.text_input)
