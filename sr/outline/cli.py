"""``python -m sr outline``: field outlines from clicks (or every field) as GeoJSON.

    python -m sr outline IMAGE --at COL,ROW [--at COL,ROW …] [--all] --out OUT.geojson

One feature per click that lands in a field, in click order, with ``click`` = the 0-based
index of its ``--at``; a click in no field gives no feature and one line on stderr. ``--all``
adds every field of the image (property ``field``, largest first). Coordinates: RFC 7946
lon/lat for a georeferenced image, pixel (column, row) of the image otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from rasterio.warp import transform_geom
from shapely.geometry import Polygon, mapping

from sr.errors import UsageError
from sr.imagery.raster_io import read_raster
from sr.outline.assist import all_outlines, click_instance, field_instances, outlines_at
from sr.outline.segment import default_segmenter

MAX_OUTLINE_PIXELS = 2048 * 2048  # larger images: cut an area first (python -m sr enhance --bbox)


def click_argument(text: str) -> tuple[float, float]:
    """--at 'COL,ROW' (pixels, 0-based, from the top-left corner) → (col, row)."""
    parts = text.split(",")
    try:
        col, row = (float(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--at needs a pixel position COL,ROW such as 120,64, got {text!r}"
        ) from None
    return col, row


def configure_outline(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("image", type=Path, help="GeoTIFF (any bands) or PNG/JPEG image")
    parser.add_argument(
        "--at",
        type=click_argument,
        action="append",
        default=[],
        metavar="COL,ROW",
        help="a click inside a field, in pixels of the image (repeat for more fields)",
    )
    parser.add_argument("--all", action="store_true", help="also every field of the image")
    parser.add_argument("--out", type=Path, required=True, help="GeoJSON file to write")


def run_outline(args: argparse.Namespace) -> None:
    """Outline the fields under clicks (or every field) of an image, as GeoJSON."""
    if not args.at and not args.all:
        raise UsageError("give at least one --at COL,ROW, or --all")
    raster = read_raster(args.image)
    _, rows, cols = raster.array.shape
    if rows * cols > MAX_OUTLINE_PIXELS:
        raise UsageError(
            f"{args.image.name} is {cols} × {rows} px; outline at most 2048 × 2048 px at once "
            "(cut an area of it first)."
        )
    segmenter = default_segmenter()
    image = raster.array.astype(np.float32)
    if raster.nodata is not None:
        image[raster.array == raster.nodata] = np.nan  # no data: in no field
    instances = field_instances(image, segmenter)
    transform = raster.transform if raster.georeferenced else None

    def feature(polygon: Polygon, **properties: Any) -> dict[str, Any]:
        geometry = mapping(polygon)
        if transform is not None:
            geometry = transform_geom(raster.crs, "EPSG:4326", geometry)
        properties["assist"] = segmenter.version
        return {"type": "Feature", "properties": properties, "geometry": geometry}

    features = []
    for index, (click, polygon) in enumerate(
        zip(args.at, outlines_at(instances, args.at, transform), strict=True)
    ):
        if polygon is None:
            col, row = click
            inside = 0 <= col < cols and 0 <= row < rows
            where = "is in no field" if inside else f"is outside the image ({cols} × {rows} px)"
            reason = (
                ""
                if click_instance(instances, click) or not inside
                else (" (a road, a boundary or unfarmed land?)")
            )
            print(f"click {index} at {col:g},{row:g} {where}{reason}: no outline", file=sys.stderr)
            continue
        features.append(feature(polygon, click=index))
    if args.all:
        for number, polygon in enumerate(all_outlines(instances, transform)):
            features.append(feature(polygon, field=number))
    collection = {"type": "FeatureCollection", "features": features}
    args.out.write_text(json.dumps(collection) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(features)} outline(s))", file=sys.stderr)
