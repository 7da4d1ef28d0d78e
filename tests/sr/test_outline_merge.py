"""Learned region merging (sr.outline.merge) and its segmenter (MergeSegmenter)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sr.outline.assist import field_instances
from sr.outline.hierarchy import colour_gradient
from sr.outline.merge import (
    COARSE_SCALES,
    FEATURES,
    Graph,
    MergeModel,
    build_graph,
    load_model,
    matched_pairs,
    merge_rounds,
    merged,
    net_boundary,
    pair_features,
    same_field_probability,
    superpixels,
)
from sr.outline.segment import (
    MAX_GROW,
    MergeSegmenter,
    NestedSegmenter,
    PreparedView,
    forget_prepared_views,
    grown,
)


def two_fields(step: float, line: float = 0.0, noise: float = 0.01) -> np.ndarray:
    """(3, 64, 96): columns 0–47 at 0.5, 48–95 at 0.5 + ``step``; a one-pixel line of
    ``line`` (darker) on their border; slight noise."""
    image = np.full((3, 64, 96), 0.5, np.float32)
    image[:, :, 48:] += step
    image[:, :, 47:49] -= line
    return image + np.random.default_rng(0).normal(0, noise, image.shape).astype(np.float32)


def feature(graph: Graph, name: str) -> np.ndarray:
    out: np.ndarray = pair_features(graph)[:, FEATURES.index(name)]
    return out


def halves() -> np.ndarray:
    """Labels 0 (columns 0–47) and 1 (48–95) of a 64 × 96 view."""
    return (np.arange(96)[None, :] >= 48).repeat(64, 0).astype(np.int64)


def test_features_of_a_known_pair() -> None:
    image = two_fields(0.4, noise=0.0)
    graph = build_graph(image, halves())
    assert graph.pairs.tolist() == [[0, 1]]
    assert feature(graph, "colour_rms") == pytest.approx(0.4, abs=1e-6)
    assert feature(graph, "colour_max") == pytest.approx(0.4, abs=1e-6)
    assert feature(graph, "spread_max") == pytest.approx(0.0, abs=1e-6)
    assert feature(graph, "log_border") == pytest.approx(np.log(64))  # 64 rows across
    assert feature(graph, "border_share_min") == pytest.approx(1.0)  # all outline is shared
    assert feature(graph, "log_size_min") == pytest.approx(np.log(64 * 48))
    # The smoothed step's gradient on the border: about a third of the step.
    assert feature(graph, "border_mean") == pytest.approx(0.128, abs=0.005)
    assert feature(graph, "border_above_0.1") == 1.0 and feature(graph, "border_above_0.15") == 0
    assert all(feature(graph, f"border_on_scale_{s:g}") == 1.0 for s in COARSE_SCALES)
    assert feature(graph, "colour_t") > 10
    flat = build_graph(np.full((3, 64, 96), 0.5, np.float32), halves())
    assert feature(flat, "border_mean") == pytest.approx(0.0)
    assert feature(flat, "border_above_0.02") == pytest.approx(0.0)


def test_merging_sums_the_statistics_as_if_built_from_the_merged_labels() -> None:
    image = two_fields(0.05, line=0.05)
    labels = superpixels(image, scale=2, min_size=5)
    graph = build_graph(image, labels)
    assert len(graph.regions) > 3
    mapping = np.arange(len(graph.regions)) // 3  # every three regions become one
    once, pair_mapping = merged(graph, mapping)
    rebuilt = build_graph(image, mapping[labels])
    np.testing.assert_allclose(once.regions, rebuilt.regions, rtol=1e-9, atol=1e-6)
    np.testing.assert_array_equal(once.pairs, rebuilt.pairs)
    np.testing.assert_allclose(once.border, rebuilt.border, rtol=1e-9, atol=1e-6)
    inside = mapping[graph.pairs[:, 0]] == mapping[graph.pairs[:, 1]]
    assert (pair_mapping[inside] == -1).all() and (pair_mapping[~inside] >= 0).all()


def test_each_region_is_merged_with_at_most_its_most_probable_partner() -> None:
    pairs = np.array([[0, 1], [1, 2], [2, 3], [3, 4]])
    probability = np.array([0.6, 0.9, 0.8, 0.7])
    # 1–2 is best for both; 3's best (2–3) is taken by 2, so 3–4 is 4's best but not 3's.
    assert matched_pairs(pairs, probability, 5).tolist() == [1]
    assert matched_pairs(pairs, np.array([0.9, 0.1, 0.1, 0.9]), 5).tolist() == [0, 3]


def border_model(limit: float) -> MergeModel:
    """A hand-set classifier: same field while the border's mean gradient is below ``limit``."""
    n = len(FEATURES)
    weight = np.zeros((n, 1))
    weight[FEATURES.index("border_mean"), 0] = -200.0
    return MergeModel(np.zeros(n), np.ones(n), [(weight, np.array([200.0 * limit]))], "test")


