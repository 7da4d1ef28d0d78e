"""Writing a benchmark's results: the JSON beside its Markdown table, both in bench/results."""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any


def write_results(
    json_path: Path, result: Any, table: str, indent: int = 1, quiet: bool = False
) -> None:
    """Write ``result`` as ``json_path`` and ``table`` as the ``.md`` beside it, and print the
    table (unless ``quiet``: e.g. a bench that rewrites its files after every case)."""
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(result, indent=indent) + "\n")
    json_path.with_suffix(".md").write_text(table)
    if not quiet:
        print(table)


def cpu_model() -> str:
    """The CPU's model name (Linux), else the architecture: timings differ between CPUs."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()
