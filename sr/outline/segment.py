"""Fields of a view as an instance image: 0 = no field, 1…n = one field each.

Five segmenters, chosen by measurement (bench/bench_fields.py, models/OUTLINE_CARD.md);
:func:`default_segmenter` is the best one on the validation chips:

- :class:`MergeSegmenter` — small Felzenszwalb superpixels merged while a trained classifier
  says two touching regions are one field (:mod:`sr.outline.merge`; the default);
- :class:`NestedSegmenter` — Felzenszwalb segments at several scales, nested, each field the
  coarsest segment without a strong edge inside (:mod:`sr.outline.hierarchy`);
- :class:`RegionSegmenter` — Felzenszwalb's graph segments at one scale;

- :class:`NetSegmenter` — the trained U-Net (:mod:`sr.outline.net`) gives interior /
  boundary / background probabilities; seeds are the connected parts of confident interior,
  grown by a watershed on the boundary probability over the pixels that are not background.
- :class:`GradientSegmenter` — classical: seeds are the calm parts of the smoothed colour
  gradient, grown by a watershed on the gradient; a click on a strong edge is in no field.

All drop parts smaller than ``min_pixels`` (0 there) and work in pixels, so the caller picks
a view whose pixels are about 2–2.5 m (a sharpened Sentinel-2 area, the 2 m benchmark).
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np
import torch
from scipy import ndimage as ndi
from skimage.segmentation import felzenszwalb, watershed

from sr.outline.box import PixelBox, region_in_box
from sr.outline.corrections import Constraint, corrected_region
from sr.outline.hierarchy import (
    OutlineContrast,
    colour_gradient,
    half_resolution_segments,
    kept_segments,
    ranked,
    segments,
)
from sr.outline.merge import (
    Graph,
    MergeModel,
    build_graph,
    load_model,
    merge_rounds,
    superpixels,
)
from sr.outline.net import BACKGROUND, BOUNDARY, INTERIOR, FieldNet

# Where bench/train_outline.py writes the U-Net (git-ignored: not shipped, see default_segmenter).
TRAINED_NET = Path(__file__).resolve().parents[2] / "data" / "outline-unet.pt"
MIN_PIXELS = 100  # smallest field proposed: 100 px ≈ 0.04 ha at 2 m


class Segmenter(Protocol):
    @property
    def version(self) -> str:
        """What produced the fields (recorded with proposed labels)."""
        ...

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        """(3, H, W) in 0–1 → (H, W) int32 instance labels: 0 = no field; n > 0 a field;
        −n a field a click gets but "outline all" does not propose (not distinct enough)."""
        ...


def drop_small(labels: np.ndarray, min_pixels: int) -> np.ndarray:
    """Instance labels with parts under ``min_pixels`` set to 0, renumbered 1…n."""
    sizes = np.bincount(labels.ravel())
    keep = sizes >= min_pixels
    keep[0] = False
    renumber = np.zeros(len(sizes), np.int32)
    renumber[keep] = np.arange(1, int(keep.sum()) + 1, dtype=np.int32)
    out: np.ndarray = renumber[labels]
    return out


def grown_seeds(
    seeds: np.ndarray, relief: np.ndarray, allowed: np.ndarray, min_pixels: int
) -> np.ndarray:
    """Label the seed mask's parts, grow them over ``allowed`` by a watershed on ``relief``."""
    markers, _ = ndi.label(seeds)
    markers = drop_small(markers, max(1, min_pixels // 4))
    grown = watershed(relief, markers, mask=allowed)
    return drop_small(grown.astype(np.int32), min_pixels)


@dataclass
class GradientSegmenter:
    """Classical segmenter: watershed of the smoothed colour gradient from its calm parts."""

    sigma: float = 1.5
    calm: float = 0.15  # seeds: gradient below this fraction of its 99th percentile …
    erode: int = 3  # … eroded by this many pixels
    edge: float = 0.5  # a pixel above this fraction is on an edge: in no field
    min_pixels: int = MIN_PIXELS
    version: str = "gradient-watershed"

    def relief(self, rgb: np.ndarray) -> np.ndarray:
        smooth = [ndi.gaussian_filter(band, self.sigma) for band in rgb]
        gradient = np.max([np.hypot(ndi.sobel(b, 0), ndi.sobel(b, 1)) for b in smooth], axis=0)
        scale = float(np.percentile(gradient, 99)) or 1.0
        out: np.ndarray = (gradient / scale).astype(np.float32)
        return out

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        relief = self.relief(rgb)
        seeds = ndi.binary_erosion(relief < self.calm, iterations=self.erode)
        return grown_seeds(seeds, relief, relief < self.edge, self.min_pixels)


@dataclass
class NetSegmenter:
    """The trained U-Net's interior / boundary / background, then a seeded watershed."""

    net: FieldNet
    version: str
    interior: float = 0.5  # seeds: interior probability above this
    field: float = 0.5  # a pixel is in some field when its background probability is below
    min_pixels: int = MIN_PIXELS

    def probabilities(self, rgb: np.ndarray) -> np.ndarray:
        """(3, H, W) class probabilities (background, interior, boundary)."""
        _, h, w = rgb.shape
        pad_h, pad_w = (-h) % 8, (-w) % 8
        x = torch.from_numpy(np.pad(rgb, ((0, 0), (0, pad_h), (0, pad_w)), mode="reflect"))
        with torch.inference_mode():
            p = torch.softmax(self.net(x[None].float()), dim=1)[0, :, :h, :w]
        out: np.ndarray = p.numpy()
        return out

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        p = self.probabilities(rgb)
        seeds = p[INTERIOR] > self.interior
        return grown_seeds(seeds, p[BOUNDARY], p[BACKGROUND] < self.field, self.min_pixels)


@dataclass
class RegionSegmenter:
    """Felzenszwalb's graph segments of the colour image (``skimage``), each one field; a
    segment smaller than ``min_pixels`` is in no field, and so is one the U-Net, when given,
    calls mostly background (roads, woods, water)."""

    net: NetSegmenter | None = None
    scale: float = 60  # chosen on the validation chips (models/OUTLINE_CARD.md)
    sigma: float = 0.8
    min_size: int = 80
    min_pixels: int = MIN_PIXELS

    @property
    def version(self) -> str:
        base = f"felzenszwalb-{self.scale:g}"
        return base if self.net is None else f"{base}+{self.net.version}"

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        segments = (
            felzenszwalb(
                np.moveaxis(rgb, 0, -1),
                scale=self.scale,
                sigma=self.sigma,
                min_size=self.min_size,
                channel_axis=-1,
            ).astype(np.int32)
            + 1
        )
        if self.net is not None:
            background = self.net.probabilities(rgb)[BACKGROUND]
            sizes = np.maximum(np.bincount(segments.ravel()), 1)
            share = np.bincount(segments.ravel(), weights=background.ravel()) / sizes
            segments[share[segments] > self.net.field] = 0
        return drop_small(segments, self.min_pixels)


def load_net(path: Path) -> tuple[FieldNet, str]:
    """The U-Net saved at ``path`` (eval mode) and its version ``stem@sha256[:12]``."""
    from sr.sharpen.methods import checkpoint_version

    saved = torch.load(path, map_location="cpu", weights_only=True)
    net = FieldNet(width=int(saved["width"]))
    net.load_state_dict(saved["state_dict"])
    net.eval()
    return net, checkpoint_version(path)


@dataclass
class NestedSegmenter:
    """Nested Felzenszwalb segments, each field the coarsest one without a strong edge inside
    (:mod:`sr.outline.hierarchy`); segments that do not stand out from their surroundings
    get negative labels (a click gets them, "outline all" does not propose them)."""

    scale: float = 40  # full resolution; chosen on the validation chips (OUTLINE_CARD.md)
    coarser: tuple[float, ...] = (20, 60)  # half resolution
    merge: float = 0.55
    contrast: float = 2.0
    propose_pixels: int = 300  # 0.12 ha at 2 m: smaller fields only on a click
    sigma: float = 0.8
    min_pixels: int = MIN_PIXELS

    @property
    def version(self) -> str:
        levels = "-".join(f"{s:g}" for s in self.coarser)
        return f"felzenszwalb-nested-{self.scale:g}/{levels}@{self.merge:g}"

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        gradient = colour_gradient(rgb)
        levels = [segments(rgb, self.scale, self.sigma, 80)]
        levels += [half_resolution_segments(rgb, s, self.sigma, 20) for s in self.coarser]
        fields = drop_small(
            kept_segments(levels, gradient, self.merge).astype(np.int32) + 1, self.min_pixels
        )
        sizes = np.bincount(fields.ravel())
        contrast = OutlineContrast.of(fields, gradient)
        proposed = contrast.distinct(self.contrast) & (sizes >= self.propose_pixels)
        return ranked(fields, proposed, contrast.ratio)


@dataclass
class PreparedView:
    """A view cut into superpixels with their graph, the network's maps (or None) and the
    colour gradient: what :class:`MergeSegmenter` merges, whatever its settings."""

    labels: np.ndarray
    graph: Graph
    maps: np.ndarray | None
    gradient: np.ndarray
    # Merges done on it: settings → each superpixel's final region and the merge tree (a
    # corrective click merges nothing again).
    merges: dict[tuple[object, ...], tuple[MergeModel, np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False, compare=False
    )


# Views whose superpixels and graph are kept (a 512² view: about 6 MB), with their merge
# trees (a level of a 512² view: about 2 MB).
PREPARED_VIEWS = 4
_prepared: OrderedDict[tuple[object, ...], PreparedView] = OrderedDict()
_prepared_lock = threading.Lock()


def forget_prepared_views() -> None:
    """Empty the kept views (a benchmark timing a first click needs this)."""
    with _prepared_lock:
        _prepared.clear()


def _view_key(rgb: np.ndarray, net: NetSegmenter | None) -> tuple[object, ...]:
    """A view's identity: its pixels' digest, shape and type, and the network's version."""
    digest = hashlib.blake2b(np.ascontiguousarray(rgb).tobytes(), digest_size=16).digest()
    return digest, rgb.shape, rgb.dtype.str, None if net is None else net.version


@dataclass
class MergeSegmenter:
    """Superpixels merged by a trained classifier (:mod:`sr.outline.merge`) while it is
    more than ``threshold`` sure two touching regions are one field. "Outline all" proposes a
    field of ``propose_pixels`` or more whose outline's mean colour gradient is ≥
    ``contrast`` × its inside's (:func:`sr.outline.hierarchy.distinct`; measured better than
    the classifier's own confidence in its neighbours)."""

    model: MergeModel = field(default_factory=load_model)
    threshold: float = 0.5  # chosen on the validation chips (models/OUTLINE_CARD.md)
    contrast: float = 2.0
    propose_pixels: int = 300
    min_pixels: int = MIN_PIXELS
    # A field-boundary network: its boundary probability along a border above the floor
    # vetoes merges (:func:`sr.outline.merge.same_field_probability`), and
    # "outline all" proposes only fields it calls mostly not background (``background``).
    net: NetSegmenter | None = None
    boundary_weight: float = 1.0
    boundary_floor: float = 0.5
    background: float = 0.5
    # A volunteer's clicks on this view, (column, row, keep), the first to keep: the first
    # click's field with the later clicks' parts added or cut off (:mod:`sr.outline.corrections`).
    clicks: tuple[Constraint, ...] = ()
    # Two opposite corners of a field (col, row, col, row): that field alone, the region of
    # the merge tree down to the lowest level the buttons reach that fills the box best
    # (:mod:`sr.outline.box`).
    box: PixelBox | None = None

    @property
    def version(self) -> str:
        base = f"learned-merge-{self.model.version}@{self.threshold:g}"
        if self.box is not None:
            base += BOX_VERSION
        if self.net is None:
            return base
        veto = f"{self.boundary_weight:g}>{self.boundary_floor:g}"
        return f"{base}+{self.net.version}x{veto}/{self.background:g}"

    def prepared(self, rgb: np.ndarray) -> PreparedView:
        """What merging starts from; it depends only on the view and :attr:`net`."""
        labels = superpixels(rgb)
        maps = None if self.net is None else self.net.probabilities(rgb)
        return PreparedView(labels, build_graph(rgb, labels, maps), maps, colour_gradient(rgb))

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        return self.fields(self.kept_prepared(rgb))

    def kept_prepared(self, rgb: np.ndarray) -> PreparedView:
        """:meth:`prepared`, kept for the last :data:`PREPARED_VIEWS` views, so that the same
        view merged to another level (a Larger / Smaller press) reuses its superpixels and
        graph (most of a click's time)."""
        key = _view_key(rgb, self.net)
        with _prepared_lock:
            if (found := _prepared.get(key)) is not None:
                _prepared.move_to_end(key)
                return found
        view = self.prepared(rgb)
        with _prepared_lock:
            _prepared[key] = view
            while len(_prepared) > PREPARED_VIEWS:
                _prepared.popitem(last=False)
        return view

    def merged(self, view: PreparedView) -> tuple[np.ndarray, np.ndarray]:
        """Each superpixel's final region and the merge tree (:func:`merge_rounds`' history)
        of a prepared view at these settings, merged once and kept with the view."""
        key = (id(self.model), self.threshold, self.boundary_weight, self.boundary_floor)
        found = view.merges.get(key)
        if found is not None and found[0] is self.model:  # the model held: its id not reused
            return found[1], found[2]
        history: list[np.ndarray] = []
        _, to_final, _ = merge_rounds(
            view.graph,
            self.model,
            self.threshold,
            boundary_weight=self.boundary_weight,
            boundary_floor=self.boundary_floor,
            history=history,
        )
        view.merges[key] = (self.model, to_final, np.array(history, np.int32))
        return to_final, view.merges[key][2]

    def fields(self, view: PreparedView) -> np.ndarray:
        """The instance image (see :class:`Segmenter`) of a prepared view; with
        :attr:`clicks`, the first click's field as they corrected it."""
        if self.box is not None:
            return self._box_field(view, self.box)
        to_final, history = self.merged(view)
        regions = to_final[view.labels].astype(np.int32) + 1
        if self.clicks:
            outline = corrected_region(view.labels, history, self.clicks)
            if outline is not None:  # the first click's field, corrected: a field of its own
                regions[outline] = regions.max() + 1
        fields = drop_small(regions, self.min_pixels)
        sizes = np.bincount(fields.ravel())
        contrast = OutlineContrast.of(fields, view.gradient)
        proposed = contrast.distinct(self.contrast)
        maps = view.maps
        if maps is not None:
            background = np.bincount(fields.ravel(), maps[BACKGROUND].ravel(), len(sizes))
            proposed &= background / np.maximum(sizes, 1) < self.background
        proposed &= sizes >= self.propose_pixels
        return ranked(fields, proposed, contrast.ratio)

    def _box_field(self, view: PreparedView, box: PixelBox) -> np.ndarray:
        """An instance image holding the box's field alone (1), or nothing."""
        lowest = grown(replace(self, box=None, clicks=()), MAX_GROW)
        assert isinstance(lowest, MergeSegmenter)
        _, history = lowest.merged(view)
        region = region_in_box(view.labels, history, box)
        out = np.zeros(view.labels.shape, np.int32)
        if region is not None and region.sum() >= self.min_pixels:
            out[region] = 1
        return out


BOX_VERSION = "+box"  # a box's outline: recorded in the version of what proposed it
GROW_STEP = 0.1  # one "Larger field" press lowers the merge threshold by this much
MAX_GROW = 4  # presses either way (thresholds 0.1 … 0.9 from the default 0.5)


def grown(segmenter: Segmenter, steps: int) -> Segmenter:
    """The segmenter ``steps`` levels coarser (larger fields: learned merging goes on down to
    a threshold ``steps`` × :data:`GROW_STEP` lower) or, for negative ``steps``, finer.
    Only learned merging has levels; any other segmenter is returned as it is."""
    if steps == 0 or not isinstance(segmenter, MergeSegmenter):
        return segmenter
    threshold = round(segmenter.threshold - steps * GROW_STEP, 2)
    return replace(segmenter, threshold=min(max(threshold, 0.05), 0.95))


def with_clicks(segmenter: Segmenter, clicks: tuple[Constraint, ...]) -> Segmenter:
    """The segmenter obeying a volunteer's clicks on the view (see
    :attr:`MergeSegmenter.clicks`); only learned merging takes them, any other segmenter is
    returned as it is."""
    if not clicks or not isinstance(segmenter, MergeSegmenter):
        return segmenter
    return replace(segmenter, clicks=clicks)


def with_box(segmenter: Segmenter, box: PixelBox) -> Segmenter:
    """The segmenter answering with the field in a box (see :attr:`MergeSegmenter.box`);
    any other segmenter is returned as it is (:func:`sr.outline.assist.outline_in_box`
    chooses among its fields)."""
    if not isinstance(segmenter, MergeSegmenter):
        return segmenter
    return replace(segmenter, box=box, clicks=())


@functools.cache
def default_segmenter() -> Segmenter:
    """The segmenter that measured best on the validation chips (models/OUTLINE_CARD.md):
    superpixels merged by the trained classifier (better than nested Felzenszwalb segments;
    the U-Net trained so far measured worse and is not shipped)."""
    return MergeSegmenter()
