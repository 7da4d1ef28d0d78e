"""``python -m sr outline``: field outlines from clicks (or every field) as GeoJSON.

    python -m sr outline IMAGE --at COL,ROW [--at COL,ROW …] [--all] --out OUT.geojson
    python -m sr outline SCENE.tif --dates all --at COL,ROW --out OUT.geojson   # every date
    python -m sr outline JUNE.tif AUGUST.tif --at COL,ROW --out OUT.geojson     # two files
    python -m sr outline IMAGE --at COL,ROW --cut COL,ROW --add COL,ROW --out OUT.geojson
    python -m sr outline IMAGE --box COL,ROW,COL,ROW --out OUT.geojson   # two opposite corners

Several dates of one area — the dates a GeoTIFF's bands name (``--dates all`` or
``--dates 1,2``, :mod:`sr.imagery.band_layout`), or several co-registered images of one size — are
segmented together, so an edge that shows on any date counts (:mod:`sr.outline.dates`).
Each feature's ``assist`` says what made it and, with several dates, which.

One feature per click that lands in a field, in click order, with ``click`` = the 0-based
index of its ``--at``; a click in no field gives no feature and one line on stderr. Each
``--box`` (two opposite corners of a field) gives the field that fills it best, trimmed to it
(property ``box``; :mod:`sr.outline.box`). ``--all`` adds every field of the image (property
``field``; those off the image's edge first, each the most distinct first). Every feature's
``edge`` says whether its outline reaches the image's edge: the field may go on past the
image, its outline stopping there. Every feature's ``open_water`` says whether it looks like
open water on every date of the files that can tell (:mod:`sr.imagery.water`; null where
none has a near-infrared band), and ``--all`` leaves those out, as the Label page does, with
one line on stderr. Coordinates: RFC 7946 lon/lat for a georeferenced image, pixel (column,
row) of the image otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from affine import Affine
from rasterio.warp import transform_geom
from shapely.geometry import Polygon, mapping

from sr.errors import UsageError
from sr.imagery.bands import BandRoles, guess_band_roles
from sr.imagery.profile import pixels_inside
from sr.imagery.raster_io import Raster, read_raster
from sr.imagery.scene import open_scene
from sr.imagery.scene_errors import SceneError
from sr.imagery.water import GreenNir, WaterCheck, water_check
from sr.outline.assist import (
    all_outlines,
    click_instance,
    field_instances,
    outline_in_box,
    outlines_at,
)
from sr.outline.box import MIN_BOX_PIXELS
from sr.outline.corrections import Correction, constraints
from sr.outline.dates import chosen_combine, dates_version
from sr.outline.polygons import reaches_edge
from sr.outline.segment import (
    MAX_GROW,
    Segmenter,
    default_segmenter,
    grown,
    with_box,
    with_clicks,
)

WATER_LEFT_OUT = (  # as the Label page's Outline all leaves them out (ui.outline_queue)
    "--all left out {n} outline(s) that look like open water on every date that can tell "
    "(a river, lake or pond, or a field under water): --at a click in one outlines it anyway, "
    "with open_water true"
)
MAX_OUTLINE_PIXELS = 2048 * 2048  # larger images: cut an area first (python -m sr enhance --bbox)


def box_argument(text: str) -> tuple[float, float, float, float]:
    """--box 'COL,ROW,COL,ROW' (two opposite corners of a field, pixels) → the four numbers."""
    try:
        values = tuple(float(p) for p in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(
            f"a box needs two opposite corners COL,ROW,COL,ROW such as 10,20,90,140, got {text!r}"
        )
    col0, row0, col1, row1 = values
    return col0, row0, col1, row1


def click_argument(text: str) -> tuple[float, float]:
    """--at, --add or --cut 'COL,ROW' (pixels, 0-based, from the top-left corner) → (col,
    row)."""
    parts = text.split(",")
    try:
        col, row = (float(p) for p in parts)
    except ValueError:
        col = row = math.nan
    if not (math.isfinite(col) and math.isfinite(row)):
        raise argparse.ArgumentTypeError(
            f"a click needs a pixel position COL,ROW such as 120,64, got {text!r}"
        )
    return col, row


class CorrectionAction(argparse.Action):
    """--add / --cut: one more correction of the click's outline, kept in the given order."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        earlier = list(getattr(namespace, self.dest, None) or [])
        col, row = values
        namespace.corrections = [*earlier, Correction(col, row, add=option_string == "--add")]


def dates_argument(text: str) -> str | tuple[int, ...]:
    """--dates 'all' or '1,2' (1-based date numbers of the file)."""
    if text.strip().lower() == "all":
        return "all"
    try:
        numbers = tuple(int(p) for p in text.split(","))
    except ValueError:
        numbers = ()
    if not numbers or min(numbers) < 1:
        raise argparse.ArgumentTypeError(
            f"--dates needs 'all' or date numbers such as 1,2, got {text!r}"
        ) from None
    return numbers


