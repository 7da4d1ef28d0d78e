"""Scoring enhancers and training epochs on the validation chips (bench/enhancer_epochs.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench.enhancer_epochs import enhancer_of
from sr.sharpen.enhancer.train import train
from tests.sr.sharpen.test_enhancer_model import one_thread  # noqa: F401  (autouse)
from tests.sr.sharpen.test_enhancer_train import _tiny_run, hr_file  # noqa: F401  (fixture)


@pytest.mark.parametrize("arch", ["unet", "input-res"])
def test_a_training_state_gives_the_epoch_s_enhancer(
    hr_file: Path,  # noqa: F811  (fixture)
    tmp_path: Path,
    arch: str,
) -> None:
    """The state after the last epoch is the model the run wrote (up to its float16
    storage), named with its epoch; a model file is read as one, under its own name."""
    config = _tiny_run(hr_file, tmp_path / "m.pt", arch=arch, width=8, blocks=1, keep="last")
    train(config, log=lambda line: None)
    from_state, state_name = enhancer_of(config.state_path)
    from_model, model_name = enhancer_of(config.out)
    assert state_name == "m.state.pt (epoch 2)" and model_name == "m.pt"
    assert from_state.model.config == from_model.model.config
    assert from_state.model.config.arch == arch and from_state.scale == 4
    image = np.random.default_rng(0).uniform(100, 3000, (3, 40, 44)).astype(np.float32)
    a, b = from_state(image), from_model(image)
    assert not np.allclose(a, image)
    assert np.abs(a - b).max() < 0.01 * np.ptp(image)
