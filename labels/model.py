"""The label data model: a crop-field polygon with its crop, workflow status and provenance.

Property names follow fiboa where one exists (``id``, ``area`` in hectares, ``perimeter`` in
metres, ``determination_datetime``, ``determination_method``, ``crop:name``); the rest are
plain snake_case names of this project.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeAlias

from shapely.geometry import MultiPolygon, Polygon

from labels.confusables import fold_confusables

DEFAULT_CROPS: tuple[str, ...] = (
    "rice",
    "wheat",
    "maize",
    "millet",
    "barley",
    "potato",
    "mustard",
    "lentil",
    "sugarcane",
    "vegetables",
    "fallow",
    "other",
)


class Status(StrEnum):
    """Where a label stands in the review workflow."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class View(StrEnum):
    """The imagery a label was drawn on."""

    ORIGINAL = "original"
    ENHANCED = "enhanced"


class Role(StrEnum):
    """What the acting user may do (see ``labels.workflow``)."""

    VOLUNTEER = "volunteer"
    REVIEWER = "reviewer"
    COORDINATOR = "coordinator"


Geometry: TypeAlias = Polygon | MultiPolygon


# Label attribute -> feature property name (fiboa names first).
PROPERTY_NAMES: dict[str, str] = {
    "id": "id",
    "crop": "crop:name",
    "area_ha": "area",
    "perimeter_m": "perimeter",
    "determination_datetime": "determination_datetime",
    "status": "status",
    "annotator": "annotator",
    "reviewer": "reviewer",
    "review_comment": "review_comment",
    "scene_id": "scene_id",
    "view": "view",
    "enhancement": "enhancement",
    "model_version": "model_version",
    "consistency": "consistency",
    "drawing": "drawing",
    "assist_version": "assist_version",
    "task_id": "task_id",
    "dates_seen": "dates_seen",
    "created_at": "created",
    "updated_at": "updated",
    "updated_by": "updated_by",
    "version": "version",
}
DETERMINATION_METHOD = "manual"  # fiboa: hand drawn on imagery
# How the outline came to be (labels.label_checks.DRAWINGS); an outline the assist proposed
# and the volunteer saved unchanged is fiboa's "auto-imagery", every other one "manual".
PROPOSED, PROPOSED_EDITED, HAND = "proposed", "proposed-edited", "hand"


_SEPARATORS = re.compile(r"[\s_.\-\u2010-\u2015\u2212]+")


def normalise_name(name: str) -> str:
    """A person's name reduced to what identifies them: 'Sita_Rai' == ' sita  rai' == 'SITA-RAI'.

    Unicode NFKC (full-width letters become plain ones), invisible format characters
    (zero-width spaces, joiners, direction marks) removed, case folded, Cyrillic and Greek
    look-alikes of Latin letters folded to them (``labels.confusables``), and every run of
    white space, dots, underscores and hyphens / dashes made one space, trimmed at both ends.
    The one rule for comparing people: self-review checks, unique user names.
    """
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _SEPARATORS.sub(" ", fold_confusables(text.casefold())).strip()


def same_person(a: str | None, b: str | None) -> bool:
    """True when two non-empty names normalise to the same person (``normalise_name``)."""
    if not a or not b:
        return False
    return normalise_name(a) == normalise_name(b)


def utc_now() -> str:
    """The current time in UTC as ISO 8601 with microseconds and a ``Z``."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Label:
    """One crop-field polygon. The store fills area, perimeter, timestamps and version."""

    geometry: Geometry
    crop: str
    scene_id: str
    annotator: str
    id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    status: Status = Status.DRAFT
    view: View = View.ORIGINAL
    enhancement: str | None = None
    model_version: str | None = None
    # badge of the enhanced area it was drawn on (sr.sharpen.assessment)
    consistency: str | None = None
    drawing: str | None = None  # hand, proposed, proposed-edited (None: before it was recorded)
    assist_version: str | None = None  # the outline assist's model when proposed
    task_id: str | None = None  # the campaign task it was drawn in (labels.campaigns.task_ref)
    dates_seen: str | None = None  # the scene's dates looked at while drawing ("date 1, date 2")
    reviewer: str | None = None
    review_comment: str | None = None
    determination_datetime: str | None = None
    area_ha: float | None = None
    perimeter_m: float | None = None
    created_at: str | None = None
    updated_at: str | None = None
    updated_by: str | None = None
    version: int = 0
    deleted: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", Status(self.status))
        object.__setattr__(self, "view", View(self.view))

    def replace(self, **changes: Any) -> Label:
        """A copy with some fields changed (the label itself is immutable)."""
        return dataclasses.replace(self, **changes)

    def properties(self) -> dict[str, Any]:
        """The feature properties of this label, keyed by their fiboa / export names."""
        props: dict[str, Any] = {}
        for attr, name in PROPERTY_NAMES.items():
            value = getattr(self, attr)
            props[name] = value.value if isinstance(value, StrEnum) else value
        props["determination_method"] = (
            "auto-imagery" if self.drawing == PROPOSED else DETERMINATION_METHOD
        )
        return props

    @classmethod
    def from_properties(
        cls, props: Mapping[str, Any], geometry: Geometry, **overrides: Any
    ) -> Label:
        """Build a label from feature properties (export names); ``overrides`` win."""
        kwargs: dict[str, Any] = {}
        for attr, name in PROPERTY_NAMES.items():
            if props.get(name) is not None:
                kwargs[attr] = props[name]
        kwargs.update({k: v for k, v in overrides.items() if v is not None})
        if "id" in kwargs:
            kwargs["id"] = str(kwargs["id"])
        if "version" in kwargs:
            kwargs["version"] = int(kwargs["version"])
        return cls(geometry=geometry, **kwargs)
