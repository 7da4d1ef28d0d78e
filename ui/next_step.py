"""What a volunteer does next on the Label page, said in one line at the top of its side panel.

A first-time volunteer meets a map, three tools and a long panel of settings; the steps
(choose an area, sharpen it, outline fields, save) are numbered further down, out of view on
a laptop. :func:`next_step` reads where the volunteer is in that loop and names the one thing
to do now, in the page's own words for its buttons.
"""

from __future__ import annotations

from dataclasses import dataclass

from streamlit.delta_generator import DeltaGenerator

from ui.campaign_panel import DONE, MAP_NEXT
from ui.label_work import AREA_TOOL, FIELDS_TOOL
from ui.outline_tool import OUTLINE_TOOL
from ui.state import ask_enhance

ENHANCE_HERE = "Enhance this area"  # the next step's own button: the same as 2 · Sharpen's
LEADS = ("**Next:**", "**Start here:**", "**Sharpening this area:**")  # how each line starts


@dataclass(frozen=True)
class LabelMoment:
    """Where a volunteer is on the Label page, as the page knows it on this run."""

    tool: str  # the map's tool (ui.label_work.AREA_TOOL, FIELDS_TOOL or OUTLINE_TOOL)
    area_chosen: bool  # an area to sharpen is chosen
    enhanced: bool  # the chosen area is enhanced (shown, or flipped to the original with E)
    enhancing: bool  # a job sharpening the chosen area is queued or running
    blocked: bool  # the chosen area cannot be sharpened with this method (too large)
    unsaved: int  # unsaved drawings and changed outlines
    waiting: int  # Outline all's proposals waiting for Keep / Skip
    deleting: bool  # fields removed on the map wait for the delete to be confirmed
    task: int | None = None  # the number of the campaign task held (None: mapping freely)
    campaign_offered: bool = False  # the scene has a campaign and no task is held


@dataclass(frozen=True)
class NextStep:
    """The line to show, and whether :data:`ENHANCE_HERE` goes with it."""

    text: str
    enhance: bool = False


def next_step(at: LabelMoment) -> NextStep:
    """The one thing to do now: finish what is on the map before starting anything new; in
    a campaign task, once nothing waits on the map, say how the task ends."""
    step = _on_the_map(at)
    pending = at.deleting or at.waiting or at.unsaved
    if at.task is not None and step.text.startswith("**Next:** ") and not pending:
        return NextStep(f"{step.text} {_TASK_ENDS.format(n=at.task)}", step.enhance)
    return step


def _on_the_map(at: LabelMoment) -> NextStep:
    """The next step on the map and under it."""
    if at.deleting:
        return NextStep("**Next:** under the map, confirm the delete, or keep the field(s).")
    if at.waiting:
        return NextStep(
            "**Next:** under the map, **Keep** (key K) or **Skip** (key S) the field waiting "
            "in yellow."
        )
    if at.unsaved:
        return NextStep(
            "**Next:** under the map, choose the crop and press **Save & submit** (or **Save "
            "as draft**)."
        )
    if at.enhancing:
        return NextStep(
            "**Sharpening this area:** its progress shows under **2 · Sharpen**. You can "
            "outline fields on the original meanwhile."
        )
    if at.tool in (OUTLINE_TOOL, FIELDS_TOOL):
        text = _OUTLINE_TEXT if at.tool == OUTLINE_TOOL else _DRAW_TEXT
        if at.enhanced:
            return NextStep(text)
        if at.area_chosen and not at.blocked:
            return NextStep(
                f"{text} On the original imagery: the button below sharpens your area.", True
            )
        return NextStep(
            f"{text} On the original imagery: for a sharpened view, switch the map to "
            f'"{AREA_TOOL}" and enhance an area.'
        )
    if at.enhanced:
        return NextStep(
            f'**Next:** switch the map to "{OUTLINE_TOOL}" (the assist outlines the field you '
            f'click) or "{FIELDS_TOOL}" (you outline it corner by corner).'
        )
    if not at.area_chosen and at.campaign_offered:
        return NextStep(
            f"**Start here:** press **{MAP_NEXT}** (just below) for an area of the campaign to "
            "map, or click the map to choose an area yourself."
        )
    if not at.area_chosen:
        return NextStep(
            "**Start here:** click the map where there are fields, to choose an area to "
            "sharpen (or draw a rectangle with the square button at its left)."
        )
    if at.blocked:
        return NextStep(
            "**Next:** choose a smaller area, or another method: this one cannot sharpen "
            "an area this large (see **2 · Sharpen**)."
        )
    return NextStep("**Next:** sharpen the area you chose.", enhance=True)


_TASK_ENDS = (
    "Task {n} is done when every field in its red dashed square is outlined: press "
    f"**{DONE}** below."
)
_OUTLINE_TEXT = "**Next:** click inside a field: the assist proposes its outline."
_DRAW_TEXT = (
    "**Next:** draw a field with the pentagon button at the map's left: a click on each "
    "corner, then on the first one again."
)


def show_next_step(box: DeltaGenerator, step: NextStep) -> None:
    """The line in ``box`` (the top of the side panel), with :data:`ENHANCE_HERE` when the
    next step is to sharpen (the same as the Enhance button under 2 · Sharpen)."""
    box.info(step.text)
    if step.enhance:
        box.button(ENHANCE_HERE, type="primary", on_click=ask_enhance, key="next-step-enhance")
