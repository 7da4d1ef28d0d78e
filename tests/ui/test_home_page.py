"""The home page, run headless with Streamlit's AppTest (no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PROJECT_ROOT

APP = PROJECT_ROOT / "app.py"


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path))
    monkeypatch.chdir(PROJECT_ROOT)


def test_home_opens_on_the_sample_and_describes_it() -> None:
    app = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not app.exception
    assert "parana_farmland_landsat8_20200518.tif" in app.success[0].value
    details = app.markdown[-1].value
    assert "960 × 960 pixels, 3 bands (uint16)" in details
    assert "EPSG:32621" in details
    assert "no (no NIR band)" in details


def test_a_bad_path_shows_a_clear_error_and_keeps_the_current_scene() -> None:
    app = AppTest.from_file(str(APP), default_timeout=30).run()
    app.radio[0].set_value("A file on this server").run()
    app.text_input[1].input("/nowhere/T45RUL.tif").run()
    app.button[0].click().run()
    assert any("No file at /nowhere/T45RUL.tif" in e.value for e in app.error)
    assert "parana_farmland" in app.success[0].value


def test_the_name_is_kept() -> None:
    app = AppTest.from_file(str(APP), default_timeout=30).run()
    app.text_input[0].input("Sita").run()
    assert app.session_state["user"] == "Sita"
