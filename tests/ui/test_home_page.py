"""The home page, run headless with Streamlit's AppTest (no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from labels.model import Role
from tests.conftest import PROJECT_ROOT
from ui.auth import Identity
from ui.text import escape_markdown

APP = PROJECT_ROOT / "app.py"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path))
    monkeypatch.chdir(PROJECT_ROOT)


def test_home_opens_on_the_sample_and_describes_it() -> None:
    app = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not app.exception
    assert escape_markdown("parana_farmland_landsat8_20200518.tif") in app.success[0].value
    details = app.markdown[-1].value
    assert "960 × 960 pixels, 3 bands (uint16)" in details
    assert "EPSG:32621" in details
    assert "no (no NIR band)" in details


def test_a_bad_path_shows_a_clear_error_and_keeps_the_current_scene() -> None:
    app = AppTest.from_file(str(APP), default_timeout=30).run()
    app.radio(key="scene_source").set_value("A file on this server").run()
    app.text_input(key="scene_path_input").input("/nowhere/T45RUL.tif").run()
    app.button(key="open_path").click().run()
    assert any("No file at /nowhere/T45RUL.tif" in e.value for e in app.error)
    assert escape_markdown("parana_farmland_landsat8") in app.success[0].value


def test_volunteers_sign_in_with_a_name_and_reviewers_need_the_code(monkeypatch) -> None:
    monkeypatch.setenv("SHARPFIELDS_REVIEWER_CODE", "paddy")
    app = AppTest.from_file(str(APP), default_timeout=30).run()
    app.text_input(key="name").input("Ram <b>")
    app.radio(key="role").set_value(Role.REVIEWER)
    app.text_input(key="code").input("wrong")
    app.button[0].click().run()
    assert any("not the reviewer access code" in e.value for e in app.error)
    assert app.session_state["identity"] is None

    app.text_input(key="name").input("Ram <b>")
    app.radio(key="role").set_value(Role.REVIEWER)
    app.text_input(key="code").input("paddy")
    app.button[0].click().run()
    assert app.session_state["identity"] == Identity("Ram <b>", Role.REVIEWER)
    # The name is shown literally, not as HTML or markdown.
    assert any("Ram \\<b\\>" in m.value for m in app.markdown)
