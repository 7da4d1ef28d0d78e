"""The Label page's outline assist, without Streamlit: proposals from a click, a box or for a
whole enhanced area, and the words beside them.

A click inside a field on the enhanced area shown (or, where none is, on the original scene
read around the click and upsampled 4× with bicubic + back-projection, the resolution the
assist works at) gives that field's outline (:func:`sr.outline.outline_at`) as a lon/lat
polygon; "outline all" gives every field of the enhanced area that would pass the same
checks as a drawing (validity, area bounds, overlap with saved fields). On a scene of several
dates the assist uses every date by default (a boundary that shows on any date is a
boundary, :mod:`sr.outline.dates`): each date's view of the same pixels — the enhanced area
of that date where the cache has one for the same area, method and preset, else that date's
original upsampled the same way — and the version it records names the dates. Proposals become
ordinary unsaved drawings; :class:`ui.proposal_record.Proposals` remembers them. What a
proposal stops at: :mod:`ui.fields_around`; outline all leaves out what looks like open water
on every date (:mod:`sr.imagery.water`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rasterio.warp import transform as transform_points
from rasterio.warp import transform_geom
from shapely.geometry import Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

from labels.geometry import measure
from sr.imagery.raster_io import Raster, read_raster, upscaled_transform
from sr.imagery.scene import Scene, read_area
from sr.imagery.water import water_checks
from sr.outline.assist import Click, all_outlines, boxed_instances, field_instances, outlines_at
from sr.outline.box import PixelBox
from sr.outline.corrections import Constraint, Correction, constraints
from sr.outline.dates import chosen_combine, dates_version
from sr.outline.segment import Segmenter, default_segmenter, grown, with_box, with_clicks
from sr.sharpen.cache import CachedResult
from sr.sharpen.methods import enhance
from ui.enhance_flow import area_around, results_of_scene
from ui.fields_around import FieldsAround, passes_checks
from ui.outline_edges import ViewFrame, raster_frame

ORIGINAL_AREA_PX = 128  # scene pixels read around a click when no enhanced area is shown
UPSAMPLE = 4
# Below this many pixels of the original image a field is small for the assist: one click
# outlined such fields with a median IoU of 0.54 / 0.52 against the drawn ones (block average
# / Gaussian PSF), fields of 128–512 pixels 0.80 / 0.83; two corners (each side up to 10 %
# off) 0.72 / 0.73 on fields under 32 pixels (bench/results/fields_by_size.md).
SMALL_FIELD_PIXELS = 32
LonLatCorrection = tuple[float, float, bool]  # a click after the first: lon, lat, add
LARGE_CUT = 0.5  # a cut taking more of an outline than this gets a caution
Clicks = tuple[Constraint, ...]  # a volunteer's clicks on a view: column, row, keep
LonLatBox = tuple[float, float, float, float]  # two opposite corners: lon, lat, lon, lat


@dataclass(frozen=True)
class BoxPrompt:
    """Two opposite corners of a field in pixels of a view (:mod:`sr.outline.box`)."""

    corners: PixelBox


Prompt = Clicks | BoxPrompt  # what a volunteer told the assist on a view


def _segmenter(grow: int, prompt: Prompt = ()) -> Segmenter:
    """The default segmenter ``grow`` levels coarser (negative: finer), obeying a volunteer's
    clicks on the view (:mod:`sr.outline.corrections`) or answering with the field in a box
    (:mod:`sr.outline.box`)."""
    segmenter = grown(default_segmenter(), grow)
    if isinstance(prompt, BoxPrompt):
        return with_box(segmenter, prompt.corners)
    return with_clicks(segmenter, prompt)


def assist_version(dates: tuple[str, ...] = (), grow: int = 0, box: bool = False) -> str:
    """The model version of the outline assist (recorded with proposed labels): ``grow``
    levels coarser (a "Larger field" press; negative: "Smaller"), or answering a ``box``;
    with the labels of the dates it used when there were several."""
    segmenter = _segmenter(grow, BoxPrompt((0.0, 0.0, 0.0, 0.0)) if box else ())
    if len(dates) < 2:
        return segmenter.version
    return dates_version(segmenter.version, dates, chosen_combine(segmenter))


@dataclass(frozen=True)
class AreaFields:
    """The fields the assist found on an area: instances on the raster's grid, the labels
    of the dates used (empty for one date) and the level (``grow``, 0 = the default)."""

    instances: np.ndarray
    raster: Raster
    dates: tuple[str, ...] = ()
    grow: int = 0

    @property
    def version(self) -> str:
        return assist_version(self.dates, self.grow)


def original_pixels(polygon: BaseGeometry, metres_per_pixel: float) -> float:
    """How many pixels of the original image a lon/lat outline covers."""
    area_ha, _ = measure(polygon)
    return area_ha * 10_000 / metres_per_pixel**2


def small_field_note(
    polygon: BaseGeometry, metres_per_pixel: float, corners_hint: bool = True
) -> str | None:
    """A caution for a proposal smaller than :data:`SMALL_FIELD_PIXELS` of the original
    image, with what the benchmark measured on fields that small — and, with
    ``corners_hint``, what two corners did there; None for a larger one."""
    pixels = original_pixels(polygon, metres_per_pixel)
    if pixels >= SMALL_FIELD_PIXELS:
        return None
    hint = ", or outline it by two corners (0.72–0.73)." if corners_hint else ", or draw it."
    return (
        f"A small field (about {pixels:.0f} pixels of the original): outlines under "
        f"{SMALL_FIELD_PIXELS} pixels overlapped drawn ones by a median 0.52–0.54. Check its "
        "edges" + hint
    )


def cut_caution(before: BaseGeometry, after: BaseGeometry) -> str | None:
    """A caution when a cut took away more than :data:`LARGE_CUT` of an outline (a cut takes
    what the assist joined last, which can be more than the volunteer meant); else None."""
    if before.area <= 0 or after.area >= (1 - LARGE_CUT) * before.area:
        return None
    return (
        f"That cut took away {1 - after.area / before.area:.0%} of the outline (the assist "
        "takes away the part it joined last). If it took too much, press Undo last click."
    )


def clicked_point(event: Mapping[str, Any], on_shapes: bool = False) -> tuple[float, float] | None:
    """(lon, lat) of a click on the map's ground (not on a field or other shape, unless
    ``on_shapes``: a correction lands inside the outline it corrects), or None."""
    click = event.get("last_clicked")
    if not click or (click == event.get("last_object_clicked") and not on_shapes):
        return None
    return float(click["lng"]), float(click["lat"])


def _true_colour(scene: Scene, date: int = 0) -> tuple[int, ...]:
    """0-based true-colour bands of a date among all the scene's bands."""
    return tuple(b - 1 for b in scene.date_bands(date).for_mode("true"))


