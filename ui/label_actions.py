"""What the Label and Review pages do with labels: save, edit, delete, review — plain calls.

Every function returns ``Outcome``s with a message meant for the volunteer, so a page only
shows them; nothing here raises for a user mistake.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shapely.geometry.base import BaseGeometry

from labels.base_store import LabelFilter, LabelStore
from labels.campaigns import Task
from labels.errors import LabelError, StaleEditError, ValidationError
from labels.model import HAND, Label, Status, View, same_person
from labels.validate import Finding
from labels.workflow import as_resubmitted
from sr.imagery.acquisition import acquisition_datetime
from sr.imagery.scene import Scene
from sr.sharpen.assessment import badge_of
from sr.sharpen.cache import CachedResult
from ui.auth import Identity
from ui.drawings import Draft
from ui.plain_words import FieldNamer, field_name, plain_error, plain_findings, store_namer


@dataclass(frozen=True)
class DrawnOn:
    """The imagery a field was drawn on: the original scene, or an enhanced area, and when
    the scene's imagery was taken (None when its file does not say)."""

    view: View = View.ORIGINAL
    enhancement: str | None = None
    model_version: str | None = None
    determination_datetime: str | None = None
    consistency: str | None = None  # the enhanced area's badge (sr.sharpen.assessment.Badge)
    dates_seen: str | None = None  # the dates of a multi-date scene looked at (ui.date_view)


def enhancement_name(provenance: Mapping[str, Any]) -> str:
    """How an enhanced area was made, as exports record it, from its provenance:
    ``method``, then ``:preset`` and ``:iterations=N`` when they were used
    (``dip+enhancer:fast:iterations=50``)."""
    parts = [str(provenance["method"])]
    if provenance.get("preset"):
        parts.append(str(provenance["preset"]))
    if provenance.get("iterations"):
        parts.append(f"iterations={int(provenance['iterations'])}")
    return ":".join(parts)


def drawn_on_view(scene: Scene, shown: CachedResult | None) -> DrawnOn:
    """What a field drawn now is drawn on: the enhanced result ``shown`` over the scene (or
    the original scene when None), with the scene's acquisition date from its file."""
    when = acquisition_datetime(scene.path)
    if shown is None:
        return DrawnOn(determination_datetime=when)
    found = badge_of(shown.provenance)
    return DrawnOn(
        View.ENHANCED,
        enhancement_name(shown.provenance),
        shown.provenance.get("model_version"),
        when,
        None if found is None else found.value,
    )


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str
    label_id: str | None = None
    fixable: bool = False  # refused for its shape: keep the drawing so it can be redrawn
    version: int | None = None  # the label's version after the change (for an undo)


def describe_findings(findings: Iterable[Finding], name_of: FieldNamer = lambda _: None) -> str:
    """Findings as one line each: 'error: …' / 'warning: …', in plain words."""
    return plain_findings(list(findings), name_of)


def failed_outcome(exc: LabelError, name_of: FieldNamer = lambda _: None) -> Outcome:
    if isinstance(exc, ValidationError):
        return Outcome(
            False, "Not saved. " + describe_findings(exc.findings, name_of), fixable=True
        )
    return Outcome(False, f"Not saved: {plain_error(exc)}")


def save_new_fields(
    store: LabelStore,
    geometries: Iterable[BaseGeometry],
    *,
    crop: str,
    identity: Identity,
    scene_id: str,
    drawn_on: DrawnOn,
    submit: bool = True,
    task: Task | None = None,
    drawing_of: Callable[[BaseGeometry], tuple[str, str | None]] | None = None,
    hidden: Collection[str] = (),
) -> list[Outcome]:
    """Save each drawing as a new label of this user (submitted for review, or draft),
    in the campaign ``task`` they are mapping when it lies mostly inside it (one mostly
    outside is saved without a task, and its outcome says so); ``drawing_of`` tells how
    each outline came to be (default: drawn by hand). An overlap with a field ``hidden``
    from them (``ui.fields_in_sight``) is not said. A field in the task whose crop its
    campaign does not map is refused by the store (the drawing stays, to save with another)."""
    outcomes = []
    name_of = store_namer(store.get)
    for geometry in geometries:
        in_task = task is not None and task.holds(geometry)
        drawing, assist_version = drawing_of(geometry) if drawing_of else (HAND, None)
        label = Label(
            geometry=geometry,
            crop=crop,
            scene_id=scene_id,
            annotator=identity.name,
            status=Status.SUBMITTED if submit else Status.DRAFT,
            view=drawn_on.view,
            enhancement=drawn_on.enhancement,
            model_version=drawn_on.model_version,
            determination_datetime=drawn_on.determination_datetime,
            consistency=drawn_on.consistency,
            task_id=task.ref if task is not None and in_task else None,
            drawing=drawing,
            assist_version=assist_version,
            dates_seen=drawn_on.dates_seen,
        )
        try:
            result = store.save(label, actor=identity.name, role=identity.role)
        except LabelError as exc:
            outcomes.append(failed_outcome(exc, name_of))
            continue
        saved = result.label
        said = [f for f in result.warnings if f.other is None or f.other not in hidden]
        note = f" ({describe_findings(said, name_of)})" if said else ""
        if task is not None and saved.task_id is None:
            note += f", outside task {task.number}: it carries no task"
        outcomes.append(
            Outcome(
                True,
                f"Saved {saved.crop} field of {saved.area_ha:.2f} ha{note}.",
                saved.id,
                version=saved.version,
            )
        )
    return outcomes


