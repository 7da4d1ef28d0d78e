"""Scenes the server can serve as map tiles, shared by the pages and the tile routes."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from sr.imagery.bands import DisplayMode
from sr.imagery.render import Pyramid, view_bands
from sr.imagery.scene import Scene, Stretch, percentile_stretch


@dataclass
class ServedScene:
    """A scene with its render sources and its display stretch per mode (computed once)."""

    scene: Scene
    pyramid: Pyramid
    _stretches: dict[tuple[str, int], Stretch] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def stretch(self, mode: DisplayMode, date: int = 0) -> Stretch:
        """The display stretch of a mode on one of the scene's dates (computed once)."""
        with self._lock:
            if (mode, date) not in self._stretches:
                self._stretches[(mode, date)] = percentile_stretch(
                    self.scene, view_bands(self.scene.date_bands(date), mode)
                )
            return self._stretches[(mode, date)]


class SceneRegistry:
    """Process-wide map of scene id → ServedScene. Thread-safe."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self._scenes: dict[str, ServedScene] = {}
        self._preparing: dict[str, threading.Lock] = {}  # one lock per scene being prepared
        self._lock = threading.Lock()  # guards the two maps only, never held during work

    def register(
        self, scene: Scene, like: ServedScene | None = None, like_date: int = 0
    ) -> ServedScene:
        """Make a scene servable (builds a reduced copy once for big scenes without overviews,
        within the work budget of ``sr.imagery.raster_guard``).

        Preparing one scene holds only that scene's lock: others are served meanwhile.
        ``like``: show it with another scene's colour stretch (an enhanced area of that
        scene, of its date ``like_date``), so that both look the same and can be compared.
        """
        with self._lock:
            served = self._scenes.get(scene.scene_id)
            if served is not None and served.scene != scene:
                # the same file read otherwise (a coordinator's answer about its values):
                # the same tiles and stretches, the new reading
                served = ServedScene(scene, served.pyramid, dict(served._stretches))
                self._scenes[scene.scene_id] = served
            if served is not None:
                return served
            preparing = self._preparing.setdefault(scene.scene_id, threading.Lock())
        with preparing:
            with self._lock:
                served = self._scenes.get(scene.scene_id)
            if served is not None:  # prepared by another request meanwhile
                return served
            served = ServedScene(scene, Pyramid(scene, self.cache_dir))
            if like is not None:
                for mode in ("true", "false"):
                    if mode == "true" or scene.bands.nir:
                        served._stretches[(mode, 0)] = like.stretch(mode, like_date)
            with self._lock:
                self._scenes[scene.scene_id] = served
                self._preparing.pop(scene.scene_id, None)
            return served

    def get(self, scene_id: str) -> ServedScene | None:
        with self._lock:
            return self._scenes.get(scene_id)


_registry: SceneRegistry | None = None


def registry() -> SceneRegistry:
    """The process's registry (created on first use, in the data folder's cache)."""
    global _registry
    if _registry is None:
        from ui.settings import cache_dir

        _registry = SceneRegistry(cache_dir())
    return _registry
