"""Reading what the volunteer did on the Label page's map (the value st_folium returns)."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from labels.model import Label
from sr.imagery.scene import BBox, Scene
from ui.drawings import Draft, diff_drawings
from ui.enhance_flow import area_around


def _drawn_rectangle(event: Mapping[str, Any]) -> BBox | None:
    """The bounds of the last drawing when it is a rectangle drawn with the draw tool."""
    drawing = event.get("last_active_drawing") or {}
    geometry = drawing.get("geometry") if isinstance(drawing, Mapping) else None
    drawn = [f.get("geometry") for f in event.get("all_drawings") or [] if isinstance(f, Mapping)]
    if not isinstance(geometry, Mapping) or geometry.get("type") != "Polygon":
        return None
    if geometry not in drawn:  # a clicked field, outline or area: not drawn with the tool
        return None
    ring = geometry["coordinates"][0]
    lons, lats = {p[0] for p in ring}, {p[1] for p in ring}
    if len(ring) != 5 or len(lons) != 2 or len(lats) != 2:  # a field outline, not a rectangle
        return None
    return (min(lons), min(lats), max(lons), max(lats))


def chosen_area(event: Mapping[str, Any], scene: Scene) -> BBox | None:
    """The area a drawn rectangle or a click on empty ground selects (a drawing wins), or None.

    streamlit-folium reports a click on a field (or any shape) three ways: the point as
    ``last_object_clicked``, the same point as ``last_clicked`` (the click reaches the map
    too) and the shape's GeoJSON as ``last_active_drawing``. So a drawing counts only when
    it is a rectangle among ``all_drawings`` (made with the draw tool), and a click only
    when no shape was clicked at that point.
    """
    rectangle = _drawn_rectangle(event)
    if rectangle is not None:
        return rectangle
    click = event.get("last_clicked")
    if click and click != event.get("last_object_clicked"):
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


CLICK_PARTS = ("last_clicked", "last_object_clicked", "last_active_drawing")
_SEEN = "map_event_seen"  # the map's event as last acted on
VIEW_REPORT = "sharpfields_view"  # in the map's value: what the live map adds (ui/js/live_map.js)
SAME_CLICK_DEG = 1e-12


def drawing_click(event: Mapping[str, Any]) -> bool:
    """Whether the map's last click (``last_clicked``) was one of Leaflet.draw's: a vertex of
    a field being drawn, or a click while editing or deleting. The live map tells the last
    such click in its report (``draw_click``); it is no click on the map's ground."""
    report = event.get(VIEW_REPORT)
    click = event.get("last_clicked")
    drawn = report.get("draw_click") if isinstance(report, Mapping) else None
    if not isinstance(click, Mapping) or not isinstance(drawn, Mapping):
        return False  # none, or not what the live map sends: no vertex
    try:
        return all(abs(float(click[k]) - float(drawn[k])) <= SAME_CLICK_DEG for k in ("lat", "lng"))
    except (KeyError, TypeError, ValueError):
        return False


def map_news(state: MutableMapping[Any, Any], key: str, clicks: bool = True) -> dict[str, Any]:
    """The parts of the map's last event (``state[key]``) not acted on yet.

    The live map (ui.live_map) is not rebuilt after a save or a delete, so the component
    keeps reporting its last drawings and clicks with every later event: after a save, the
    saved drawing is still among ``all_drawings`` (without its label id) until the next
    drawing event. A part counts once, when it differs from the event seen before: the
    drawings (``all_drawings``) and the clicks (the other three parts, together). Parts
    that did not change are left out (no drawing event, no click); a click that
    Leaflet.draw took (:func:`drawing_click`) is no click (``last_clicked`` None). Without
    ``clicks``, only the drawings are taken: a click stays news for the next look.
    """
    event = dict(state.get(key) or {})
    seen = state.get(_SEEN) or {}
    state[_SEEN] = event if clicks else {**seen, "all_drawings": event.get("all_drawings")}
    news: dict[str, Any] = {}
    if event.get("all_drawings") != seen.get("all_drawings"):
        news["all_drawings"] = event.get("all_drawings")
    if clicks and any(event.get(part) != seen.get(part) for part in CLICK_PARTS):
        news.update({part: event.get(part) for part in CLICK_PARTS})
        if drawing_click(event):  # a vertex drawn, now or before this news: no click
            news["last_clicked"] = None
    return news