def _enhanced_true_colour(scene: Scene, result: CachedResult) -> tuple[int, ...]:
    """0-based true-colour bands of an enhanced area: a date's own bands for a scene of
    several dates (red, green, blue first), else the scene's."""
    return (0, 1, 2) if result.provenance.get("date_bands") else _true_colour(scene)


@functools.lru_cache(maxsize=8)
def _enhanced_raster(path: str, mtime: float) -> Raster:
    """An enhanced area's file, read once per version (each level of a Larger / Smaller
    press segments the same pixels)."""
    return read_raster(Path(path))


@functools.lru_cache(maxsize=8)
def _instances_of(
    path: str, mtime: float, bands: tuple[int, ...], grow: int, prompt: Prompt
) -> tuple[np.ndarray, Raster]:
    raster = _enhanced_raster(path, mtime)
    return field_instances(raster.array, _segmenter(grow, prompt), bands=bands), raster


def enhanced_fields(
    shown: CachedResult, scene: Scene, grow: int = 0, prompt: Prompt = ()
) -> tuple[np.ndarray, Raster]:
    """The field instances of an enhanced area (segmented once per result, level and
    prompt) and its raster."""
    bands = _enhanced_true_colour(scene, shown)
    return _instances_of(str(shown.path), shown.path.stat().st_mtime, bands, grow, prompt)


