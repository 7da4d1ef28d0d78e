"""The Label page's next step (ui/next_step.py): one thing to do, in the order of the loop."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ui.campaign_panel import DONE, MAP_NEXT
from ui.label_work import AREA_TOOL, FIELDS_TOOL
from ui.next_step import LabelMoment, next_step
from ui.outline_tool import OUTLINE_TOOL

ARRIVAL = LabelMoment(
    tool=AREA_TOOL,
    area_chosen=False,
    enhanced=False,
    enhancing=False,
    blocked=False,
    unsaved=0,
    waiting=0,
    deleting=False,
)


def test_a_first_visit_starts_with_choosing_an_area() -> None:
    step = next_step(ARRIVAL)
    assert step.text.startswith("**Start here:** click the map where there are fields")
    assert not step.enhance


def test_an_area_chosen_asks_to_sharpen_it_with_a_button_unless_it_is_too_large() -> None:
    chosen = replace(ARRIVAL, area_chosen=True)
    assert next_step(chosen).enhance
    blocked = next_step(replace(chosen, blocked=True))
    assert not blocked.enhance and "choose a smaller area" in blocked.text
    running = next_step(replace(chosen, enhancing=True))
    assert not running.enhance and running.text.startswith("**Sharpening this area:**")


def test_an_enhanced_area_leads_to_the_tools_that_outline_fields() -> None:
    done = replace(ARRIVAL, area_chosen=True, enhanced=True)
    assert (
        f'"{OUTLINE_TOOL}"' in next_step(done).text and f'"{FIELDS_TOOL}"' in next_step(done).text
    )
    click = next_step(replace(done, tool=OUTLINE_TOOL))
    assert click.text == "**Next:** click inside a field: the assist proposes its outline."
    assert "pentagon" in next_step(replace(done, tool=FIELDS_TOOL)).text


@pytest.mark.parametrize("tool", [OUTLINE_TOOL, FIELDS_TOOL])
def test_outlining_on_the_original_says_so_and_offers_to_sharpen_a_chosen_area(tool: str) -> None:
    nothing = next_step(replace(ARRIVAL, tool=tool))
    assert "On the original imagery" in nothing.text and f'"{AREA_TOOL}"' in nothing.text
    assert not nothing.enhance
    chosen = next_step(replace(ARRIVAL, tool=tool, area_chosen=True))
    assert "the button below sharpens your area" in chosen.text and chosen.enhance


def test_work_on_the_map_comes_before_anything_new() -> None:
    busy = replace(ARRIVAL, area_chosen=True, enhancing=True, tool=OUTLINE_TOOL)
    assert "**Save & submit**" in next_step(replace(busy, unsaved=2)).text
    waiting = next_step(replace(busy, unsaved=2, waiting=3)).text
    assert "**Keep** (key K) or **Skip** (key S)" in waiting
    deleting = next_step(replace(busy, unsaved=2, waiting=3, deleting=True))
    assert "confirm the delete" in deleting.text and not deleting.enhance


def test_no_line_names_a_tool_alone_in_bold() -> None:
    """A tool's name in bold would be a second element with exactly its text, beside the
    radio button a person (or a browser test) clicks to pick it."""
    for tool in (AREA_TOOL, FIELDS_TOOL, OUTLINE_TOOL):
        for enhanced in (False, True):
            for area in (False, True):
                moment = replace(ARRIVAL, tool=tool, enhanced=enhanced, area_chosen=area)
                text = next_step(moment).text
                assert not any(
                    f"**{name}**" in text for name in (AREA_TOOL, FIELDS_TOOL, OUTLINE_TOOL)
                )


def test_a_campaign_offers_its_next_task_first_and_a_task_says_how_it_ends() -> None:
    offered = next_step(replace(ARRIVAL, campaign_offered=True))
    assert offered.text.startswith(f"**Start here:** press **{MAP_NEXT}** (just below)")
    held = replace(ARRIVAL, task=12, area_chosen=True, enhanced=True, tool=OUTLINE_TOOL)
    outlining = next_step(held).text
    assert outlining.startswith("**Next:** click inside a field")
    assert outlining.endswith(
        f"Task 12 is done when every field in its red dashed square is outlined: press "
        f"**{DONE}** below."
    )
    sharpen = next_step(replace(held, enhanced=False, tool=AREA_TOOL))
    assert sharpen.enhance and DONE in sharpen.text
    assert DONE not in next_step(replace(held, unsaved=1)).text  # save first
    assert DONE not in next_step(replace(held, waiting=3)).text  # Keep or Skip first
    assert DONE not in next_step(replace(held, deleting=True)).text  # the delete first
    assert DONE not in next_step(replace(held, enhancing=True)).text  # not a "Next:" line
