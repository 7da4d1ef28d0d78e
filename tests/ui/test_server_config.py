"""The Streamlit settings the server runs with (.streamlit/config.toml)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit.config as config

from tests.conftest import PROJECT_ROOT


@contextmanager
def _project_config() -> Iterator[None]:
    """Streamlit's options as read from ./.streamlit/config.toml, as `streamlit run` does."""
    here = os.getcwd()
    os.chdir(PROJECT_ROOT)
    try:
        config.get_config_options(force_reparse=True)
        yield
    finally:
        os.chdir(here)
        config.get_config_options(force_reparse=True)


def test_the_server_does_not_collect_all_garbage_after_every_script_run() -> None:
    """Streamlit's default gc.collect(2) after every run held the GIL 0.3 s or more with
    the app's libraries loaded; with two volunteers' jobs panels refreshing each second the
    server spent 0.62 cores on it, 0.02 without (bench/results/server_cpu.md)."""
    with _project_config():
        assert config.get_option("runner.postScriptGC") is False
        assert config.get_option("server.enableStaticServing") is True


def test_one_script_run_at_a_time_per_page() -> None:
    """With Streamlit's fast reruns, the browser's next event starts a second run while a
    save's callback still writes the drafts (ui/uninterrupted.py); the app turns them off."""
    with _project_config():
        assert config.get_option("runner.fastReruns") is False
