"""The season profile as optional export columns: per-date mean NDVI and band means of each
field of a multi-date scene (``sr.imagery.profile.season_properties``), for ``labels.export``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from labels.model import Label
from sr.imagery.profile import season_properties
from sr.imagery.scene import Scene
from sr.imagery.scene_errors import SceneError
from ui.profile_view import profile


def season_columns(scene: Scene, labels: Iterable[Label]) -> dict[str, dict[str, Any]]:
    """label id → ``season_dates``, ``ndvi_d1`` …, ``red_d1`` … for the labels drawn on
    ``scene`` (others, and fields outside it, get none: the columns are optional)."""
    if len(scene.dates) < 2:
        return {}
    columns = {}
    for label in labels:
        if label.scene_id != scene.scene_id:
            continue
        try:
            columns[label.id] = season_properties(profile(scene, label.geometry))
        except SceneError:
            continue
    return columns
