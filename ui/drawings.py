"""What the volunteer changed on the map, and unsaved drawings kept across page reloads.

Leaflet.draw hands back every feature of the editable layer after each edit. Features
that carry a label id are saved labels (perhaps with a new geometry); features without
one are new drawings. Unsaved work (new drawings and changed outlines) is written to a
per-user, per-scene drafts file after each change, so a reload or a closed tab loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from sr.fsutil import atomic_write, safe_file_stem

# Leaflet rounds coordinates when it hands them back; smaller differences are not edits.
_SAME_GEOMETRY_TOLERANCE_DEG = 1e-6


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

    ``features`` is None before the first drawing event: then nothing changed.
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
        elif not label_id:
            changes.new.append(geom)
    changes.deleted = [label_id for label_id in saved if label_id not in seen]
    return changes


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
        safe_user = safe_file_stem(
            user, keep="", unicode_letters=True, max_length=60, default="anonymous"
        )
        self.path = folder / f"{scene_id}--{safe_user}.geojson"

    def load(self) -> Draft:
        try:
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

    def save(self, draft: Draft) -> None:
        features = [
            {"type": "Feature", "properties": {}, "geometry": mapping(g)} for g in draft.new
        ]
        features += [
            {
                "type": "Feature",
                "properties": {"label_id": label_id, "version": version},
                "geometry": mapping(geom),
            }
            for label_id, (geom, version) in draft.edits.items()
        ]
        if not features:
            self.path.unlink(missing_ok=True)
            return
        with atomic_write(self.path) as handle:
            json.dump({"type": "FeatureCollection", "features": features}, handle)
