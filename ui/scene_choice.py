"""Which scenes may be opened, and by whom: the samples, uploads, fetched scenes and the
operator's scene folders.

A scene is named in the page address by a reference ``ROOT:RELATIVE/PATH`` (for example
``samples:danube_farmland_sentinel2.tif``), never by a server path. Every reference and
every typed path is resolved (symlinks, ``..``) and must stay inside one of the allowed folders:

* ``samples`` — the bundled samples;
* ``uploads`` — GeoTIFFs uploaded by coordinators (one sub-folder per person, with a quota);
* ``fetched`` — scenes fetched from a catalogue into the data folder;
* ``server1``, ``server2`` … — the folders in ``SHARPFIELDS_SCENE_DIRS`` (separated by
  ``:``), where coordinators may open files by path.

Refusals of server paths all say the same thing ("not an allowed scene"), so the app never
tells a visitor which server paths exist; the real reason goes to the server log.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sr.fsutil import atomic_write, safe_file_stem
from sr.imagery.band_layout import AmbiguousLayoutError, LayoutBook
from sr.imagery.raster_guard import open_raster
from sr.imagery.scene import Scene, open_scene
from sr.imagery.scene_errors import SceneError
from ui.auth import Identity, person_id
from ui.settings import PROJECT_ROOT, scenes_dir, uploads_dir

log = logging.getLogger("sharpfields.scenes")

NOT_ALLOWED = (
    "That is not an allowed scene. Coordinators can open GeoTIFFs from the server's scene "
    "folders (SHARPFIELDS_SCENE_DIRS); ask the person who runs the server."
)
DEFAULT_MAX_UPLOAD_MB = 1024
DEFAULT_UPLOAD_QUOTA_MB = 4096


class SceneNotAllowedError(SceneError):
    """A scene reference or path outside the allowed folders, or not usable."""

    def __init__(self, message: str = NOT_ALLOWED) -> None:
        super().__init__(message)


class NotPermittedError(SceneError):
    """The signed-in role may not do this."""


class LayoutQuestion(SceneError):
    """An allowed scene whose band layout must be confirmed (``sr.imagery.band_layout``) before it
    opens: the reason, the scene's reference and its band count."""

    def __init__(self, refused: AmbiguousLayoutError, ref: str) -> None:
        super().__init__(str(refused))
        self.ref = ref
        self.count = refused.count


def _open_allowed(real: Path, root: SceneRoot) -> Scene:
    """Open a file already checked to lie in ``root``; a layout to confirm is a question."""
    try:
        return open_scene(real)
    except AmbiguousLayoutError as exc:
        ref = f"{root.name}:{real.relative_to(root.folder.resolve()).as_posix()}"
        raise LayoutQuestion(exc, ref) from exc


def confirm_layout(ref: str, layout: str, identity: Identity) -> Scene:
    """Keep a coordinator's band layout for the scene ``ref`` names, and open it with it
    (AmbiguousLayoutError when the layout does not fit the file; nothing is kept then)."""
    if not identity.is_coordinator:
        raise NotPermittedError("Only coordinators can confirm a scene's band layout.")
    real, root = _resolve_ref(ref)
    with open_raster(real) as ds:
        count = ds.count
    LayoutBook().confirm(real, layout, count, identity.name)
    return _open_allowed(real, root)


@dataclass(frozen=True)
class SceneRoot:
    """A folder scenes may be opened from, and the name references use for it."""

    name: str
    folder: Path


def scene_roots() -> list[SceneRoot]:
    """The allowed folders, in the order references are looked up."""
    roots = [
        SceneRoot("samples", PROJECT_ROOT / "samples"),
        SceneRoot("uploads", uploads_dir()),
        SceneRoot("fetched", scenes_dir()),
    ]
    configured = os.environ.get("SHARPFIELDS_SCENE_DIRS", "")
    folders = [Path(part).expanduser() for part in configured.split(os.pathsep) if part.strip()]
    roots += [SceneRoot(f"server{i}", folder) for i, folder in enumerate(folders, start=1)]
    return roots


def _inside(root: SceneRoot, candidate: Path) -> Path | None:
    """The real path of ``candidate`` if it is a file inside ``root`` (after symlinks)."""
    try:
        base = root.folder.resolve(strict=True)
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.is_relative_to(base) and real.is_file() else None


def scene_ref(scene: Scene) -> str:
    """The reference of an opened scene for the page address."""
    for root in scene_roots():
        real = _inside(root, scene.path)
        if real is not None:
            return f"{root.name}:{real.relative_to(root.folder.resolve()).as_posix()}"
    raise SceneNotAllowedError()


