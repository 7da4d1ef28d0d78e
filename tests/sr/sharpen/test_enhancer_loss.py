"""Training losses: every term is zero for identical images and finite otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from sr.sharpen.enhancer.loss import (
    FallbackLoss,
    FeatureLoss,
    build_loss,
    gram_matrix,
    ssim_map,
    vgg16_bn_features,
)
from tests.sr.sharpen.test_enhancer_model import one_thread  # noqa: F401  (autouse fixture)


@pytest.fixture(scope="module")
def feature_loss() -> FeatureLoss:
    torch.manual_seed(0)
    return FeatureLoss(vgg16_bn_features(None))  # random weights: tests the plumbing only


def _pair(bands: int = 3) -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(1)
    a = torch.rand(1, bands, 16, 16)
    return a, (a + 0.1 * torch.randn_like(a))


def test_fallback_terms_zero_for_identical_and_positive_otherwise() -> None:
    a, b = _pair()
    _, same = FallbackLoss()(a, a.clone())
    total, diff = FallbackLoss()(b, a)
    assert set(same) == {"pixel", "ssim", "gradient", "frequency"}
    for name in same:
        assert abs(same[name].item()) < 1e-5, name
        assert torch.isfinite(diff[name]) and diff[name].item() > 0, name
    assert torch.isclose(total, sum(diff.values()))


@pytest.mark.parametrize("bands", [1, 3])
def test_feature_terms_zero_for_identical_and_finite_otherwise(
    feature_loss: FeatureLoss, bands: int
) -> None:
    a, b = _pair(bands)
    _, same = feature_loss(a, a.clone())
    total, diff = feature_loss(b, a)
    assert len(same) == 7  # pixel + 3 feature + 3 Gram terms
    for name in same:
        assert abs(same[name].item()) < 1e-6, name
        assert torch.isfinite(diff[name]), name
    assert total.item() > 0


def test_feature_loss_has_gradients_for_the_prediction_only(feature_loss: FeatureLoss) -> None:
    a, b = _pair()
    b.requires_grad_(True)
    feature_loss(b, a)[0].backward()
    assert b.grad is not None and torch.isfinite(b.grad).all()
    assert all(p.grad is None for p in feature_loss.parameters())


def test_gram_matrix_is_symmetric_and_normalised() -> None:
    f = torch.ones(1, 4, 3, 5)
    g = gram_matrix(f)
    assert g.shape == (1, 4, 4)
    assert torch.allclose(g, torch.full_like(g, 1 / 4))


def test_ssim_map_is_one_for_identical_images() -> None:
    a, _ = _pair()
    assert torch.allclose(ssim_map(a, a), torch.ones_like(a), atol=1e-4)


def test_build_loss_falls_back_without_local_weights(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path))
    loss, name = build_loss("auto")
    assert isinstance(loss, FallbackLoss) and name.startswith("fallback")
    with pytest.raises(ValueError, match="VGG16-BN"):
        build_loss("feature")
    with pytest.raises(ValueError, match="loss must be"):
        build_loss("mse")


def test_build_loss_uses_local_vgg_weights(tmp_path: Path) -> None:
    path = tmp_path / "vgg16_bn-test.pth"
    trunk = vgg16_bn_features(None, last=43)
    torch.save({f"features.{k}": v for k, v in trunk.state_dict().items()}, path)
    loss, name = build_loss("auto", vgg_weights=path)
    assert isinstance(loss, FeatureLoss) and path.name in name
