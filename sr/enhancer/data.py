"""Training data: tiles of real high-resolution imagery and their degraded, upsampled inputs.

A scene is read whole, normalised per band with robust percentiles (:mod:`.scaling`), and
tiles are drawn where every pixel is valid (not nodata, not 0 for integer data outside a
swath). Each target tile gets random flips/rotations, a random choice and order of bands
(sometimes one band repeated, as grey bands are enhanced at inference) and a random gain and
offset. Its input imitates what the enhancer sees in the app: the tile is degraded 4× with
the Sentinel-2-like PSF and Lanczos-2 decimation of :func:`sr.degrade.sentinel2_degrade`
(PSF width drawn per tile), Gaussian noise is added, and it is brought back to full size by
bicubic, Lanczos-3 or iterative back-projection (a cheap stand-in for DIP's output: consistent
with the low-resolution image and sharper than bicubic).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio

from sr.baselines import interpolate
from sr.degrade import back_project_array, sentinel2_degrade
from sr.enhancer.scaling import fit_percentiles

SCALE = 4
UPSAMPLERS = {"bicubic": 0.4, "lanczos": 0.2, "backprojection": 0.4}


@dataclass(frozen=True)
class Degradation:
    """Ranges of the random degradation applied to training tiles."""

    psf_sigma: tuple[float, float] = (0.35, 0.65)  # in low-resolution pixels
    noise: tuple[float, float] = (0.0, 0.01)  # Gaussian σ, normalised units
    backprojection_iterations: tuple[int, int] = (2, 8)
    gain: tuple[float, float] = (0.6, 1.6)  # log-uniform
    offset: tuple[float, float] = (-0.15, 0.15)
    grey_probability: float = 0.2


@dataclass
class Scene:
    """A normalised (bands, H, W) image and the mask of its valid pixels."""

    name: str
    image: np.ndarray
    valid: np.ndarray

    def rows(self, start: int, stop: int | None) -> Scene:
        return Scene(self.name, self.image[:, start:stop], self.valid[start:stop])


def read_scene(path: Path) -> Scene:
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
    return Scene(path.name, scaling.to_unit(array.astype(np.float64)), valid)


def split_rows(scene: Scene, fraction: float) -> tuple[Scene, Scene]:
    """(training, held-out): the bottom ``fraction`` of the rows is held out."""
    cut = round(scene.image.shape[1] * (1 - fraction))
    return scene.rows(0, cut), scene.rows(cut, None)


class TileSampler:
    """Random valid tiles of ``bands`` bands from several scenes, with augmentation."""

    def __init__(
        self, scenes: list[Scene], tile: int, bands: int, degradation: Degradation | None = None
    ) -> None:
        self.tile, self.bands = tile, bands
        self.deg = degradation or Degradation()
        self.scenes = scenes
        self.corners = [self._valid_corners(s) for s in scenes]
        counts = np.array([len(c[0]) for c in self.corners], dtype=np.float64)
        if counts.sum() == 0:
            raise ValueError(f"No fully valid {tile}×{tile} tile in the training images.")
        self.weights = counts / counts.sum()

    def _valid_corners(self, scene: Scene) -> tuple[np.ndarray, np.ndarray]:
        """Top-left corners (rows, cols) of fully valid tiles, via an integral image."""
        t = self.tile
        bad = np.pad((~scene.valid).astype(np.int64), ((1, 0), (1, 0))).cumsum(0).cumsum(1)
        if bad.shape[0] <= t or bad.shape[1] <= t:
            return np.empty(0, int), np.empty(0, int)
        window = bad[t:, t:] - bad[:-t, t:] - bad[t:, :-t] + bad[:-t, :-t]
        return np.nonzero(window == 0)

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
            tile = np.rot90(tile, rng.integers(4), axes=(1, 2))
            if rng.random() < 0.5:
                tile = tile[:, :, ::-1]
            gain = np.exp(rng.uniform(*np.log(self.deg.gain)))
            out[i] = tile * gain + rng.uniform(*self.deg.offset)
        return out


def upsample(lr: np.ndarray, method: str, iterations: int = 4) -> np.ndarray:
    """A (bands, h, w) image 4× larger by bicubic, Lanczos-3 or back-projection."""
    if method == "backprojection":
        return back_project_array(lr, interpolate(lr, SCALE, "bicubic"), iterations, SCALE)
    return interpolate(lr, SCALE, method)


def make_batch(
    sampler: TileSampler, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, targets), each (count, bands, tile, tile) float32.

    The whole batch is degraded at once (one PSF width per batch, noise level and
    upsampling method per tile): bands are independent, so the stack is filtered as one
    (count·bands, T, T) image.
    """
    deg = sampler.deg
    targets = sampler.sample(count, rng)
    n, bands, t, _ = targets.shape
    lr = sentinel2_degrade(
        targets.reshape(n * bands, t, t), SCALE, sigma_lr=rng.uniform(*deg.psf_sigma)
    ).reshape(n, bands, t // SCALE, t // SCALE)
    sigma = rng.uniform(*deg.noise, size=(n, 1, 1, 1))
    lr = (lr + sigma * rng.standard_normal(lr.shape)).astype(np.float32)
    names = np.array(list(UPSAMPLERS))
    methods = rng.choice(names, size=n, p=list(UPSAMPLERS.values()))
    low, high = deg.backprojection_iterations
    inputs = np.empty_like(targets)
    for method in np.unique(methods):
        pick = methods == method
        stack = lr[pick].reshape(-1, t // SCALE, t // SCALE)
        up = upsample(stack, str(method), int(rng.integers(low, high + 1)))
        inputs[pick] = up.reshape(-1, bands, t, t)
    return inputs, targets
