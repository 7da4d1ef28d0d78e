"""Training data of the merge classifier (bench/train_merge.py) and the campaign's finished
half of bench/merge_data.py: which pairs are labelled, and how."""

from __future__ import annotations

import numpy as np

from bench.merge_data import finished_half
from bench.train_merge import agglomerated_examples, gala, pair_labels, training_view
from sr.outline.merge import pair_features


def three_fields() -> tuple[np.ndarray, np.ndarray]:
    """A (3, 48, 96) view of three colour strips (columns 0–31, 32–63, 64–95) with slight
    noise, and its drawn fields: 1 and 2 on the first two strips, the third undrawn."""
    image = np.empty((3, 48, 96), np.float32)
    for i, level in enumerate((0.2, 0.5, 0.8)):
        image[:, :, 32 * i : 32 * (i + 1)] = level
    image += np.random.default_rng(1).normal(0, 0.02, image.shape).astype(np.float32)
    fields = np.zeros((48, 96), np.int64)
    fields[:, :32], fields[:, 32:64] = 1, 2
    return image, fields


def test_pairs_are_same_field_different_or_unknown_by_their_majority_field() -> None:
    # Regions 0–4 lie mostly in: field 1, field 1, field 2, undrawn, undrawn.
    overlap = np.array([[1, 9, 0], [0, 5, 1], [2, 0, 8], [7, 1, 0], [9, 0, 0]])
    pairs = np.array([[0, 1], [1, 2], [2, 3], [3, 4]])
    assert pair_labels(pairs, overlap).tolist() == [1, 0, 0, -1]


def test_with_unmapped_land_a_pair_touching_it_is_unknown() -> None:
    # The last column is land nobody has mapped yet: region 2 lies mostly there.
    overlap = np.array([[0, 9, 0, 1], [1, 8, 0, 0], [0, 1, 2, 7], [0, 0, 9, 0]])
    pairs = np.array([[0, 1], [1, 2], [2, 3], [1, 3]])
    assert pair_labels(pairs, overlap).tolist() == [1, 0, 0, 0]  # as if a field
    assert pair_labels(pairs, overlap, unmapped=True).tolist() == [1, -1, -1, 0]


def test_a_finished_left_half_hides_the_right_half_and_names_its_fields() -> None:
    fields = np.zeros((4, 8), np.int64)
    fields[:, 0:3] = 1  # all left
    fields[:, 3:6] = 2  # one column left, two right: mostly right
    fields[:, 6:8] = 3  # all right
    known, to_map = finished_half(fields)
    assert to_map == [2, 3]
    assert (known[:, :4] == fields[:, :4]).all()
    assert (known[:, 4:] == 4).all()  # one past the last field: unmapped


def test_a_view_s_regions_count_their_pixels_in_each_field() -> None:
    image, fields = three_fields()
    item = training_view("strips", image, fields)
    assert item.overlap.shape == (len(item.graph.regions), 3)
    assert item.overlap.sum() == fields.size
    np.testing.assert_array_equal(item.overlap.sum(1), item.graph.regions[:, 0])
    np.testing.assert_array_equal(item.overlap.sum(0), np.bincount(fields.ravel()))


def test_the_unmapped_half_gives_no_labelled_pair() -> None:
    image, fields = three_fields()
    known, _ = finished_half(fields)
    full = training_view("strips", image, fields)
    half = training_view("strips", image, known, unmapped=True)
    rng = np.random.default_rng(0)
    _, y_full = agglomerated_examples(full, None, 10_000, rng)
    _, y_half = agglomerated_examples(half, None, 10_000, rng)
    assert (y_full >= 0).sum() > (y_half >= 0).sum() > 0
    # No labelled pair touches a region lying mostly in the unmapped half.
    field = half.overlap.argmax(1)
    known_pairs = half.graph.pairs[y_half >= 0]
    assert (field[known_pairs] != known.max()).all()


def test_gala_learns_that_a_colour_step_parts_two_fields() -> None:
    image, fields = three_fields()
    views = [training_view("strips", image, fields)]
    model, pairs = gala(views, rounds=1, epochs=30, cap=10_000, quiet=True)
    labels = pair_labels(views[0].graph.pairs, views[0].overlap)
    assert pairs >= int((labels >= 0).sum())  # the superpixel pairs, then those met merging
    probability = model.probability(pair_features(views[0].graph))
    same, different = probability[labels == 1], probability[labels == 0]
    assert same.mean() > 0.5 > different.mean()
