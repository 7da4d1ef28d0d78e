"""A running job's preview: small, in its own Variable, fetched only when it changes."""

from __future__ import annotations

import pickle
import time

import numpy as np
from distributed import Variable

from sr.imagery.scene import Scene
from sr.jobs.engine import JobState
from sr.jobs.worker import PREVIEW_SIDE, progress_name, small_preview
from sr.sharpen.pipeline import SharpenRequest
from tests.sr.jobs.conftest import EngineFactory, pixel_area


def test_a_preview_is_block_averaged_to_its_longest_side() -> None:
    image = np.arange(2 * 600 * 300, dtype=np.float32).reshape(2, 600, 300)
    small = small_preview(image)
    assert small.shape == (2, 200, 100)  # blocks of 3 × 3
    assert small[1, 0, 0] == image[1, :3, :3].mean()
    assert max(small_preview(np.zeros((4, 512, 512), np.float32)).shape) == PREVIEW_SIDE
    little = np.ones((3, 64, 40), np.float32)
    assert small_preview(little) is little  # already small: untouched


def test_the_progress_a_page_reads_each_second_carries_no_image(
    make_engine: EngineFactory, scene: Scene
) -> None:
    engine = make_engine()
    request = SharpenRequest(scene, pixel_area(scene, 0, size=24), "dip", iterations=80)
    snap = engine.submit(request, "Asha")
    versions, sizes = [], []
    while (snap := engine.snapshot(snap.key)) is not None and snap.status.active:
        if snap.record.job_id and snap.status is JobState.RUNNING:
            found = Variable(progress_name(snap.record.job_id), client=engine.client).get(
                timeout="5s"
            )
            sizes.append(len(pickle.dumps(found)))
            assert "preview" not in found
        if snap.preview is not None:
            versions.append(snap.preview_version)
            assert snap.preview.shape[0] == 4 and max(snap.preview.shape) <= PREVIEW_SIDE
        time.sleep(0.05)
    assert snap is not None and snap.status is JobState.DONE, snap.error
    assert versions and versions[0] >= 1 and versions == sorted(versions)
    assert sizes and max(sizes) < 4096  # a few hundred bytes, not the ~100² × 4 image
