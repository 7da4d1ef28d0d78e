"""The Review and Export pages, run headless with Streamlit's AppTest (no browser)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry
from streamlit.testing.v1 import AppTest

from labels.base_store import BaseLabelStore, LabelFilter
from labels.model import HAND, PROPOSED, Label, Role, Status
from labels.store import open_store
from sr.imagery.scene import open_scene
from tests.conftest import PROJECT_ROOT
from tests.ui.conftest import session_token, shown
from ui.auth import Identity
from ui.label_actions import DrawnOn, save_new_fields
from ui.review import OUTLINED_CHOICES, OWN_FIELD, UNEDITED_PROPOSAL
from ui.settings import SAMPLE_SCENE

APP = str(PROJECT_ROOT / "app.py")
ASSIST = "learned-merge-mlp32-0639318793c6@0.5"  # the assist's version, as labels record it


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SHARPFIELDS_DATA", str(tmp_path))
    monkeypatch.chdir(PROJECT_ROOT)
    st.cache_resource.clear()  # the label store is per data folder
    yield tmp_path
    st.cache_resource.clear()


@pytest.fixture()
def sample_field(data_dir: Path) -> str:
    """One submitted rice field of Sita's in the middle of the bundled sample."""
    centre = open_scene(SAMPLE_SCENE).footprint.centroid
    field = box(centre.x, centre.y, centre.x + 0.003, centre.y + 0.003)
    return submitted(data_dir, field, "rice", "Sita")


def submitted(
    data_dir: Path, field: BaseGeometry, crop: str, volunteer: str, drawing: str = HAND
) -> str:
    """A field submitted by ``volunteer`` on the bundled sample, outlined as ``drawing``
    (by the assist's shipped version when not by hand); its label id."""
    scene = open_scene(SAMPLE_SCENE)
    store = open_store(data_dir / "labels", snapshot_delay_s=0)  # no snapshot left pending
    store.register_scene(scene.scene_id, scene.footprint)
    [outcome] = save_new_fields(
        store,
        [field],
        crop=crop,
        identity=Identity(volunteer, Role.VOLUNTEER),
        scene_id=scene.scene_id,
        drawn_on=DrawnOn(),
        drawing_of=lambda _: (drawing, None if drawing == HAND else ASSIST),
    )
    assert outcome.ok, outcome.message
    store.close()
    return str(outcome.label_id)


def _page(path: str, identity: Identity) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["session_token"] = session_token(identity)
    app.switch_page(path)
    return app.run()


def test_volunteers_cannot_review(sample_field: str) -> None:
    app = _page("pages/review.py", Identity("Ram", Role.VOLUNTEER))
    assert not app.exception
    accept = next(b for b in app.button if b.label == "Accept")
    assert accept.disabled
    assert any("only reviewers accept or reject" in i.value for i in app.info)


def test_a_reviewer_accepts_a_field(sample_field: str, data_dir: Path) -> None:
    app = _page("pages/review.py", Identity("Maya", Role.REVIEWER))
    assert "Reviewed 0 of 1" in app.get("progress")[0].proto.text
    next(b for b in app.button if b.label == "Accept").click().run()
    assert not app.exception
    store = open_store(data_dir / "labels")
    label = store.get(sample_field)
    assert (label.status, label.reviewer) == (Status.ACCEPTED, "Maya")


def test_a_reviewer_is_not_offered_accept_or_reject_on_their_own_field(
    sample_field: str, data_dir: Path
) -> None:
    app = _page("pages/review.py", Identity(" sita ", Role.REVIEWER))  # Sita drew it
    assert not app.exception
    assert not [b for b in app.button if b.label in ("Accept", "Reject")]
    assert [shown(i.value) for i in app.info] == [OWN_FIELD]
    assert open_store(data_dir / "labels").get(sample_field).status is Status.SUBMITTED


def outcomes(app: AppTest) -> list[str]:
    """The Review page's lines of reviews by how fields were outlined."""
    kinds = tuple(f"**{kind}**:" for kind in OUTLINED_CHOICES)
    return [m.value for m in app.markdown if m.value.startswith(kinds)]


def test_a_reviewer_sees_how_the_outline_came_to_be_and_can_filter_by_it(
    sample_field: str, data_dir: Path
) -> None:
    west, _, _, north = open_scene(SAMPLE_SCENE).footprint.bounds
    proposed = box(west + 0.002, north - 0.004, west + 0.004, north - 0.002)  # on fields
    submitted(data_dir, proposed, "wheat", "Ravi", PROPOSED)

    app = _page("pages/review.py", Identity("Maya", Role.REVIEWER))
    assert not app.exception
    seen = shown(" ".join(m.value for m in app.markdown))
    assert "Sita" in seen and "outlined by hand" in seen  # the oldest first
    assert not [w for w in app.warning if w.value == UNEDITED_PROPOSAL]
    assert outcomes(app) == [
        "**by hand**: 1 waiting, 0 accepted, 0 rejected.",
        "**by the assist, not edited**: 1 waiting, 0 accepted, 0 rejected.",
    ]
    outlined = next(m for m in app.multiselect if m.label == "Outlined")
    outlined.set_value(["by the assist, not edited"]).run()
    assert not app.exception
    seen = shown(" ".join(m.value for m in app.markdown))
    assert "Ravi" in seen and "Sita" not in seen
    assert "outlined by the assist, not edited" in seen
    assert f"Outline proposed by assist {ASSIST}." in [shown(c.value) for c in app.caption]
    assert [w.value for w in app.warning] == [UNEDITED_PROPOSAL]
    next(b for b in app.button if b.label == "Accept").click().run()
    assert not app.exception
    assert outcomes(app)[1] == (
        "**by the assist, not edited**: 0 waiting, 1 accepted, 0 rejected; 100% of those "
        "reviewed accepted."
    )


