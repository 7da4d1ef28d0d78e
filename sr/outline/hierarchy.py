"""Fields as nested Felzenszwalb segments: the coarsest segment without a strong edge inside.

Fields come in every size, and no single Felzenszwalb scale fits them all: a fine scale cuts
large fields into pieces, a coarse one joins small fields. So the view is segmented at a
fine scale (full resolution) and at coarser scales (half resolution, cheaper), the levels are
nested (each segment goes to the coarser segment it mostly lies in), and, from the coarsest
level down, a segment is kept whole when the edges between its finer parts are weak next to
its own outline: their mean colour gradient is below ``merge`` × that of its outline.

Each kept segment is then marked *distinct* or not: its outline's mean gradient is at least
``contrast`` × the mean gradient inside it, and it has ``propose_pixels`` or more. A click
gets any segment; "outline all" proposes only distinct ones (:mod:`sr.outline.assist`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi
from skimage.segmentation import felzenszwalb


def colour_gradient(rgb: np.ndarray, sigma: float = 1.0) -> np.ndarray:
    """(H, W) largest Sobel gradient magnitude over the Gaussian-smoothed bands."""
    smooth = [ndi.gaussian_filter(band, sigma) for band in rgb]
    out: np.ndarray = np.max([np.hypot(ndi.sobel(b, 0), ndi.sobel(b, 1)) for b in smooth], 0)
    return out


def segments(rgb: np.ndarray, scale: float, sigma: float, min_size: int) -> np.ndarray:
    """Felzenszwalb segments (H, W) int64, numbered from 0. The bands are smoothed here, in
    float64 as scikit-image would and with the same result, but several times faster."""
    smooth = np.stack([ndi.gaussian_filter(band.astype(np.float64), sigma) for band in rgb], -1)
    out: np.ndarray = felzenszwalb(smooth, scale=scale, sigma=0, min_size=min_size, channel_axis=-1)
    return out


def half_resolution_segments(
    rgb: np.ndarray, scale: float, sigma: float, min_size: int
) -> np.ndarray:
    """Felzenszwalb segments of the 2×2-averaged image, back at full size (nearest)."""
    channels, h, w = rgb.shape
    padded = np.pad(rgb, ((0, 0), (0, h % 2), (0, w % 2)), mode="edge")
    half = padded.reshape(channels, padded.shape[1] // 2, 2, padded.shape[2] // 2, 2).mean(
        axis=(2, 4)
    )
    coarse = segments(half, scale, sigma, min_size)
    out: np.ndarray = np.repeat(np.repeat(coarse, 2, 0), 2, 1)[:h, :w]
    return out


def majority_parent(fine: np.ndarray, coarse: np.ndarray) -> np.ndarray:
    """For each fine label 0…n, the coarse label it overlaps most."""
    n_coarse = int(coarse.max()) + 1
    pairs = np.bincount(fine.ravel() * n_coarse + coarse.ravel(), minlength=0)
    pairs = np.pad(pairs, (0, (int(fine.max()) + 1) * n_coarse - pairs.size))
    out: np.ndarray = pairs.reshape(-1, n_coarse).argmax(axis=1)
    return out


def neighbour_pairs(labels: np.ndarray, gradient: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every pair of 4-neighbour pixels in different segments: (label a, label b, gradient)."""
    a = np.concatenate([labels[:, :-1].ravel(), labels[:-1, :].ravel()])
    b = np.concatenate([labels[:, 1:].ravel(), labels[1:, :].ravel()])
    g = np.concatenate(
        [
            ((gradient[:, :-1] + gradient[:, 1:]) / 2).ravel(),
            ((gradient[:-1, :] + gradient[1:, :]) / 2).ravel(),
        ]
    )
    differ = a != b
    return a[differ], b[differ], g[differ]


