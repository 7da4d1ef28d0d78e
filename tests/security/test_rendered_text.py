"""Attacks through text that other people see: names, crops, comments and scene names made of
markdown (links, images, auto-links, HTML). Each page runs headless (AppTest) with such data;
every text Streamlit would render as markdown is rendered the way its frontend does (GFM:
CommonMark + auto-links, markdown-it's ``gfm-like``) and must contain no link and no image.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from labels.campaign_store import CampaignStore
from labels.campaigns import Campaign
from labels.model import Role
from labels.store import open_store
from sr.imagery.scene import Scene, open_scene
from tests.ui.campaign_steps import (
    campaign_on_sample,
    click_task,
    create_on_the_page,
    map_with_fields,
)
from tests.ui.conftest import run_page
from ui.auth import Identity
from ui.drawings import Draft, Drafts
from ui.label_actions import DrawnOn, review_field, save_new_fields
from ui.settings import SAMPLE_SCENE
from ui.text import escape_markdown

HOST = "http://127.0.0.1:9"
HOSTILE = f"![p]({HOST}/px.png) [Sign in again]({HOST}/ph) www.evil.org {HOST}/auto <img src=x>"
EVE = Identity(f"Eve {HOSTILE}", Role.VOLUNTEER)
MALLORY = Identity(f"Mallory {HOSTILE}", Role.REVIEWER)
SITA = Identity("Sita", Role.VOLUNTEER)
CROP = f"rice {HOSTILE}"
COMMENT = f"see {HOSTILE} :red[alarm] :material/warning: &#60;b&#62;"
GFM = MarkdownIt("gfm-like")


def _rendered_texts(app: AppTest) -> list[str]:
    """Every text of the page that Streamlit renders as markdown."""
    texts: list[str] = []
    for kind in ("markdown", "caption", "warning", "error", "info", "success", "toast",
                 "title", "header", "subheader"):  # fmt: skip
        texts += [str(element.value) for element in getattr(app, kind)]
    texts += [str(b.label) for b in app.button] + [str(e.label) for e in app.expander]
    return texts


def _assert_nothing_rendered(app: AppTest, must_show: str) -> None:
    texts = _rendered_texts(app)
    shown = [t for t in texts if must_show in t]
    assert shown, f"the hostile text ({must_show!r}) is not on the page at all"
    for text in texts:
        html = GFM.render(text)
        assert "<a " not in html and "<img" not in html, (text, html)
        assert "127.0.0.1:9" not in html.split(">", 1)[0]  # no URL in a tag


@pytest.fixture()
def scene() -> Scene:
    return open_scene(SAMPLE_SCENE)


def _eves_field(app_data: Path, scene: Scene) -> str:
    """Eve's field, rejected by Mallory with a hostile comment; its crop is hostile too (the
    app's crop list is closed, but a store may hold fields of another list, e.g. imported)."""
    store = open_store(app_data / "labels", crops=(CROP, "rice"))
    store.register_scene(scene.scene_id, scene.footprint)
    c = scene.footprint.centroid
    [saved] = save_new_fields(
        store, [box(c.x, c.y, c.x + 0.002, c.y + 0.002)], crop=CROP, identity=EVE,
        scene_id=scene.scene_id, drawn_on=DrawnOn(),
    )  # fmt: skip
    assert saved.ok, saved.message
    label = store.get(saved.label_id or "")
    assert label is not None
    assert review_field(store, label, MALLORY, accept=False, comment=COMMENT).ok
    store.close()
    return label.id


def test_an_overlap_warning_shows_a_hostile_name_as_text(app_data: Path, scene: Scene) -> None:
    _eves_field(app_data, scene)
    c = scene.footprint.centroid
    overlapping = box(c.x + 0.001, c.y + 0.001, c.x + 0.003, c.y + 0.003)
    Drafts(app_data / "drafts", SITA.name, scene.scene_id).save(Draft([overlapping], {}))
    app = run_page("pages/label.py", SITA)
    next(b for b in app.button if b.label == "Save & submit").click().run()
    assert not app.exception
    _assert_nothing_rendered(app, "Eve")


def test_the_review_page_shows_hostile_names_crops_and_comments_as_text(
    app_data: Path, scene: Scene
) -> None:
    _eves_field(app_data, scene)
    app = run_page("pages/review.py", Identity("Maya", Role.REVIEWER))
    next(m for m in app.multiselect if m.label == "Status").set_value(["rejected"]).run()
    assert not app.exception
    _assert_nothing_rendered(app, "Eve")
    _assert_nothing_rendered(app, "see")  # the comment


