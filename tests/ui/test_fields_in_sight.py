"""The saved fields a person sees on the Map and Label pages: their own and others', except
the other volunteer's mapping of a task mapped twice while they map it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from shapely.geometry import box, mapping
from shapely.geometry.base import BaseGeometry
from streamlit.testing.v1 import AppTest

from labels.model import Label, Role, Status
from tests.ui.campaign_steps import campaign_on_sample, map_with_fields
from tests.ui.conftest import MAYA, map_html, run_page, shown
from tests.ui.test_label_page import map_sends
from ui.auth import Identity
from ui.campaign_map import HIDDEN_TIP
from ui.field_layers import LEGEND_TITLE
from ui.fields_around import FieldsAround
from ui.fields_in_sight import MINE, OTHERS, fields_in_sight
from ui.plain_words import field_name

SITA, RAM, GITA = (Identity(name, Role.VOLUNTEER) for name in ("Sita", "Ram", "Gita"))


def _switcher(app: AppTest) -> list[str]:
    """The names of the field layers in the map's layer switcher."""
    [frame] = app.get("component_instance")
    script = json.loads(frame.proto.json_args)["script"]
    quoted = re.findall(r'("(?:[^"\\]|\\.)*")\s*:\s*feature_group_', script)
    return [json.loads(name) for name in quoted]


def _captions(app: AppTest) -> str:
    return " ".join(c.value for c in app.caption)


def test_the_map_page_shows_ones_own_fields_and_others(app_data: Path) -> None:
    scene, campaigns, made = campaign_on_sample(app_data, "once")
    [sitas] = map_with_fields(campaigns, made, scene, "Sita")
    west, south, _, _ = made.area.bounds
    free = Label(box(west + 0.01, south + 0.002, west + 0.012, south + 0.004), "rice",
                 scene.scene_id, "Gita")  # fmt: skip
    gitas = campaigns.store.save(free, actor="Gita", role=Role.VOLUNTEER).label

    app = run_page("pages/map.py", SITA)
    html = map_html(app)
    assert sitas.id in html and gitas.id in html
    assert _switcher(app) == [MINE, OTHERS]
    assert [e.label for e in app.expander] == [LEGEND_TITLE]  # what the colours mean
    assert "1 of yours, 1 by others" in _captions(app)


def test_a_scene_without_fields_says_so_and_adds_no_layer(app_data: Path) -> None:
    campaign_on_sample(app_data, "empty")
    app = run_page("pages/map.py", SITA)
    assert "No saved fields to show" in _captions(app)
    assert not app.expander  # no legend for no field
    assert _switcher(app) == []


def test_the_second_mapper_of_a_task_mapped_twice_sees_no_field_of_the_first(
    app_data: Path,
) -> None:
    scene, campaigns, made = campaign_on_sample(app_data, "twice", double_share=1.0)
    [sitas] = map_with_fields(campaigns, made, scene, "Sita")  # handed in
    task = campaigns.lock_for_mapping(made.id, 1, "Ram")  # Ram maps it too, on his own
    drawn = Label(sitas.geometry.buffer(0.0002), "maize", scene.scene_id, "Ram",
                  status=Status.SUBMITTED, task_id=task.ref)  # fmt: skip
    rams = campaigns.store.save(drawn, actor="Ram", role=Role.VOLUNTEER).label

    seen = fields_in_sight(campaigns.store, scene.scene_id, RAM)
    assert seen.task is not None and seen.task.number == 1
    assert [lab.id for lab in seen.mine] == [rams.id] and seen.others == []
    map_page = run_page("pages/map.py", RAM)
    assert rams.id in map_html(map_page) and sitas.id not in map_html(map_page)
    assert _switcher(map_page) == [MINE]
    label_page = run_page("pages/label.py", RAM)
    assert rams.id in map_html(label_page) and sitas.id not in map_html(label_page)
    profile = next(s for s in label_page.selectbox if s.label == "Season profile of")
    assert profile.options == [field_name(rams)]  # nor among the fields to see the season of
    review = run_page("pages/review.py", RAM)
    queue = next(s for s in review.selectbox if s.label.startswith("Field ("))
    assert queue.label == "Field (1 in the queue)"  # Sita's submitted field is not in it

    # Nor does any other volunteer until both have handed it in; a reviewer does.
    assert fields_in_sight(campaigns.store, scene.scene_id, GITA).others == []
    assert sitas.id not in map_html(run_page("pages/map.py", GITA))
    maya = fields_in_sight(campaigns.store, scene.scene_id, MAYA).others
    assert sorted(lab.id for lab in maya) == sorted([sitas.id, rams.id])
    campaigns.mark_mapped(made.id, 1, "Ram")  # mapped twice: both mappings can be seen
    gita = fields_in_sight(campaigns.store, scene.scene_id, GITA).others
    assert sorted(lab.id for lab in gita) == sorted([sitas.id, rams.id])
    assert sitas.id in map_html(run_page("pages/map.py", GITA))


