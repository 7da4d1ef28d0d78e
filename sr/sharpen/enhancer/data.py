"""Training data: tiles of real high-resolution imagery and their degraded, upsampled inputs.

A scene is read whole, normalised per band with robust percentiles (:mod:`.scaling`), and
tiles are drawn where every pixel is valid (not nodata, not 0 for integer data outside a
swath). Each target tile gets random flips/rotations, a random choice and order of bands
(sometimes one band repeated, as grey bands are enhanced at inference) and a random gain and
offset per band. Its input imitates what the enhancer sees in the app, over a wide family
of degradations because the real blur of a scene is never known exactly: each batch is
degraded 4× by one of block averaging, a Gaussian PSF (σ 0.3–1.5 low-resolution pixels)
then Lanczos-2, anti-aliased bicubic or Lanczos-2 decimation, sometimes after a sub-pixel
shift; Gaussian noise is added, and the tile is brought back to full size by bicubic,
Lanczos-3 or back-projection onto the block averages (what the ``enhancer`` method feeds
the network). The low-resolution tiles come with the batch, so training can apply the
consistency step (:func:`sr.sharpen.consistency.project`) to the network's output.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio

from sr.imagery.scaling import fit_percentiles
from sr.sharpen.baselines import interpolate
from sr.sharpen.consistency import enforce_consistency
from sr.sharpen.degrade import (
    area_downsample,
    bicubic_downsample,
    downsample,
    gaussian_downsample,
)

SCALE = 4
UPSAMPLE_MIX = {"bicubic": 0.2, "lanczos": 0.1, "backprojection": 0.7}
# Kinds of degradation and how often each is drawn (per batch).
KINDS = {"area": 0.3, "gaussian": 0.35, "bicubic-aa": 0.2, "lanczos2": 0.15}


@dataclass(frozen=True)
class Degradation:
    """Ranges of the random degradation applied to training tiles."""

    kinds: tuple[tuple[str, float], ...] = tuple(KINDS.items())
    psf_sigma: tuple[float, float] = (0.3, 1.5)  # Gaussian PSF, low-resolution pixels
    shift_probability: float = 0.3  # a shift of ±1 high-resolution px (¼ LR px) per axis
    noise: tuple[float, float] = (0.0, 0.01)  # Gaussian σ, normalised units
    backprojection_iterations: tuple[int, int] = (2, 8)
    gain: tuple[float, float] = (0.6, 1.6)  # log-uniform, drawn per band
    offset: tuple[float, float] = (-0.15, 0.15)
    grey_probability: float = 0.2

    def draw(self, rng: np.random.Generator) -> tuple[str, float]:
        """A degradation kind and, for ``gaussian``, its PSF width (else 0)."""
        names = [k for k, _ in self.kinds]
        weights = np.array([w for _, w in self.kinds], dtype=np.float64)
        kind = str(rng.choice(names, p=weights / weights.sum()))
        sigma = float(rng.uniform(*self.psf_sigma)) if kind == "gaussian" else 0.0
        return kind, sigma


def describe_degradation(deg: Degradation) -> str:
    """One line for the model card."""
    kinds = ", ".join(f"{name} {weight:.0%}" for name, weight in deg.kinds)
    low, high = deg.psf_sigma
    return (
        f"{kinds} (Gaussian PSF σ {low}–{high} LR px, then Lanczos-2); a ¼ LR px shift "
        f"{deg.shift_probability:.0%} of the time; noise σ ≤ {deg.noise[1]}; back up by "
        + " / ".join(f"{name} {weight:.0%}" for name, weight in UPSAMPLE_MIX.items())
    )


def degrade(image: np.ndarray, kind: str, sigma: float = 0.0) -> np.ndarray:
    """Decimate a (bands, H, W) image 4× with one kind of degradation."""
    if kind == "area":
        return area_downsample(image, SCALE)
    if kind == "gaussian":
        return gaussian_downsample(sigma)(image, SCALE)
    if kind == "bicubic-aa":
        return bicubic_downsample(image, SCALE)
    if kind == "lanczos2":
        return downsample(image, SCALE)
    raise ValueError(f"unknown degradation {kind!r}")


def shift(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Translate (…, H, W) by whole pixels, replicating the edges (same shape)."""
    h, w = image.shape[-2:]
    pad = ((0, 0),) * (image.ndim - 2) + ((1, 1), (1, 1))
    padded = np.pad(image, pad, mode="edge")
    return padded[..., 1 - dy : 1 - dy + h, 1 - dx : 1 - dx + w]


@dataclass
class TrainingImage:
    """A normalised (bands, H, W) image and the mask of its valid pixels."""

    name: str
    image: np.ndarray
    valid: np.ndarray

    def rows(self, start: int, stop: int | None) -> TrainingImage:
        return TrainingImage(self.name, self.image[:, start:stop], self.valid[start:stop])