@functools.lru_cache(maxsize=8)
def _upsampled(scene: Scene, bbox: tuple[float, ...], date: int, scale: int) -> Raster:
    """A date's original true colour over a lon/lat box, upsampled like the assist's views
    (read and upsampled once: each level of a Larger / Smaller press uses the same)."""
    area = read_area(scene, bbox, action="outlining")  # type: ignore[arg-type]
    bands = list(_true_colour(scene, date))
    sharp = enhance(area.array[bands], scale, "bicubic", floor=0.0)
    return Raster(sharp, "float32", upscaled_transform(area.transform, scale), area.crs)


def original_fields(
    scene: Scene,
    lon: float,
    lat: float,
    every_date: bool = False,
    date: int = 0,
    grow: int = 0,
    prompt: Prompt = (),
) -> AreaFields:
    """The fields of the original scene around a click, upsampled 4×: of ``date``, or of
    every date together."""
    bbox = area_around(scene, lon, lat, ORIGINAL_AREA_PX)
    dates = range(len(scene.dates)) if every_date else range(date, date + 1)
    views = [_upsampled(scene, bbox, d, UPSAMPLE) for d in dates]
    images = [(d, v.array) for d, v in zip(dates, views, strict=True)]
    return _segmented(scene, images, views[0], grow, prompt)


def same_area_results(shown: CachedResult, scene: Scene) -> dict[int, CachedResult]:
    """The enhanced areas in the cache of the same area, method and preset as ``shown``,
    one per date of the scene that has one (``shown`` for its own date)."""
    same = ("bbox", "method", "preset", "scale", "iterations", "seed")
    found = {int(shown.provenance.get("date_index") or 0): shown}
    for result in results_of_scene(scene.scene_id):
        date = int(result.provenance.get("date_index") or 0)
        if date not in found and all(
            result.provenance.get(k) == shown.provenance.get(k) for k in same
        ):
            found[date] = result
    return found


@functools.lru_cache(maxsize=8)
def _dates_of_area(
    scene: Scene,
    views: tuple[tuple[int, str, float], ...],
    bbox: tuple[float, ...],
    scale: int,
    grow: int,
    prompt: Prompt = (),
) -> AreaFields:
    """Every date's view of an enhanced area's pixels (``views``: date, enhanced file or ''
    for the original, its mtime; the one shown first: its grid is the grid), segmented
    together."""
    images: list[tuple[int, np.ndarray]] = []
    grid: Raster | None = None
    for date, path, mtime in views:
        if path:  # an enhanced area of a date: its own red, green, blue, NIR bands
            raster = _enhanced_raster(path, mtime)
            raster = Raster(raster.array[:3], raster.dtype, raster.transform, raster.crs)
        else:
            raster = _upsampled(scene, bbox, date, scale)
        if grid is None:
            grid = raster
        if raster.array.shape[1:] != grid.array.shape[1:] or raster.transform != grid.transform:
            continue  # not the same pixels (a partial read at the scene's edge): left out
        images.append((date, raster.array.astype(np.float32)))
    assert grid is not None
    return _segmented(scene, sorted(images, key=lambda pair: pair[0]), grid, grow, prompt)


def _segmented(
    scene: Scene,
    images: list[tuple[int, np.ndarray]],
    grid: Raster,
    grow: int = 0,
    prompt: Prompt = (),
) -> AreaFields:
    """The fields of one date's image, or of several dates' (date, image) segmented together
    (then named by their dates), on ``grid``, ``grow`` levels from the default, obeying
    ``prompt``."""
    segmenter = _segmenter(grow, prompt)
    if len(images) == 1:
        return AreaFields(field_instances(images[0][1], segmenter), grid, grow=grow)
    labels = tuple(scene.dates[d].label for d, _ in images)
    return AreaFields(field_instances([a for _, a in images], segmenter), grid, labels, grow)


