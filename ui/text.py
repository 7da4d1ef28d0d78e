"""Showing text that users typed, safely."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def escape_markdown(text: str) -> str:
    """Text shown literally inside Streamlit markdown (no formatting, links or HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
