"""What a coordinator answered about one version of a scene file: one small JSON file per
version in a folder of the data folder, so a changed file is asked about again."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from sr.fsutil import atomic_write, file_version_key


def answers_folder(name: str) -> Path:
    """``$SHARPFIELDS_DATA/<name>`` (default ``./data``, as for the rest of the app's files)."""
    root = os.environ.get("SHARPFIELDS_DATA", Path(__file__).resolve().parents[2] / "data")
    return Path(root) / name


class FileAnswers:
    """Answers kept per file version in ``folder``; each answer is a JSON object."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _entry(self, path: Path) -> Path:
        return self.folder / f"{file_version_key(path)}.json"

    def read(self, path: Path) -> dict[str, Any] | None:
        """The answer kept for this version of ``path``; None when none is (or it is unreadable)."""
        try:
            entry = json.loads(self._entry(path).read_text())
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) else None

    def write(self, path: Path, record: dict[str, Any]) -> None:
        """Keep ``record`` (with the file's name) as the answer for this version of ``path``."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with atomic_write(self._entry(path), "w") as handle:
            handle.write(json.dumps({"file": path.name, **record}))

    def forget(self, path: Path) -> None:
        """Drop the answer for this version of ``path``, so it is asked again."""
        self._entry(path).unlink(missing_ok=True)
