"""Agreement between two volunteers who mapped the same task independently.

Fields are matched one to one at IoU ≥ 0.5 (greedily, highest IoU first, as COCO-style
evaluations do; above 0.5 a field can overlap that much with at most one field of a set
that does not overlap itself, so the matching is then unique). For a task the measures are:
matched pairs and their mean IoU, the boundary F-score at 2 m (the share of each side's
field boundaries lying within 2 m of the other side's, combined as an F-score), the share of
matched pairs given the same crop, and the fields left unmatched on each side. Lengths and
areas are measured in the UTM zone of the task (metres).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer

from labels.geometry import utm_epsg
from labels.model import Geometry, Label

MATCH_IOU = 0.5
BOUNDARY_TOLERANCE_M = 2.0


@dataclass(frozen=True, slots=True)
class Agreement:
    """The agreement of side A with side B over one or more tasks (sums, so they combine)."""

    tasks: int
    matched: int
    unmatched_a: int
    unmatched_b: int
    iou_sum: float
    same_crop: int
    boundary_a_m: float  # length of A's boundaries
    boundary_a_near_m: float  # … of which within the tolerance of B's boundaries
    boundary_b_m: float
    boundary_b_near_m: float

    @property
    def mean_iou(self) -> float | None:
        """Mean IoU of the matched pairs (None without any)."""
        return self.iou_sum / self.matched if self.matched else None

    @property
    def crop_agreement(self) -> float | None:
        """Share of matched pairs given the same crop (None without any pair)."""
        return self.same_crop / self.matched if self.matched else None

    @property
    def boundary_f(self) -> float | None:
        """Boundary F-score: precision A→B, recall B→A (None when neither side drew)."""
        if not self.boundary_a_m or not self.boundary_b_m:
            return None if not (self.boundary_a_m or self.boundary_b_m) else 0.0
        precision = self.boundary_a_near_m / self.boundary_a_m
        recall = self.boundary_b_near_m / self.boundary_b_m
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def __add__(self, other: Agreement) -> Agreement:
        sums: dict[str, Any] = {
            f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)
        }
        return Agreement(**sums)

    def summary(self) -> dict[str, float | int | None]:
        """The figures as shown and exported."""
        return {
            "tasks": self.tasks,
            "matched": self.matched,
            "mean_iou": self.mean_iou,
            "boundary_f_2m": self.boundary_f,
            "crop_agreement": self.crop_agreement,
            "unmatched_a": self.unmatched_a,
            "unmatched_b": self.unmatched_b,
        }


NO_AGREEMENT = Agreement(0, 0, 0, 0, 0.0, 0, 0.0, 0.0, 0.0, 0.0)


def _to_metres(geoms: Sequence[Geometry]) -> list[Geometry]:
    if not geoms:
        return []
    centre = shapely.union_all(list(geoms)).centroid
    forward = Transformer.from_crs(4326, utm_epsg(centre.x, centre.y), always_xy=True)

    def project(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(forward.transform(xy[:, 0], xy[:, 1]))

    return [shapely.transform(g, project) for g in geoms]


def iou(a: Geometry, b: Geometry) -> float:
    """Intersection over union of two polygons (in any one planar CRS)."""
    union = a.union(b).area
    return a.intersection(b).area / union if union else 0.0


def match(a: Sequence[Geometry], b: Sequence[Geometry], threshold: float = MATCH_IOU
          ) -> list[tuple[int, int, float]]:  # fmt: skip
    """One-to-one pairs ``(i, j, iou)`` with IoU ≥ ``threshold``, highest IoU first."""
    candidates = []
    tree = shapely.STRtree(list(b))
    for i, geom in enumerate(a):
        for j in tree.query(geom, predicate="intersects"):
            value = iou(geom, b[int(j)])
            if value >= threshold:
                candidates.append((value, i, int(j)))
    pairs, used_a, used_b = [], set(), set()
    for value, i, j in sorted(candidates, reverse=True):
        if i not in used_a and j not in used_b:
            pairs.append((i, j, value))
            used_a.add(i)
            used_b.add(j)
    return pairs


def _boundary_near(lines: Geometry, other: Geometry, tolerance: float) -> float:
    if lines.is_empty or other.is_empty:
        return 0.0
    return float(lines.intersection(other.buffer(tolerance)).length)


def task_agreement(
    a: Sequence[tuple[Geometry, str]],
    b: Sequence[tuple[Geometry, str]],
    tolerance_m: float = BOUNDARY_TOLERANCE_M,
) -> Agreement:
    """Agreement of two mappings of one task: ``(lon/lat geometry, crop)`` per field."""
    projected = _to_metres([g for g, _ in a] + [g for g, _ in b])
    geoms_a, geoms_b = projected[: len(a)], projected[len(a) :]
    pairs = match(geoms_a, geoms_b)
    lines_a = shapely.union_all([g.boundary for g in geoms_a]) if geoms_a else shapely.Point()
    lines_b = shapely.union_all([g.boundary for g in geoms_b]) if geoms_b else shapely.Point()
    return Agreement(
        tasks=1,
        matched=len(pairs),
        unmatched_a=len(a) - len(pairs),
        unmatched_b=len(b) - len(pairs),
        iou_sum=sum(value for _, _, value in pairs),
        same_crop=sum(a[i][1] == b[j][1] for i, j, _ in pairs),
        boundary_a_m=float(lines_a.length),
        boundary_a_near_m=_boundary_near(lines_a, lines_b, tolerance_m),
        boundary_b_m=float(lines_b.length),
        boundary_b_near_m=_boundary_near(lines_b, lines_a, tolerance_m),
    )


@dataclass(frozen=True, slots=True)
class CampaignAgreement:
    """Agreement per double-mapped task, per volunteer and for the whole campaign."""

    per_task: dict[str, Agreement]  # task id → A (first mapper) vs B (second)
    per_volunteer: dict[str, Agreement]  # each volunteer's tasks, them as side A
    campaign: Agreement


def campaign_agreement(
    mappers: Mapping[str, tuple[str, str]], labels: Iterable[Label]
) -> CampaignAgreement:
    """Agreement over double-mapped tasks: ``mappers`` gives each task id's two mappers
    (in mapping order); ``labels`` are the fields each drew, matched to tasks by task id
    (a version a reviewer did not keep included: it was drawn)."""
    by_task: dict[str, dict[str, list[tuple[Geometry, str]]]] = {}
    for label in labels:
        task_id = label.task_id
        if task_id is not None and task_id in mappers:
            by_task.setdefault(task_id, {}).setdefault(label.annotator, []).append(
                (label.geometry, label.crop)
            )
    per_task: dict[str, Agreement] = {}
    per_volunteer: dict[str, Agreement] = {}
    for task_id, (first, second) in mappers.items():
        drawn = by_task.get(task_id, {})
        a, b = drawn.get(first, []), drawn.get(second, [])
        found = task_agreement(a, b)
        per_task[task_id] = found
        per_volunteer[first] = per_volunteer.get(first, NO_AGREEMENT) + found
        mirrored = task_agreement(b, a)
        per_volunteer[second] = per_volunteer.get(second, NO_AGREEMENT) + mirrored
    campaign = sum(per_task.values(), NO_AGREEMENT)
    return CampaignAgreement(per_task, per_volunteer, campaign)
