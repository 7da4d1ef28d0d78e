"""Copy a label store to another (SQLite <-> PostGIS): scenes, labels and full history,
verified by counts and checksums."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import shapely

from labels.base_store import BaseLabelStore, LabelFilter, label_to_row
from labels.errors import StoreError
from labels.model import Label

BATCH = 1000


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a store holds, in numbers a copy must reproduce exactly."""

    scenes: int
    labels: int
    versions: int
    sha256: str  # of every scene, current label and version, in a canonical form

    def line(self) -> str:
        """``3 scene(s), 10 label(s), 25 version(s), sha256 …`` for people."""
        return (
            f"{self.scenes} scene(s), {self.labels} label(s), {self.versions} version(s), "
            f"sha256 {self.sha256}"
        )


def _canonical(label: Label) -> list[Any]:
    values = list(label_to_row(label))
    values[-1] = shapely.to_wkb(label.geometry, hex=True, byte_order=1)
    return values


def fingerprint(store: BaseLabelStore) -> Fingerprint:
    """Counts and a checksum of everything ``store`` holds (independent of the backend)."""
    digest = hashlib.sha256()
    scenes = store.scenes()
    for scene_id, footprint, _ in scenes:
        digest.update(json.dumps([scene_id, shapely.to_wkb(footprint, hex=True)]).encode())
    labels = versions = 0
    for label in store.query(LabelFilter(include_deleted=True)):
        digest.update(json.dumps(_canonical(label)).encode())
        labels += 1
    for version in store.versions():
        entry = [version.op, version.actor, version.role, *_canonical(version.label)]
        digest.update(json.dumps(entry).encode())
        versions += 1
    return Fingerprint(len(scenes), labels, versions, digest.hexdigest())


def _batches(items: Iterable[Any]) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def copy_store(src: BaseLabelStore, dst: BaseLabelStore) -> Fingerprint:
    """Copy everything from ``src`` into the empty ``dst`` in one transaction that commits
    only when the copy's fingerprint equals the source's; returns it."""
    if dst.count(LabelFilter(include_deleted=True)) or dst.scenes():
        raise StoreError(f"{dst.where} is not empty; copy only into an empty label store")
    before = fingerprint(src)
    with dst.transaction() as conn:
        for scene_id, footprint, updated_at in src.scenes():
            dst.load_scene(conn, scene_id, footprint, updated_at)
        for batch in _batches(src.versions()):
            dst.load_versions(conn, batch)
        for label in src.query(LabelFilter(include_deleted=True)):
            dst.load_label(conn, label)
        after = fingerprint(dst)  # read back inside the transaction: a mismatch commits nothing
        if after != before:
            raise StoreError(
                f"the copy in {dst.where} would differ from {src.where}: source "
                f"{before.line()}; copy {after.line()}. Nothing was written."
            )
    return after