def save_edits(
    store: LabelStore,
    edits: Mapping[str, BaseGeometry],
    versions: Mapping[str, int],
    identity: Identity,
) -> list[Outcome]:
    """Save new outlines of existing labels, refusing edits of a version someone replaced."""
    outcomes = []
    name_of = store_namer(store.get)
    for label_id, geometry in edits.items():
        try:
            current = store.get(label_id)
            result = store.save(
                as_resubmitted(current.replace(geometry=geometry), identity.name),
                actor=identity.name,
                role=identity.role,
                expected_version=versions[label_id],
            )
        except LabelError as exc:
            outcomes.append(failed_outcome(exc, name_of))
            continue
        again = " It goes back to review." if current.status is Status.REJECTED else ""
        outcomes.append(
            Outcome(
                True,
                f"Saved the new outline ({result.label.area_ha:.2f} ha).{again}",
                label_id,
                version=result.label.version,
            )
        )
    return outcomes


def unsaved_after_save(work: Draft, outcomes: Sequence[Outcome]) -> Draft:
    """What stays in the drafts after saving ``work`` (outcomes: new drawings, then edits).

    Every new drawing that was not saved stays, and every changed outline refused for its
    shape (too large, self-intersecting …), so nothing drawn is lost; an outline refused
    because someone else changed the field meanwhile is dropped (it could never be saved).
    """
    new_outcomes, edit_outcomes = outcomes[: len(work.new)], outcomes[len(work.new) :]
    return Draft(
        [g for g, o in zip(work.new, new_outcomes, strict=True) if not o.ok],
        {
            label_id: edit
            for (label_id, edit), o in zip(work.edits.items(), edit_outcomes, strict=True)
            if not o.ok and o.fixable
        },
    )


def delete_fields(
    store: LabelStore, versions: Mapping[str, int], identity: Identity
) -> list[Outcome]:
    """Delete labels (a new version each; their history stays)."""
    outcomes = []
    for label_id, version in versions.items():
        try:
            result = store.delete(
                label_id, actor=identity.name, role=identity.role, expected_version=version
            )
        except LabelError as exc:
            outcomes.append(failed_outcome(exc))
            continue
        outcomes.append(
            Outcome(
                True, f"Deleted {field_name(result.label)}.", label_id, version=result.label.version
            )
        )
    return outcomes


def review_field(
    store: LabelStore, label: Label, identity: Identity, accept: bool, comment: str
) -> Outcome:
    """Accept or reject a label as a reviewer (rejecting needs a comment)."""
    if not identity.can_review:
        return Outcome(False, "Only reviewers can accept or reject fields.")
    decision = Status.ACCEPTED if accept else Status.REJECTED
    try:
        store.review(
            label.id,
            actor=identity.name,
            decision=decision,
            comment=comment.strip(),
            expected_version=label.version,
        )
    except StaleEditError as exc:  # the page may show another field by now: name it
        if same_person(exc.by, identity.name):  # a second press, or another tab
            return Outcome(False, f"You decided {field_name(label)} already.")
        return Outcome(
            False,
            f"Your decision was not kept: {exc.by or 'someone'} changed {field_name(label)} "
            "after it was shown to you.",
        )
    except LabelError as exc:
        return failed_outcome(exc)
    verb = "Accepted" if accept else "Rejected"
    return Outcome(True, f"{verb} {field_name(label)}.", label.id)


def fields_of(store: LabelStore, scene_id: str) -> list[Label]:
    """The current (not deleted) labels of a scene."""
    return list(store.query(LabelFilter(scene_id=scene_id)))
