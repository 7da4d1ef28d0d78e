"""Where the project's own files are (the model, samples, the app's pages): the checkout
when running from one, else ``<prefix>/share/sharpfields`` where the wheel installs them."""

from __future__ import annotations

import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
INSTALLED = Path(sys.prefix) / "share" / "sharpfields"


def is_checkout() -> bool:
    """True when the code runs from a source tree (it has its pyproject.toml)."""
    return (CHECKOUT / "pyproject.toml").is_file()


def project_root() -> Path:
    """The folder holding ``app.py``, ``pages/``, ``models/``, ``samples/`` and ``static/``."""
    return CHECKOUT if is_checkout() else INSTALLED
