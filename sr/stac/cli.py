"""``python -m sr search`` and ``python -m sr fetch``: Sentinel-2 for an area from a STAC API."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sr.bbox_option import add_bbox_option
from sr.progress_bar import progress_bar
from sr.stac.area import DEFAULT_MAX_AREA_KM2, Area, area_from_bbox, area_from_geojson
from sr.stac.cloud_mask import masked_percents
from sr.stac.search import (
    DEFAULT_CATALOG,
    DEFAULT_COLLECTION,
    Candidate,
    StacSettings,
    fetch_candidate,
    search_candidates,
)
from sr.stac.stack import fetch_time_stack


def _configure_common(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    add_bbox_option(where)
    where.add_argument("--geojson", type=Path, help="area as a GeoJSON file (polygons)")
    parser.add_argument("--dates", required=True, help="START/END, e.g. 2024-06-01/2024-09-30")
    parser.add_argument(
        "--max-cloud", type=float, default=20.0, help="tile cloud cover limit, percent (20)"
    )
    parser.add_argument("--catalog", default=DEFAULT_CATALOG, help="STAC API URL (Earth Search)")
    parser.add_argument("--collection", default=DEFAULT_COLLECTION)
    parser.add_argument(
        "--max-km2", type=float, default=DEFAULT_MAX_AREA_KM2, help="largest area accepted"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def configure_search(parser: argparse.ArgumentParser) -> None:
    _configure_common(parser)


def configure_fetch(parser: argparse.ArgumentParser) -> None:
    _configure_common(parser)
    parser.add_argument("output", type=Path, help="the COG to write (.tif)")
    parser.add_argument("--item", help="fetch this item id (default: the best-ranked scene)")


def _area(args: argparse.Namespace) -> Area:
    if args.bbox:
        return area_from_bbox(*args.bbox)
    return area_from_geojson(args.geojson.read_text(encoding="utf-8"))


def _settings(args: argparse.Namespace) -> StacSettings:
    return StacSettings(
        catalog_url=args.catalog, collection=args.collection, max_area_km2=args.max_km2
    )


def format_table(candidates: list[Candidate]) -> str:
    """Candidates as a plain-text table, best first."""
    rows = [("rank", "date", "area cloud", "area no data", "tile cloud", "tiles", "item ids")]
    for number, c in enumerate(candidates, 1):
        rows.append(
            (
                str(number),
                c.datetime.strftime("%Y-%m-%d %H:%M"),
                "not checked" if c.area_cloud is None else f"{c.area_cloud:.0%}",
                "" if c.area_nodata is None else f"{c.area_nodata:.0%}",
                "" if c.tile_cloud is None else f"{c.tile_cloud:.0f}%",
                "+".join(c.tiles),
                ",".join(c.item_ids),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in rows)
    return "\n".join(line.rstrip() for line in lines)


def run_search(args: argparse.Namespace) -> None:
    """List Sentinel-2 scenes for an area, least cloud over the area first."""
    with progress_bar(args.quiet, "scene") as progress:
        candidates = search_candidates(
            _area(args), args.dates, args.max_cloud, _settings(args), progress
        )
    print(format_table(candidates))


def run_fetch(args: argparse.Namespace) -> None:
    """Fetch the best (or a chosen) Sentinel-2 scene for an area as a local COG."""
    area = _area(args)
    settings = _settings(args)
    with progress_bar(args.quiet, "scene") as progress:
        candidates = search_candidates(area, args.dates, args.max_cloud, settings, progress)
    chosen = candidates[0]
    if args.item:
        matching = [c for c in candidates if args.item in c.item_ids]
        if not matching:
            raise ValueError(f"No candidate has the item {args.item!r}; see `python -m sr search`.")
        chosen = matching[0]
    with progress_bar(args.quiet, "step") as progress:
        result = fetch_candidate(chosen, area, args.output, settings, progress)
    if not args.quiet:
        scene = result.scene
        print(
            f"wrote {args.output}: {chosen.describe()}, {scene.width} × {scene.height} px, "
            f"bands B04 B03 B02 B08, items {', '.join(chosen.item_ids)}",
            file=sys.stderr,
        )


def configure_stack(parser: argparse.ArgumentParser) -> None:
    _configure_common(parser)
    parser.add_argument("output", type=Path, help="the multi-date COG to write (.tif)")
    parser.add_argument(
        "--months", type=int, default=1, help="months per period, one scene each (default 1)"
    )


def run_stack(args: argparse.Namespace) -> None:
    """Fetch a time stack: the least cloudy scene per period of --dates, on one grid."""
    with progress_bar(args.quiet, "step") as progress:
        result = fetch_time_stack(
            _area(args),
            args.dates,
            args.max_cloud,
            _settings(args),
            args.output,
            args.months,
            progress,
        )
    if not args.quiet:
        missing = [c.period.describe() for c in result.choices if c.chosen is None]
        masked = ", ".join(f"{percent:.1f} %" for percent in masked_percents(result.tags))
        print(
            f"wrote {args.output}: {len(result.dates)} date(s) "
            f"({', '.join(f'{c.datetime:%Y-%m-%d}' for c in result.dates)})"
            + (f"; no usable scene for {', '.join(missing)}" if missing else "")
            + f"; cloud left out of each date's pixels: {masked}",
            file=sys.stderr,
        )