@pytest.mark.parametrize(("limit", "fields"), [(0.01, 2), (0.2, 1)])
def test_two_close_fields_with_a_faint_line_merge_as_the_classifier_says(
    limit: float, fields: int
) -> None:
    image = two_fields(0.03, line=0.04)
    segmenter = MergeSegmenter(border_model(limit), threshold=0.5, min_pixels=1)
    instances = segmenter(image)
    left, right = abs(instances[:, 2:40]), abs(instances[:, 56:94])
    assert len(np.unique(left)) == 1 and len(np.unique(right)) == 1
    assert (left[0, 0] == right[0, 0]) == (fields == 1)


def test_merge_rounds_stop_below_the_threshold() -> None:
    image = two_fields(0.6)
    labels = superpixels(image, scale=2, min_size=5)
    graph = build_graph(image, labels)
    assert len(graph.regions) > 10
    model = border_model(0.1)
    final, to_final, probability = merge_rounds(graph, model, threshold=0.5)
    # Rescored only where regions merged, yet as if every pair were scored again.
    np.testing.assert_allclose(probability, model.probability(pair_features(final)))
    assert (probability <= 0.5).all()
    # Each side one region; slivers along the step stay apart (a strong edge all round).
    assert sorted(final.regions[:, 0])[-2:] == [64 * 47, 64 * 47]
    assert set(np.unique(to_final[labels][:, :40])).isdisjoint(to_final[labels][:, 56:].ravel())


def test_the_shipped_model_loads_with_its_version_and_card() -> None:
    model = load_model()
    assert model.version.startswith("mlp")
    assert model.card["data"] and "bench.train_merge" in model.card["command"]
    segmenter = MergeSegmenter(model, threshold=0.4)
    assert segmenter.version == f"learned-merge-{model.version}@0.4"
    x = np.random.default_rng(2).normal(size=(5, len(FEATURES)))
    p = model.probability(x)
    assert p.shape == (5,) and ((p >= 0) & (p <= 1)).all()


def test_a_model_saved_as_json_loads_the_same(tmp_path: Path) -> None:
    model = border_model(0.1)
    path = tmp_path / "merge.json"
    path.write_text(json.dumps(model.to_json()))
    x = np.random.default_rng(3).normal(size=(4, len(FEATURES)))
    np.testing.assert_allclose(load_model(path).probability(x), model.probability(x))
    bad = model.to_json() | {"features": ["colour_rms"]}
    path.write_text(json.dumps(bad))
    with pytest.raises(ValueError, match="other features"):
        load_model(path)


def test_the_shipped_segmenter_keeps_the_contract() -> None:
    """Two contrasting fields and a no-data corner: ±labels, 0 without data, int32."""
    image = two_fields(0.35, noise=0.02)
    image[:, :8, :8] = np.nan
    instances = field_instances(image, MergeSegmenter())
    assert instances.dtype == np.int32 and instances.shape == (64, 96)
    assert (instances[:8, :8] == 0).all()
    left, right = instances[30, 20], instances[30, 75]
    assert left != 0 and right != 0 and abs(left) != abs(right)
    assert len(np.unique(np.abs(instances[instances != 0]))) == len(
        np.unique(instances[instances != 0])
    )


def boundary_maps(line: bool) -> np.ndarray:
    """(3, 64, 96) background / interior / boundary probabilities: interior everywhere, or a
    boundary the network is 99 % sure of on columns 47–48 (the halves' border) when ``line``."""
    maps = np.zeros((3, 64, 96), np.float32)
    maps[1] = 1.0
    if line:
        maps[1, :, 47:49], maps[2, :, 47:49] = 0.01, 0.99
    return maps


def test_the_network_boundary_sums_as_the_other_statistics() -> None:
    image = two_fields(0.05, line=0.05)
    labels = superpixels(image, scale=2, min_size=5)
    maps = boundary_maps(line=True)
    graph = build_graph(image, labels, maps)
    plain = build_graph(image, labels)
    assert graph.net and not plain.net
    # The plain graph's columns come first and are unchanged; features do not see the maps.
    np.testing.assert_allclose(graph.regions, plain.regions)
    np.testing.assert_allclose(graph.border[:, :-1], plain.border)
    np.testing.assert_allclose(pair_features(graph), pair_features(plain))
    mapping = np.arange(len(graph.regions)) // 3
    once, _ = merged(graph, mapping)
    rebuilt = build_graph(image, mapping[labels], maps)
    np.testing.assert_allclose(once.border, rebuilt.border, rtol=1e-9, atol=1e-6)
    # The halves' border: both pixels of every crossing are boundary pixels (0.99).
    halves_graph = build_graph(image, halves(), maps)
    assert net_boundary(halves_graph).tolist() == [pytest.approx(0.99)]


