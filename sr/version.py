"""The installed sharpfields version (the package's metadata; pyproject.toml's in a checkout)."""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def sharpfields_version() -> str:
    """``0.1.0``: the installed distribution's version, else the checkout's pyproject.toml."""
    try:
        return metadata.version("sharpfields")
    except metadata.PackageNotFoundError:
        pass
    try:
        found = re.search(r'^version = "([^"]+)"', PYPROJECT.read_text(), re.MULTILINE)
    except OSError:
        found = None
    return found.group(1) if found else "unknown"


def program_name(module: str) -> str:
    """How the running command was called: ``sharpfields-sr`` when installed, else
    ``python -m sr`` (``module``) when started with ``-m``."""
    called = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return f"python -m {module}" if called in ("", "__main__.py", "-m", "-c") else called


def version_line(program: str) -> str:
    """``sharpfields-sr (sharpfields 0.1.0)`` for ``--version``."""
    return f"{program} (sharpfields {sharpfields_version()})"
