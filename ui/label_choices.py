"""The Label page's choices as they are on screen, read when they are used.

A button's ``args`` are fixed when the page last ran to the button, but a click can reach
the server while the rerun caused by the previous choice (a crop picked a moment before)
is still under way: the callback would then act on the choice before. So the save reads
every choice from the session state at click time — Streamlit writes the values of all
widgets of the click's message there before it calls any callback.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from sr.imagery.scene import Scene
from sr.imagery.scene_errors import SceneError
from sr.sharpen.cache import CachedResult
from sr.sharpen.pipeline import SharpenRequest
from ui.date_view import current_date
from ui.enhance_flow import cached_result
from ui.label_actions import DrawnOn, drawn_on_view
from ui.settings import dip_iterations_override

CROP_KEY = "crop"
SHOW_ENHANCED_KEY = "show_enhanced"


def current_request(
    state: MutableMapping[str, Any], scene: Scene, volunteer: str
) -> SharpenRequest | None:
    """The sharpening the page's area, method and preset ask for (None without an area)."""
    area = state.get("area")
    if not area:
        return None
    return SharpenRequest(
        scene,
        area,
        str(state.get("method")),
        str(state.get("preset", "fast")),
        iterations=dip_iterations_override(),
        requested_by=volunteer,
        date=current_date(scene),
    )


def shown_result(
    state: MutableMapping[str, Any], scene: Scene, volunteer: str
) -> CachedResult | None:
    """The enhanced area the map shows now (None when it shows the original scene)."""
    request = current_request(state, scene, volunteer)
    if request is None or not state.get(SHOW_ENHANCED_KEY, True):
        return None
    try:
        return cached_result(request)
    except SceneError:
        return None


def crop_on_screen(state: MutableMapping[str, Any], default: str) -> str:
    """The crop the box shows now."""
    return str(state.get(CROP_KEY) or default)


def drawn_on_screen(state: MutableMapping[str, Any], scene: Scene, volunteer: str) -> DrawnOn:
    """What a field saved now is drawn on, from the choices on screen."""
    return drawn_on_view(scene, shown_result(state, scene, volunteer))
