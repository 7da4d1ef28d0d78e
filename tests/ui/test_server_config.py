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
