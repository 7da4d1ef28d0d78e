"""A label records the consistency badge of the enhanced area it was drawn on (both stores)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from labels.base_store import BaseLabelStore, LabelFilter
from labels.errors import ValidationError
from labels.export import export
from labels.label_checks import CONSISTENCY_BADGES
from labels.model import Role, View
from labels.sqlite_store import SCHEMA_VERSION
from labels.store import open_store
from sr.sharpen.assessment import Badge
from tests.labels.conftest import make_label, square


def test_the_badges_labels_accept_are_those_sr_measures() -> None:
    assert tuple(b.value for b in Badge) == CONSISTENCY_BADGES


def test_consistency_is_kept_in_the_label_its_history_and_the_export(
    store: BaseLabelStore, tmp_path: Path
) -> None:
    label = make_label(square(), view=View.ENHANCED, enhancement="enhancer", consistency="check")
    saved = store.save(label, actor="ram", role=Role.VOLUNTEER).label
    assert store.get(label.id).consistency == "check"
    edited = store.save(saved.replace(crop="maize"), actor="ram", role=Role.VOLUNTEER).label
    assert [v.label.consistency for v in store.history(label.id)] == ["check", "check"]
    assert edited.consistency == "check"
    out = tmp_path / "out.geojson"
    assert export(store, out, LabelFilter()) == 1
    [feature] = json.loads(out.read_text())["features"]
    assert feature["properties"]["consistency"] == "check"


def test_an_unknown_consistency_value_is_refused(store: BaseLabelStore) -> None:
    label = make_label(square(), consistency="trust me")
    with pytest.raises(ValidationError, match="consistency 'trust me' is not one of"):
        store.save(label, actor="ram", role=Role.VOLUNTEER)


def test_a_store_made_before_the_column_is_upgraded_on_open(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    store = open_store(folder)
    old = store.save(make_label(square()), actor="ram", role=Role.VOLUNTEER).label
    store.close()
    with sqlite3.connect(folder / "labels.sqlite") as conn:  # back to schema version 1
        conn.execute("ALTER TABLE labels DROP COLUMN consistency")
        conn.execute("ALTER TABLE label_versions DROP COLUMN consistency")
        conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    reopened = open_store(folder)
    assert reopened.get(old.id).consistency is None  # old labels keep everything else
    assert reopened.get(old.id).crop == old.crop
    new = make_label(square(lon=85.31), consistency="consistent")
    reopened.save(new, actor="ram", role=Role.VOLUNTEER)
    assert reopened.get(new.id).consistency == "consistent"
    version = (
        reopened.connection()
        .execute("SELECT value FROM meta WHERE key = 'schema_version'")
        .fetchone()[0]
    )
    assert version == str(SCHEMA_VERSION)