def area_fields(
    scene: Scene,
    shown: CachedResult,
    every_date: bool = False,
    grow: int = 0,
    prompt: Prompt = (),
) -> AreaFields:
    """The fields of an enhanced area: of its own date, or of every date of the scene on
    the same pixels (the enhanced area of a date where the cache has one, else its original
    upsampled by the same factor); segmented once per set of views, level (``grow``) and
    volunteer's ``prompt`` (clicks or a box, in pixels of the area)."""
    if not every_date or len(scene.dates) < 2:
        instances, raster = enhanced_fields(shown, scene, grow, prompt)
        return AreaFields(instances, raster, grow=grow)
    results = same_area_results(shown, scene)
    own = int(shown.provenance.get("date_index") or 0)
    order = [own] + [d for d in range(len(scene.dates)) if d != own]
    views = tuple(
        (d, str(results[d].path), results[d].path.stat().st_mtime) if d in results else (d, "", 0.0)
        for d in order
    )
    bbox = tuple(float(v) for v in shown.provenance["bbox"])
    scale = int(shown.provenance.get("scale") or UPSAMPLE)
    return _dates_of_area(scene, views, bbox, scale, grow, prompt)


def _pixels(raster: Raster, lons: Sequence[float], lats: Sequence[float]) -> list[Click]:
    """(column, row) of lon/lat points on the raster's grid (off the raster too)."""
    assert raster.transform is not None and raster.crs is not None
    xs, ys = transform_points("EPSG:4326", raster.crs, list(lons), list(lats))
    inverse = ~raster.transform
    return [inverse @ (x, y) for x, y in zip(xs, ys, strict=True)]


def _covers(raster: Raster, lon: float, lat: float) -> Click | None:
    """(column, row) of a lon/lat point in the raster, None when it lies outside."""
    [(col, row)] = _pixels(raster, [lon], [lat])
    _, rows, cols = raster.array.shape
    return (col, row) if 0 <= col < cols and 0 <= row < rows else None


def _view_of(
    scene: Scene,
    shown: CachedResult | None,
    lon: float,
    lat: float,
    every_date: bool,
    date: int,
    grow: int,
) -> Callable[[Prompt], AreaFields]:
    """The fields of the view a point is outlined on, as a volunteer's prompt makes them: the
    enhanced area shown when it covers the point, else the original scene of ``date`` read
    around it (of every date together with ``every_date``; ``grow`` levels from the
    default)."""
    if shown is not None:
        enhanced = functools.partial(area_fields, scene, shown, every_date, grow)
        if _covers(enhanced(()).raster, lon, lat) is not None:
            return enhanced
    return functools.partial(original_fields, scene, lon, lat, every_date, date, grow)


def _shown_raster(shown: CachedResult) -> Raster:
    """An enhanced area's raster (read once per version of its file)."""
    return _enhanced_raster(str(shown.path), shown.path.stat().st_mtime)


def enhanced_frame(shown: CachedResult) -> ViewFrame:
    """The frame of an enhanced area (what Outline all outlines on)."""
    return raster_frame(_shown_raster(shown))


def view_frame(
    scene: Scene, shown: CachedResult | None, lon: float, lat: float, date: int = 0
) -> ViewFrame:
    """The frame of the view a point is outlined on (as :func:`_view_of` chooses it: the
    enhanced area shown when it covers the point, else the original read around it)."""
    if shown is not None:
        raster = _shown_raster(shown)
        if _covers(raster, lon, lat) is not None:
            return raster_frame(raster)
    bbox = area_around(scene, lon, lat, ORIGINAL_AREA_PX)
    return raster_frame(_upsampled(scene, bbox, date, UPSAMPLE))


def outline_in_lonlat(polygon: Polygon, raster: Raster) -> Polygon:
    """An outline in ``raster``'s CRS moved to lon/lat (the frame of labels and the map)."""
    moved = shape(transform_geom(raster.crs, "EPSG:4326", mapping(polygon)))
    assert isinstance(moved, Polygon)
    return moved