@pytest.mark.parametrize("page", ["pages/home.py", "pages/label.py", "pages/map.py"])
def test_a_hostile_name_and_scene_name_are_shown_as_text(
    app_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    folder = tmp_path / "scenes"
    folder.mkdir()
    name = "Scene www.evil.org [a](b) <img src=x> ![i](c).tif"
    shutil.copy(SAMPLE_SCENE, folder / name)
    monkeypatch.setenv("SHARPFIELDS_SCENE_DIRS", str(folder))
    app = run_page(page, EVE, scene=f"server1:{name}")
    _assert_nothing_rendered(app, "www")


def test_a_campaigns_hostile_instructions_are_shown_as_text_line_by_line(app_data: Path) -> None:
    text = f"Outline every field.\nThen {HOSTILE} :red[now]"
    name = "Wheat www.evil.org <img src=x>"
    _, campaigns, made = campaign_on_sample(app_data, name, f"Boss {HOSTILE}", instructions=text)
    campaigns.map_next(made.id, SITA.name)
    boss = run_page("pages/campaigns.py", Identity("Boss", Role.COORDINATOR))
    _assert_nothing_rendered(boss, "create by Boss")  # the history, with its actor
    for page in ("pages/campaigns.py", "pages/label.py"):
        app = run_page(page, SITA)
        _assert_nothing_rendered(app, "Outline every field")
        [shown] = [i.value for i in app.info if "Outline every field" in i.value]
        assert shown.startswith("Outline every field\\.  \nThen ")  # two lines, escaped


def test_a_hostile_campaign_name_in_the_created_message_is_shown_as_text(app_data: Path) -> None:
    app = create_on_the_page("Wheat www.evil.org <img src=x> [a](b)")
    _assert_nothing_rendered(app, "Created")


def test_escaping_defeats_every_markdown_construct() -> None:
    for text in (HOSTILE, COMMENT, "a@b.org", "**bold** _it_ `code` # head", "&amp; &#60;"):
        html = GFM.render(escape_markdown(text))
        assert "<a " not in html and "<img" not in html and "<strong" not in html
        assert "<code" not in html and "<h1" not in html and "<em" not in html


def test_hostile_mappers_of_a_task_checked_are_shown_as_text(app_data: Path) -> None:
    scene, campaigns, made = campaign_on_sample(app_data, "twice", double_share=1.0)
    for person in (EVE, SITA):
        map_with_fields(campaigns, made, scene, person.name)
    reviewer = run_page("pages/campaigns.py", Identity("Maya", Role.REVIEWER))
    next(b for b in reviewer.button if b.label == "Validate next task").click().run()
    _assert_nothing_rendered(reviewer, "version")  # Keep Eve …'s version (a button)
    _assert_nothing_rendered(reviewer, "saved 1 field")  # what each mapper drew


def _sent_back_by_mallory(app_data: Path, mapper: Identity) -> tuple[CampaignStore, Campaign]:
    """A campaign of one task on the sample: ``mapper`` maps it, Mallory invalidates it with
    the hostile comment."""
    _, campaigns, made = campaign_on_sample(app_data, "back")
    campaigns.map_next(made.id, mapper.name)
    campaigns.mark_mapped(made.id, 1, mapper.name)
    campaigns.validate_next(made.id, MALLORY.name, Role.REVIEWER)
    campaigns.invalidate(made.id, 1, MALLORY.name, Role.REVIEWER, COMMENT)
    return campaigns, made


def test_a_hostile_reviewer_and_comment_sending_a_task_back_are_shown_as_text(
    app_data: Path,
) -> None:
    campaigns, made = _sent_back_by_mallory(app_data, SITA)
    campaigns.map_next(made.id, SITA.name)  # back to her, with the reviewer's words
    _assert_nothing_rendered(run_page("pages/label.py", SITA), "Sent back by Mallory")


def test_a_task_chosen_on_the_map_shows_its_hostile_mapper_and_comment_as_text(
    app_data: Path,
) -> None:
    campaigns, made = _sent_back_by_mallory(app_data, EVE)
    boss = run_page("pages/campaigns.py", Identity("Boss", Role.COORDINATOR))
    click_task(boss, campaigns.task(made.id, 1))
    _assert_nothing_rendered(boss, "invalidated by Mallory")  # the chosen task's line


def test_a_task_assigned_to_a_hostile_name_shows_it_as_text(app_data: Path) -> None:
    _, campaigns, made = campaign_on_sample(app_data, "assigned")
    campaigns.assign(made.id, [1], f"Eve [Sign in]({HOST}/ph) ![p]({HOST}/p.png)", "Boss",
                     Role.COORDINATOR)  # fmt: skip
    boss = run_page("pages/campaigns.py", Identity("Boss", Role.COORDINATOR))
    click_task(boss, campaigns.task(made.id, 1))
    _assert_nothing_rendered(boss, "assigned to Eve")
