"""On-disk cache of enhanced areas: the same area, method and model again is instant.

Each entry is a GeoTIFF plus a JSON sidecar with its provenance, and optionally extra
GeoTIFFs beside it (``<key>.<name>.tif``, e.g. the consistency map), written atomically
(temporary names, then renames, the sidecar last), so a crash or a full disk never leaves a
half entry.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sr.fsutil import replace_with


class CacheWriteError(OSError):
    """The result could not be stored (for example, the disk is full)."""


def cache_key(**parts: Any) -> str:
    """A stable key from the parts that define a result (scene, window, method, model …)."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class CachedResult:
    key: str
    path: Path
    provenance: dict[str, Any]

    def extra(self, name: str) -> Path | None:
        """The extra file ``name`` stored with this result, or None when there is none."""
        path = extra_path(self.path, name)
        return path if path.is_file() else None


def extra_path(result: Path, name: str) -> Path:
    """Where a result's extra file ``name`` lies: beside it, ``<key>.<name>.tif``."""
    return result.with_name(f"{result.stem}.{name}.tif")


class ResultCache:
    """A folder of ``<key>.tif`` results with ``<key>.json`` provenance sidecars."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, key: str) -> tuple[Path, Path]:
        return self.folder / f"{key}.tif", self.folder / f"{key}.json"

    def get(self, key: str) -> CachedResult | None:
        """The stored result, or None (also when the entry is incomplete or unreadable)."""
        raster, sidecar = self._paths(key)
        if not (raster.exists() and sidecar.exists()):
            return None
        try:
            provenance = json.loads(sidecar.read_text())
        except (OSError, ValueError):
            return None
        return CachedResult(key, raster, provenance)

    def put(
        self,
        key: str,
        write: Callable[[Path], None],
        provenance: dict[str, Any],
        extras: Mapping[str, Callable[[Path], None]] | None = None,
    ) -> CachedResult:
        """Store a result: ``write(path)`` writes the GeoTIFF to the path it is given, and
        each of ``extras`` writes its extra GeoTIFF the same way."""
        self.folder.mkdir(parents=True, exist_ok=True)
        raster, sidecar = self._paths(key)
        tmp = f"{os.getpid()}.partial"
        tmp_raster = raster.with_name(f".{key}.{tmp}.tif")
        tmp_sidecar = sidecar.with_name(f".{key}.{tmp}.json")
        extra_files = {
            extra_path(raster, name): (raster.with_name(f".{key}.{name}.{tmp}.tif"), writer)
            for name, writer in (extras or {}).items()
        }
        temporaries = [tmp_raster, tmp_sidecar, *(t for t, _ in extra_files.values())]
        try:
            write(tmp_raster)
            for tmp_extra, writer in extra_files.values():
                writer(tmp_extra)
            tmp_sidecar.write_text(json.dumps(provenance, indent=2, default=str))
            for final, (tmp_extra, _) in extra_files.items():
                replace_with(tmp_extra, final)
            replace_with(tmp_raster, raster)
            replace_with(tmp_sidecar, sidecar)  # the sidecar last: it marks the entry complete
        except OSError as exc:
            for path in temporaries:
                path.unlink(missing_ok=True)
            raise CacheWriteError(
                exc.errno, f"Could not store the enhanced area: {exc.strerror or exc}"
            ) from exc
        return CachedResult(key, raster, provenance)
