"""What a page reads from the label store, read once per store revision.

A page reruns on every click; what it shows from the store changes only when someone saves.
So each read is kept in the session (``memo``: ``st.session_state``, or any dict in tests)
with the store's revision (``version_count``: it grows with every commit, the versions
table being append-only) and the key it was read with (a filter), and is read again only
when either differs. One ``StoreReads`` per page run asks the store for its revision once.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any, TypeVar

from labels.base_store import LabelFilter, LabelStore
from labels.model import Label

T = TypeVar("T")


class StoreReads:
    """The store's reads for one page run, kept under ``memo[prefix + slot]``."""

    def __init__(self, store: LabelStore, memo: MutableMapping[Any, Any], prefix: str) -> None:
        self.store = store
        self.memo = memo
        self.prefix = prefix
        self.revision = store.version_count()

    def kept(self, slot: str, key: object) -> Any | None:
        """What was kept in ``slot`` for ``key`` at this revision, or None."""
        entry = self.memo.get(self.prefix + slot)
        return entry[1] if entry is not None and entry[0] == (self.revision, key) else None

    def keep(self, slot: str, key: object, value: T) -> T:
        """Keep ``value`` in ``slot`` for ``key`` at this revision; returns it."""
        self.memo[self.prefix + slot] = ((self.revision, key), value)
        return value

    def value(self, slot: str, key: object, build: Callable[[], T]) -> T:
        """``build()``'s value, built again only when the revision or ``key`` changed."""
        entry = self.memo.get(self.prefix + slot)
        if entry is not None and entry[0] == (self.revision, key):
            return entry[1]  # type: ignore[no-any-return]
        return self.keep(slot, key, build())

    def labels(self, slot: str, flt: LabelFilter) -> list[Label]:
        """The labels matching ``flt``, oldest first."""
        return self.value(slot, flt, lambda: list(self.store.query(flt)))

    def distinct(self, slot: str, column: str, flt: LabelFilter | None = None) -> list[str]:
        """The values of ``column`` among the labels matching ``flt`` (counted in SQL)."""
        return self.value(slot, (column, flt), lambda: self.store.distinct(column, flt))
