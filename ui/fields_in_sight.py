"""Which saved fields of a scene a person sees (the Label, Map and Review pages): their own
and everyone else's, except the other mapping of a task they map twice-over. Those hidden
are not said either: not in a save's warnings, nor as a border the outline assist stops at.

A task mapped twice is mapped independently: while one of its two volunteers holds it, the
other volunteer's fields in it are hidden from them on every map, or the two mappings would
no longer be independent and their agreement would measure nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from labels.base_store import BaseLabelStore, LabelFilter
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
    hidden from them (the other mapping of that task, when it is mapped twice)."""

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
    seen = independent(others, task, identity.name)
    hidden = frozenset(lab.id for lab in others) - {lab.id for lab in seen}
    return FieldsInSight(mine, seen, task, hidden)


def label_page_task(store: BaseLabelStore, scene_id: str, identity: Identity) -> Task | None:
    """The task this person is mapping on this scene (None when they map freely)."""
    task = held_task(store, scene_id, identity)
    return task if task is not None and task.state is TaskState.LOCKED_MAPPING else None


def independent(labels: list[Label], task: Task | None, mapper: str) -> list[Label]:
    """``labels`` without another volunteer's fields in ``task`` when it is mapped twice and
    ``mapper`` maps it: its two mappers work independently."""
    if task is None or task.copies < 2:
        return labels
    return [lab for lab in labels if lab.task_id != task.ref or lab.annotator == mapper]
