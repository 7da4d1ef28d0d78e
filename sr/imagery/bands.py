"""Which band of a scene is red, green, blue and near-infrared, from band names or order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sr.imagery.scene_errors import SceneError

DisplayMode = Literal["true", "false", "ndvi"]

# Band descriptions (lower case, no spaces or underscores) that name a band's role,
# in Sentinel-2 and Landsat conventions.
_ROLE_NAMES = {
    "red": {"red", "b4", "b04", "srb4", "band4"},
    "green": {"green", "b3", "b03", "srb3", "band3"},
    "blue": {"blue", "b2", "b02", "srb2", "band2"},
    "nir": {"nir", "b8", "b08", "b8a", "nir08", "srb5", "band8"},
}


@dataclass(frozen=True)
class BandRoles:
    """1-based band indexes of the colour bands (and NIR, if the scene has one)."""

    red: int
    green: int
    blue: int
    nir: int | None = None

    def for_mode(self, mode: DisplayMode) -> tuple[int, int, int]:
        """Bands shown as (R, G, B): true colour, or false colour NIR-R-G."""
        if mode == "true":
            return (self.red, self.green, self.blue)
        if mode == "false":
            if self.nir is None:
                raise SceneError("This scene has no near-infrared band, so no false colour view.")
            return (self.nir, self.red, self.green)
        raise ValueError(f"unknown display mode {mode!r}")


def guess_band_roles(
    descriptions: tuple[str | None, ...], colorinterp: tuple[object, ...] = ()
) -> BandRoles:
    """Find red, green, blue and NIR bands from band names, else assume R, G, B, NIR order.

    The default order matches Sentinel-2 stacks as usually exported for labelling
    (B4, B3, B2, B8) and plain RGB images.
    """
    found: dict[str, int] = {}
    for index, desc in enumerate(descriptions, start=1):
        role = role_of_name(desc or "")
        if role is not None and role not in found:
            found[role] = index
    if {"red", "green", "blue"} <= found.keys():
        return BandRoles(found["red"], found["green"], found["blue"], found.get("nir"))
    interp = [getattr(c, "name", str(c)) for c in colorinterp]
    if interp[:3] == ["blue", "green", "red"]:
        return BandRoles(3, 2, 1, 4 if len(descriptions) >= 4 else None)
    return BandRoles(1, 2, 3, 4 if len(descriptions) >= 4 else None)


def role_of_name(name: str) -> str | None:
    """'red', 'green', 'blue' or 'nir' for a band name ("B4", "sr_b4", "B04 red 2024-07-05"),
    or None (Sentinel-2's "red edge" bands are not red)."""
    text = name.strip().lower()
    if "edge" in text:
        return None
    # The whole name without separators ("B 04", "sr_b4"), or any of its words ("B4 red").
    tokens = {text.replace(" ", "").replace("_", ""), *re.split(r"[\s_:-]+", text)}
    for role, names in _ROLE_NAMES.items():
        if tokens & names:
            return role
    return None
