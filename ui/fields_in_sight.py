"""Which saved fields of a scene a person sees (the Label, Map and Review pages): their own
and everyone else's, except the fields of a task mapped twice that is still being mapped.
Those hidden are not said either: not in a save's warnings, nor as a border the outline
assist stops at.

A task mapped twice is mapped independently, or the two mappings' agreement would measure
nothing. So until both its mappers have handed it in, a volunteer sees no one else's fields
in it: not its other mapper's while they map it, nor the first mapping before they take the
task as its second mapper. Reviewers see them (the Review page's queue holds them), except in
a task they map themselves.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass

from labels.base_store import BaseLabelStore
from labels.campaign_store import CampaignStore
from labels.campaigns import Task, TaskState
from labels.model import Label
from ui.auth import Identity
from ui.campaign_map import add_hidden_tasks
from ui.campaign_view import held_task
from ui.field_layers import MapField, add_fields
from ui.label_actions import fields_of
from ui.scene_map import MapParent

MINE, OTHERS = "your fields", "others' fields"  # the layers' names in the map's switcher


@dataclass(frozen=True)
class FieldsInSight:
    """A person's view of a scene's saved fields: ``mine``, the ``others`` they may see, the
    campaign task they are mapping there (None: they map freely), the ids of the fields
    hidden from them (in tasks mapped twice and still being mapped) and the tasks, other than
    theirs, that hide some (``waiting``: their outlines say why nothing shows there)."""

    mine: list[Label]
    others: list[Label]
    task: Task | None
    hidden: frozenset[str] = frozenset()
    waiting: tuple[Task, ...] = ()

    @property
    def every(self) -> list[Label]:
        """Every field they see: theirs, then the others'."""
        return [*self.mine, *self.others]

    def layers(self) -> list[Callable[[MapParent], object]]:
        """Adders of the map layers that show them: theirs, then the others', then the
        outlines of the tasks ``waiting`` (each listed in the map's layer switcher; none for
        no fields)."""
        fields = [
            functools.partial(add_fields, fields=[MapField.of(lab) for lab in labels], name=name)
            for name, labels in ((MINE, self.mine), (OTHERS, self.others))
            if labels
        ]
        return [*fields, functools.partial(add_hidden_tasks, tasks=self.waiting)]

    def note(self) -> str:
        """What the map shows of them, in a sentence or two."""
        if not self.mine and not self.others:
            said = "No saved fields to show on this scene yet."
        else:
            said = (
                f"Saved fields on the map: {len(self.mine)} of yours, {len(self.others)} by "
                "others (the layers button at the map's top right shows or hides them)."
            )
        if self.waiting:
            said += (
                f" {len(self.waiting)} task(s) outlined in grey dashes are mapped independently "
                "by two volunteers: their fields show once both have handed them in."
            )
        return said


def fields_in_sight(store: BaseLabelStore, scene_id: str, identity: Identity) -> FieldsInSight:
    """The saved fields of ``scene_id`` that ``identity`` sees (see the module)."""
    task = label_page_task(store, scene_id, identity)
    fields = fields_of(store, scene_id)
    mine = [lab for lab in fields if lab.annotator == identity.name]
    others = [lab for lab in fields if lab.annotator != identity.name]
    unseen = unseen_tasks(store, scene_id, identity, task)
    refs = {t.ref for t in unseen}
    seen = independent(others, refs, identity.name)
    hidden = [lab for lab in others if lab.task_id in refs]  # others: none is theirs
    holding = {lab.task_id for lab in hidden} - ({task.ref} if task is not None else set())
    waiting = tuple(t for t in unseen if t.ref in holding)
    return FieldsInSight(mine, seen, task, frozenset(lab.id for lab in hidden), waiting)


def seen_by(
    identity: Identity, labels: list[Label], store: BaseLabelStore, scene_id: str
) -> list[Label]:
    """Those of ``labels`` (of ``scene_id``) that ``identity`` sees (see the module)."""
    held = label_page_task(store, scene_id, identity)
    unseen = {t.ref for t in unseen_tasks(store, scene_id, identity, held)}
    return independent(labels, unseen, identity.name)


def label_page_task(store: BaseLabelStore, scene_id: str, identity: Identity) -> Task | None:
    """The task this person is mapping on this scene (None when they map freely)."""
    task = held_task(store, scene_id, identity)
    return task if task is not None and task.state is TaskState.LOCKED_MAPPING else None


def unseen_tasks(
    store: BaseLabelStore, scene_id: str, identity: Identity, held: Task | None
) -> list[Task]:
    """The tasks mapped twice whose other fields ``identity`` does not see: the task they
    map (``held``), and for a volunteer every such task not handed in twice yet."""
    tasks = [held] if held is not None and held.copies > 1 else []
    if identity.can_review:
        return tasks
    campaigns = CampaignStore(store)
    for campaign in campaigns.campaigns(scene_id):
        tasks += [
            t
            for t in campaigns.tasks(campaign.id)
            if being_mapped_twice(t) and (held is None or t.ref != held.ref)
        ]
    return tasks


def being_mapped_twice(task: Task) -> bool:
    """Whether ``task`` is mapped twice and not yet handed in by both its mappers."""
    return task.copies > 1 and len(task.mappers) < task.copies


def independent(labels: list[Label], unseen: Collection[str], person: str) -> list[Label]:
    """``labels`` without other people's fields in the tasks ``unseen`` (refs)."""
    return [lab for lab in labels if lab.task_id not in unseen or lab.annotator == person]
