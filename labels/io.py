"""Files in: read, validate and import GeoJSON / GeoPackage label files (export:
``labels.export``)."""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyogrio
import shapely
from shapely.strtree import STRtree

from labels.base_store import LabelStore
from labels.errors import FormatError, NotFoundError, PermissionDeniedError
from labels.formats import GPKG_LAYER, file_kind
from labels.geojson import feature_to_label, properties_to_label, read_geojson_features
from labels.geoparquet import read_geoparquet
from labels.label_checks import crop_findings
from labels.limits import check_input_file
from labels.model import DEFAULT_CROPS, Geometry, Label, Role
from labels.validate import DEFAULT_RULES, Finding, Rules, check_geometry, has_errors, short_repr
from labels.workflow import REVIEW_STATUSES, as_imported
from sr.progress_bar import Report

# --- reading and validating files --------------------------------------------------------


@dataclass
class FeatureReport:
    """What was found in one feature of a file (index counts from 0)."""

    index: int
    label: Label | None
    findings: list[Finding] = field(default_factory=list)
    imported: bool = False

    @property
    def ok(self) -> bool:
        """No error (warnings allowed)."""
        return self.label is not None and not has_errors(self.findings)


@dataclass
class FileReport:
    """Per-feature findings of a validated or imported file."""

    path: Path
    features: list[FeatureReport]
    notes: list[str] = field(default_factory=list)  # about the whole file

    @property
    def errors(self) -> int:
        """Features with at least one error."""
        return sum(not f.ok for f in self.features)

    @property
    def imported(self) -> int:
        """Features written to the store."""
        return sum(f.imported for f in self.features)

    def findings(self) -> list[Finding]:
        """Every finding, in feature order."""
        return [f for feature in self.features for f in feature.findings]

    def lines(self) -> list[str]:
        """A readable report: one line per finding, then a summary line."""
        out = [f"{f.severity}: {f.message}" for f in self.findings()]
        out += [f"note: {note}" for note in self.notes]
        warned = sum(bool(f.findings) and f.ok for f in self.features)
        out.append(
            f"{self.path}: {len(self.features)} feature(s), {self.errors} with errors, "
            f"{warned} with warnings only"
        )
        return out


def _where(index: int, props: Mapping[str, Any] | None) -> str:
    fid = props.get("id") if isinstance(props, Mapping) else None
    if fid is None:
        return f"feature {index}"
    shown = fid if isinstance(fid, str) and len(fid) <= 80 else short_repr(fid)
    return f"feature {index} (id {shown})"


def _fields_layer(path: Path) -> str | int:
    """The layer holding the fields: ``fields`` (as exported), else the first spatial one."""
    try:
        layers = [(str(name), kind) for name, kind in pyogrio.list_layers(path)]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
        return 0  # reading it says what is wrong
    names = [name for name, _ in layers]
    if GPKG_LAYER in names:
        return GPKG_LAYER
    spatial = [name for name, kind in layers if kind is not None]
    return spatial[0] if spatial else 0


def _read_gpkg(path: Path) -> list[tuple[Any, dict[str, Any]]]:
    """``(geometry, properties)`` of every feature of a GeoPackage, in lon/lat."""
    try:
        with warnings.catch_warnings():  # GDAL's notes on odd files; the error says enough
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = pyogrio.read_dataframe(path, layer=_fields_layer(path))
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise FormatError(f"{path}: cannot be read as a GeoPackage: {exc}") from None
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    names = [c for c in frame.columns if c != frame.geometry.name]
    return list(zip(frame.geometry, frame[names].to_dict("records"), strict=True))


def _rows_to_labels(
    rows: Sequence[tuple[Any, dict[str, Any]]], overrides: Mapping[str, Any]
) -> list[tuple[Label | None, list[Finding]]]:
    """Labels from table rows (GeoPackage, GeoParquet): a row without geometry is an error."""
    out: list[tuple[Label | None, list[Finding]]] = []
    for i, (geom, props) in enumerate(rows):
        where = _where(i, props)
        if geom is None:
            out.append((None, [Finding("malformed", "error", f"{where}: no geometry")]))
            continue
        out.append(properties_to_label(props, geom, where, **overrides))
    return out


def read_labels(path: Path, **overrides: Any) -> list[tuple[Label | None, list[Finding]]]:
    """``(label or None, findings)`` for every feature of a GeoJSON (plain or fiboa 0.3),
    GeoPackage or fiboa GeoParquet file.

    ``overrides`` (e.g. ``scene_id``) replace the file's values; malformed features give
    findings, a file that is none of these raises ``FormatError``.
    """
    path = Path(path)
    overrides = {k: v for k, v in overrides.items() if v is not None}
    kind = file_kind(path)
    if kind in ("gpkg", "parquet"):
        check_input_file(path)
        rows = _read_gpkg(path) if kind == "gpkg" else read_geoparquet(path)
        return _rows_to_labels(rows, overrides)
    features = read_geojson_features(path)
    return [
        feature_to_label(
            f, _where(i, f.get("properties") if isinstance(f, dict) else None), **overrides
        )
        for i, f in enumerate(features)
    ]


def _scene_neighbours(labels: Sequence[Label | None]) -> dict[int, list[tuple[str, Geometry]]]:
    """For each label, the earlier labels of the same scene whose boxes touch it."""
    by_scene: dict[str, list[tuple[int, Label]]] = defaultdict(list)
    for i, label in enumerate(labels):
        if label is not None and isinstance(label.geometry, shapely.Geometry):
            by_scene[label.scene_id].append((i, label))
    result: dict[int, list[tuple[str, Geometry]]] = defaultdict(list)
    for members in by_scene.values():
        geoms = [label.geometry for _, label in members]
        tree = STRtree(geoms)
        for a, b in zip(*tree.query(geoms), strict=True):
            (index, _), (other_index, other) = members[a], members[b]
            if other_index < index:
                result[index].append((other.id, other.geometry))
    return result


