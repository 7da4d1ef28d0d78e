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

from labels.base_store import BaseLabelStore, LabelFilter
from labels.campaign_store import CampaignStore
from labels.campaigns import Task, TaskState
from labels.model import Label
from ui.auth import Identity
from ui.campaign_view import held_task
from ui.field_layers import MapField, add_fields
from ui.scene_map import MapParent

MINE, OTHERS = "your fields", "others' fields"  # the layers' names in the map's switcher


@dataclass(frozen=True)
class FieldsInSight:
    """A person's view of a scene's saved fields: ``mine``, the ``others`` they may see, the
    campaign task they are mapping there (None: they map freely) and the ids of the fields
    hidden from them (in tasks mapped twice and still being mapped)."""

    mine: list[Label]
    others: list[Label]
    task: Task | None
    hidden: frozenset[str] = frozenset()

    @property
    def every(self) -> list[Label]:
        """Every field they see: theirs, then the others'."""
        return [*self.mine, *self.others]

    def layers(self) -> list[Callable[[MapParent], object]]:
        """Adders of the map layers that show them: theirs, then the others' (each listed
        in the map's layer switcher; none for no fields)."""
        return [
            functools.partial(add_fields, fields=[MapField.of(lab) for lab in labels], name=name)
            for name, labels in ((MINE, self.mine), (OTHERS, self.others))
            if labels
        ]

    def note(self) -> str:
        """What the map shows of them, in a sentence."""
        if not self.mine and not self.others:
            return "No saved fields to show on this scene yet."
        return (
            f"Saved fields on the map: {len(self.mine)} of yours, {len(self.others)} by others "
            "(the layers button at the map's top right shows or hides them)."
        )


def fields_in_sight(store: BaseLabelStore, scene_id: str, identity: Identity) -> FieldsInSight:
    """The saved fields of ``scene_id`` that ``identity`` sees (see the module)."""
    task = label_page_task(store, scene_id, identity)
    fields = list(store.query(LabelFilter(scene_id=scene_id)))
    mine = [lab for lab in fields if lab.annotator == identity.name]
    others = [lab for lab in fields if lab.annotator != identity.name]
    seen = independent(others, unseen_tasks(store, scene_id, identity, task), identity.name)
    hidden = frozenset(lab.id for lab in others) - {lab.id for lab in seen}
    return FieldsInSight(mine, seen, task, hidden)


def seen_by(
    identity: Identity, labels: list[Label], store: BaseLabelStore, scene_id: str
) -> list[Label]:
    """Those of ``labels`` (of ``scene_id``) that ``identity`` sees (see the module)."""
    held = label_page_task(store, scene_id, identity)
    return independent(labels, unseen_tasks(store, scene_id, identity, held), identity.name)


def label_page_task(store: BaseLabelStore, scene_id: str, identity: Identity) -> Task | None:
    """The task this person is mapping on this scene (None when they map freely)."""
    task = held_task(store, scene_id, identity)
    return task if task is not None and task.state is TaskState.LOCKED_MAPPING else None


def unseen_tasks(
    store: BaseLabelStore, scene_id: str, identity: Identity, held: Task | None
) -> set[str]:
    """The refs of the tasks mapped twice whose other fields ``identity`` does not see: the
    task they map (``held``), and for a volunteer every such task not handed in twice yet."""
    refs = {held.ref} if held is not None and held.copies > 1 else set()
    if identity.can_review:
        return refs
    campaigns = CampaignStore(store)
    for campaign in campaigns.campaigns(scene_id):
        refs |= {t.ref for t in campaigns.tasks(campaign.id) if being_mapped_twice(t)}
    return refs


def being_mapped_twice(task: Task) -> bool:
    """Whether ``task`` is mapped twice and not yet handed in by both its mappers."""
    return task.copies > 1 and len(set(task.mappers)) < task.copies


def independent(labels: list[Label], unseen: Collection[str], person: str) -> list[Label]:
    """``labels`` without other people's fields in the tasks ``unseen`` (refs)."""
    return [lab for lab in labels if lab.task_id not in unseen or lab.annotator == person]
