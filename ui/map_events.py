"""Reading what the volunteer did on the Label page's map (the value st_folium returns)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from labels.model import Label
from sr.scene import BBox, Scene
from ui.drawings import Draft, diff_drawings
from ui.enhance_flow import area_around


def chosen_area(event: Mapping[str, Any], scene: Scene) -> BBox | None:
    """The area a rectangle drawing or a click selects (a drawing wins), or None."""
    drawing = event.get("last_active_drawing") or {}
    geometry = drawing.get("geometry") or {}
    if geometry.get("type") == "Polygon":
        lons, lats = zip(*geometry["coordinates"][0], strict=True)
        return (min(lons), min(lats), max(lons), max(lats))
    click = event.get("last_clicked")
    if click:
        return area_around(scene, click["lng"], click["lat"])
    return None


def drawn_work(event: Mapping[str, Any], mine: Sequence[Label]) -> tuple[Draft | None, list[str]]:
    """Unsaved work on the map (None before any drawing event) and the ids removed from it."""
    features = event.get("all_drawings")
    changes = diff_drawings(features, {lab.id: lab.geometry for lab in mine})
    if features is None:
        return None, []
    versions = {lab.id: lab.version for lab in mine}
    draft = Draft(changes.new, {i: (g, versions[i]) for i, g in changes.edited.items()})
    return draft, changes.deleted