def configure_outline(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "image",
        type=Path,
        nargs="+",
        help="GeoTIFF (any bands) or PNG/JPEG image; several: the dates of one area "
        "(co-registered, one size), used together",
    )
    parser.add_argument(
        "--dates",
        type=dates_argument,
        metavar="all|N,M",
        help="use these dates of a multi-date GeoTIFF together (its bands name them, as "
        "the app's scenes do, or a layout confirmed on Home): 'all' or date numbers such as "
        "1,2; the dates are segmented together, so an edge seen on any date counts. "
        "Default: the first three bands only",
    )
    parser.add_argument(
        "--at",
        type=click_argument,
        action="append",
        default=[],
        metavar="COL,ROW",
        help="a click inside a field, in pixels of the image (repeat for more fields)",
    )
    for flag, what in (("--add", "add the part under it to"), ("--cut", "cut it off")):
        parser.add_argument(
            flag,
            type=click_argument,
            action=CorrectionAction,
            dest="corrections",
            default=[],
            metavar="COL,ROW",
            help=f"a corrective click: {what} the outline of the one --at (repeat; "
            "they act in order, as the Label page's Next click)",
        )
    parser.add_argument(
        "--box",
        type=box_argument,
        action="append",
        default=[],
        metavar="COL,ROW,COL,ROW",
        help="two opposite corners of a field, in pixels of the image: the field that fills "
        "the box best, trimmed to it (repeat for more fields)",
    )
    parser.add_argument("--all", action="store_true", help="also every field of the image")
    parser.add_argument(
        "--grow",
        type=int,
        choices=range(-MAX_GROW, MAX_GROW + 1),
        default=0,
        metavar="N",
        help=f"fields N levels larger (joining more of the parts around a click; -N: "
        f"smaller), as the Label page's Larger / Smaller field buttons; -{MAX_GROW} to "
        f"{MAX_GROW}, default 0",
    )
    parser.add_argument("--out", type=Path, required=True, help="GeoJSON file to write")


def _read(path: Path) -> tuple[Raster, np.ndarray]:
    """A raster (at most MAX_OUTLINE_PIXELS) and its pixels as float32, no data as NaN."""

    raster = read_raster(path)
    _, rows, cols = raster.array.shape
    if rows * cols > MAX_OUTLINE_PIXELS:
        raise UsageError(
            f"{path.name} is {cols} × {rows} px; outline at most 2048 × 2048 px at once "
            "(cut an area of it first)."
        )
    image = raster.array.astype(np.float32)
    if raster.nodata is not None:
        image[raster.array == raster.nodata] = np.nan  # no data: in no field
    return raster, image


@dataclass(frozen=True)
class OutlineInput:
    """What ``python -m sr outline`` segments, read from its images."""

    raster: Raster  # the first image: its grid and georeference
    image: np.ndarray | list[np.ndarray]  # the image, or the dates, to segment
    labels: list[str] | None  # the dates' labels (None for one image)
    water_bands: list[GreenNir | None]  # every date's green and NIR (None: it has no NIR)

    def water_check(self, polygon: Polygon) -> WaterCheck:
        """The open-water check of an outline in the image's coordinates (its CRS, or pixels)."""
        _, rows, cols = self.raster.array.shape
        grid = self.raster.transform if self.raster.georeferenced else Affine.identity()
        assert grid is not None
        return water_check(self.water_bands, pixels_inside(polygon, (rows, cols), grid))


def open_water(check: WaterCheck) -> bool | None:
    """A feature's ``open_water``: whether it looks like open water on every date that can
    tell (:mod:`sr.imagery.water`), None where no date can (no NIR band)."""
    return check.looks_like_water if check.known else None


def water_bands(path: Path, raster: Raster, image: np.ndarray) -> list[GreenNir | None]:
    """The green and NIR bands of each date of a file, as the app takes them: its scene's
    dates (band names, or the usual R, G, B, NIR order), or the band names alone of an image
    that opens as no scene (without georeference; a PNG has no NIR). None: a date without
    NIR."""
    try:
        dates = [date.bands for date in open_scene(path, ask_layout=False).dates]
    except SceneError:
        dates = [guess_band_roles(raster.descriptions)]
    return [
        None
        if roles.nir is None or roles.nir > image.shape[0]
        else (image[roles.green - 1], image[roles.nir - 1])
        for roles in dates
    ]


def file_dates(path: Path, wanted: str | tuple[int, ...]) -> list[tuple[str, BandRoles]]:
    """The dates of a multi-date GeoTIFF picked by --dates: (label, bands) each, in time
    order."""

    try:
        scene = open_scene(path, ask_layout=False)
    except SceneError as exc:
        raise UsageError(f"--dates needs a GeoTIFF whose bands name their dates: {exc}") from exc
    dates = scene.dates
    if len(dates) < 2:
        raise UsageError(
            f"{path.name} has one date (its band names or tags name no others): "
            "leave out --dates, or give the other dates' files as more images"
        )
    numbers = tuple(range(1, len(dates) + 1)) if isinstance(wanted, str) else wanted
    if missing := [n for n in numbers if n > len(dates)]:
        raise UsageError(f"{path.name} has {len(dates)} dates, not date {missing[0]}")
    return [(dates[n - 1].label, dates[n - 1].bands) for n in numbers]


