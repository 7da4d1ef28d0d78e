"""The Export page's logic: filtered label files as bytes, and summary tables."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from labels.base_store import LabelFilter, LabelStore
from labels.campaign_export import export_campaign
from labels.campaign_store import CampaignStore
from labels.export import write_labels
from labels.geojson import ExtraProperties
from labels.geometry import GEOJSON_DECIMALS
from labels.model import Label, Status
from labels.stats import summarize
from ui.plain_words import outlined_words
from ui.registry import registry

KINDS = {
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "fiboa.json": "application/geo+json",  # fiboa 0.3 (labels.fiboa)
    "parquet": "application/vnd.apache.parquet",  # fiboa 0.3 GeoParquet
}
KIND_TITLES = {
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "fiboa.json": "fiboa GeoJSON",
    "parquet": "fiboa GeoParquet",
}
CAMPAIGN_TITLES = {"geojson": "tasks (GeoJSON)", "gpkg": "fields + tasks (GeoPackage)"}
BROWSER_DECIMALS = 6  # Leaflet's toGeoJSON() rounds drawn vertices to 6 decimals (~10 cm)


def format_note() -> str:
    """What the page says about the files, from the constants the export itself uses."""
    return (
        f"GeoJSON follows RFC 7946: WGS 84 lon/lat, coordinates to {GEOJSON_DECIMALS} decimals "
        f"(about 1 cm); outlines drawn on the map reach the server with {BROWSER_DECIMALS} "
        "(about 10 cm), so theirs end there. Every field carries who drew it and when, the "
        "scene and the date of its imagery, the view it was drawn on and the enhancement "
        "method and model. A file is prepared when you ask for it, from the fields chosen above."
    )


def label_filter(
    *,
    scene_id: str | None,
    statuses: list[str],
    crops: list[str],
    annotators: list[str],
    since: date | None,
    until: date | None,
) -> LabelFilter:
    """A store filter from the page's widgets (empty choices mean 'any')."""
    return LabelFilter(
        scene_id=scene_id,
        status=statuses or None,
        crop=crops or None,
        annotator=annotators or None,
        since=since.isoformat() if since else None,
        until=f"{until.isoformat()}T23:59:59.999999Z" if until else None,
    )


STATUS_WORDS = {
    Status.DRAFT: "draft (not submitted)",
    Status.SUBMITTED: "submitted (waiting for review)",
    Status.ACCEPTED: "accepted",
    Status.REJECTED: "rejected",
}


def left_out_by_status(counts: Mapping[str, int], statuses: Sequence[str]) -> str | None:
    """What the Status filter leaves out of the other choices' fields, in words ("Left out by
    Status: 3 submitted (waiting for review)."), or None when it leaves out nothing.
    ``counts``: the fields matching the other choices, by status."""
    if not statuses:  # no choice: every status is in
        return None
    words = [
        f"{counts[s]} {STATUS_WORDS[s]}" for s in Status if s not in statuses and counts.get(s)
    ]
    return f"Left out by Status: {', '.join(words)}." if words else None


def export_bytes(store: LabelStore, flt: LabelFilter, kind: str) -> tuple[bytes, int]:
    """The filtered labels as a file of ``kind`` (see ``KINDS``), and how many there are."""
    return labels_file(list(store.query(flt)), kind)


def labels_file(
    labels: Sequence[Label], kind: str, extra: ExtraProperties | None = None
) -> tuple[bytes, int]:
    """``labels`` as a file of ``kind`` (see ``KINDS``): its bytes, and how many there are;
    ``extra``: optional properties per label id (the season profile, ui.season_export)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"labels.{kind}"
        count = write_labels(labels, path, extra)
        return path.read_bytes(), count


SCENE_ID_SUFFIX = re.compile(r"-[0-9a-f]{10}$")  # sr.imagery.scene.Scene.scene_id: stem-hash


def scene_title(scene_id: str | None) -> str:
    """A scene as people know it: its file name when this server has it open, else the
    file name part of its id; 'all scenes' for None."""
    if scene_id is None:
        return "all scenes"
    served = registry().get(scene_id)
    return served.scene.name if served is not None else SCENE_ID_SUFFIX.sub("", scene_id)


def file_name(kind: str, scene_id: str | None, today: date) -> str:
    """The download's file name: ``sharpfields-labels[-SCENE]-DATE.KIND``."""
    scene = f"-{scene_id}" if scene_id else ""
    return f"sharpfields-labels{scene}-{today.isoformat()}.{kind}"


SUMMARY_TITLES = {
    "crop": "crop",
    "annotator": "volunteer",
    "status": "status",
    "outline": "outlined",
}


def summary_tables(labels: Iterable[Label]) -> dict[str, pd.DataFrame]:
    """Count and hectares per crop, per volunteer, per status and per kind of outline (by
    hand, proposed by the outline assist, proposed then edited), largest first."""
    summary = summarize(labels).as_dict()
    tables = {}
    for group, title in SUMMARY_TITLES.items():
        words = outlined_words if group == "outline" else str  # stats keep Label.drawing
        rows = [
            {title: words(key), "fields": value["count"], "hectares": round(value["hectares"], 2)}
            for key, value in summary[group].items()
        ]
        frame = pd.DataFrame(rows, columns=[title, "fields", "hectares"])
        tables[group] = frame.sort_values("hectares", ascending=False, ignore_index=True)
    return tables


def campaign_file(campaigns: CampaignStore, campaign_id: str, kind: str, now: str) -> bytes:
    """A campaign as a file's bytes: GeoPackage (layers ``fields`` and ``tasks``) or the
    tasks with their states as GeoJSON (``labels.campaign_export``)."""
    if kind not in CAMPAIGN_TITLES:
        raise ValueError(f"kind must be one of {', '.join(CAMPAIGN_TITLES)}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"campaign.{kind}"
        export_campaign(campaigns, campaign_id, path, now)
        return path.read_bytes()
