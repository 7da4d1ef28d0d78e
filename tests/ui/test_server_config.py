"""The Streamlit settings the server runs with (.streamlit/config.toml)."""

from __future__ import annotations

import os

import streamlit.config as config

from tests.conftest import PROJECT_ROOT


def test_the_server_does_not_collect_all_garbage_after_every_script_run() -> None:
    """Streamlit's default gc.collect(2) after every run held the GIL 0.3 s or more with
    the app's libraries loaded; with two volunteers' jobs panels refreshing each second the
    server spent 0.62 cores on it, 0.02 without (bench/results/server_cpu.md)."""
    here = os.getcwd()
    os.chdir(PROJECT_ROOT)  # Streamlit reads ./.streamlit/config.toml, as `streamlit run` does
    try:
        config.get_config_options(force_reparse=True)
        assert config.get_option("runner.postScriptGC") is False
        assert config.get_option("server.enableStaticServing") is True
    finally:
        os.chdir(here)
        config.get_config_options(force_reparse=True)


def test_one_script_run_at_a_time_per_page() -> None:
    """With Streamlit's fast reruns, the browser's next event starts a second run while a
    save's callback still writes the drafts (ui/uninterrupted.py); the app turns them off."""
    here = os.getcwd()
    os.chdir(PROJECT_ROOT)
    try:
        config.get_config_options(force_reparse=True)
        assert config.get_option("runner.fastReruns") is False
    finally:
        os.chdir(here)
        config.get_config_options(force_reparse=True)
