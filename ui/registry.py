"""Scenes the server can serve as map tiles, shared by the pages and the tile routes."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from sr.render import Pyramid
from sr.scene import DisplayMode, Scene, Stretch, percentile_stretch


@dataclass
class ServedScene:
    """A scene with its render sources and its display stretch per mode (computed once)."""

    scene: Scene
    pyramid: Pyramid
    _stretches: dict[str, Stretch] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def stretch(self, mode: DisplayMode) -> Stretch:
        with self._lock:
            if mode not in self._stretches:
                self._stretches[mode] = percentile_stretch(
                    self.scene, self.scene.bands.for_mode(mode)
                )
            return self._stretches[mode]


class SceneRegistry:
    """Process-wide map of scene id → ServedScene. Thread-safe."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self._scenes: dict[str, ServedScene] = {}
        self._preparing: dict[str, threading.Lock] = {}  # one lock per scene being prepared
        self._lock = threading.Lock()  # guards the two maps only, never held during work

    def register(self, scene: Scene, like: ServedScene | None = None) -> ServedScene:
        """Make a scene servable (builds a reduced copy once for big scenes without overviews,
        within the work budget of ``sr.raster_guard``).

        Preparing one scene holds only that scene's lock: others are served meanwhile.
        ``like``: show it with another scene's colour stretch (an enhanced area of that
        scene), so that both look the same and can be compared.
        """
        with self._lock:
            served = self._scenes.get(scene.scene_id)
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
                served._stretches.update(like._stretches)
                for mode in ("true", "false"):
                    if mode not in served._stretches and (mode == "true" or scene.bands.nir):
                        served._stretches[mode] = like.stretch(mode)
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