def validate_labels(
    parsed: Sequence[tuple[Label | None, list[Finding]]],
    *,
    crops: Sequence[str] = DEFAULT_CROPS,
    rules: Rules = DEFAULT_RULES,
    footprints: Mapping[str, Geometry] | None = None,
    path: Path = Path("-"),
) -> FileReport:
    """Apply the validation rules to parsed features; overlaps are checked within the set."""
    labels = [label for label, _ in parsed]
    neighbours = _scene_neighbours(labels)
    seen: dict[str, int] = {}
    reports = []
    for i, (label, findings) in enumerate(parsed):
        findings = list(findings)
        if label is not None:
            where = _where(i, {"id": label.id})
            if label.id in seen:
                findings.append(
                    Finding("duplicate-id", "error", f"id already used by feature {seen[label.id]}")
                )
            seen.setdefault(label.id, i)
            findings += crop_findings(label.crop, crops)
            if not label.scene_id:
                message = "no scene_id: overlaps are checked among features without one"
                findings.append(Finding("missing-property", "warning", message))
            footprint = (footprints or {}).get(label.scene_id)
            geo, _ = check_geometry(
                label.geometry, footprint=footprint, others=neighbours.get(i, ()), rules=rules
            )
            findings = [f if f.message.startswith("feature ") else f.about(where) for f in findings]
            findings += [f.about(where) for f in geo]
        reports.append(FeatureReport(i, label, findings))
    return FileReport(path, reports)


def validate_file(path: Path, **kwargs: Any) -> FileReport:
    """Read and validate every feature of a GeoJSON / GeoPackage label file."""
    return validate_labels(read_labels(path), path=Path(path), **kwargs)


def _as_imported(
    parsed: Sequence[tuple[Label | None, list[Finding]]], annotator: str, reviewed_by: str | None
) -> list[tuple[Label | None, list[Finding]]]:
    """The parsed features as they may enter the store (``labels.workflow.as_imported``)."""
    out: list[tuple[Label | None, list[Finding]]] = []
    for label, findings in parsed:
        if label is not None:
            label = label.replace(annotator=label.annotator or annotator, version=0)
            try:
                label = as_imported(label, reviewed_by)
            except PermissionDeniedError as exc:
                findings = [*findings, Finding("own-review", "error", str(exc))]
        out.append((label, findings))
    return out


def import_file(
    store: LabelStore,
    path: Path,
    *,
    annotator: str,
    scene_id: str | None = None,
    reviewed_by: str | None = None,
    crops: Sequence[str] = DEFAULT_CROPS,
    rules: Rules = DEFAULT_RULES,
    progress: Report | None = None,
) -> FileReport:
    """Validate a label file and add its good features to ``store`` in one transaction.

    ``annotator`` is recorded as the importing user and fills features without one;
    ``scene_id`` replaces the file's scene ids. Features with errors, or whose id is already
    in the store, are reported and skipped; the rest are new labels (version 1) keeping
    their crop and provenance. Accepted or rejected features are imported as submitted
    unless ``reviewed_by`` names who vouches for the file's decisions (never their own).
    ``progress(done, total, step)`` hears of each step (reading, validating, saving).
    """
    path = Path(path)
    say = progress or (lambda done, total, step: None)
    say(0, 3, "reading")
    read = read_labels(path, scene_id=scene_id)
    say(1, 3, "validating")
    parsed = _as_imported(read, annotator, reviewed_by)
    scenes = {label.scene_id for label, _ in parsed if label is not None}
    footprints = {s: fp for s in scenes if (fp := store.footprint(s)) is not None}
    report = validate_labels(parsed, crops=crops, rules=rules, footprints=footprints, path=path)
    for feature in report.features:
        if feature.label is not None and not feature.label.scene_id:
            where = _where(feature.index, {"id": feature.label.id})
            message = f"{where}: no scene_id; give one with --scene / scene_id="
            feature.findings.append(Finding("missing-property", "error", message))
    good = [f for f in report.features if f.ok and not _exists(store, f)]
    to_save = [f.label for f in good if f.label is not None]  # every good feature has one
    say(2, 3, f"saving {len(to_save)} field(s)")
    results = store.save_many(to_save, actor=annotator, role=Role.COORDINATOR)
    say(3, 3, "saved")
    for feature, result in zip(good, results, strict=True):
        feature.imported = True
        feature.label = result.label
        known = {f.message for f in feature.findings}
        where = _where(feature.index, {"id": result.label.id})
        feature.findings += [
            w.about(where) for w in result.warnings if w.about(where).message not in known
        ]
    if reviewed_by is None:
        demoted = sum(
            f.imported and old is not None and old.status in REVIEW_STATUSES
            for f, (old, _) in zip(report.features, read, strict=True)
        )
        if demoted:
            report.notes.append(
                f"{demoted} feature(s) marked accepted or rejected in the file were imported "
                "as submitted, for review here (--as-reviewed-by NAME keeps the file's "
                "decisions as NAME's review)"
            )
    return report


def _exists(store: LabelStore, feature: FeatureReport) -> bool:
    """True (and an error added to the feature) when its id is already in the store."""
    assert feature.label is not None
    try:
        current = store.get(feature.label.id)
    except NotFoundError:
        return False
    feature.findings.append(
        Finding(
            "already-stored",
            "error",
            f"{_where(feature.index, {'id': feature.label.id})}: a label with this id is "
            f"already in the store (version {current.version}); not imported",
        )
    )
    return True
