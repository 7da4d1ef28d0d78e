"""Two app servers, one PostGIS database: a field saved through one appears in the other,
and an edit made through the second on a version the first has since replaced is refused.

Both servers are real ``streamlit run server.py`` processes on their own ports with their
own data folders; the database is the test run's throw-away PostgreSQL + PostGIS server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from labels.base_store import LabelFilter
from labels.store import open_store
from tests.e2e.harness import (
    ARTIFACTS,
    MAP,
    REVIEWER_CODE,
    draw_square,
    map_centre,
    running_app,
    sign_in,
)
from ui.field_layers import crop_colour

pytestmark = pytest.mark.e2e


def _drag_first_vertex(page) -> None:  # type: ignore[no-untyped-def]
    """Change a field's outline with Leaflet.draw's edit tool: move one corner, save."""
    frame = page.frame_locator(MAP).last
    frame.locator(".leaflet-draw-edit-edit").click()
    vertex = frame.locator(".leaflet-editing-icon").first
    vertex.wait_for(timeout=30_000)
    box = vertex.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 12, y - 12, steps=6)
    page.mouse.up()
    frame.locator(".leaflet-draw-actions a", has_text="Save").first.click()


def test_two_servers_share_fields_and_refuse_stale_edits(
    browser,  # type: ignore[no-untyped-def]
    postgis_url: str,
    tmp_path: Path,
) -> None:
    env = {"SHARPFIELDS_DATABASE_URL": postgis_url}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with running_app(tmp_path / "a", **env) as url_a, running_app(tmp_path / "b", **env) as url_b:
        assert url_a != url_b
        # Sita saves a field through server A.
        on_a = browser.new_page(viewport={"width": 1500, "height": 1000})
        query_a = sign_in(on_a, url_a, "Sita")
        on_a.goto(f"{url_a}/label?{query_a}")
        map_centre(on_a)
        on_a.get_by_text("Draw fields", exact=True).first.click()
        draw_square(on_a)
        on_a.get_by_text("1 unsaved drawing(s)").wait_for(timeout=30_000)
        on_a.get_by_role("button", name="Save & submit").click()
        on_a.get_by_text("Saved rice field").wait_for(timeout=30_000)

        # Server B shows it, and Sita starts changing its outline there.
        on_b = browser.new_page(viewport={"width": 1500, "height": 1000})
        query_b = sign_in(on_b, url_b, "Sita")
        on_b.goto(f"{url_b}/label?{query_b}")
        map_centre(on_b)
        rice = on_b.frame_locator(MAP).last.locator(f'path[stroke="{crop_colour("rice")}"]')
        rice.first.wait_for(timeout=30_000)
        on_b.get_by_text("Draw fields", exact=True).first.click()
        map_centre(on_b)
        _drag_first_vertex(on_b)
        on_b.get_by_text("1 changed outline(s)").wait_for(timeout=30_000)

        # Meanwhile a reviewer accepts the field through server A ...
        reviewer = browser.new_page(viewport={"width": 1500, "height": 1000})
        reviewer_query = sign_in(reviewer, url_a, "Maya", "Reviewer: accept", REVIEWER_CODE)
        reviewer.goto(f"{url_a}/review?{reviewer_query}")
        reviewer.get_by_text("Reviewed 0 of 1").wait_for(timeout=30_000)
        reviewer.get_by_role("button", name="Accept").click()
        reviewer.get_by_text("Reviewed 1 of 1").wait_for(timeout=30_000)

        # ... so Sita's edit of the version she opened on server B is refused, not applied.
        on_b.get_by_role("button", name="Save & submit").click()
        on_b.get_by_text("was changed by Maya since you opened it").wait_for(timeout=30_000)
        ARTIFACTS.mkdir(exist_ok=True)
        on_b.screenshot(path=str(ARTIFACTS / "two_servers_stale_edit.png"), full_page=True)

    store = open_store(postgis_url, snapshots=False)
    (field,) = store.query(LabelFilter(include_deleted=True))
    assert (field.annotator, field.status, field.reviewer, field.version) == (
        "Sita",
        "accepted",
        "Maya",
        2,
    )
    assert [v.op for v in store.history(field.id)] == ["create", "review"]
    assert store.check() == []
