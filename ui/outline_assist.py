"""The Label page's outline assist, without Streamlit: proposals from a click or for a whole
enhanced area, what was proposed (kept beside the drafts), and how a saved outline came to be.

A click inside a field on the enhanced area shown (or, where none is, on the original scene
read around the click and upsampled 4× with bicubic + back-projection, the resolution the
assist works at) gives that field's outline (:func:`sr.outline.outline_at`) as a lon/lat
polygon; "outline all" gives every field of the enhanced area that would pass the same
checks as a drawing (validity, area bounds, overlap with saved fields). Proposals become
ordinary unsaved drawings; :class:`Proposals` remembers them, so that when they are saved
each label records ``proposed`` (unchanged), ``proposed-edited`` or ``hand``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rasterio.warp import transform as transform_points
from rasterio.warp import transform_geom
from shapely.geometry import Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry

from labels.base_store import LabelStore
from labels.errors import ValidationError
from labels.label_checks import checked_label
from labels.model import HAND, PROPOSED, PROPOSED_EDITED, Label
from sr.fsutil import atomic_write
from sr.imagery.raster_io import Raster, read_raster, upscaled_transform
from sr.imagery.scene import Scene, read_area
from sr.outline.assist import all_outlines, field_instances, outlines_at
from sr.outline.segment import default_segmenter
from sr.sharpen.cache import CachedResult
from sr.sharpen.methods import enhance
from ui.enhance_flow import area_around

ORIGINAL_AREA_PX = 128  # scene pixels read around a click when no enhanced area is shown
UPSAMPLE = 4
SAME_OUTLINE_DEG = 1e-6  # Leaflet's rounding: smaller differences are not edits
EDITED_OVERLAP = 0.5  # a saved outline overlapping a proposal more than this is that proposal


def iou(a: BaseGeometry, b: BaseGeometry) -> float:
    """Intersection over union of two outlines (0 when both are empty)."""
    union = a.union(b).area
    return float(a.intersection(b).area / union) if union else 0.0


def assist_version() -> str:
    """The model version of the outline assist (recorded with proposed labels)."""
    return default_segmenter().version


def clicked_point(event: Mapping[str, Any]) -> tuple[float, float] | None:
    """(lon, lat) of a click on the map's ground (not on a field or other shape), or None."""
    click = event.get("last_clicked")
    if not click or click == event.get("last_object_clicked"):
        return None
    return float(click["lng"]), float(click["lat"])


@functools.lru_cache(maxsize=8)
def _instances_of(path: str, mtime: float, bands: tuple[int, ...]) -> tuple[np.ndarray, Raster]:
    raster = read_raster(Path(path))
    return field_instances(raster.array, bands=bands), raster


def _true_colour(scene: Scene) -> tuple[int, ...]:
    return tuple(b - 1 for b in scene.bands.for_mode("true"))


def enhanced_fields(shown: CachedResult, scene: Scene) -> tuple[np.ndarray, Raster]:
    """The field instances of an enhanced area (segmented once per result) and its raster."""
    return _instances_of(str(shown.path), shown.path.stat().st_mtime, _true_colour(scene))


def original_fields(scene: Scene, lon: float, lat: float) -> tuple[np.ndarray, Raster]:
    """The field instances of the original scene around a click, upsampled 4×."""
    area = read_area(scene, area_around(scene, lon, lat, ORIGINAL_AREA_PX), action="outlining")
    sharp = enhance(area.array, UPSAMPLE, "bicubic", floor=0.0)
    raster = Raster(sharp, "float32", upscaled_transform(area.transform, UPSAMPLE), area.crs)
    return field_instances(sharp, bands=_true_colour(scene)), raster


def _covers(raster: Raster, lon: float, lat: float) -> tuple[float, float] | None:
    """(column, row) of a lon/lat point in the raster, None when it lies outside."""
    assert raster.transform is not None and raster.crs is not None
    xs, ys = transform_points("EPSG:4326", raster.crs, [lon], [lat])
    col, row = ~raster.transform @ (xs[0], ys[0])
    _, rows, cols = raster.array.shape
    return (col, row) if 0 <= col < cols and 0 <= row < rows else None


