"""A page run in the test process must not become the main module of processes started later."""

from __future__ import annotations

import multiprocessing
import sys

from streamlit.testing.v1 import AppTest

from tests.conftest import main_module_kept

PAGE = """
import streamlit as st
st.write("a page")
if not st.runtime.exists():
    raise SystemExit(3)  # run outside Streamlit: as the main module of a spawned process
"""


def _nothing() -> None:
    """What the spawned process runs once its main module is prepared."""


def _spawned_exit_code() -> int | None:
    process = multiprocessing.get_context("spawn").Process(target=_nothing)
    process.start()
    process.join(120)
    return process.exitcode


def test_a_process_spawned_after_a_page_ran_starts_once_the_main_module_is_kept() -> None:
    main = sys.modules["__main__"]
    with main_module_kept():
        app = AppTest.from_string(PAGE, default_timeout=60).run()
        assert not app.exception
        assert sys.modules["__main__"] is not main  # Streamlit left the page as __main__
        assert _spawned_exit_code() == 3  # the hazard: the new process ran the page
    assert sys.modules["__main__"] is main
    assert _spawned_exit_code() == 0