def test_the_first_mapping_is_hidden_before_its_second_mapper_takes_the_task(
    app_data: Path,
) -> None:
    scene, campaigns, made = campaign_on_sample(app_data, "twice", double_share=1.0)
    [sitas] = map_with_fields(campaigns, made, scene, "Sita")  # handed in, waiting for Ram
    rams = fields_in_sight(campaigns.store, scene.scene_id, RAM)
    assert rams.hidden == {sitas.id} and [t.number for t in rams.waiting] == [1]
    tip = HIDDEN_TIP.format(n=1)
    for page in ("pages/map.py", "pages/label.py"):
        app = run_page(page, RAM)
        assert sitas.id not in map_html(app)
        assert tip in map_html(app)  # the task's outline says why nothing shows there
    assert "1 task(s) outlined in grey dashes" in _captions(run_page("pages/map.py", RAM))
    sitas_view = run_page("pages/map.py", SITA)
    assert sitas.id in map_html(sitas_view) and tip not in map_html(sitas_view)  # her own
    assert tip not in map_html(run_page("pages/map.py", MAYA))  # a reviewer sees it all


def _feature(outline: BaseGeometry) -> dict[str, Any]:
    return {"type": "Feature", "properties": {}, "geometry": mapping(outline)}


def _saved_on_label_page(app_data: Path, who: Identity, outline: BaseGeometry) -> str:
    """``who`` draws ``outline`` on the Label page and saves it; what the page says."""
    app = run_page("pages/label.py", who)
    app.radio(key="tool").set_value("Draw fields").run()
    app = map_sends(app, all_drawings=[_feature(outline)], last_active_drawing=_feature(outline))
    next(b for b in app.button if b.label == "Save & submit").click().run()
    assert not app.exception and not app.error, (app.exception, app.error)
    return " ".join(shown(w.value) for w in app.warning)


def test_a_save_over_the_other_mapping_says_nothing_of_it(app_data: Path) -> None:
    scene, campaigns, made = campaign_on_sample(app_data, "twice", double_share=1.0)
    [sitas] = map_with_fields(campaigns, made, scene, "Sita")
    campaigns.lock_for_mapping(made.id, 1, "Ram")
    assert fields_in_sight(campaigns.store, scene.scene_id, RAM).hidden == {sitas.id}

    said = _saved_on_label_page(app_data, RAM, sitas.geometry)  # the same field, on his own
    assert "Sita" not in said and "overlap" not in said, said
    [rams] = [lab for lab in campaigns.fields(made.id) if lab.annotator == "Ram"]
    assert rams.task_id == sitas.task_id  # saved in the task, beside Sita's

    # Once both have handed the task in, an overlap with Sita's field is said to Gita.
    campaigns.mark_mapped(made.id, 1, "Ram")
    said = _saved_on_label_page(app_data, GITA, sitas.geometry.buffer(0.0001))
    assert "overlaps" in said and "by Sita" in said, said


def test_the_assist_stops_at_every_field_in_sight_and_at_none_hidden(app_data: Path) -> None:
    scene, campaigns, made = campaign_on_sample(app_data, "twice", double_share=1.0)
    [sitas] = map_with_fields(campaigns, made, scene, "Sita")  # drawn by hand: firm
    campaigns.lock_for_mapping(made.id, 1, "Ram")
    hidden = fields_in_sight(campaigns.store, scene.scene_id, RAM).hidden
    west, south, east, north = sitas.geometry.bounds
    half = (east - west) / 2
    proposal = box(west + half, south, east + half, north)  # half of it over Sita's field
    at = (east + half / 2, (south + north) / 2)  # clicked in the half outside it
    rams = FieldsAround(campaigns.store, scene.scene_id, hidden=hidden).cut(proposal, at)
    assert rams.cut_along == 0 and rams.outline is not None and rams.outline.equals(proposal)
    seen = FieldsAround(campaigns.store, scene.scene_id).cut(proposal, at)  # Sita's in sight
    assert seen.cut_along == 1 and seen.outline is not None
    assert abs(seen.outline.area - proposal.area / 2) < 0.01 * proposal.area
