"""The ``sharpfields`` command: start the app (``streamlit run server.py``) from wherever
the project's files are (a checkout, or an installed wheel), in any folder.

The app's Streamlit settings (``.streamlit/config.toml``) are passed as options, since
Streamlit reads that file only from the folder it is started in; label stores and caches go
to ``$SHARPFIELDS_DATA``, by default ``./data`` in the folder the command runs in (the
checkout's own ``data/`` when run from a checkout)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

from sr.logs import configure_logging
from sr.project_files import is_checkout, project_root
from sr.version import version_line


def streamlit_options(config: Path) -> list[str]:
    """``--section.key value`` options for every setting of a Streamlit config file."""
    if not config.is_file():
        return []
    settings = tomllib.loads(config.read_text(encoding="utf-8"))
    options: list[str] = []
    for section, values in settings.items():
        for key, value in values.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            options += [f"--{section}.{key}", text]
    return options


def command(port: int, extra: Sequence[str] = ()) -> list[str]:
    """The ``streamlit run`` command line that starts the app."""
    root = project_root()
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(root / "server.py"),
        *streamlit_options(root / ".streamlit" / "config.toml"),
        "--server.port",
        str(port),
        *extra,
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Start the app; returns Streamlit's exit status."""
    parser = argparse.ArgumentParser(
        prog="sharpfields",
        description="Start the sharpfields app (sharpen Sentinel-2 scenes, outline crop "
        "fields) and open http://localhost:PORT in a browser. Other options go to "
        "streamlit run.",
    )
    parser.add_argument("--version", action="version", version=version_line("sharpfields"))
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("PORT", "8501")), help="default 8501"
    )
    args, extra = parser.parse_known_args(argv)
    configure_logging()
    if not is_checkout():
        os.environ.setdefault("SHARPFIELDS_DATA", str(Path.cwd() / "data"))
    vendor = project_root() / "static" / "vendor"
    if not vendor.is_dir():
        print(
            f"note: {vendor} is missing, so the map cannot draw; build the package after "
            "scripts/setup.sh (npm ci) has filled static/vendor",
            file=sys.stderr,
        )
    return subprocess.call(command(args.port, extra))


def entry_point() -> None:
    """The ``sharpfields`` console script."""
    sys.exit(main())
