"""A label records how its outline came to be (by hand, proposed by the outline assist,
proposed then edited) and the assist's model version, in both stores and in the export."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from labels.base_store import BaseLabelStore, LabelFilter
from labels.errors import ValidationError
from labels.export import export
from labels.model import PROPOSED, PROPOSED_EDITED, Role
from labels.sqlite_store import SCHEMA_VERSION
from labels.store import open_store
from tests.labels.conftest import make_label, square

ASSIST = "outline-unet@0123456789ab"


def test_drawing_and_assist_version_are_kept_in_the_label_history_and_export(
    store: BaseLabelStore, tmp_path: Path
) -> None:
    proposed = make_label(square(), drawing=PROPOSED, assist_version=ASSIST)
    edited = make_label(square(lon=85.31), drawing=PROPOSED_EDITED, assist_version=ASSIST)
    hand = make_label(square(lon=85.32), drawing="hand")
    for label in (proposed, edited, hand):
        store.save(label, actor="ram", role=Role.VOLUNTEER)
    assert store.get(proposed.id).drawing == PROPOSED
    assert store.get(proposed.id).assist_version == ASSIST
    saved = store.get(edited.id)
    store.save(saved.replace(crop="maize"), actor="ram", role=Role.VOLUNTEER)
    history = store.history(edited.id)
    assert [(v.label.drawing, v.label.assist_version) for v in history] == [
        (PROPOSED_EDITED, ASSIST)
    ] * 2
    out = tmp_path / "out.geojson"
    assert export(store, out, LabelFilter()) == 3
    props = {
        f["properties"]["id"]: f["properties"] for f in json.loads(out.read_text())["features"]
    }
    assert props[proposed.id]["drawing"] == "proposed"
    assert props[proposed.id]["assist_version"] == ASSIST
    assert props[proposed.id]["determination_method"] == "auto-imagery"
    assert props[edited.id]["drawing"] == "proposed-edited"
    assert props[edited.id]["determination_method"] == "manual"
    assert props[hand.id]["drawing"] == "hand"
    assert props[hand.id]["assist_version"] is None


def test_an_unknown_drawing_value_is_refused(store: BaseLabelStore) -> None:
    with pytest.raises(ValidationError, match="drawing 'by magic' is not one of"):
        store.save(make_label(square(), drawing="by magic"), actor="ram", role=Role.VOLUNTEER)


def test_a_version_2_store_gets_the_columns_on_open(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    store = open_store(folder)
    old = store.save(make_label(square()), actor="ram", role=Role.VOLUNTEER).label
    store.close()
    with sqlite3.connect(folder / "labels.sqlite") as conn:  # back to schema version 2
        for table in ("labels", "label_versions"):
            conn.execute(f"ALTER TABLE {table} DROP COLUMN drawing")
            conn.execute(f"ALTER TABLE {table} DROP COLUMN assist_version")
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    reopened = open_store(folder)
    assert reopened.get(old.id).drawing is None
    assert reopened.get(old.id).crop == old.crop
    new = make_label(square(lon=85.31), drawing=PROPOSED, assist_version=ASSIST)
    reopened.save(new, actor="ram", role=Role.VOLUNTEER)
    assert reopened.get(new.id).assist_version == ASSIST
    version = (
        reopened.connection()
        .execute("SELECT value FROM meta WHERE key = 'schema_version'")
        .fetchone()[0]
    )
    assert version == str(SCHEMA_VERSION)
