"""How an enhanced area's consistency is shown: a badge in plain words and a map layer.

The words are for volunteers and reviewers, not for image scientists: "faithful" means
that averaging the sharpened pixels over each original pixel gives back what the satellite
measured (:mod:`sr.assessment` has the thresholds).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import numpy as np
import rasterio
from rasterio.warp import transform_bounds

from sr.assessment import CHECK_LIMITS, CONSISTENT_LIMITS, Badge, badge_of


@dataclass(frozen=True)
class BadgeText:
    label: str
    colour: str  # a Streamlit badge colour
    explanation: str


TEXTS = {
    Badge.CONSISTENT: BadgeText(
        "faithful",
        "green",
        "The sharpened area keeps what the satellite measured: averaged back to the original "
        "pixels it matches them. Outlines you see here are in the data.",
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
        "The sharpened area shows things the satellite did not measure. Draw on the original "
        "view instead, or sharpen again with another method.",
    ),
}
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
    with rasterio.open(map_path) as ds:
        error = ds.read(1)
        west, south, east, north = transform_bounds(ds.crs, "EPSG:4326", *ds.bounds)
    group = folium.FeatureGroup(name=name, show=True)
    folium.raster_layers.ImageOverlay(
        image=colour_map(error),
        bounds=[[south, west], [north, east]],
        interactive=False,
        zindex=500,
    ).add_to(group)
    return group