def propose_at(
    scene: Scene,
    shown: CachedResult | None,
    lon: float,
    lat: float,
    every_date: bool = False,
    date: int = 0,
    grow: int = 0,
    corrections: Sequence[LonLatCorrection] = (),
) -> tuple[Polygon | None, str]:
    """The outline (lon/lat) of the field under a click — on the enhanced area when it covers
    the click, else on the original scene of ``date`` around it; of every date together with
    ``every_date``; ``grow`` levels coarser or finer than the default; with the later clicks'
    ``corrections`` (lon, lat, add) applied in order (:mod:`sr.outline.corrections`; one
    outside the view is passed over) — and the version that proposed it; None when the click
    is in no field."""

    view_at = _view_of(scene, shown, lon, lat, every_date, date, grow)
    view = view_at(())
    pixel = _covers(view.raster, lon, lat)
    if pixel is None:
        return None, view.version
    later = [
        Correction(*where, add)
        for c_lon, c_lat, add in corrections
        if (where := _covers(view.raster, c_lon, c_lat)) is not None
    ]
    instances = view_at(constraints(pixel, later)).instances if later else view.instances
    [polygon] = outlines_at(instances, [pixel], view.raster.transform)
    return (None if polygon is None else outline_in_lonlat(polygon, view.raster)), view.version


def propose_in_box(
    scene: Scene,
    shown: CachedResult | None,
    corners: LonLatBox,
    every_date: bool = False,
    date: int = 0,
) -> tuple[Polygon | None, str]:
    """The outline (lon/lat) of the field between two opposite corners (lon, lat, lon, lat)
    — the region the assist's merging finds that fills the box best, trimmed to it
    (:mod:`sr.outline.box`) — on the enhanced area when it covers the box's centre, else on
    the original scene of ``date`` around it; of every date together with ``every_date``;
    and the version that proposed it; None when the box holds no field or is too small."""
    lon0, lat0, lon1, lat1 = corners
    lon, lat = (lon0 + lon1) / 2, (lat0 + lat1) / 2
    view_at = _view_of(scene, shown, lon, lat, every_date, date, 0)
    view = view_at(())
    version = assist_version(view.dates, box=True)
    if _covers(view.raster, lon, lat) is None:
        return None, version
    (col0, row0), (col1, row1) = _pixels(view.raster, [lon0, lon1], [lat0, lat1])
    box = (col0, row0, col1, row1)
    instances = boxed_instances(view_at(BoxPrompt(box)).instances, _segmenter(0), box)
    found = all_outlines(instances, view.raster.transform)
    return (outline_in_lonlat(found[0], view.raster) if found else None), version


@dataclass(frozen=True)
class AllProposed:
    """Outline all's answer: the fields proposed (lon/lat, most distinct first), how many
    found were left out by the drawing checks (too small or large, overlapping, inside saved
    fields …) and how many because they look like open water on every date, and the version
    that proposed them."""

    fields: list[Polygon]
    failed_checks: int
    water: int
    version: str


def propose_all(
    scene: Scene, shown: CachedResult, around: FieldsAround, user: str, every_date: bool = False
) -> AllProposed:
    """Every field of the enhanced area (of every date together with ``every_date``), cut
    off the fields ``around`` it, that passes the drawing checks and does not look like open
    water on every date of the scene (a river's reach is found as readily as a field)."""
    view = area_fields(scene, shown, every_date)
    found = [
        outline_in_lonlat(p, view.raster)
        for p in all_outlines(view.instances, view.raster.transform)
    ]
    trimmed = [around.cut(p).outline for p in found]
    store = around.store
    kept = [p for p in trimmed if p is not None and passes_checks(p, store, scene.scene_id, user)]
    checks = water_checks(scene, kept)
    dry = [p for p, check in zip(kept, checks, strict=True) if not check.looks_like_water]
    return AllProposed(dry, len(found) - len(kept), len(kept) - len(dry), view.version)
