"""A time stack for an area and a season: the least cloudy scene of each period (one a month
by default), cut to the area, co-registered on one grid, its clouds left out
(``sr.stac.cloud_mask``), written as one multi-date scene.

Search, grouping of tiles and the cloud measure over the area are ``sr.stac.search``'s; each date
is read onto the same :class:`sr.stac.remote.Grid` (10 m, snapped, in the first chosen
scene's CRS) by ``mosaic_onto_grid`` (GDAL WarpedVRT), so a pixel is the same place on
every date even when the scenes come in different UTM zones. Every image goes through
``sr.stac.remote``'s address checks and GeoTIFF-only opening.

Why not odc-stac or stackstac: odc-stac 0.5.3 installs with the pinned packages (stackstac
0.5.1 would replace pandas), but its reader opens each asset with ``rasterio.open(url)``,
letting GDAL try every driver (a catalogue could serve a VRT under a ``.tif`` name), where
sharpfields opens remote images as GeoTIFF only; and the one-grid warp it would do is the
one ``sr.stac.remote`` already does for the one-date fetch.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from rasterio.enums import Resampling

from sr.imagery.band_layout import layout_of_items
from sr.imagery.scene import Scene, open_scene
from sr.stac.area import Area, check_area_size
from sr.stac.cloud_mask import (
    CLOUD_MASK_TAG,
    CLOUD_MASK_TEXT,
    MASKED_TAG,
    masked_tag,
    without_clouds,
)
from sr.stac.harmonize import reflectance_tags, without_offset
from sr.stac.remote import Grid, grid_for_bbox
from sr.stac.search import (
    ALL_CLOUD,
    BANDS,
    RESOLUTION_M,
    Candidate,
    NoSceneError,
    ProgressFn,
    StacError,
    StacSettings,
    assess,
    asset_on_grid,
    candidate_crs,
    check_dates,
    group_candidates,
    rank,
    scene_classes,
    search_items,
    write_cog,
)

MAX_PERIODS = 24


@dataclass(frozen=True)
class Period:
    """A part of the season ([start, end], whole days) that gets at most one scene."""

    start: date
    end: date

    def holds(self, when: datetime) -> bool:
        return self.start <= when.astimezone(UTC).date() <= self.end

    def describe(self) -> str:
        return f"{self.start:%Y-%m-%d}/{self.end:%Y-%m-%d}"


@dataclass(frozen=True)
class PeriodChoice:
    """A period and its least cloudy scene over the area (None: none usable)."""

    period: Period
    chosen: Candidate | None
    considered: int


@dataclass(frozen=True)
class StackResult:
    scene: Scene
    choices: tuple[PeriodChoice, ...]
    tags: dict[str, str]

    @property
    def dates(self) -> list[Candidate]:
        return [c.chosen for c in self.choices if c.chosen is not None]


def season_periods(season: str, months: int = 1) -> list[Period]:
    """The season 'YYYY-MM-DD/YYYY-MM-DD' cut into periods of ``months`` calendar months
    (the first and last cut at the season's ends)."""
    if not 1 <= months <= 12:
        raise StacError(f"A period is 1 to 12 months, not {months}.")
    start_text, _, end_text = check_dates(season).partition("/")
    start, end = date.fromisoformat(start_text), date.fromisoformat(end_text)
    periods = []
    cursor = start
    while cursor <= end:
        month = cursor.month - 1 + months
        following = date(cursor.year + month // 12, month % 12 + 1, 1)
        last = min(end, date.fromordinal(following.toordinal() - 1))
        periods.append(Period(cursor, last))
        cursor = following
    if len(periods) > MAX_PERIODS:
        raise StacError(
            f"The season has {len(periods)} periods; at most {MAX_PERIODS} dates are stacked. "
            "Shorten the season or make the periods longer."
        )
    return periods


def choose_per_period(
    candidates: list[Candidate],
    periods: list[Period],
    area: Area,
    settings: StacSettings,
    progress: ProgressFn | None = None,
) -> list[PeriodChoice]:
    """For each period, the candidate with the least cloud and missing data over the area
    (measured from SCL, ``sr.stac.search.assess``; the newest on a tie), if any is usable."""
    choices = []
    for number, period in enumerate(periods):
        inside = [c for c in candidates if period.holds(c.datetime)]
        checked = inside[: settings.max_assessed]  # best tile cloud first
        for candidate in checked:
            if progress:
                progress(number, len(periods), f"checking clouds on {candidate.describe()}")
            if candidate.hidden is None:
                assess(candidate, area)
        usable = [c for c in rank(checked) if c.hidden is not None and c.hidden < ALL_CLOUD]
        choices.append(PeriodChoice(period, usable[0] if usable else None, len(inside)))
    return choices


def stack_grid(area: Area, chosen: list[Candidate], settings: StacSettings) -> Grid:
    """One 10 m grid for every date, in the first date's CRS; refused when the stack would
    hold more pixels than the one-date fetch allows for four bands."""
    grid = grid_for_bbox(area.bbox, candidate_crs(chosen[0]), RESOLUTION_M)
    max_pixels = settings.max_area_km2 * 1e6 / RESOLUTION_M**2
    if grid.pixels * len(chosen) > max_pixels * 1.5:
        raise StacError(
            f"{len(chosen)} dates of this area are {grid.pixels * len(chosen):,} pixels per "
            f"band, more than can be read at once; choose a smaller area, a shorter season or "
            "longer periods."
        )
    return grid


def fetch_time_stack(
    area: Area,
    season: str,
    max_cloud: float,
    settings: StacSettings,
    out_path: Path,
    months: int = 1,
    progress: ProgressFn | None = None,
) -> StackResult:
    """Search the season, choose a scene per period, read them onto one grid, write one COG
    of 4 bands per date (named ``B04 2024-07-05`` …, each band tagged with its DATETIME)."""
    check_area_size(area, settings.max_area_km2)
    periods = season_periods(season, months)
    candidates = group_candidates(search_items(area, season, max_cloud, settings), area)
    choices = choose_per_period(candidates, periods, area, settings, progress)
    chosen = sorted((c.chosen for c in choices if c.chosen), key=lambda c: c.datetime)
    if not chosen:
        raise NoSceneError(
            f"No {settings.collection} scene of {season.replace('/', ' to ')} shows the area "
            f"(cloud limit {max_cloud:g} %, at least {1 - ALL_CLOUD:.0%} of the area clear). "
            "Widen the season or raise the cloud limit."
        )
    grid = stack_grid(area, chosen, settings)
    stack = np.zeros((len(BANDS) * len(chosen), grid.height, grid.width), dtype="uint16")
    per_date = len(BANDS) + 1  # the bands, then the SCL
    steps = per_date * len(chosen) + 1
    removed: list[int] = []
    masked: list[float] = []
    for number, candidate in enumerate(chosen):
        when = f"{candidate.datetime:%Y-%m-%d}"
        for offset, (key, name) in enumerate(BANDS):
            index = number * len(BANDS) + offset
            if progress:
                progress(number * per_date + offset, steps, f"reading {name} of {when}")
            stack[index] = asset_on_grid(candidate, key, grid, Resampling.bilinear, "uint16")
        date = slice(number * len(BANDS), (number + 1) * len(BANDS))
        stack[date], taken = without_offset(stack[date], candidate.items)
        removed.append(taken)  # dates of baselines before and after 04.00 on one scale
        if progress:
            progress(number * per_date + len(BANDS), steps, f"leaving out the clouds of {when}")
        stack[date], share = without_clouds(stack[date], scene_classes(candidate, grid))
        masked.append(share)
    if progress:
        progress(steps - 1, steps, "writing the COG")
    names = [f"{name} {c.datetime:%Y-%m-%d}" for c in chosen for _, name in BANDS]
    band_tags = [{"DATETIME": c.datetime.isoformat()} for c in chosen for _ in BANDS]
    tags = stack_tags(choices, chosen, area, settings, removed) | {
        CLOUD_MASK_TAG: CLOUD_MASK_TEXT,
        MASKED_TAG: masked_tag(masked),
    }
    write_cog(out_path, stack, grid, names, tags, band_tags)
    if progress:
        progress(steps, steps, "done")
    return StackResult(open_scene(out_path), tuple(choices), tags)


def stack_tags(
    choices: list[PeriodChoice],
    chosen: list[Candidate],
    area: Area,
    settings: StacSettings,
    removed: Sequence[int],
) -> dict[str, str]:
    """Provenance: per date the items, the cloud over the area and the baseline offset taken
    out (:mod:`sr.stac.harmonize`); periods without a scene."""
    skipped = [c.period.describe() for c in choices if c.chosen is None]
    return {
        "STAC_CATALOG": settings.catalog_url,
        "STAC_COLLECTION": settings.collection,
        "BAND_LAYOUT": layout_of_items([c.datetime for c in chosen], [n for _, n in BANDS]),
        "STAC_ITEM_IDS": ";".join(",".join(c.item_ids) for c in chosen),
        "AREA_CLOUD_PERCENT": ";".join(f"{(c.area_cloud or 0) * 100:.1f}" for c in chosen),
        "PERIODS": ";".join(c.period.describe() for c in choices),
        "PERIODS_WITHOUT_SCENE": ";".join(skipped),
        "AREA_BBOX": ",".join(f"{v:.6f}" for v in area.bbox),
        **reflectance_tags(chosen[0].items[0], removed),
        "FETCHED_AT": datetime.now(UTC).isoformat(timespec="seconds"),
        "SOFTWARE": "sharpfields sr.stac.stack",
    }


def default_stack_name(area: Area, season: str) -> str:
    """e.g. ``S2_season_20240601-20240930_1a2b3c.tif``."""
    digest = hashlib.sha1(area.geometry.wkb).hexdigest()[:6]
    start, _, end = check_dates(season).partition("/")
    return f"S2_season_{start.replace('-', '')}-{end.replace('-', '')}_{digest}.tif"
