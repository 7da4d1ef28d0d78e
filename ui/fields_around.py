"""What a proposal of the outline assist stops at (the fields drawn already around it), and
whether it would pass the checks a saved drawing passes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from labels.base_store import LabelStore
from labels.errors import ValidationError
from labels.label_checks import checked_label
from labels.model import Label
from labels.workflow import firm_outline
from sr.outline.saved_fields import Trimmed, clear_of


def firm_fields_near(
    store: LabelStore, outline: BaseGeometry, scene_id: str
) -> dict[str, BaseGeometry]:
    """The scene's saved fields beside ``outline`` that a proposal takes its border from
    (id → outline): a person drew or edited them, or a reviewer accepted them
    (:func:`firm_outline`)."""
    return {
        label.id: label.geometry
        for label in store.labels_near(outline, scene_id)
        if firm_outline(label) and label.geometry.intersects(outline)
    }


@dataclass(frozen=True)
class FieldsAround:
    """What a proposal stops at: the scene's firm saved fields (:func:`firm_fields_near`),
    as the volunteer is editing them where they are (``edited``: id → the outline on the
    map, not saved yet), and the volunteer's own unsaved drawings that are not unchanged
    proposals (``drawn``: drawn by hand, or proposals edited); not the fields ``hidden`` from
    the volunteer (ids: ``ui.fields_in_sight``). All lon/lat."""

    store: LabelStore
    scene_id: str
    drawn: tuple[BaseGeometry, ...] = ()
    edited: Mapping[str, BaseGeometry] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()

    def cut(self, outline: Polygon, at: tuple[float, float] | None = None) -> Trimmed:
        """``outline`` (lon/lat) with what lies in those fields cut away: the piece holding
        the click ``at`` (lon, lat), else the largest (:func:`clear_of`)."""
        near = firm_fields_near(self.store, outline, self.scene_id)
        saved = {i: g for i, g in near.items() if i not in self.hidden} | dict(self.edited)
        return clear_of(outline, [*saved.values(), *self.drawn], at)


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
