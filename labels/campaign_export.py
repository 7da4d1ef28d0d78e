"""Export of a campaign: its fields and its task polygons with their states, so a user of
the data knows where mapping is complete (a validated task with no field has no field), and
the agreement of the tasks mapped twice."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd

from labels.agreement import CampaignAgreement
from labels.campaign_store import CampaignStore
from labels.campaigns import Task
from labels.export import write_gpkg
from labels.formats import file_kind
from labels.fsutil import atomic_write

TASKS_LAYER = "tasks"
TASK_COLUMNS = (
    "campaign_id", "campaign", "task", "task_id", "state", "first", "assigned_to", "copies",
    "mappers", "validator", "comment", "updated", "matched", "mean_iou", "boundary_f_2m",
    "crop_agreement", "unmatched_a", "unmatched_b",
)  # fmt: skip


def tasks_frame(
    campaign_name: str, tasks: Sequence[Task], agreement: CampaignAgreement, now: str
) -> gpd.GeoDataFrame:
    """One row per task (EPSG:4326): its state at ``now``, who mapped and validated it,
    the reviewer's comment, and for a task mapped twice its agreement figures."""
    rows: list[dict[str, Any]] = []
    for task in tasks:
        found = agreement.per_task.get(task.ref)
        figures: dict[str, Any] = dict(found.summary()) if found else {}
        figures.pop("tasks", None)
        rows.append(
            {
                "campaign_id": task.campaign_id,
                "campaign": campaign_name,
                "task": task.number,
                "task_id": task.ref,
                "state": task.state_at(now).value,
                "first": task.first,  # a coordinator wanted it mapped first
                "assigned_to": task.assigned_to,
                "copies": task.copies,
                "mappers": ", ".join(task.mappers),
                "validator": task.validator,
                "comment": task.comment,
                "updated": task.updated_at,
                **figures,
            }
        )
    geoms = [t.geometry for t in tasks]
    return gpd.GeoDataFrame(rows, columns=list(TASK_COLUMNS), geometry=geoms, crs="EPSG:4326")


def export_campaign(campaigns: CampaignStore, campaign_id: str, out: Path, now: str) -> int:
    """Write a campaign to ``out``: a GeoPackage with layers ``fields`` and ``tasks``, or a
    GeoJSON of the tasks alone. Returns how many features the main layer holds."""
    campaign = campaigns.get(campaign_id)
    tasks = campaigns.tasks(campaign_id)
    frame = tasks_frame(campaign.name, tasks, campaigns.agreement(campaign_id), now)
    if file_kind(Path(out)) == "gpkg":
        return write_gpkg(
            campaigns.fields(campaign_id), Path(out), more_layers={TASKS_LAYER: frame}
        )
    with atomic_write(Path(out)) as fh:
        json.dump(json.loads(frame.to_json(drop_id=True)), fh)
    return len(frame)