def test_rejecting_without_a_comment_is_refused(sample_field: str, data_dir: Path) -> None:
    app = _page("pages/review.py", Identity("Maya", Role.REVIEWER))
    next(b for b in app.button if b.label == "Reject").click().run()
    assert any("comment" in e.value for e in app.error)
    assert open_store(data_dir / "labels").get(sample_field).status is Status.SUBMITTED


def test_export_page_summarises_the_chosen_fields(sample_field: str) -> None:
    app = _page("pages/export.py", Identity("Ana", Role.COORDINATOR))
    assert not app.exception
    assert app.subheader[1].value.startswith("0 fields, ")  # accepted ones, by default
    assert "Left out by Status: 1 submitted (waiting for review)." in [c.value for c in app.caption]
    app.multiselect(key="export_status").set_value(["submitted"]).run()
    assert not [c for c in app.caption if c.value.startswith("Left out by Status")]
    assert app.subheader[1].value.startswith("1 fields, ")
    crops = app.dataframe[0].value
    assert list(crops["crop"]) == ["rice"] and list(crops["fields"]) == [1]


def test_export_adds_season_profiles_to_the_file_when_ticked(sample_field: str) -> None:
    app = _page("pages/export.py", Identity("Ana", Role.COORDINATOR))
    app.multiselect(key="export_status").set_value(["submitted"]).run()
    [season] = app.checkbox
    assert season.label == "Add season profiles" and "NDVI" in (season.help or "")
    season.check().run()
    next(b for b in app.button if b.label == "Prepare GeoJSON").click().run()
    assert not app.exception
    assert [d.label for d in app.get("download_button")] == ["Download GeoJSON"]
    _, prepared = app.session_state["export-read-file-geojson-season"]  # the bytes offered
    [feature] = json.loads(prepared)["features"]
    assert feature["id"] == sample_field
    assert feature["properties"]["season_dates"] == "date 1, date 2"
    assert 0 < feature["properties"]["ndvi_d1"] <= 1


def test_pages_ask_for_a_sign_in_first(data_dir: Path) -> None:
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page("pages/label.py")
    app.run()
    assert any("Sign in on the Home page first" in w.value for w in app.warning)
    assert not open_store(data_dir / "labels").count(LabelFilter())


def _count_label_reads(monkeypatch: pytest.MonkeyPatch) -> list[LabelFilter | None]:
    """The filters of every read of whole labels from any store, from now on."""
    reads: list[LabelFilter | None] = []
    query = BaseLabelStore.query

    def counted(self: BaseLabelStore, flt: LabelFilter | None = None) -> Iterator[Label]:
        reads.append(flt)
        return query(self, flt)

    monkeypatch.setattr(BaseLabelStore, "query", counted)
    return reads


def test_export_prepares_a_file_only_when_asked(sample_field: str) -> None:
    app = _page("pages/export.py", Identity("Ana", Role.COORDINATOR))
    app.multiselect(key="export_status").set_value(["submitted"]).run()
    fiboa = ["Prepare fiboa GeoJSON", "Prepare fiboa GeoParquet"]
    assert [b.label for b in app.button] == ["Prepare GeoJSON", "Prepare GeoPackage", *fiboa]
    assert not app.get("download_button")
    next(b for b in app.button if b.label == "Prepare GeoJSON").click().run()
    assert not app.exception
    [download] = app.get("download_button")
    assert download.label == "Download GeoJSON" and download.proto.url.endswith(".geojson")
    assert [b.label for b in app.button] == ["Prepare GeoPackage", *fiboa]
    app.run()  # stays prepared while the choice stays
    assert [d.label for d in app.get("download_button")] == ["Download GeoJSON"]
    app.multiselect(key="export_status").set_value(["accepted"]).run()  # another choice
    assert not app.get("download_button")
    assert [b.disabled for b in app.button] == [True] * 4  # nothing chosen: nothing to prepare


def test_export_and_review_read_the_labels_once_and_not_again_on_a_rerun(
    sample_field: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = _count_label_reads(monkeypatch)
    export = _page("pages/export.py", Identity("Ana", Role.COORDINATOR))
    assert not export.exception and len(reads) == 1
    export.run()
    assert len(reads) == 1
    review = _page("pages/review.py", Identity("Maya", Role.REVIEWER))
    # Review reads the queue, and the rejected fields (what they were rejected for)
    assert not review.exception and len(reads) == 1 + 2
    assert "Reviewed 0 of 1" in review.get("progress")[0].proto.text
    review.run()
    assert len(reads) == 1 + 2
    next(b for b in review.button if b.label == "Accept").click().run()  # the store changed
    assert len(reads) == 1 + 2 + 2 and "Reviewed 1 of 1" in review.get("progress")[0].proto.text
    assert any("Queue done — 1 accepted, 0 rejected." in s.value for s in review.success)
