"""The scene's enhanced areas: a list (the volunteer's own first) and outlines on the map.

Each entry is a result in the cache (``sr.sharpen.cache``) with its provenance: the area, the
method and preset, when, and who pressed Enhance (``enhanced_by``; results cached before
that was recorded have no one).
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import folium
import streamlit as st

from labels.model import same_person
from sr.imagery.render import render_area
from sr.imagery.scene import BBox
from sr.sharpen.cache import CachedResult
from ui.enhance_flow import served_result
from ui.goto_box import LABEL_GOTO, forget_place
from ui.local_time import date_time
from ui.methods import method_text
from ui.registry import ServedScene
from ui.scene_map import MapParent
from ui.state import bump_map
from ui.uninterrupted import uninterrupted

OUTLINE_STYLE: dict[str, Any] = {"color": "#d500f9", "weight": 2, "fill": False, "opacity": 0.8}
THUMBNAIL_WIDTH = 160
MAX_LISTED = 12  # per group (mine, everyone else's)


@dataclass(frozen=True)
class EnhancedArea:
    """One enhanced area of a scene, as the list and the map show it."""

    result: CachedResult
    bbox: BBox
    method: str
    preset: str | None
    created: str
    by: str | None

    @classmethod
    def of(cls, result: CachedResult) -> EnhancedArea | None:
        """From a cached result's provenance (None when it does not say where it is)."""
        p = result.provenance
        try:
            west, south, east, north = (float(v) for v in p["bbox"])
        except (KeyError, TypeError, ValueError):
            return None
        return cls(
            result,
            (west, south, east, north),
            str(p.get("method", "?")),
            p.get("preset"),
            str(p.get("created", "")),
            p.get("enhanced_by"),
        )

    @property
    def key(self) -> str:
        return self.result.key


def enhanced_areas(results: Iterable[CachedResult], me: str) -> list[EnhancedArea]:
    """The areas of ``results``: mine first, then everyone else's, each newest first."""
    areas = [a for r in results if (a := EnhancedArea.of(r)) is not None]
    areas.sort(key=lambda a: a.created, reverse=True)
    mine = [a for a in areas if same_person(a.by, me)][:MAX_LISTED]
    others = [a for a in areas if not same_person(a.by, me)][:MAX_LISTED]
    return mine + others


def area_caption(area: EnhancedArea, me: str, zone: ZoneInfo | None = None) -> str:
    """'Deep Image Prior (fast) · 2026-12-01 21:40 UTC · by you' (the time in ``zone``, the
    person's, when known)."""
    who = "you" if same_person(area.by, me) else (area.by or "someone")
    when = date_time(area.created, zone)
    parts = [method_text(area.method, area.preset), when, f"by {who}"]
    if area.result.provenance.get("date_bands"):  # a scene of several dates
        parts.insert(0, str(area.result.provenance.get("date")))
    return " · ".join(p for p in parts if p)


_thumbnails: dict[str, bytes] = {}
_thumbnails_lock = threading.Lock()


def thumbnail_png(area: EnhancedArea, parent: ServedScene) -> bytes:
    """A small true-colour PNG of the enhanced area, coloured like its scene (made once)."""
    with _thumbnails_lock:
        if area.key in _thumbnails:
            return _thumbnails[area.key]
    served = served_result(area.result, parent)
    bounds = served.scene.lonlat_bounds
    west, south, east, north = bounds
    height = max(16, round(THUMBNAIL_WIDTH * (north - south) / max(east - west, 1e-12)))
    png = render_area(
        served.pyramid,
        bounds,
        (THUMBNAIL_WIDTH, min(height, 2 * THUMBNAIL_WIDTH)),
        "true",
        served.stretch("true"),
    )
    with _thumbnails_lock:
        _thumbnails[area.key] = png
    return png


def add_enhanced_outlines(
    fmap: MapParent, areas: Sequence[EnhancedArea], me: str, zone: ZoneInfo | None = None
) -> None:
    """Every enhanced area as a thin outline (clicks inside still reach the map)."""
    group = folium.FeatureGroup(name="enhanced areas", control=True)
    for area in areas:
        west, south, east, north = area.bbox
        folium.Rectangle(
            [[south, west], [north, east]],
            **OUTLINE_STYLE,
            tooltip=html.escape(f"enhanced: {area_caption(area, me, zone)}"),
        ).add_to(group)
    group.add_to(fmap)


@uninterrupted
def select_enhanced_area(area: EnhancedArea) -> None:
    """The list's Show button: that area, method and preset become the page's, so its layer
    shows, and the map flies there."""
    state = st.session_state
    state["area"] = area.bbox
    state["method"] = area.method
    state["view_date"] = int(area.result.provenance.get("date_index") or 0)  # ui.date_view
    if area.preset:
        state["preset"] = area.preset
    state.pop("show_enhanced", None)  # its enhanced view shows (ui.label_choices)
    forget_place(LABEL_GOTO)
    bump_map()
