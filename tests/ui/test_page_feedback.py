"""Review and Map pages, headless (AppTest): toasts after each decision, "queue done" with
the counts, the go-to box."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import box

from labels.model import Role, Status
from labels.review_reasons import REASONS
from labels.store import open_store
from sr.imagery.scene import open_scene
from tests.ui.conftest import MAYA, run_page, save_on_sample, shown
from ui.auth import Identity
from ui.label_actions import review_field
from ui.review_feedback import NEEDS_A_REASON
from ui.settings import SAMPLE_SCENE


@pytest.fixture()
def two_fields(app_data: Path) -> list[str]:
    """Two submitted fields of Sita's on the bundled sample."""
    c = open_scene(SAMPLE_SCENE).footprint.centroid
    fields = [
        box(c.x, c.y, c.x + 0.002, c.y + 0.002),
        box(c.x - 0.004, c.y, c.x - 0.002, c.y + 0.002),
    ]
    return save_on_sample(app_data, fields, "maize")


def test_each_decision_gets_a_toast_and_the_end_of_the_queue_the_counts(
    two_fields: list[str],
) -> None:
    app = run_page("pages/review.py", MAYA)
    next(b for b in app.button if b.label == "Accept").click().run()
    [accepted] = [shown(t.value) for t in app.toast]
    assert accepted.startswith("Accepted maize, ") and accepted.endswith(" ha, by Sita.")
    app.selectbox(key="review_choice").select_index(0)  # what the browser shows: the next one
    app.text_area[0].input("not a field")
    next(b for b in app.button if b.label == "Reject").click().run()
    assert not app.exception
    assert shown(app.toast[0].value).startswith("Rejected maize, ")
    assert "Queue done — 1 accepted, 1 rejected." in [t.value for t in app.toast]
    assert [s.value for s in app.success] == ["Queue done — 1 accepted, 1 rejected."]


def test_the_go_to_box_explains_what_it_cannot_read(app_data: Path) -> None:
    app = run_page("pages/map.py", Identity("Ram", Role.VOLUNTEER))
    [goto] = [t for t in app.text_input if t.label.startswith("Go to")]
    goto.input("Chitwan").run()
    assert any(e.value.startswith("Type a latitude and longitude") for e in app.error)
    goto.input("45.2, 19.9").run()
    assert not app.error
    assert app.session_state["map_goto:place"] == pytest.approx((19.895, 45.195, 19.905, 45.205))


@pytest.mark.parametrize("press", ["Accept", "Reject"])
def test_a_decision_acts_on_the_field_on_screen_even_when_the_queue_changed_meanwhile(
    two_fields: list[str], app_data: Path, press: str
) -> None:
    app = run_page("pages/review.py", MAYA)
    on_screen = app.selectbox(key="review_choice").value
    other = next(i for i in two_fields if i != on_screen)
    store = open_store(app_data / "labels")
    store.review(on_screen, actor="Gita", decision=Status.ACCEPTED, expected_version=1)
    app.text_area[0].input("not a field")
    next(b for b in app.button if b.label == press).click().run()
    assert not app.exception
    assert store.get(other).status is Status.SUBMITTED  # never seen: not decided
    assert store.get(on_screen).reviewer == "Gita"
    [said] = [shown(e.value) for e in app.error]
    assert said.startswith("Your decision was not kept: Gita changed maize, ")
    assert said.endswith(" ha, by Sita after it was shown to you.")
    assert app.selectbox(key="review_choice").value == other  # now on screen, undecided


def test_a_decision_on_the_last_field_taken_meanwhile_says_so_over_the_empty_queue(
    two_fields: list[str], app_data: Path
) -> None:
    app = run_page("pages/review.py", MAYA)
    store = open_store(app_data / "labels")
    for field in two_fields:
        store.review(field, actor="Gita", decision=Status.ACCEPTED, expected_version=1)
    next(b for b in app.button if b.label == "Accept").click().run()
    [said] = [shown(e.value) for e in app.error]
    assert said.startswith("Your decision was not kept: Gita changed ")
    assert [s.value for s in app.success] == ["Nothing to review with these filters."]


def test_a_second_press_on_a_field_decided_already_says_so_and_changes_nothing(
    two_fields: list[str], app_data: Path
) -> None:
    store = open_store(app_data / "labels")
    shown_then = store.get(two_fields[0])  # the field as the page drew it
    assert review_field(store, shown_then, MAYA, accept=True, comment="").ok
    again = review_field(store, shown_then, MAYA, accept=False, comment="no")  # a second press
    assert not again.ok
    assert shown(again.message).startswith("You decided maize, ")
    assert again.message.endswith(" by Sita already.")
    assert (
        store.get(shown_then.id).status is Status.ACCEPTED
        and len(store.history(shown_then.id)) == 2
    )


def test_a_reason_picked_fills_the_comment_and_reject_without_one_says_why(
    two_fields: list[str], app_data: Path
) -> None:
    app = run_page("pages/review.py", MAYA)
    on_screen = app.selectbox(key="review_choice").value
    print(
        "before",
        [t.key for t in app.text_area],
        on_screen,
        app.selectbox(key="review_choice").options,
        two_fields,
    )
    reject = next(b for b in app.button if b.label == "Reject")
    reject.click().run()  # nothing said why
    sb = app.selectbox(key="review_choice")
    print("after", sb.value, sb.index, sb.options, [t.key for t in app.text_area])
    assert [shown(e.value) for e in app.error] == [NEEDS_A_REASON]
    store = open_store(app_data / "labels")
    assert store.get(on_screen).status is Status.SUBMITTED
    comment = app.text_area(key=f"comment-{on_screen}")
    comment.input("The road splits it.").run()
    app.get("button_group")[0].set_value("Two or more fields").run()  # the reasons
    said = REASONS["Two or more fields"] + " The road splits it."
    assert app.text_area(key=f"comment-{on_screen}").value == said
    app.get("button_group")[0].set_value("Two or more fields").run()  # again: once only
    assert app.text_area(key=f"comment-{on_screen}").value == said
    next(b for b in app.button if b.label == "Reject").click().run()
    rejected = store.get(on_screen)
    assert (rejected.status, rejected.review_comment) == (Status.REJECTED, said)


def test_two_fields_alike_are_each_reachable_in_the_queue(app_data: Path) -> None:
    """Same crop, size and volunteer: Streamlit keeps a box's choice by its title, so two
    fields with one title were one choice, and the second never showed."""
    c = open_scene(SAMPLE_SCENE).footprint.centroid
    twins = [box(c.x + dx, c.y, c.x + dx + 0.002, c.y + 0.002) for dx in (0.0, -0.004)]
    ids = save_on_sample(app_data, twins, "maize")
    app = run_page("pages/review.py", MAYA)
    choice = app.selectbox(key="review_choice")
    assert len(set(choice.options)) == 2
    assert all(o.startswith("maize · ") and " · Sita · submitted · #" in o for o in choice.options)
    seen = set()
    for index in (0, 1):
        app.selectbox(key="review_choice").select_index(index).run()
        [comment] = app.text_area  # keyed by the field on screen
        seen.add(str(comment.key).removeprefix("comment-"))
    assert seen == set(ids)
