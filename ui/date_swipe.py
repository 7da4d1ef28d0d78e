"""A swipe between two dates on the Label map: the other date's tiles over the date on
screen, shown right of a slider only (the live map's swipe, ui/js/live_map.js), so a
boundary that shows on one date can be followed across to the other."""

from __future__ import annotations

from typing import Any

from sr.imagery.bands import DisplayMode
from ui.live_map import OTHER_DATE_Z, scene_spec
from ui.registry import ServedScene
from ui.scene_map import TileKey


def date_swipe_spec(
    served: ServedScene, mode: DisplayMode, tile_key: TileKey, date: int, other: int
) -> dict[str, Any]:
    """The scene's date ``other`` over the map (showing ``date``), right of the slider."""
    dates = served.scene.dates
    return scene_spec(
        served,
        mode,
        tile_key,
        other,
        key="other-date",
        z_index=OTHER_DATE_Z,
        swipe=(dates[date].label, dates[other].label),
    )