def _resolve_ref(ref: str) -> tuple[Path, SceneRoot]:
    """The real path a reference names and its root, if it lies inside that folder."""
    name, sep, relative = ref.partition(":")
    root = next((r for r in scene_roots() if r.name == name), None)
    if not sep or root is None or not relative or "\x00" in relative:
        raise SceneNotAllowedError()
    real = _inside(root, root.folder / relative)
    if real is None:
        log.warning("scene reference refused (outside its folder or missing): %r", ref)
        raise SceneNotAllowedError()
    return real, root


def open_ref(ref: str) -> Scene:
    """Open the scene a reference names, if it lies inside its allowed folder; a file
    that is no scene gets the same answer as a missing one (no probing the folders)."""
    try:
        return _open_allowed(*_resolve_ref(ref))
    except LayoutQuestion:
        raise
    except SceneError as exc:
        log.warning("scene reference refused: %r: %s", ref, exc)
        raise SceneNotAllowedError() from exc


def open_by_path(text: str, identity: Identity) -> Scene:
    """Open a file a coordinator typed: absolute, or relative to a scene folder."""
    if not identity.is_coordinator:
        raise NotPermittedError("Only coordinators can open files on the server.")
    text = text.strip().strip('"').strip("'")
    if not text:
        raise SceneError("Type the path of a GeoTIFF in one of the server's scene folders.")
    folders = [r for r in scene_roots() if r.name.startswith("server")]
    for root in folders:
        real = _inside(root, root.folder / text)  # an absolute text replaces the folder
        if real is not None:
            try:
                return _open_allowed(real, root)
            except LayoutQuestion:
                raise
            except SceneError as exc:
                log.warning("server scene refused: %s: %s", real, exc)
                break
    log.warning("server path refused for %s: %r", identity.name, text)
    raise SceneNotAllowedError()


def _upload_limit_bytes(variable: str, default_mb: int) -> int:
    value = os.environ.get(variable, "")
    return (int(value) if value.isdigit() and int(value) > 0 else default_mb) * 1024 * 1024


def max_upload_bytes() -> int:
    """The largest file a coordinator may upload ($SHARPFIELDS_MAX_UPLOAD_MB, 1024)."""
    return _upload_limit_bytes("SHARPFIELDS_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)


def person_upload_dir(identity: Identity) -> Path:
    """The upload folder of one person (named by a hash, so no name reaches the disk)."""
    return uploads_dir() / person_id(identity.name)


def save_upload(name: str, data: bytes, identity: Identity) -> Scene:
    """Keep a coordinator's uploaded GeoTIFF (named by its content hash) if it is valid.

    Refused: other roles, files over ``SHARPFIELDS_MAX_UPLOAD_MB`` (1024) and uploads past
    the person's quota ``SHARPFIELDS_UPLOAD_QUOTA_MB`` (4096). Invalid files are not kept;
    the write is atomic, so a full disk leaves no half file.
    """
    if not identity.is_coordinator:
        raise NotPermittedError("Only coordinators can upload scenes.")
    max_bytes = max_upload_bytes()
    if len(data) > max_bytes:
        raise SceneError(f"The file is larger than {max_bytes // 2**20:,} MB, the upload limit.")
    folder = person_upload_dir(identity)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(data).hexdigest()[:16]
    stem = safe_file_stem(Path(name).stem, collapse=True, max_length=40, default="scene")
    target = folder / f"{stem}-{digest}.tif"
    uploads = next(r for r in scene_roots() if r.name == "uploads")
    if target.exists():
        return _open_allowed(target, uploads)
    used = sum(p.stat().st_size for p in folder.glob("*.tif"))
    quota = _upload_limit_bytes("SHARPFIELDS_UPLOAD_QUOTA_MB", DEFAULT_UPLOAD_QUOTA_MB)
    if used + len(data) > quota:
        raise SceneError(
            f"Your uploads would exceed your quota of {quota // 2**20:,} MB "
            f"({used // 2**20:,} MB used). Ask the person who runs the server to make room."
        )

    def validate(tmp: Path) -> None:
        """Open the written upload as a scene before keeping it (errors name the upload)."""
        try:
            open_scene(tmp)
        except AmbiguousLayoutError:
            pass  # a valid raster: kept, and its layout asked about when it is opened
        except SceneError as exc:
            raise type(exc)(str(exc).replace(tmp.name, Path(name).name)) from exc

    try:
        with atomic_write(target, "wb", check=validate) as handle:
            handle.write(data)
    except OSError as exc:
        raise SceneError(f"Could not store the upload on the server: {exc.strerror}.") from exc
    log.info("upload kept for %s: %s (%d bytes)", identity.name, target.name, len(data))
    return _open_allowed(target, uploads)