def edge_ratio(fine: np.ndarray, parent: np.ndarray, gradient: np.ndarray) -> np.ndarray:
    """Per coarse segment: mean gradient on the edges between its fine parts ÷ mean gradient
    on its own outline (0 with no inner edges, ∞ with no outline)."""
    a, b, g = neighbour_pairs(fine, gradient)
    pa, pb = parent[a], parent[b]
    n = int(parent.max()) + 1
    inner = pa == pb
    inner_count = np.bincount(pa[inner], minlength=n)
    inner_mean = mean_per_label(pa[inner], g[inner], n)
    outer = ~inner
    outer_sum = np.bincount(pa[outer], g[outer], n) + np.bincount(pb[outer], g[outer], n)
    outer_count = np.bincount(pa[outer], minlength=n) + np.bincount(pb[outer], minlength=n)
    outer_mean = np.where(outer_count > 0, outer_sum / np.maximum(outer_count, 1), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(outer_mean > 0, inner_mean / outer_mean, np.inf)
    out: np.ndarray = np.where(inner_count == 0, 0.0, ratio)
    return out


def kept_segments(levels: list[np.ndarray], gradient: np.ndarray, merge: float) -> np.ndarray:
    """Over levels (finest first, each made nested in the one below it), top-down: each
    pixel's coarsest segment whose inner edges are weak (:func:`edge_ratio` < ``merge``),
    else its finest one; numbered from 0."""
    nested, whole = [levels[0]], []
    for coarser in levels[1:]:
        parent = majority_parent(nested[-1], coarser)
        whole.append(edge_ratio(nested[-1], parent, gradient) < merge)
        nested.append(parent[nested[-1]])
    chosen = np.full(levels[0].shape, -1, np.int64)
    offset = 0
    for level, is_whole in zip(nested[:0:-1], whole[::-1], strict=True):
        take = (chosen < 0) & is_whole[level]
        chosen[take] = level[take] + offset
        offset += int(level.max()) + 1
    rest = chosen < 0
    chosen[rest] = nested[0][rest] + offset
    _, out = np.unique(chosen, return_inverse=True)
    result: np.ndarray = out.reshape(chosen.shape)
    return result


def mean_per_label(labels: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Mean of ``values`` per label 0…n−1 (0 for a label without pixels)."""
    out: np.ndarray = np.bincount(labels, values, n) / np.maximum(np.bincount(labels, None, n), 1)
    return out


def outline_pixels(labels: np.ndarray) -> np.ndarray:
    """(H, W) bool: pixels with another label among their 8 neighbours (each region's
    outline, on both sides of every border)."""
    out: np.ndarray = (ndi.grey_erosion(labels, size=3) != labels) | (
        ndi.grey_dilation(labels, size=3) != labels
    )
    return out


@dataclass(frozen=True)
class OutlineContrast:
    """Per label: the mean gradient on its outline and inside it, measured once for both
    uses (whether it stands out, and how much)."""

    edge: np.ndarray
    inside: np.ndarray

    @classmethod
    def of(cls, labels: np.ndarray, gradient: np.ndarray) -> OutlineContrast:
        n = int(labels.max()) + 1
        edge = outline_pixels(labels)
        return cls(
            mean_per_label(labels[edge], gradient[edge], n),
            mean_per_label(labels[~edge], gradient[~edge], n),
        )

    def distinct(self, contrast: float) -> np.ndarray:
        """Per label: its outline's mean gradient ≥ ``contrast`` × its inside's (bool)."""
        out: np.ndarray = self.edge >= contrast * self.inside
        return out

    @property
    def ratio(self) -> np.ndarray:
        """Per label: its outline's mean gradient ÷ its inside's (how much it stands out)."""
        out: np.ndarray = self.edge / np.maximum(self.inside, 1e-12)
        return out


def contrast_ratio(labels: np.ndarray, gradient: np.ndarray) -> np.ndarray:
    """Per label: its outline's mean gradient ÷ its inside's (how much it stands out)."""
    return OutlineContrast.of(labels, gradient).ratio


def on_frame(labels: np.ndarray, n: int) -> np.ndarray:
    """Per label 0…n−1 (bool): it has pixels on the view's outermost rows or columns. A field
    there may go on past the view, its outline stopping at the view's edge."""
    edge = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    out = np.zeros(n, bool)
    out[edge[(edge >= 0) & (edge < n)]] = True
    return out


def ranked(fields: np.ndarray, proposed: np.ndarray, score: np.ndarray) -> np.ndarray:
    """The instance image of ``fields`` (labels ≥ 1, 0 = no field): the ``proposed`` labels
    (bool per label) numbered 1…m, first those off the view's edge (:func:`on_frame`), then
    those on it, each by descending ``score`` (per label); the others negative (−m−1 …).
    "Outline all" proposes them in that order: a field the view's edge cuts comes last."""
    n = len(proposed)
    present = np.bincount(fields.ravel(), minlength=n)[:n] > 0
    present[0] = False
    chosen = np.flatnonzero(present & proposed)
    chosen = chosen[np.lexsort((-score[chosen], on_frame(fields, n)[chosen]))]
    rest = np.flatnonzero(present & ~proposed)
    number = np.zeros(n, np.int32)
    number[chosen] = np.arange(1, len(chosen) + 1)
    number[rest] = -np.arange(len(chosen) + 1, len(chosen) + len(rest) + 1)
    out: np.ndarray = number[fields]
    return out


def distinct(labels: np.ndarray, gradient: np.ndarray, contrast: float) -> np.ndarray:
    """Per label: its outline's mean gradient ≥ ``contrast`` × its inside's (bool)."""
    return OutlineContrast.of(labels, gradient).distinct(contrast)
