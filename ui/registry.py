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
        self._lock = threading.Lock()

    def register(self, scene: Scene) -> ServedScene:
        """Make a scene servable (builds a reduced copy once for big scenes without overviews)."""
        with self._lock:
            served = self._scenes.get(scene.scene_id)
            if served is None:
                served = ServedScene(scene, Pyramid(scene, self.cache_dir))
                self._scenes[scene.scene_id] = served
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
