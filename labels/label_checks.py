"""The checks a label passes before it is saved or imported: crop, required properties,
geometry (with its footprint and neighbours), and the measures a saved label carries.

Plain functions on a ``Label`` and what the caller looked up (the scene's footprint, the
neighbouring fields); the store (``labels.store``) and the file import (``labels.io``) both
use them, so a rule exists once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import shapely

from labels.errors import ValidationError
from labels.model import HAND, PROPOSED, PROPOSED_EDITED, Geometry, Label
from labels.validate import Finding, Rules, check_geometry, has_errors, parse_geojson_geometry

Neighbours = Callable[[Geometry], list[tuple[str, Geometry]]]
# The badges of sr.sharpen.assessment (labels does not import sr): what a label may record about
# the consistency of the enhanced area it was drawn on.
CONSISTENCY_BADGES = ("consistent", "check", "inconsistent")
DRAWINGS = (HAND, PROPOSED, PROPOSED_EDITED)  # how an outline came to be (labels.model)


def crop_findings(crop: str, crops: Sequence[str]) -> list[Finding]:
    """An ``unknown-crop`` error unless ``crop`` is in the crop list."""
    if crop in crops:
        return []
    message = f"crop {crop!r} is not in the crop list ({', '.join(crops)})"
    return [Finding("unknown-crop", "error", message)]


def consistency_findings(label: Label) -> list[Finding]:
    """A ``bad-consistency`` error for a consistency badge that is not one of the three."""
    if label.consistency is None or label.consistency in CONSISTENCY_BADGES:
        return []
    message = (
        f"consistency {str(label.consistency)[:40]!r} is not one of "
        f"{', '.join(CONSISTENCY_BADGES)} (or empty)"
    )
    return [Finding("bad-consistency", "error", message)]


def drawing_findings(label: Label) -> list[Finding]:
    """A ``bad-drawing`` error for a drawing provenance that is not one of the three."""
    if label.drawing is None or label.drawing in DRAWINGS:
        return []
    message = f"drawing {str(label.drawing)[:40]!r} is not one of {', '.join(DRAWINGS)} (or empty)"
    return [Finding("bad-drawing", "error", message)]


def required_findings(label: Label) -> list[Finding]:
    """A ``missing-property`` error for an empty scene id or annotator."""
    return [
        Finding("missing-property", "error", f"no {attr} given")
        for attr in ("scene_id", "annotator")
        if not str(getattr(label, attr) or "").strip()
    ]


def checked_label(
    label: Label,
    *,
    crops: Sequence[str],
    rules: Rules,
    footprint: Geometry | None,
    neighbours: Neighbours,
) -> tuple[Label, list[Finding]]:
    """``label`` with its geometry parsed and its area and perimeter filled, and the
    warnings found; ``ValidationError`` (every finding) when anything is an error.

    ``footprint`` is the scene's (None: not checked); ``neighbours(geometry)`` gives the
    ``(id, geometry)`` of stored fields that may overlap it.
    """
    subject = f"label {label.id}"
    findings = crop_findings(label.crop, crops) + required_findings(label)
    findings += consistency_findings(label) + drawing_findings(label)
    geom = label.geometry
    if isinstance(geom, dict):
        geom, parse_findings = parse_geojson_geometry(geom)
        if geom is None:
            raise ValidationError(findings + parse_findings, subject)
    others: list[tuple[str, Geometry]] = []
    if isinstance(geom, shapely.Polygon | shapely.MultiPolygon) and not geom.is_empty:
        try:
            others = neighbours(geom)
        except ValueError:  # bounds of a geometry with non-finite coordinates
            others = []
    geo_findings, measured = check_geometry(geom, footprint=footprint, others=others, rules=rules)
    findings += geo_findings
    if has_errors(findings) or measured is None:
        raise ValidationError(findings, subject)
    area, perimeter = measured
    return label.replace(geometry=geom, area_ha=area, perimeter_m=perimeter), findings
