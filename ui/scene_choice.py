"""Choosing the scene to work on: the bundled sample, a path on the server, or an upload."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from sr.scene import Scene, SceneError, open_scene


def open_by_path(text: str) -> Scene:
    """Open a scene from a path typed by the user (``~`` expanded), with a clear error."""
    text = text.strip().strip('"').strip("'")
    if not text:
        raise SceneError("Type the path of a GeoTIFF on the server.")
    return open_scene(Path(text).expanduser())


def save_upload(name: str, data: bytes, folder: Path) -> Scene:
    """Keep an uploaded raster (named by its content hash) if it is a valid scene.

    Invalid files are not kept. The write is atomic, so a full disk leaves no half file.
    """
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(name).suffix.lower() or ".tif"
    digest = hashlib.sha256(data).hexdigest()[:16]
    target = folder / f"{Path(name).stem[:40]}-{digest}{suffix}"
    if target.exists():
        return open_scene(target)
    fd, tmp_name = tempfile.mkstemp(dir=folder, suffix=suffix)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        open_scene(tmp)  # validate before keeping it
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SceneError(f"Could not store the upload on the server: {exc.strerror}.") from exc
    except SceneError as exc:
        tmp.unlink(missing_ok=True)
        raise type(exc)(str(exc).replace(tmp.name, name)) from exc
    return open_scene(target)
