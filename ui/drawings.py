"""What the volunteer changed on the map, and unsaved drawings kept across page reloads.

Leaflet.draw hands back every feature of the editable layer after each edit. Features
that carry a label id are saved labels (perhaps with a new geometry); features without
one are new drawings. Unsaved work (new drawings and changed outlines) is written to a
per-person, per-scene drafts file after each change, so a reload or a closed tab loses nothing.

Drafts are filed under the person's id (``ui.auth.person_id``), never under the typed name,
and are size-checked like saved fields: an outline with more vertices than a saved field may
have is not kept, nor anything past ``MAX_DRAFT_BYTES`` in all.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from labels.validate import DEFAULT_RULES
from sr.fsutil import atomic_write
from ui.auth import person_id

log = logging.getLogger("sharpfields.drafts")

# Leaflet rounds coordinates when it hands them back; smaller differences are not edits.
_SAME_GEOMETRY_TOLERANCE_DEG = 1e-6
MAX_DRAFT_BYTES = 1_000_000  # a day's drawing is a few KB; 200 fields of 5000 vertices ≈ 1 MB


@dataclass
class DrawingChanges:
    """New drawings, saved labels whose outline changed, and saved labels removed."""

    new: list[BaseGeometry] = field(default_factory=list)
    edited: dict[str, BaseGeometry] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.new or self.edited or self.deleted)


def diff_drawings(
    features: Iterable[Mapping[str, Any]] | None, saved: Mapping[str, BaseGeometry]
) -> DrawingChanges:
    """Compare the map's features with the saved outlines (by label id).

    ``features`` is None before the first drawing event: then nothing changed. A drawing
    without a label id that is exactly a saved outline is that field: the live map (which
    is not rebuilt after a save) shows a field just saved as a drawing until the page's
    next run reaches it, and a drawing made meanwhile reports it so.
    """
    changes = DrawingChanges()
    if features is None:
        return changes
    seen: set[str] = set()
    for feature in features:
        geometry = feature.get("geometry")
        if not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        geom = shape(geometry)
        label_id = (feature.get("properties") or {}).get("label_id")
        if label_id and label_id in saved:
            seen.add(label_id)
            if not geom.equals_exact(saved[label_id], _SAME_GEOMETRY_TOLERANCE_DEG):
                changes.edited[label_id] = geom
        elif not label_id and (same := _saved_as(geom, saved, seen)) is not None:
            seen.add(same)
        elif not label_id:
            changes.new.append(geom)
    changes.deleted = [label_id for label_id in saved if label_id not in seen]
    return changes


def _saved_as(geom: BaseGeometry, saved: Mapping[str, BaseGeometry], seen: set[str]) -> str | None:
    """The id of a saved outline (not matched yet) that ``geom`` is exactly, or None."""
    shape_of = geom.normalize()
    for label_id, outline in saved.items():
        if label_id not in seen and shape_of.equals_exact(
            outline.normalize(), _SAME_GEOMETRY_TOLERANCE_DEG
        ):
            return label_id
    return None


@dataclass
class Draft:
    """Unsaved work: new drawings, and new outlines of saved fields with the version edited."""

    new: list[BaseGeometry] = field(default_factory=list)
    edits: dict[str, tuple[BaseGeometry, int]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.new or self.edits)


class Drafts:
    """Unsaved work of one user on one scene, in a GeoJSON file written atomically."""

    def __init__(self, folder: Path, user: str, scene_id: str) -> None:
        self.path = folder / f"{scene_id}--{person_id(user)}.geojson"

    def load(self) -> Draft:
        try:
            if self.path.stat().st_size > MAX_DRAFT_BYTES:
                log.warning("drafts file %s is too large; ignored", self.path.name)
                return Draft()
            features = json.loads(self.path.read_text()).get("features", [])
            draft = Draft()
            for feature in features:
                geom = shape(feature["geometry"])
                props = feature.get("properties") or {}
                if props.get("label_id"):
                    draft.edits[str(props["label_id"])] = (geom, int(props["version"]))
                else:
                    draft.new.append(geom)
            return draft
        except FileNotFoundError:
            return Draft()
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return Draft()  # a damaged drafts file is treated as no drafts (never a crash)

    def save(self, draft: Draft) -> list[str]:
        """Keep ``draft``; returns what was not kept (too many vertices, too much in all),
        in plain words."""
        candidates: list[tuple[dict[str, Any], BaseGeometry]] = [({}, g) for g in draft.new] + [
            ({"label_id": label_id, "version": version}, geom)
            for label_id, (geom, version) in draft.edits.items()
        ]
        features: list[str] = []
        size = 0
        dropped: list[str] = []
        for properties, geom in candidates:
            vertices = int(shapely.get_num_coordinates(geom))
            if vertices > DEFAULT_RULES.max_vertices:
                dropped.append(
                    f"An outline with {vertices:,} points was not kept: a field may have at "
                    f"most {DEFAULT_RULES.max_vertices:,}. Draw it again with fewer points."
                )
                continue
            text = json.dumps(
                {"type": "Feature", "properties": properties, "geometry": mapping(geom)}
            )
            if size + len(text) > MAX_DRAFT_BYTES:
                dropped.append("Too many unsaved outlines: save some before drawing more.")
                break
            features.append(text)
            size += len(text) + 1
        if dropped:
            log.warning("drafts %s: %s", self.path.name, "; ".join(dropped))
        if not features:
            self.path.unlink(missing_ok=True)
            return dropped
        with atomic_write(self.path) as handle:
            handle.write('{"type": "FeatureCollection", "features": [' + ",".join(features) + "]}")
        return dropped