def outline_input(paths: list[Path], wanted: str | tuple[int, ...] | None) -> OutlineInput:
    """The images' pixels to segment, their grid, their dates and their water bands."""

    read = [_read(p) for p in paths]
    raster, image = read[0]
    water = [b for p, (r, im) in zip(paths, read, strict=True) for b in water_bands(p, r, im)]
    if wanted is not None:
        if len(paths) > 1:
            raise UsageError("--dates picks the dates of one file; give one image with it")
        picked = file_dates(paths[0], wanted)
        return OutlineInput(
            raster,
            [image[[b - 1 for b in roles.for_mode("true")]] for _, roles in picked],
            [label for label, _ in picked],
            water,
        )
    if len(paths) == 1:
        return OutlineInput(raster, image, None, water)
    for path, (other, _) in zip(paths[1:], read[1:], strict=True):
        if other.array.shape[1:] != raster.array.shape[1:] or other.transform != raster.transform:
            raise UsageError(
                f"{path.name} does not cover the same pixels as {paths[0].name} "
                "(the dates must be co-registered images of one size and grid)"
            )
    return OutlineInput(raster, [image for _, image in read], [p.name for p in paths], water)


def run_outline(args: argparse.Namespace) -> None:
    """Outline the fields under clicks (or every field) of an image, as GeoJSON."""
    if not args.at and not args.box and not args.all:
        raise UsageError("give at least one --at COL,ROW or --box COL,ROW,COL,ROW, or --all")
    if args.corrections and len(args.at) != 1:
        raise UsageError("--add and --cut correct the outline of one click: give one --at")
    given = outline_input(args.image, args.dates)
    raster, image, labels = given.raster, given.image, given.labels
    segmenter = grown(default_segmenter(), args.grow)
    combine = chosen_combine(segmenter)
    instances = field_instances(image, segmenter, combine=combine)
    rows, cols = instances.shape
    transform = raster.transform if raster.georeferenced else None

    def versioned(chosen: Segmenter) -> str:
        return chosen.version if labels is None else dates_version(chosen.version, labels, combine)

    version = versioned(segmenter)

    def feature(
        polygon: Polygon, made_by: str, water: WaterCheck | None = None, **properties: Any
    ) -> dict[str, Any]:
        geometry = mapping(polygon)
        if transform is not None:
            geometry = transform_geom(raster.crs, "EPSG:4326", geometry)
        properties["assist"] = made_by
        properties["open_water"] = open_water(water or given.water_check(polygon))
        return {"type": "Feature", "properties": properties, "geometry": geometry}

    def at_edge(polygon: Polygon) -> bool:
        return reaches_edge(polygon, (rows, cols), transform)

    clicked = instances
    if args.corrections:  # the one click's field, corrected (sr.outline.corrections)
        corrected = with_clicks(segmenter, constraints(args.at[0], args.corrections))
        clicked = field_instances(image, corrected, combine=combine)
    features = []
    for index, (click, polygon) in enumerate(
        zip(args.at, outlines_at(clicked, args.at, transform), strict=True)
    ):
        if polygon is None:
            col, row = click
            inside = 0 <= col < cols and 0 <= row < rows
            where = "is in no field" if inside else f"is outside the image ({cols} × {rows} px)"
            reason = (
                ""
                if click_instance(clicked, click) or not inside
                else (" (a road, a boundary or unfarmed land?)")
            )
            print(f"click {index} at {col:g},{row:g} {where}{reason}: no outline", file=sys.stderr)
            continue
        features.append(feature(polygon, version, click=index, edge=at_edge(polygon)))
    for index, box in enumerate(args.box):
        outline = outline_in_box(image, box, transform, segmenter=segmenter)
        if outline is None:
            corners = ",".join(f"{v:g}" for v in box)
            print(
                f"box {index} at {corners} holds no field (or is under {MIN_BOX_PIXELS} px "
                f"across on the image, {cols} × {rows} px): no outline",
                file=sys.stderr,
            )
            continue
        features.append(
            feature(outline, versioned(with_box(segmenter, box)), box=index, edge=at_edge(outline))
        )
    if args.all:
        found = [(p, given.water_check(p)) for p in all_outlines(instances, transform)]
        fields = [(p, check) for p, check in found if not check.looks_like_water]
        for number, (polygon, check) in enumerate(fields):
            features.append(feature(polygon, version, check, field=number, edge=at_edge(polygon)))
        if left_out := len(found) - len(fields):
            print(WATER_LEFT_OUT.format(n=left_out), file=sys.stderr)
    collection = {"type": "FeatureCollection", "features": features}
    args.out.write_text(json.dumps(collection) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(features)} outline(s))", file=sys.stderr)
