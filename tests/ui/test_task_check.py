"""What a reviewer checking a campaign task reads about it (ui.task_check), without Streamlit;
the panel itself is run on the Campaigns page in tests/ui/test_campaign_page.py."""

from __future__ import annotations

from types import SimpleNamespace

from shapely.geometry import box

from labels.campaigns import Task, TaskState
from labels.model import HAND, PROPOSED, Label
from sr.imagery.scene import open_scene
from ui.campaign_view import by_mapper
from ui.settings import SAMPLE_SCENE
from ui.task_check import drawn_summary, enhanced_name

TASK = Task("c1", 2, box(0, 0, 1, 1), TaskState.LOCKED_VALIDATION, copies=2)


def _field(
    mapper: str, crop: str, hectares: float, task: Task | None = TASK, drawing: str = HAND
) -> Label:
    return Label(box(0, 0, 0.001, 0.001), crop, "scene", mapper, area_ha=hectares,
                 task_id=task.ref if task else None, drawing=drawing)  # fmt: skip


def test_each_mapper_is_summed_up_in_name_order_with_crops_most_common_first() -> None:
    other_task = Task("c1", 3, box(1, 1, 2, 2))
    fields = [
        _field("Sita", "maize", 1.2, drawing=PROPOSED), _field("Ram", "rice", 0.5),
        _field("Sita", "wheat", 2.0), _field("Sita", "wheat", 1.0),
        _field("Sita", "rice", 9.0, other_task), _field("Sita", "rice", 9.0, None),
    ]  # fmt: skip
    assert drawn_summary(by_mapper(fields, TASK)) == [
        "Ram saved 1 field(s), 0.5 ha: 1 rice",
        "Sita saved 3 field(s), 4.2 ha: 2 wheat, 1 maize; 1 by the assist, not edited: check "
        "their edges",
    ]


def test_a_task_with_no_field_says_so() -> None:
    assert drawn_summary(by_mapper([_field("Sita", "rice", 1.0, None)], TASK)) == [
        "No fields were saved in this task."
    ]


def test_the_enhanced_layer_names_its_date_on_a_scene_of_several() -> None:
    sharpened = SimpleNamespace(provenance={"date_index": 1})  # what the name reads of a result
    scene = open_scene(SAMPLE_SCENE)
    assert enhanced_name(sharpened, scene) == "enhanced, date 2"  # type: ignore[arg-type]