def read_training_image(path: Path) -> TrainingImage:
    """Read a raster; pixels equal to nodata (0 for integer rasters without one) are invalid."""
    with rasterio.open(path) as ds:
        array = ds.read()
        nodata = ds.nodata
    if nodata is None and np.issubdtype(array.dtype, np.integer):
        nodata = 0
    valid = np.all(np.isfinite(array), axis=0)
    if nodata is not None:
        valid &= np.all(array != nodata, axis=0)
    scaling = fit_percentiles(array, valid)
    return TrainingImage(path.name, scaling.to_unit(array.astype(np.float64)), valid)


def split_rows(scene: TrainingImage, fraction: float) -> tuple[TrainingImage, TrainingImage]:
    """(training, held-out): the bottom ``fraction`` of the rows is held out."""
    cut = round(scene.image.shape[1] * (1 - fraction))
    return scene.rows(0, cut), scene.rows(cut, None)


class TileSampler:
    """Random valid tiles of ``bands`` bands from several scenes, with augmentation."""

    def __init__(
        self,
        scenes: list[TrainingImage],
        tile: int,
        bands: int,
        degradation: Degradation | None = None,
    ) -> None:
        self.tile, self.bands = tile, bands
        self.deg = degradation or Degradation()
        self.scenes = scenes
        self.corners = [self._valid_corners(s) for s in scenes]
        counts = np.array([len(c[0]) for c in self.corners], dtype=np.float64)
        if counts.sum() == 0:
            raise ValueError(f"No fully valid {tile}×{tile} tile in the training images.")
        self.weights = counts / counts.sum()

    def _valid_corners(self, scene: TrainingImage) -> tuple[np.ndarray, np.ndarray]:
        """Top-left corners (rows, cols) of fully valid tiles, via an integral image."""
        t = self.tile
        bad = np.pad((~scene.valid).astype(np.int64), ((1, 0), (1, 0))).cumsum(0).cumsum(1)
        if bad.shape[0] <= t or bad.shape[1] <= t:
            return np.empty(0, int), np.empty(0, int)
        window = bad[t:, t:] - bad[:-t, t:] - bad[t:, :-t] + bad[:-t, :-t]
        rows, cols = np.nonzero(window == 0)
        return rows, cols

    def _bands(self, available: int, rng: np.random.Generator) -> np.ndarray:
        if rng.random() < self.deg.grey_probability:
            return np.full(self.bands, rng.integers(available))
        if available >= self.bands:
            return rng.permutation(available)[: self.bands]
        return rng.integers(available, size=self.bands)

    def sample(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """(count, bands, tile, tile) float32 targets in normalised units."""
        out = np.empty((count, self.bands, self.tile, self.tile), np.float32)
        for i in range(count):
            k = rng.choice(len(self.scenes), p=self.weights)
            rows, cols = self.corners[k]
            j = rng.integers(len(rows))
            r, c = rows[j], cols[j]
            image = self.scenes[k].image
            tile = image[self._bands(image.shape[0], rng), r : r + self.tile, c : c + self.tile]
            tile = np.rot90(tile, int(rng.integers(4)), axes=(1, 2))
            if rng.random() < 0.5:
                tile = tile[:, :, ::-1]
            log_low, log_high = np.log(self.deg.gain)
            gain = np.exp(rng.uniform(log_low, log_high, size=(self.bands, 1, 1)))
            out[i] = tile * gain + rng.uniform(*self.deg.offset)
        return out


def upsample(lr: np.ndarray, method: str, iterations: int = 4) -> np.ndarray:
    """A (bands, h, w) image 4× larger by bicubic, Lanczos-3 or back-projection onto the
    block averages (:func:`sr.sharpen.consistency.enforce_consistency` from bicubic)."""
    if method == "backprojection":
        return enforce_consistency(interpolate(lr, SCALE, "bicubic"), lr, SCALE, iterations)
    return interpolate(lr, SCALE, method)


def make_batch(
    sampler: TileSampler, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(inputs, targets, low-resolution tiles): (count, bands, T, T) float32 twice, then
    (count, bands, T/4, T/4).

    The whole batch is degraded at once (one kind of degradation and shift per batch, noise
    level and upsampling method per tile): bands are independent, so the stack is filtered
    as one (count·bands, T, T) image.
    """
    deg = sampler.deg
    targets = sampler.sample(count, rng)
    n, bands, t, _ = targets.shape
    kind, sigma = deg.draw(rng)
    source = targets.reshape(n * bands, t, t)
    if rng.random() < deg.shift_probability:
        source = shift(source, int(rng.integers(-1, 2)), int(rng.integers(-1, 2)))
    lr = degrade(source, kind, sigma).reshape(n, bands, t // SCALE, t // SCALE)
    noise = rng.uniform(*deg.noise, size=(n, 1, 1, 1))
    lr = (lr + noise * rng.standard_normal(lr.shape)).astype(np.float32)
    names = np.array(list(UPSAMPLE_MIX))
    methods = rng.choice(names, size=n, p=list(UPSAMPLE_MIX.values()))
    low, high = deg.backprojection_iterations
    inputs = np.empty_like(targets)
    for method in np.unique(methods):
        pick = methods == method
        stack = lr[pick].reshape(-1, t // SCALE, t // SCALE)
        up = upsample(stack, str(method), int(rng.integers(low, high + 1)))
        inputs[pick] = up.reshape(-1, bands, t, t)
    return inputs, targets, lr
