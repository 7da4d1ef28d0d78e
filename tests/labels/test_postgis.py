"""What only the PostGIS backend has: versioned migrations, the GiST index, the URL setting,
connection errors (the behaviour both backends share is tested in test_store.py)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from labels.base_store import DATABASE_URL_ENV
from labels.errors import StoreError
from labels.migrations import migrations
from labels.postgis_store import PostGISLabelStore, describe_url
from labels.sqlite_store import SQLiteLabelStore
from labels.store import open_configured_store
from tests.labels.conftest import FOOTPRINT, PROCESSES, SCENE, make_label
from tests.postgres import PostgresServer


def _open(url: str, start) -> None:
    """Open the store at ``url`` once every process is ready (``start``, a barrier)."""
    start.wait(120)
    PostGISLabelStore(url, snapshots=False).close()


def test_servers_starting_together_create_the_schema_once(postgres_server: PostgresServer) -> None:
    url = postgres_server.database(empty=True)  # no PostGIS, no tables yet
    start = PROCESSES.Barrier(4)
    procs = [PROCESSES.Process(target=_open, args=(url, start)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(180)
        assert p.exitcode == 0
    with psycopg.connect(url) as conn:
        applied = conn.execute("SELECT version, name FROM schema_migrations").fetchall()
        indexes = dict(
            conn.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'labels'")
        )
        postgis = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
        assert postgis.fetchone()[0].startswith("3.")
    expected = [
        (1, "initial"),
        (2, "consistency"),
        (3, "drawing"),
        (4, "campaigns"),
        (5, "dates_seen"),
        (6, "task_plan"),
    ]
    assert applied == [(m.version, m.name) for m in migrations("postgis")] == expected
    assert "USING gist (geometry)" in indexes["labels_geometry"]
    store = PostGISLabelStore(url, snapshots=False)  # opening again applies nothing
    assert store.migrate() == 6


def test_geometry_is_a_postgis_column_in_lon_lat(postgis_url: str) -> None:
    store = PostGISLabelStore(postgis_url, snapshots=False)
    store.register_scene(SCENE, FOOTPRINT)
    saved = store.save(make_label(), actor="ram", role="volunteer").label
    with psycopg.connect(postgis_url) as conn:
        srid, kind, area_m2 = conn.execute(
            "SELECT ST_SRID(geometry), GeometryType(geometry), "
            "ST_Area(geometry::geography) FROM labels WHERE id = %s",
            (saved.id,),
        ).fetchone()
    assert (srid, kind) == (4326, "POLYGON")
    assert area_m2 / 10_000 == pytest.approx(saved.area_ha, rel=0.005)  # PostGIS agrees


def test_database_url_setting_picks_postgis(
    postgis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    assert isinstance(open_configured_store(tmp_path / "default"), SQLiteLabelStore)
    monkeypatch.setenv(DATABASE_URL_ENV, postgis_url)
    store = open_configured_store(tmp_path / "labels")
    assert isinstance(store, PostGISLabelStore)
    store.register_scene(SCENE, FOOTPRINT)
    store.save(make_label(), actor="ram", role="volunteer")
    store.flush_snapshots()
    assert (tmp_path / "labels" / "geojson" / f"{SCENE}.geojson").is_file()  # QGIS copy
    assert not (tmp_path / "labels" / "labels.sqlite").exists()


def test_unreachable_or_refused_database_says_so_without_the_password() -> None:
    with pytest.raises(StoreError) as info:
        PostGISLabelStore("postgresql://ram:hunter2@127.0.0.1:9/labels")
    assert str(info.value).startswith("cannot reach the label database ram@127.0.0.1:9/labels")
    assert "hunter2" not in str(info.value)
    assert describe_url("postgresql://a:b@db.example:5433/x") == "a@db.example:5433/x"