def _lonlat(polygon: Polygon, raster: Raster) -> Polygon:
    moved = shape(transform_geom(raster.crs, "EPSG:4326", mapping(polygon)))
    assert isinstance(moved, Polygon)
    return moved


def propose_at(scene: Scene, shown: CachedResult | None, lon: float, lat: float) -> Polygon | None:
    """The outline (lon/lat) of the field under a click: on the enhanced area when it covers
    the click, else on the original scene around it; None when the click is in no field."""
    view = enhanced_fields(shown, scene) if shown is not None else None
    pixel = _covers(view[1], lon, lat) if view is not None else None
    if view is None or pixel is None:
        view = original_fields(scene, lon, lat)
        pixel = _covers(view[1], lon, lat)
        if pixel is None:
            return None
    instances, raster = view
    [polygon] = outlines_at(instances, [pixel], raster.transform)
    return None if polygon is None else _lonlat(polygon, raster)


def passes_checks(geometry: Polygon, store: LabelStore, scene_id: str, user: str) -> bool:
    """True when a proposal would pass the checks a saved drawing passes (no errors)."""
    label = Label(geometry=geometry, crop=store.crops[0], scene_id=scene_id, annotator=user)
    try:
        checked_label(
            label,
            crops=store.crops,
            rules=store.rules,
            footprint=store.footprint(scene_id),
            neighbours=lambda g: store.neighbours(g, scene_id),
        )
    except ValidationError:
        return False
    return True


def propose_all(
    scene: Scene, shown: CachedResult, store: LabelStore, user: str
) -> tuple[list[Polygon], int]:
    """Every field of the enhanced area that passes the drawing checks (lon/lat, largest
    first), and how many others were left out (too small or large, overlapping …)."""
    instances, raster = enhanced_fields(shown, scene)
    found = [_lonlat(p, raster) for p in all_outlines(instances, raster.transform)]
    kept = [p for p in found if passes_checks(p, store, scene.scene_id, user)]
    return kept, len(found) - len(kept)


@dataclass
class Proposals:
    """What the assist proposed to one user on one scene: outlines put into the unsaved
    drawings (with the assist's version) and the outline-all queue still to confirm."""

    path: Path
    proposed: list[tuple[BaseGeometry, str]] = field(default_factory=list)
    queue: list[BaseGeometry] = field(default_factory=list)

    @classmethod
    def beside(cls, drafts_path: Path) -> Proposals:
        """The proposals kept next to a drafts file (empty when none or unreadable)."""
        found = cls(drafts_path.with_name(drafts_path.stem + ".assist.json"))
        try:
            data = json.loads(found.path.read_text())
            found.proposed = [(shape(g), str(v)) for g, v in data["proposed"]]
            found.queue = [shape(g) for g in data["queue"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls(found.path)
        return found

    def save(self) -> None:
        data = {
            "proposed": [[mapping(g), v] for g, v in self.proposed],
            "queue": [mapping(g) for g in self.queue],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(self.path) as out:
            out.write(json.dumps(data))

    def add(self, geometry: BaseGeometry, version: str) -> None:
        self.proposed.append((geometry, version))

    def drawing_of(self, geometry: BaseGeometry) -> tuple[str, str | None]:
        """How an outline came to be: a proposal unchanged, edited, or drawn by hand."""
        best, version = 0.0, None
        for proposal, proposed_by in self.proposed:
            if geometry.equals_exact(proposal, SAME_OUTLINE_DEG):
                return PROPOSED, proposed_by
            if (overlap := iou(geometry, proposal)) > best:
                best, version = overlap, proposed_by
        return (PROPOSED_EDITED, version) if best > EDITED_OVERLAP else (HAND, None)

    def forget(self, saved: list[BaseGeometry]) -> None:
        """Drop the proposals whose outlines were saved (unchanged or edited)."""
        self.proposed = [
            (p, v) for p, v in self.proposed if all(iou(g, p) <= EDITED_OVERLAP for g in saved)
        ]
