"""Export of a campaign (fields and tasks with states), on SQLite and PostGIS, and from the
command line."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pyogrio

from labels.__main__ import main
from labels.base_store import BaseLabelStore
from labels.campaign_export import export_campaign
from labels.campaign_store import CampaignStore
from labels.campaigns import Campaign, iso, task_grid
from labels.model import Role
from tests.labels.conftest import SCENE, make_label, square
from tests.labels.test_campaign_store import AREA, CELL, ORIGIN, Clock


def mapped_campaign(store: BaseLabelStore) -> tuple[CampaignStore, str]:
    clock = Clock()
    campaigns = CampaignStore(store, clock=clock)
    made = campaigns.create(
        Campaign("Terai", (SCENE,), AREA, "boss"),
        task_grid(AREA, "EPSG:32645", CELL, ORIGIN),
        actor="boss",
        role=Role.COORDINATOR,
    )
    task = campaigns.map_next(made.id, "ram")
    store.save(make_label(square(85.3005, 27.7295, 80.0), task_id=task.ref), actor="ram",
               role=Role.VOLUNTEER)  # fmt: skip
    store.save(make_label(square(85.36, 27.75, 80.0)), actor="ram", role=Role.VOLUNTEER)
    campaigns.mark_mapped(made.id, task.number, "ram")
    campaigns.lock_for_validation(made.id, task.number, "sita", Role.REVIEWER)
    campaigns.validate(made.id, task.number, "sita", Role.REVIEWER)
    campaigns.map_next(made.id, "hari")
    return campaigns, made.id


def test_a_campaign_exports_its_fields_and_its_tasks_with_states(
    store: BaseLabelStore, tmp_path: Path
) -> None:
    campaigns, campaign_id = mapped_campaign(store)
    out = tmp_path / "campaign.gpkg"
    now = iso(campaigns.clock())
    assert export_campaign(campaigns, campaign_id, out, now) == 1  # the field in the task only
    assert sorted(pyogrio.list_layers(out)[:, 0]) == ["fields", "layer_styles", "tasks"]
    fields = gpd.read_file(out, layer="fields")
    assert fields["task_id"].tolist() == [f"{campaign_id}:1"]
    tasks = gpd.read_file(out, layer="tasks")
    assert len(tasks) == 16 and tasks.crs.to_epsg() == 4326
    states = dict(zip(tasks["task"], tasks["state"], strict=True))
    assert states[1] == "validated" and states[2] == "locked_mapping"
    assert sorted(set(states.values())) == ["locked_mapping", "ready", "validated"]
    assert tasks.loc[tasks["task"] == 1, "validator"].item() == "sita"
    assert not tasks["first"].any()  # none was chosen to be mapped first
    assert tasks["assigned_to"].isna().all()  # nor assigned
    assert export_campaign(campaigns, campaign_id, tmp_path / "t.geojson", now) == 16
    doc = json.loads((tmp_path / "t.geojson").read_text())
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 16
    assert doc["features"][0]["properties"]["state"] == "validated"


def test_the_command_line_exports_a_campaign(tmp_path: Path) -> None:
    from labels.store import open_store

    store = open_store(tmp_path / "store")
    store.register_scene(SCENE, AREA.buffer(0.1))
    _, campaign_id = mapped_campaign(store)
    out = tmp_path / "c.gpkg"
    assert main(["export", str(tmp_path / "store"), str(out), "--campaign", campaign_id]) == 0
    assert len(gpd.read_file(out, layer="tasks")) == 16