def test_a_boundary_the_network_is_sure_of_vetoes_a_merge_the_classifier_would_make() -> None:
    image = two_fields(0.0, noise=0.0)  # one colour: the classifier alone merges the halves
    model = border_model(0.015)  # log-odds 3 of one field (0.95) on a border without gradient
    without = build_graph(image, halves(), boundary_maps(line=False))
    with_line = build_graph(image, halves(), boundary_maps(line=True))
    alone = 1 / (1 + np.exp(-3))
    assert same_field_probability(with_line, model)[0] == pytest.approx(alone, rel=1e-3)
    # No boundary seen: no veto, and no push to merge either.
    assert same_field_probability(without, model, boundary_weight=2.0)[0] == pytest.approx(alone)
    # 3 − 2 × (log(0.99 / 0.01) − log(0.5 / 0.5)) = −6.19: the network's boundary wins.
    assert same_field_probability(with_line, model, boundary_weight=2.0)[0] == pytest.approx(
        1 / (1 + np.exp(6.19)), rel=0.01
    )
    # A higher floor vetoes less: 3 − 2 × (log(0.99 / 0.01) − log(0.9 / 0.1)) = −1.80.
    assert same_field_probability(with_line, model, boundary_weight=2.0, boundary_floor=0.9)[
        0
    ] == pytest.approx(1 / (1 + np.exp(1.80)), rel=0.01)
    assert len(merge_rounds(with_line, model, 0.5, boundary_weight=0.0)[0].regions) == 1
    assert len(merge_rounds(with_line, model, 0.5, boundary_weight=2.0)[0].regions) == 2


def test_outline_all_leaves_out_a_field_the_network_calls_background() -> None:
    image = two_fields(0.35, noise=0.02)
    maps = boundary_maps(line=False)
    maps[0, :, :48], maps[1, :, :48] = 0.9, 0.1  # the left half: background (woods, a road)
    segmenter = MergeSegmenter(border_model(0.05), threshold=0.5, min_pixels=1)
    labels = superpixels(image)
    view = PreparedView(labels, build_graph(image, labels, maps), maps, colour_gradient(image))
    instances = segmenter.fields(view)
    left, right = instances[30, 20], instances[30, 75]
    assert left < 0 < right  # a click still gets the left field; "outline all" does not
    plain = MergeSegmenter(border_model(0.05), threshold=0.5, min_pixels=1)(image)
    assert plain[30, 20] > 0 and plain[30, 75] > 0


def constant_model(probability: float) -> MergeModel:
    """Every pair is one field with this probability."""
    n = len(FEATURES)
    bias = np.array([np.log(probability / (1 - probability))])
    return MergeModel(np.zeros(n), np.ones(n), [(np.zeros((n, 1)), bias)], "constant")


def test_a_larger_field_merges_on_down_to_a_lower_threshold() -> None:
    image = two_fields(0.03, line=0.04)
    segmenter = MergeSegmenter(constant_model(0.45), threshold=0.5, min_pixels=1)
    assert grown(segmenter, 1).threshold == pytest.approx(0.4)  # type: ignore[attr-defined]
    assert grown(segmenter, -2).threshold == pytest.approx(0.7)  # type: ignore[attr-defined]
    assert grown(segmenter, 1).version.endswith("@0.4")
    assert len(np.unique(np.abs(segmenter(image)))) > 2  # 0.45 < 0.5: nothing merges
    assert len(np.unique(np.abs(grown(segmenter, 1)(image)))) == 1  # 0.45 > 0.4: one field
    extreme = grown(segmenter, 3 * MAX_GROW)
    assert 0 < extreme.threshold < 0.1  # type: ignore[attr-defined]
    nested = NestedSegmenter()
    assert grown(nested, 1) is nested  # no levels: unchanged


def test_another_level_of_the_same_view_reuses_its_superpixels_and_graph(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    image = two_fields(0.03, line=0.04)
    forget_prepared_views()
    segmenter = MergeSegmenter(constant_model(0.45), threshold=0.5, min_pixels=1)
    real = MergeSegmenter.prepared
    calls: list[int] = []

    def counted(self: MergeSegmenter, rgb: np.ndarray) -> PreparedView:
        calls.append(1)
        return real(self, rgb)

    monkeypatch.setattr(MergeSegmenter, "prepared", counted)
    segmenter(image)
    larger = grown(segmenter, 1)(image)
    assert len(calls) == 1  # the second level only merged
    fresh = grown(segmenter, 1).fields(real(segmenter, image))  # type: ignore[attr-defined]
    assert np.array_equal(larger, fresh)
    segmenter(image + 0.01)  # another view: cut again
    assert len(calls) == 2
