"""The Find imagery page's logic: the area from the map or text, the candidates, the fetch."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import folium
import numpy as np
from rasterio.errors import RasterioError

from sr.imagery.scene import open_scene
from sr.imagery.scene_errors import SceneError
from sr.stac.area import Area, AreaError, area_from_geojson, parse_area
from sr.stac.cloud_mask import masked_percents
from sr.stac.search import (
    Candidate,
    FetchResult,
    ProgressFn,
    StacSettings,
    default_output_name,
    fetch_candidate,
    preview_rgb,
    read_tags,
)
from sr.stac.stack import StackResult, default_stack_name, fetch_time_stack
from ui.registry import ServedScene, registry
from ui.scene_map import (
    TileKey,
    add_basemap,
    add_draw_control,
    add_outline,
    add_scene_tiles,
    finish_map,
)
from ui.settings import scenes_dir
from ui.text import escape_markdown

# Where the map opens before an area is chosen: Chitwan, Nepal (the first users' district).
START_VIEW = (27.6, 84.45)
START_ZOOM = 10
SHOWN_CANDIDATES = 6


def chosen_area(drawing: dict[str, object] | None, text: str) -> Area | None:
    """The area typed or pasted (it wins), else the rectangle drawn on the map, else None."""
    if text.strip():
        return parse_area(text)
    if drawing and isinstance(drawing.get("geometry"), dict):
        return area_from_geojson(json.dumps(drawing["geometry"]))
    return None


def dates_text(start: date, end: date) -> str:
    """The catalogue's date range, refusing a start after the end."""
    if start > end:
        raise AreaError(f"The start date {start} is after the end date {end}.")
    return f"{start:%Y-%m-%d}/{end:%Y-%m-%d}"


def area_map(
    area: Area | None, basemap: str, tile_key: TileKey, fetched: ServedScene | None = None
) -> folium.Map:
    """A map to draw the area on (rectangle tool), showing the chosen area if there is one
    and the scene just fetched."""
    fmap = folium.Map(location=START_VIEW, zoom_start=START_ZOOM, tiles=None, control_scale=True)
    add_basemap(fmap, basemap)
    if fetched is not None:
        add_scene_tiles(fmap, fetched, "true", f"fetched: {fetched.scene.name}", tile_key)
    if area is not None:
        add_outline(fmap, area.geometry, "area", "#00e5ff", weight=3)
        west, south, east, north = area.bbox
        fmap.fit_bounds([[south, west], [north, east]])
    add_draw_control(fmap, None, "rectangle")
    return finish_map(fmap)


def candidate_summary(candidate: Candidate) -> str:
    """One line for a candidate: date, cloud and missing data over the area, tiles."""
    when = candidate.datetime.strftime("%d %b %Y")
    if candidate.area_cloud is None or candidate.area_nodata is None:
        over_area = "clouds over the area not checked"
    else:
        over_area = f"{candidate.area_cloud:.0%} cloud over the area"
        if candidate.area_nodata >= 0.01:
            over_area += f", {candidate.area_nodata:.0%} of it without data"
    tile = "" if candidate.tile_cloud is None else f" (whole tile {candidate.tile_cloud:.0f}%)"
    return f"{when} · {over_area}{tile} · tile {' + '.join(candidate.tiles)}"


def preview(candidate: Candidate, area: Area, cache: dict[str, np.ndarray]) -> np.ndarray:
    """A small true-colour preview, kept in ``cache`` (the session) by items and area."""
    key = f"{','.join(candidate.item_ids)}|{area.geometry.wkt}"
    if key not in cache:
        cache[key] = preview_rgb(candidate, area)
    return cache[key]


def progress_reporter(bar: Any) -> ProgressFn:
    """Drive a Streamlit progress bar (``st.progress``) from (done, total, message) reports."""

    def report(done: int, total: int, message: str) -> None:
        bar.progress(min(done / max(total, 1), 1.0), text=message)

    return report


def fetched_path(candidate: Candidate, area: Area) -> Path:
    return scenes_dir() / default_output_name(candidate, area)


def fetch_into_data_folder(
    candidate: Candidate, area: Area, settings: StacSettings, progress: ProgressFn | None = None
) -> FetchResult:
    """Fetch a candidate into the data folder's scenes/ (the same area and pass: reused)."""
    path = fetched_path(candidate, area)
    if path.exists():
        return FetchResult(open_scene(path), candidate, read_tags(path))
    return fetch_candidate(candidate, area, path, settings, progress)


def fetched_scene(path: str | None) -> ServedScene | None:
    """The scene fetched in this session, registered for map tiles (None if none or gone)."""
    if not path:
        return None
    try:
        return registry().register(open_scene(path))
    except SceneError:
        return None


def fetch_stack_into_data_folder(
    area: Area,
    season: str,
    max_cloud: float,
    settings: StacSettings,
    months: int = 1,
    progress: ProgressFn | None = None,
) -> StackResult:
    """Fetch a time stack (``sr.stac.stack``) into the data folder's scenes/."""
    name = default_stack_name(area, season).replace(".tif", f"_{months}m.tif")
    return fetch_time_stack(
        area, season, max_cloud, settings, scenes_dir() / name, months, progress
    )


def stack_summary(result: StackResult) -> str:
    """'3 dates: 08 Jun 2024 (0% cloud over the area), …; no scene for 2024-09-01/2024-09-30'."""
    dates = ", ".join(
        f"{c.datetime:%d %b %Y} ({(c.area_cloud or 0):.0%} cloud over the area)"
        for c in result.dates
    )
    missing = [c.period.describe() for c in result.choices if c.chosen is None]
    text = f"{len(result.dates)} date(s): {dates}"
    text += f"; no usable scene for {', '.join(missing)}" if missing else ""
    note = clouds_note(result.tags)
    return f"{text}. {note}" if note else text


def clouds_note(tags: dict[str, str]) -> str | None:
    """What was left out of a time stack's dates as cloud (its ``CLOUD_MASKED_PERCENT``
    tag, ``sr.stac.cloud_mask``); None when nothing was."""
    shares = masked_percents(tags)
    clouded = [share for share in shares if share > 0]
    if not clouded:
        return None
    return (
        f"Clouds and their shadows are left out of {len(clouded)} of its {len(shares)} dates "
        f"(at most {max(clouded):.0f}% of a date's pixels with data): they show as gaps "
        "there, and a field's season profile reads only its clear pixels."
    )


def offset_note(path: str) -> str | None:
    """What Find imagery did about Sentinel-2's processing-baseline offset in the scene it
    fetched (its ``OFFSET_REMOVED_DN`` tag, :mod:`sr.stac.harmonize`); None when nothing was
    taken out (or the file is gone)."""
    try:
        tags = read_tags(Path(path))
    except (OSError, RasterioError):
        return None
    removed = [part.strip() for part in tags.get("OFFSET_REMOVED_DN", "").split(";")]
    taken = sorted({part for part in removed if part not in ("", "0")})
    if not taken:
        return None
    count = sum(part in taken for part in removed)
    what = (
        "was taken out"
        if len(removed) == 1
        else f"was taken out of {count} of its {len(removed)} dates"
    )
    amount = " or ".join(escape_markdown(part) for part in taken)  # the file's words
    return (
        f"Sentinel-2's processing-baseline offset ({amount} added to every value since 2022) "
        f"{what}: "
        "the values are reflectance × 10000 on every date, so NDVI reads true and alike "
        "across dates."
    )
