"""One colour per crop of ``DEFAULT_CROPS``: the map's field outlines and the GeoPackage
export's QGIS style use the same ones."""

from __future__ import annotations

from labels.model import DEFAULT_CROPS

#: one colour per crop of ``DEFAULT_CROPS``, in its order (a crop list that grows fails here)
CROP_PALETTE = (
    "#1f9e89",  # rice
    "#e6ab02",  # wheat
    "#ff7f00",  # maize
    "#a6761d",  # millet
    "#fdd835",  # barley
    "#8d6e63",  # potato
    "#c0ca33",  # mustard
    "#7570b3",  # lentil
    "#66a61e",  # sugarcane
    "#e7298a",  # vegetables
    "#9e9e9e",  # fallow
    "#1f78b4",  # other
)
CROP_COLOURS = dict(zip(DEFAULT_CROPS, CROP_PALETTE, strict=True))
OTHER_COLOUR = "#ffffff"  # a crop outside the list


def crop_colour(crop: str | None) -> str:
    """The crop's colour (``#rrggbb``), white for a crop outside the list."""
    return CROP_COLOURS.get((crop or "").lower(), OTHER_COLOUR)
