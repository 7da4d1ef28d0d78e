"""How an enhanced area is judged for people: a consistency badge, the detail the model
added, and a map layer with a legend for each.

The words are for volunteers and reviewers, not for image scientists: "faithful" means
that averaging the sharpened pixels over each original pixel gives back what the satellite
measured — nothing more; "detail added by the model" is what the sharpening put inside the
original pixels beyond interpolating them (:mod:`sr.sharpen.added_detail`), which only a look at the
original can confirm (:mod:`sr.sharpen.assessment` has the thresholds and where they come from).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import folium
import numpy as np
import rasterio
from rasterio.warp import transform_bounds

from sr.sharpen.assessment import (
    ADDED_LITTLE,
    ADDED_SOME,
    CHECK_LIMITS,
    CONSISTENT_LIMITS,
    AddedDetail,
    Badge,
    added_level,
    added_of,
    badge_of,
)

BadgeColour = Literal[
    "red", "orange", "yellow", "blue", "green", "violet", "gray", "grey", "primary"
]


@dataclass(frozen=True)
class BadgeText:
    label: str
    colour: BadgeColour
    explanation: str


TEXTS = {
    Badge.CONSISTENT: BadgeText(
        "faithful",
        "green",
        "Averaged over each original pixel, the sharpened area gives back what the satellite "
        "measured. That does not prove that sharp edges inside a pixel are real: see the "
        "detail added by the model below.",
    ),
    Badge.CHECK: BadgeText(
        "check",
        "orange",
        "The sharpened area changes the original pixels a little. Turn on the consistency map "
        "and compare with the original before drawing where it is coloured.",
    ),
    Badge.INCONSISTENT: BadgeText(
        "not faithful",
        "red",
        "The sharpened area changes what the satellite measured. Draw on the original "
        "view instead, or sharpen again with another method.",
    ),
}
ADDED_TEXTS = {
    AddedDetail.LITTLE: "little: the picture is close to the satellite data, interpolated.",
    AddedDetail.SOME: (
        "as much as the default method adds on test imagery. Sharp edges inside the original "
        "pixels come from the model: check them against the original (key E)."
    ),
    AddedDetail.MUCH: (
        "more than the default method added on any test image. Compare with the original "
        "(key E) before drawing an edge you see only here."
    ),
}
CONSISTENCY_LEGEND = (
    "Consistency map: :orange[■] amber where the area changes the original pixels by more "
    "than 0.5 %, :red[■] red above 2 %; clear where it keeps them (with the consistency "
    "step, every area the app makes is clear)."
)
ADDED_LEGEND = (
    ":violet[■] Added by the model — check against the original "
    "(faint from 0.5 %, strong from 5 % of the typical brightness)."
)
UNCHECKED = BadgeText(
    "not checked",
    "gray",
    "This area was sharpened before the app checked results; sharpen it again to check it.",
)


def badge_text(provenance: dict[str, Any]) -> BadgeText:
    """The badge of a cached result's provenance, in plain words."""
    found = badge_of(provenance)
    return UNCHECKED if found is None else TEXTS[found]


def change_percent(provenance: dict[str, Any]) -> float | None:
    """The mean change to the original pixels, in percent (None when not measured)."""
    try:
        return 100 * float(provenance["consistency"]["consistency"]["reflectance_l1_relative"])
    except (KeyError, TypeError, ValueError):
        return None


def badge_caption(provenance: dict[str, Any]) -> str:
    """The badge's explanation, with the measured mean change when there is one."""
    change = change_percent(provenance)
    text = badge_text(provenance).explanation
    return text if change is None else f"{text} Mean change to the original pixels: {change:.2f} %."


def added_caption(provenance: dict[str, Any]) -> str:
    """The detail the model added beyond interpolating the data, in plain words."""
    added = added_of(provenance)
    if added is None:
        return "Detail added by the model: not measured (sharpened before the app measured it)."
    return f"Detail added by the model: {100 * added:.1f} % — {ADDED_TEXTS[added_level(added)]}"


def added_colours(added: np.ndarray) -> np.ndarray:
    """(h, w) added detail → (h, w, 4) RGBA: clear below 0.5 %, violet growing to opaque
    at 5 % and above; NaN transparent."""
    rgba = np.zeros((*added.shape, 4), np.uint8)
    strength = np.clip(
        (np.nan_to_num(added) - ADDED_LITTLE) / (ADDED_SOME - ADDED_LITTLE), 0.0, 1.0
    )
    shown = np.nan_to_num(added) > ADDED_LITTLE
    rgba[..., 0], rgba[..., 1], rgba[..., 2] = 170, 60, 255
    rgba[..., 3] = np.where(shown, 60 + 160 * strength, 0).astype(np.uint8)
    return rgba


def added_layer(map_path: Path) -> folium.FeatureGroup:
    """The per-pixel added detail of an enhanced area as an overlay."""
    return _overlay(map_path, added_colours, "added by the model")


def colour_map(error: np.ndarray) -> np.ndarray:
    """(h, w) relative errors → (h, w, 4) RGBA: clear where faithful, amber for "check",
    red beyond; NaN transparent."""
    rgba = np.zeros((*error.shape, 4), np.uint8)
    check = error > CONSISTENT_LIMITS.relative_l1
    bad = error > CHECK_LIMITS.relative_l1
    rgba[check] = (255, 176, 0, 150)
    rgba[bad] = (220, 30, 30, 190)
    return rgba


def consistency_layer(map_path: Path, name: str = "consistency map") -> folium.FeatureGroup:
    """The per-pixel consistency map of an enhanced area as an overlay on a folium map."""
    return _overlay(map_path, colour_map, name)


def _overlay(
    map_path: Path, colours: Callable[[np.ndarray], np.ndarray], name: str
) -> folium.FeatureGroup:
    with rasterio.open(map_path) as ds:
        values = ds.read(1)
        west, south, east, north = transform_bounds(ds.crs, "EPSG:4326", *ds.bounds)
    group = folium.FeatureGroup(name=name, show=True)
    folium.raster_layers.ImageOverlay(
        image=colours(values),
        bounds=[[south, west], [north, east]],
        interactive=False,
        zindex=500,
    ).add_to(group)
    return group
