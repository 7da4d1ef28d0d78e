"""Attacks on unsaved drawings: another person's drafts through a similar name, and drafts
too large to load quickly."""

from __future__ import annotations

import json
import math
from pathlib import Path

from shapely.geometry import Polygon, box

from ui.drawings import MAX_DRAFT_BYTES, Draft, Drafts

FIELD = box(85.30, 27.60, 85.301, 27.601)


def _circle(points: int) -> Polygon:
    """A hand-drawn-looking outline with ``points`` vertices."""
    return Polygon(
        (
            85.3 + 0.001 * math.cos(2 * math.pi * i / points),
            27.6 + 0.001 * math.sin(2 * math.pi * i / points),
        )
        for i in range(points)
    )


def test_a_similar_name_does_not_get_someone_elses_drafts(tmp_path: Path) -> None:
    Drafts(tmp_path, "Sita Rai", "scene-1").save(Draft(new=[FIELD]))
    for other in ("Sita/Rai", "SitaRai", "Sita.Rai!", "Sita\\Rai"):
        assert Drafts(tmp_path, other, "scene-1").load().empty, other
    long_name = "A" * 60
    Drafts(tmp_path, long_name + " one", "scene-1").save(Draft(new=[FIELD]))
    assert Drafts(tmp_path, long_name + " two", "scene-1").load().empty  # no cut at 60
    # The same person however they type their name (the sign-in's rule) keeps their drafts.
    assert Drafts(tmp_path, "sita_rai", "scene-1").load().new == [FIELD]
    assert all("Sita" not in p.name for p in tmp_path.iterdir())  # no names on disk


def test_a_drawing_with_too_many_vertices_is_not_kept(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path, "Eve", "scene-1")
    refused = drafts.save(Draft(new=[_circle(200_000), FIELD]))
    assert refused and "200,001 points" in refused[0]
    assert drafts.load().new == [FIELD]  # the reasonable one is kept
    assert drafts.path.stat().st_size < 10_000


def test_drafts_are_bounded_in_bytes(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path, "Eve", "scene-1")
    many = [_circle(4_000) for _ in range(40)]  # each within the vertex cap
    refused = drafts.save(Draft(new=many))
    assert refused == ["Too many unsaved outlines: save some before drawing more."]
    assert drafts.path.stat().st_size <= MAX_DRAFT_BYTES
    assert 0 < len(drafts.load().new) < len(many)


def test_an_oversized_drafts_file_is_not_read(tmp_path: Path) -> None:
    drafts = Drafts(tmp_path, "Eve", "scene-1")
    huge = {
        "type": "Feature",
        "properties": {},
        "geometry": json.loads(json.dumps(_circle(200_000).__geo_interface__)),
    }
    drafts.path.write_text(json.dumps({"type": "FeatureCollection", "features": [huge]}))
    assert drafts.path.stat().st_size > MAX_DRAFT_BYTES
    assert drafts.load().empty
