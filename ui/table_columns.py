"""How a table's columns show in ``st.dataframe``: what a header means when pointed at, and
how its numbers are written."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st


def column_config(
    helps: Mapping[str, str], formats: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``st.dataframe``'s ``column_config``: each column of ``helps`` with its help, those of
    ``formats`` as numbers in that printf format (``"%.2f"``, ``"%.0f %%"``)."""
    formats = formats or {}
    config: dict[str, Any] = {}
    for name in {**helps, **formats}:
        if name in formats:
            config[name] = st.column_config.NumberColumn(format=formats[name], help=helps.get(name))
        else:
            config[name] = st.column_config.Column(help=helps[name])
    return config
