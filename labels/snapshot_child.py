"""``python -m labels.snapshot_child SCENE…``: the separate process that writes the GeoJSON
snapshots of some scenes, so that the server's saves never wait for them
(:class:`labels.snapshots.SnapshotWriter` starts it)."""

from __future__ import annotations

import os
import sys

from labels.errors import LabelError
from labels.snapshots import DIR_ENV, STORE_ENV
from labels.store import open_store


def main(scene_ids: list[str]) -> int:
    """The child process: write the snapshots of ``scene_ids`` of the store named in the
    environment; exit 1 with the reason on stderr when one fails."""
    store = open_store(os.environ[STORE_ENV], snapshot_dir=os.environ[DIR_ENV], snapshots=False)
    try:
        for scene_id in scene_ids:
            store.write_snapshot(scene_id)
    except (LabelError, OSError) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
