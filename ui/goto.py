"""The go-to box: a place typed as "lat, lon" or as a box "west, south, east, north"."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from sr.imagery.scene import BBox


class GoToError(ValueError):
    """The text is not a place; the message says what to type."""


@dataclass(frozen=True)
class Place:
    """Where to fly the map: a box in lon/lat degrees (a point is a small box around it)."""

    bbox: BBox

    @property
    def centre(self) -> tuple[float, float]:
        """(lat, lon) of the box's centre."""
        west, south, east, north = self.bbox
        return ((south + north) / 2, (west + east) / 2)


HELP = (
    'Type a latitude and longitude ("27.68, 84.43") or a box as west, south, east, north '
    '("84.40, 27.66, 84.46, 27.70"), in degrees.'
)
# A point is shown with about this much around it (degrees; ~500 m).
POINT_MARGIN = 0.005


def parse_place(text: str) -> Place:
    """Read "lat, lon" or "west, south, east, north" (commas, spaces or semicolons)."""
    parts = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
    try:
        values = [float(p.rstrip("°NnEe")) for p in parts]
    except ValueError as exc:
        raise GoToError(HELP) from exc
    if not all(math.isfinite(v) for v in values):
        raise GoToError(HELP)
    if len(values) == 2:
        lat, lon = values
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise GoToError(
                f"{lat:g}, {lon:g} is not on Earth: latitude comes first (−90 to 90), "
                "then longitude (−180 to 180)."
            )
        return Place(
            (lon - POINT_MARGIN, lat - POINT_MARGIN, lon + POINT_MARGIN, lat + POINT_MARGIN)
        )
    if len(values) == 4:
        west, south, east, north = values
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise GoToError(
                "A box is west, south, east, north with west < east and south < north, "
                "within ±180° and ±90°."
            )
        return Place((west, south, east, north))
    raise GoToError(HELP)
