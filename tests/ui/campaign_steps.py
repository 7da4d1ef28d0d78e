"""A coordinator's steps on the Campaigns page, run headless (AppTest), shared by the page's
tests and the security tests. The map is a streamlit-folium component AppTest cannot draw
on: what it would send back is put in the session under the map's key."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from shapely.geometry import Polygon, box, mapping
from shapely.geometry.base import BaseGeometry
from streamlit.testing.v1 import AppTest

from labels.campaign_store import CampaignStore
from labels.campaigns import Campaign, Task
from labels.model import Label, Role, Status
from labels.store import open_store
from sr.imagery.scene import Scene, open_scene
from tests.ui.conftest import run_page, shown
from ui.auth import Identity
from ui.campaign_map import task_feature
from ui.settings import SAMPLE_SCENE

CAMPAIGNS_PAGE = "pages/campaigns.py"
BOSS = Identity("Boss", Role.COORDINATOR)


def campaign_on_sample(
    app_data: Path, name: str, actor: str = "Boss", grid: int = 1, **options: Any
) -> tuple[Scene, CampaignStore, Campaign]:
    """A campaign over the bundled sample (nearly all of it), in ``grid`` × ``grid`` tasks,
    made by ``actor`` straight in the pages' store (``options``: the campaign's other
    fields): the scene, the campaigns, the campaign."""
    scene = open_scene(SAMPLE_SCENE)
    store = open_store(app_data / "labels")
    store.register_scene(scene.scene_id, scene.footprint)
    campaigns = CampaignStore(store)
    area = box(*scene.lonlat_bounds).buffer(-0.005)
    side_m = _side_m(area) / grid  # the campaign's caption says it, as the page's would
    options.setdefault("task_side_m", side_m)
    options.setdefault("task_pixels", round(side_m / scene.metres_per_pixel))
    made = campaigns.create(
        Campaign(name, (scene.scene_id,), area, "Boss", **options),
        grid_parts(area, grid),
        actor=actor,
        role=Role.COORDINATOR,
    )
    return scene, campaigns, made


def _side_m(area: BaseGeometry) -> float:
    """The mean of a lon/lat area's width and height, in metres (near enough for a caption)."""
    west, south, east, north = area.bounds
    metres_per_degree = 111_320.0
    width = (east - west) * metres_per_degree * math.cos(math.radians((south + north) / 2))
    return float(width + (north - south) * metres_per_degree) / 2


def grid_parts(area: BaseGeometry, n: int) -> list[Polygon]:
    """``area``'s bounds cut into n × n tasks, row by row from the south-west."""
    west, south, east, north = area.bounds
    dx, dy = (east - west) / n, (north - south) / n
    return [
        box(west + i * dx, south + j * dy, west + (i + 1) * dx, south + (j + 1) * dy)
        for j in range(n)
        for i in range(n)
    ]


def scene_area() -> dict[str, Any]:
    """A polygon over the middle of the sample scene, as Leaflet.draw reports it."""
    west, south, east, north = open_scene(SAMPLE_SCENE).lonlat_bounds
    dx, dy = (east - west) / 10, (north - south) / 10
    polygon = box(west + dx, south + dy, east - dx, north - dy)
    return {"type": "Feature", "properties": {}, "geometry": mapping(polygon)}


def button(app: AppTest, label: str):  # type: ignore[no-untyped-def]
    """The button whose label reads ``label`` (labels with user input are escaped)."""
    return next(b for b in app.button if shown(b.label) == label)


def create_on_the_page(name: str, instructions: str = "") -> AppTest:
    """The coordinator draws the area over the sample, names the campaign and creates it
    (nothing sharpened ahead: no cluster here); the page after the press."""
    app = run_page(CAMPAIGNS_PAGE, BOSS)
    draw_on_the_map(app, scene_area())
    app.text_input(key="new_campaign_name").input(name)
    app.text_area(key="new_campaign_text").input(instructions)
    app.checkbox(key="pre_enhance").uncheck()  # tests/sr/jobs covers the cluster
    button(app, "Create campaign").click().run()
    assert not app.exception, app.exception
    return app


def map_with_fields(
    campaigns: CampaignStore,
    campaign: Campaign,
    scene: Scene,
    mapper: str,
    statuses: tuple[Status, ...] = (Status.SUBMITTED,),
    number: int = 1,
    crop: str = "wheat",
    shift: float = 0.0,
    **fields: Any,
) -> list[Label]:
    """``mapper`` maps task ``number``: one ``crop`` field saved per status, side by side in
    the task's south-west corner, moved east by ``shift`` degrees (``fields``: the labels'
    other fields), then hands the task in; the labels as saved."""
    task = campaigns.lock_for_mapping(campaign.id, number, mapper)
    west, south, _, _ = task.geometry.bounds
    saved = []
    for i, status in enumerate(statuses):
        x = west + 0.002 + 0.003 * i + shift
        drawn = Label(box(x, south + 0.002, x + 0.002, south + 0.0035), crop, scene.scene_id,
                      mapper, status=status, task_id=task.ref, **fields)  # fmt: skip
        saved.append(campaigns.store.save(drawn, actor=mapper, role=Role.VOLUNTEER).label)
    campaigns.mark_mapped(campaign.id, number, mapper)
    return saved


def _map_sends(
    app: AppTest, last_active_drawing: dict[str, Any], all_drawings: list[dict[str, Any]]
) -> None:
    """What the Campaigns map would send back after a click or a drawing (AppTest cannot
    draw on the component: it goes in the session under the map's key), then the page's run."""
    state = app.session_state
    generation = state["map_generation"] if "map_generation" in state else 0  # noqa: SIM401
    app.session_state[f"campaign-map-{generation}"] = {
        "last_active_drawing": last_active_drawing,
        "all_drawings": all_drawings,
    }
    app.run()


def draw_on_the_map(app: AppTest, drawn: dict[str, Any]) -> None:
    """A polygon drawn with the draw tool on the Campaigns map (Leaflet.draw's feature)."""
    _map_sends(app, drawn, [drawn])


def click_task(app: AppTest, task: Task) -> None:
    """A click on ``task`` on the Campaigns map, as streamlit-folium reports it (the clicked
    feature as the last active drawing, not among the drawings)."""
    _map_sends(app, task_feature(task, "", show_holder=False), [])
