"""The QGIS style stored in a GeoPackage export: fields coloured by crop (a categorized
renderer on ``crop:name``, the map's colours), as the ``layer_styles`` row QGIS loads by
default when the layer is opened."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pandas as pd
import pyogrio

from labels.crop_colours import crop_colour
from labels.model import DEFAULT_CROPS, PROPERTY_NAMES

STYLE_TABLE = "layer_styles"  # the table name QGIS reads (and writes) styles in
STYLE_NAME = "sharpfields: fields by crop"
CROP_FIELD = PROPERTY_NAMES["crop"]


def _rgb(colour: str, alpha: int) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"{red},{green},{blue},{alpha}"


def _symbol(name: str, colour: str) -> str:
    options = {
        "color": _rgb(colour, 90),
        "outline_color": _rgb(colour, 255),
        "outline_width": "0.6",
        "outline_width_unit": "MM",
        "style": "solid",
    }
    values = "".join(
        f'<Option name="{key}" type="QString" value="{value}"/>' for key, value in options.items()
    )
    return (
        f'<symbol type="fill" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">'
        f'<layer class="SimpleFill" enabled="1" pass="0" locked="0">'
        f'<Option type="Map">{values}</Option></layer></symbol>'
    )


def crop_style_qml(crops: Sequence[str] = DEFAULT_CROPS) -> str:
    """A QGIS style (QML): one category per crop, filled in its colour at 35 % opacity."""
    categories = "".join(
        f'<category symbol="{i}" value={quoteattr(crop)} label={quoteattr(crop)} render="true"/>'
        for i, crop in enumerate(crops)
    )
    symbols = "".join(_symbol(str(i), crop_colour(crop)) for i, crop in enumerate(crops))
    attr = quoteattr(f'"{CROP_FIELD}"')  # a quoted field name: it has a colon
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        '<qgis version="3.28.0" styleCategories="Symbology">'
        f'<renderer-v2 type="categorizedSymbol" attr={attr} forceraster="0" '
        'symbollevels="0" enableorderby="0">'
        f"<categories>{categories}</categories><symbols>{symbols}</symbols>"
        "</renderer-v2></qgis>\n"
    )


def add_crop_style(path: Path, layer: str, geometry_column: str = "geom") -> None:
    """Add the ``layer_styles`` table with the crop style of ``layer`` as its default."""
    row = {
        "f_table_catalog": "",
        "f_table_schema": "",
        "f_table_name": layer,
        "f_geometry_column": geometry_column,
        "styleName": STYLE_NAME,
        "styleQML": crop_style_qml(),
        "styleSLD": "",
        "useAsDefault": True,
        "description": "Fields coloured by crop, as on the sharpfields map",
        "owner": "",
        "ui": "",
        "update_time": pd.Timestamp(datetime.now(UTC)),
    }
    frame = pd.DataFrame([row])
    pyogrio.write_dataframe(frame, path, layer=STYLE_TABLE, driver="GPKG", append=True)
