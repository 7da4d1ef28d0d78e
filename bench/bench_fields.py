"""Delineation benchmark: how well can a field be outlined on each view of real farmland?

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.bench_fields [--chips NAME…] [--views …]

Data, split and views: :mod:`bench.fields_data` (10 benchmark chips never trained on; 2 m
truth, 8 m input by block average or Gaussian PSF σ 0.5 + Lanczos-2; views bicubic +
back-projection, the enhancer, and the 2 m truth as the ceiling; ``--views bicubic enhancer
dip+enhancer truth`` adds DIP + enhancer, about a minute a view on one core the first time,
cached after). Per view, against the fields drawn by hand (at 2 m; 4 px border off for PSNR):

- PSNR against the truth (peak = the chip's maximum);
- boundary F1 within 1 and 2 px: borders of the generic segmenter (Felzenszwalb, as
  :func:`bench.bench_honest.segments`) against the drawn boundaries;
- generic one-click IoU: the Felzenszwalb segment under each field's innermost point
  (the maximum of its distance transform), IoU with the drawn field; median over fields;
- the assist (:mod:`sr.outline`): one-click IoU (its polygon under the same click, rasterised)
  median and mean over fields, and per field the share of the outline on the field
  (precision: low when it spills into neighbours) and of the field inside the outline
  (recall: low when it stops short); the same with at most one Larger or Smaller press (the better
  of the click's outline and the first other outline up or down the merge levels,
  :func:`one_press_iou`); after the click and up to four corrective clicks (adds and cuts,
  :mod:`sr.outline.corrections`), each where a careful volunteer would put it
  (:func:`next_correction`); with a box instead of a click (two opposite corners,
  :mod:`sr.outline.box`): the drawn field's bounding box with each side moved at random by up
  to 0, 10 or 20 % of the field's extent (:func:`box_around`, seeded per chip and field), and
  that box itself as the outline (what a rectangle drawn by hand gives), and the box's outline
  beside the fields saved before it in reading order; beside fields
  already saved (:mod:`sr.outline.saved_fields`): the click's outline with what lies in the
  other drawn fields cut away (all of them, a random half seeded per chip, or those clicked
  before it in reading order), and, to show
  why the Label page trims only along fields a person drew, edited or accepted, the same
  half saved as the assist proposed them (:func:`beside_saved`); "outline all"
  field-level F1 (a proposal matches a drawn field
  at IoU ≥ 0.5; ``F1 judged``: proposals lying mostly (> 50 %) on undrawn land — roads, woods,
  farmsteads the drawer left out — are not counted; ``F1 strict`` counts them as wrong), and
  the same with a random half of the drawn fields saved, scored on the other half, its
  proposals as they are and cut along the saved ones (:func:`outline_all_half_saved`);
- click latency: :func:`sr.outline.outline_at` with one click on a 512² view, torch on 2
  threads, median of 5 (the view segmented each time, as a first click does); a corrective
  click after it (a cut, on the merge tree kept with the view); a Larger press (the kept
  superpixels and graph merged one level further); and a box on a view nothing was kept of.

Every field of every benchmark chip is clicked (no subsampling).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from rasterio.features import rasterize
from scipy import ndimage as ndi
from shapely.geometry import Polygon
from shapely.geometry import box as rectangle
from skimage.segmentation import find_boundaries

from bench.bench_honest import segments
from bench.fields_data import (
    BENCH_DEGRADATIONS,
    SPLITS,
    UNSHARPENED,
    VIEWS,
    Chip,
    add_split_argument,
    load_chip,
    sharpened,
    split_name,
    split_suffix,
    view,
)
from bench.results_files import cpu_model, write_results
from labels.validate import DEFAULT_RULES
from sr.outline import outline_at
from sr.outline.assist import (
    Click,
    all_outlines,
    field_instances,
    outline_corrected,
    outline_in_box,
    outlines_at,
)
from sr.outline.box import PixelBox
from sr.outline.corrections import Correction
from sr.outline.polygons import largest_polygon
from sr.outline.saved_fields import clear_of
from sr.outline.segment import (
    MAX_GROW,
    TRAINED_NET,
    GradientSegmenter,
    MergeSegmenter,
    NestedSegmenter,
    NetSegmenter,
    RegionSegmenter,
    Segmenter,
    default_segmenter,
    forget_prepared_views,
    grown,
    load_net,
)
from sr.sharpen.metrics import psnr
from sr.sharpen.quality import boundary_f_score, normalise

ROOT = Path(__file__).resolve().parents[1]
BORDER = 4
MATCH_IOU = 0.5
CLICKS = 5  # a first click and up to four corrections
GOOD_IOU = 0.8  # the one-click target, as a share of fields that reach it
TRUTH_METRES = 2.0  # the pixel of the truth and of the views
MIN_FIELD_PIXELS = DEFAULT_RULES.min_area_m2 / TRUTH_METRES**2  # the drawing checks' minimum
WORSE_BY = 0.1  # a correction that lowers the IoU this much did harm
BOX_JITTERS = (0.0, 0.1, 0.2)  # how far off a volunteer's box: each side, share of extent
# Which other fields are saved when a field is clicked (:func:`beside_saved`).
SAVED_CASES = ("all", "half", "half_proposed", "in_order")
CHIP_WORDS = {
    "benchmark": "benchmark chips (never trained on)",
    "validation": "validation chips (held out of training, used to choose the segmenter)",
}


def chip_words(result: dict[str, Any]) -> str:
    """Which chips a result was measured on, in words (results of before the split was
    named ``benchmark`` say ``bench``)."""
    return CHIP_WORDS[split_name(result.get("split", "benchmark"))]


SEGMENTERS: dict[str, Callable[[], Segmenter]] = {
    "default": default_segmenter,
    "gradient": GradientSegmenter,
    "nested": NestedSegmenter,
    "merge": MergeSegmenter,
    "regions": RegionSegmenter,
    "unet": lambda: NetSegmenter(*load_net(TRAINED_NET)),
    "regions+unet": lambda: RegionSegmenter(NetSegmenter(*load_net(TRAINED_NET))),
}


def innermost_pixel(mask: np.ndarray) -> tuple[int, int]:
    """(row, col) of the pixel of a mask farthest from its edge (the first of those)."""
    distance = ndi.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
    row, col = np.unravel_index(int(np.argmax(distance)), distance.shape)
    return int(row), int(col)


def innermost_points(fields: np.ndarray) -> dict[int, tuple[float, float]]:
    """Each drawn field's innermost pixel centre as a (column, row) click."""
    points: dict[int, tuple[float, float]] = {}
    for number in np.unique(fields):
        if number == 0:
            continue
        row, col = innermost_pixel(fields == number)
        points[int(number)] = (col + 0.5, row + 0.5)
    return points


def iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 0.0


def polygon_mask(polygon: object, shape: tuple[int, int]) -> np.ndarray:
    if polygon is None:
        return np.zeros(shape, bool)
    burnt = rasterize([polygon], out_shape=shape, fill=0, default_value=1, dtype="uint8")
    mask: np.ndarray = burnt > 0
    return mask


def outline_all_scores(proposals: list, fields: np.ndarray) -> dict[str, Any]:
    """Field-level precision / recall / F1 of proposals against drawn fields at IoU ≥ 0.5,
    and which drawn fields (in :func:`innermost_points` order) a proposal matched."""
    numbers = [int(n) for n in np.unique(fields) if n]
    matched: set[int] = set()
    judged = true_pos = 0
    for polygon in proposals:
        mask = polygon_mask(polygon, fields.shape)
        under = fields[mask]
        if under.size and (under > 0).mean() > 0.5:
            judged += 1
        best = np.bincount(under[under > 0]).argmax() if (under > 0).any() else 0
        if best and best not in matched and iou(mask, fields == best) >= MATCH_IOU:
            matched.add(int(best))
            true_pos += 1

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    recall = true_pos / len(numbers) if numbers else 0.0
    strict_p = true_pos / len(proposals) if proposals else 0.0
    judged_p = true_pos / judged if judged else 0.0
    return {
        "proposals": len(proposals),
        "matched": [number in matched for number in numbers],
        "recall": recall,
        "precision_judged": judged_p,
        "f1_judged": f1(judged_p, recall),
        "f1_strict": f1(strict_p, recall),
    }


def one_press_iou(levels: dict[int, np.ndarray], field: np.ndarray) -> float:
    """The best IoU with a field that a volunteer gets from one click and at most one Larger
    or Smaller press: the click's outline (``levels[0]``, masks by level), or the first
    different outline each way, as the Label page's buttons give."""
    best = iou(levels[0], field)
    for step in (1, -1):
        grow = step
        while abs(grow) <= MAX_GROW:
            mask = levels[grow]
            if mask.any() and not np.array_equal(mask, levels[0]):
                best = max(best, iou(mask, field))
                break
            grow += step
    return best


def next_correction(shown: np.ndarray, field: np.ndarray) -> Correction | None:
    """Where a careful volunteer clicks next to make the ``shown`` outline the drawn
    ``field``: the wrong pixel farthest from the edge of the wrong pixels, an add where the
    outline misses the field, a cut where it spills over (the protocol of interactive
    segmentation benchmarks, Xu et al. 2016); None when nothing is wrong."""
    best: Correction | None = None
    farthest = 0.0
    for wrong, add in ((field & ~shown, True), (shown & ~field, False)):
        if not wrong.any():
            continue
        distance = ndi.distance_transform_edt(np.pad(wrong, 1))[1:-1, 1:-1]
        row, col = np.unravel_index(int(np.argmax(distance)), distance.shape)
        if distance[row, col] > farthest:
            farthest = float(distance[row, col])
            best = Correction(col + 0.5, row + 0.5, add)
    return best


def corrected_ious(
    image: np.ndarray, segmenter: Segmenter, click: Click, field: np.ndarray
) -> list[float]:
    """IoU with a drawn field after 1, 2, … :data:`CLICKS` clicks: the first at its innermost
    point, each later one a correction where :func:`next_correction` puts it (on the outline
    as shown: simplified, rasterised); the last IoU repeats once nothing is wrong."""
    corrections: list[Correction] = []
    out: list[float] = []
    while len(out) < CLICKS:
        outline = outline_corrected(image, click, corrections, segmenter=segmenter)
        shown = polygon_mask(outline, field.shape)
        out.append(iou(shown, field))
        following = next_correction(shown, field)
        if outline is None or following is None:
            return out + [out[-1]] * (CLICKS - len(out))
        corrections.append(following)
    return out


def box_around(field: np.ndarray, jitter: float, rng: np.random.Generator) -> PixelBox:
    """A box a volunteer might click around a drawn field: its bounding box (pixel edges),
    each side moved at random by up to ``jitter`` × the field's extent that way."""
    rows, cols = np.nonzero(field)
    height, width = rows.max() + 1 - rows.min(), cols.max() + 1 - cols.min()
    moved = rng.uniform(-jitter, jitter, 4) * (width, height, width, height)
    col0, row0, col1, row1 = (
        np.array([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]) + moved
    )
    return (float(col0), float(row0), float(col1), float(row1))


def box_ious(
    image: np.ndarray,
    segmenter: Segmenter,
    field: np.ndarray,
    seed: list[int],
    saved: Sequence[Polygon] = (),
) -> dict[str, list[float]]:
    """Per jitter of :data:`BOX_JITTERS`: [the assist's outline in the box, the box itself,
    the assist's outline cut along the ``saved`` fields (its largest piece, as the Label
    page does)] as IoUs with the drawn field."""
    out = {}
    for jitter in BOX_JITTERS:
        box = box_around(field, jitter, np.random.default_rng([*seed, round(jitter * 100)]))
        outline = outline_in_box(image, box, segmenter=segmenter)
        cut = None if outline is None else clear_of(outline, saved).outline
        shown, beside = (polygon_mask(o, field.shape) for o in (outline, cut))
        drawn = polygon_mask(rectangle(*box), field.shape)
        out[f"{jitter:g}"] = [iou(shown, field), iou(drawn, field), iou(beside, field)]
    return out


def drawn_outlines(fields: np.ndarray, clicks: dict[int, Click]) -> dict[int, Polygon | None]:
    """Each drawn field's outline (pixel polygon, its largest part) by field number."""
    return {n: largest_polygon(fields == n) for n in clicks}


def clicked_before(clicks: dict[int, Click], number: int) -> list[int]:
    """The fields whose click comes before ``number``'s in reading order (row, then column):
    those a volunteer working across a task has saved by then."""
    return [n for n in clicks if clicks[n][::-1] < clicks[number][::-1]]


def saved_half(clicks: dict[int, Click], seed: int) -> set[int]:
    """A random half of the drawn fields (``seed``), standing for those saved already."""
    rng = np.random.default_rng(seed)
    return {n for n in clicks if rng.random() < 0.5}


def outline_all_beside_saved(
    proposals: list, fields: np.ndarray, saved: list[Polygon]
) -> dict[str, Any]:
    """Outline all's scores against the drawn fields still to draw (``fields`` with the saved
    ones as undrawn land), its ``proposals`` cut along the ``saved`` outlines as the Label
    page cuts them (`sr.outline.saved_fields`; what is left under the drawing checks' minimum area,
    :data:`MIN_FIELD_PIXELS`, dropped)."""
    cut = [clear_of(p, saved).outline for p in proposals]
    return outline_all_scores(
        [p for p in cut if p is not None and p.area >= MIN_FIELD_PIXELS], fields
    )


def beside_saved(
    fields: np.ndarray, clicks: dict[int, Click], outlines: list, seed: int
) -> list[list[float]]:
    """Per drawn field (``clicks`` order), the IoU of its click's outline (``outlines``, pixel
    polygons or None) cut along the other fields already saved, per :data:`SAVED_CASES`: all
    of them as drawn; a random half of them as drawn (``seed``); that half as the assist
    proposed them, saved unedited; those clicked before it as drawn, the fields clicked in
    reading order (by their click's row, then column), as a volunteer working across a
    task."""
    drawn = drawn_outlines(fields, clicks)
    half = saved_half(clicks, seed)
    proposed = dict(zip(clicks, outlines, strict=True))
    out = []
    for number, at in clicks.items():
        field = fields == number
        others = [n for n in clicks if n != number]
        cases = (
            [drawn[n] for n in others],
            [drawn[n] for n in others if n in half],
            [proposed[n] for n in others if n in half and proposed[n] is not None],
            [drawn[n] for n in clicked_before(clicks, number)],
        )
        outline = proposed[number]
        kept = [
            None if outline is None else clear_of(outline, saved, at).outline for saved in cases
        ]
        out.append([iou(polygon_mask(k, field.shape), field) for k in kept])
    return out


def generic_segments(chip: Chip, image: np.ndarray) -> np.ndarray:
    """The generic segmenter's segments of a view (its colours scaled as the truth's)."""
    out: np.ndarray = segments(normalise(image, chip.truth))
    return out


def pixel_scores(chip: Chip, image: np.ndarray, generic: np.ndarray) -> dict[str, float | None]:
    """PSNR against the 2 m truth (None for the truth itself) and boundary F at 1 and 2 px of
    the ``generic`` segments' borders against the drawn ones."""
    drawn = find_boundaries(chip.fields, mode="inner")
    borders = find_boundaries(generic, mode="inner")
    peak = float(chip.truth.max())
    return {
        "psnr": None if image is chip.truth else psnr(image, chip.truth, peak, BORDER),
        "boundary_f1_1px": boundary_f_score(borders, drawn, 1).f1,
        "boundary_f1_2px": boundary_f_score(borders, drawn, 2).f1,
    }


def score_view(chip: Chip, image: np.ndarray, segmenter: Segmenter) -> dict:
    fields = chip.fields
    clicks = innermost_points(fields)
    generic = generic_segments(chip, image)
    instances = field_instances(image, segmenter)
    levels = {
        grow: instances if grow == 0 else field_instances(image, grown(segmenter, grow))
        for grow in range(-MAX_GROW, MAX_GROW + 1)
    }
    outlines = {grow: outlines_at(found, list(clicks.values())) for grow, found in levels.items()}
    masks = {
        grow: [polygon_mask(p, fields.shape) for p in found] for grow, found in outlines.items()
    }
    drawn = drawn_outlines(fields, clicks)
    chip_seed = zlib.crc32(chip.name.encode())
    proposals = all_outlines(instances)
    generic_iou, assist_iou, press_iou, precision, recall = [], [], [], [], []
    corrected, boxes = [], []
    for i, (number, (col, row)) in enumerate(clicks.items()):
        field = fields == number
        generic_iou.append(iou(generic == generic[int(row), int(col)], field))
        assist_iou.append(iou(masks[0][i], field))
        press_iou.append(one_press_iou({g: m[i] for g, m in masks.items()}, field))
        corrected.append(corrected_ious(image, segmenter, (col, row), field))
        before = [drawn[n] for n in clicked_before(clicks, number)]
        boxes.append(box_ious(image, segmenter, field, [chip_seed, number], before))
        overlap = float(np.logical_and(masks[0][i], field).sum())
        precision.append(overlap / max(int(masks[0][i].sum()), 1))
        recall.append(overlap / int(field.sum()))
    return {
        **pixel_scores(chip, image, generic),
        "generic_click_iou": generic_iou,
        "assist_click_iou": assist_iou,
        "assist_press_iou": press_iou,
        "assist_corrected_iou": corrected,
        "assist_box_iou": boxes,
        "assist_saved_iou": beside_saved(fields, clicks, outlines[0], chip_seed),
        "assist_click_precision": precision,
        "assist_click_recall": recall,
        **{f"all_{k}": v for k, v in outline_all_scores(proposals, fields).items()},
        **outline_all_half_saved(fields, clicks, proposals, drawn, chip_seed),
    }


def outline_all_half_saved(
    fields: np.ndarray,
    clicks: dict[int, Click],
    proposals: list,
    drawn: dict[int, Polygon | None],
    seed: int,
) -> dict[str, Any]:
    """Outline all when a random half of the drawn fields (:func:`saved_half`, as
    :func:`beside_saved`'s) is saved as drawn, scored against the other half: its proposals
    as they are (``all_half_uncut_*``) and cut along the saved fields (``all_half_cut_*``)."""
    half = saved_half(clicks, seed)
    left = np.where(np.isin(fields, sorted(half)), 0, fields)
    saved = [p for n, p in drawn.items() if n in half and p is not None]
    scores = {
        "uncut": outline_all_scores(proposals, left),
        "cut": outline_all_beside_saved(proposals, left, saved),
    }
    return {
        f"all_half_{case}_{k}": v
        for case, found in scores.items()
        for k, v in found.items()
        if k != "matched"
    }


def click_latency(image: np.ndarray, segmenter: Segmenter, repeats: int = 5) -> dict:
    """Median seconds of a first click on a view (nothing kept from before), of a correction
    and a Larger press after it (the same view one level coarser), and of a box as the
    first thing on a view (nothing kept), torch on 2 threads."""
    torch.set_num_threads(2)
    clicks, presses, corrections, boxes = [], [], [], []
    cut = [Correction(320.5, 320.5, add=False)]
    for _ in range(repeats):
        forget_prepared_views()
        start = time.perf_counter()
        outline_at(image, [(256.5, 256.5)], segmenter=segmenter)
        clicks.append(time.perf_counter() - start)
        start = time.perf_counter()
        outline_corrected(image, (256.5, 256.5), cut, segmenter=segmenter)
        corrections.append(time.perf_counter() - start)
        start = time.perf_counter()
        outline_at(image, [(256.5, 256.5)], segmenter=grown(segmenter, 1))
        presses.append(time.perf_counter() - start)
        forget_prepared_views()
        start = time.perf_counter()
        outline_in_box(image, (200.0, 200.0, 320.0, 300.0), segmenter=segmenter)
        boxes.append(time.perf_counter() - start)
    torch.set_num_threads(1)
    return {
        "click": statistics.median(clicks),
        "press": statistics.median(presses),
        "correction": statistics.median(corrections),
        "box": statistics.median(boxes),
    }


def run(args: argparse.Namespace) -> dict:
    torch.set_num_threads(1)
    segmenter = SEGMENTERS[args.segmenter]()
    records = []
    for name in args.chips:
        chip = load_chip(name)
        for degradation in BENCH_DEGRADATIONS:
            for view_name in args.views:
                if view_name == "truth" and degradation != BENCH_DEGRADATIONS[0]:
                    continue  # the same image under every degradation: scored once
                image = view(chip, degradation, view_name)
                record = {"chip": name, "degradation": degradation, "view": view_name}
                record |= score_view(chip, image, segmenter)
                records.append(record)
                print(
                    f"{name} {degradation:8s} {view_name:9s} "
                    f"PSNR {record['psnr'] or float('inf'):6.2f} "
                    f"bF2 {record['boundary_f1_2px']:.3f} "
                    f"generic {np.median(record['generic_click_iou']):.2f} "
                    f"assist {np.median(record['assist_click_iou']):.2f} "
                    f"allF1 {record['all_f1_judged']:.2f}",
                    flush=True,
                )
    latency_view = view(load_chip(args.chips[0]), "area", "enhancer")
    return {
        "command": " ".join(["python -m bench.bench_fields", *sys.argv[1:]]),
        "segmenter": segmenter.version,
        "split": args.split,
        "machine": f"{cpu_model()}, 1 thread (latency: 2), torch {torch.__version__}",
        **{f"{k}_latency_s": v for k, v in click_latency(latency_view, segmenter).items()},
        "records": records,
    }


def summary(records: list[dict], view_name: str, degradation: str | None = None) -> dict:
    """Means over chips (PSNR, boundary F, outline-all) and medians over all fields (clicks)."""
    picked = [
        r
        for r in records
        if r["view"] == view_name
        and (degradation is None or r["degradation"] == degradation or view_name == "truth")
    ]
    out = {
        k: float(np.mean([np.nan if r[k] is None else r[k] for r in picked]))
        for k in (
            "psnr",
            "boundary_f1_1px",
            "boundary_f1_2px",
            "all_f1_judged",
            "all_f1_strict",
            "all_recall",
            "all_precision_judged",
        )
    }
    for key in ("generic_click_iou", "assist_click_iou", "assist_press_iou"):
        if key not in picked[0]:  # a run from before the key was measured
            out[key + "_median"] = out[key + "_mean"] = float("nan")
            continue
        every = [v for r in picked for v in r[key]]
        out[key + "_median"] = float(np.median(every))
        out[key + "_mean"] = float(np.mean(every))
    out["fields"] = sum(len(r["assist_click_iou"]) for r in picked)
    if "assist_corrected_iou" in picked[0]:
        after = np.array([v for r in picked for v in r["assist_corrected_iou"]])
        for k in range(1, CLICKS + 1):
            out[f"clicks_{k}_median"] = float(np.median(after[:, k - 1]))
            out[f"clicks_{k}_good"] = float(np.mean(after[:, k - 1] >= GOOD_IOU))
        out["clicks_worse"] = float(np.mean(after[:, 1] < after[:, 0] - WORSE_BY))
    if "assist_box_iou" in picked[0]:
        for jitter in BOX_JITTERS:
            pair = np.array([b[f"{jitter:g}"] for r in picked for b in r["assist_box_iou"]])
            out[f"box_{jitter:g}_median"] = float(np.median(pair[:, 0]))
            out[f"box_{jitter:g}_good"] = float(np.mean(pair[:, 0] >= GOOD_IOU))
            out[f"box_{jitter:g}_alone"] = float(np.median(pair[:, 1]))
            if pair.shape[1] > 2:  # measured from this column on
                out[f"box_{jitter:g}_saved"] = float(np.median(pair[:, 2]))
    for key in (k for k in picked[0] if k.startswith("all_half_")):  # outline all, half saved
        out[key] = float(np.mean([r[key] for r in picked]))
    if "assist_saved_iou" in picked[0]:
        cases = np.array([v for r in picked for v in r["assist_saved_iou"]])
        for k, case in enumerate(SAVED_CASES):
            out[f"saved_{case}_median"] = float(np.median(cases[:, k]))
            out[f"saved_{case}_good"] = float(np.mean(cases[:, k] >= GOOD_IOU))
    return out


COLUMNS = (
    ("psnr", "PSNR dB", "{:.2f}"),
    ("boundary_f1_1px", "boundary F 1 px", "{:.3f}"),
    ("boundary_f1_2px", "boundary F 2 px", "{:.3f}"),
    ("generic_click_iou_median", "generic click IoU (median)", "{:.2f}"),
    ("generic_click_iou_mean", "(mean)", "{:.2f}"),
    ("assist_click_iou_median", "assist click IoU (median)", "{:.2f}"),
    ("assist_click_iou_mean", "(mean)", "{:.2f}"),
    ("assist_press_iou_median", "+ one Larger / Smaller press (median)", "{:.2f}"),
    ("all_f1_judged", "outline-all F1 judged", "{:.2f}"),
    ("all_f1_strict", "F1 strict", "{:.2f}"),
    ("all_recall", "recall", "{:.2f}"),
    ("fields", "fields", "{}"),
)


CORRECTION_COLUMNS = (
    *((f"clicks_{k}_median", f"{k} click{'s' if k > 1 else ''}", "{:.2f}") for k in (1, 2, 3, 5)),
    *((f"clicks_{k}_good", f"≥ {GOOD_IOU:g} after {k}", "{:.0%}") for k in (1, 3, 5)),
    ("clicks_worse", f"2nd click lowers IoU by > {WORSE_BY:g}", "{:.0%}"),
)


BOX_COLUMNS = tuple(
    column
    for jitter in BOX_JITTERS
    for column in (
        (f"box_{jitter:g}_median", f"box ± {jitter:.0%}: assist", "{:.2f}"),
        (f"box_{jitter:g}_good", "≥ 0.8", "{:.0%}"),
        (f"box_{jitter:g}_alone", "the box itself", "{:.2f}"),
        (f"box_{jitter:g}_saved", "beside fields saved in reading order", "{:.2f}"),
    )
)


SAVED_COLUMNS = (
    ("assist_click_iou_median", "one click, nothing saved", "{:.2f}"),
    ("saved_all_median", "all other fields saved", "{:.2f}"),
    ("saved_all_good", "≥ 0.8", "{:.0%}"),
    ("saved_half_median", "half saved", "{:.2f}"),
    ("saved_half_good", "≥ 0.8", "{:.0%}"),
    ("saved_half_proposed_median", "half saved as proposed, unedited", "{:.2f}"),
    ("saved_in_order_median", "fields saved in reading order", "{:.2f}"),
    ("saved_in_order_good", "≥ 0.8", "{:.0%}"),
)


ALL_SAVED_COLUMNS = (
    ("all_f1_judged", "nothing saved: F1 judged", "{:.2f}"),
    *(
        column
        for case, words in (("uncut", "half saved, not cut"), ("cut", "half saved, cut"))
        for column in (
            (f"all_half_{case}_f1_judged", f"{words}: F1 judged", "{:.2f}"),
            (f"all_half_{case}_f1_strict", "F1 strict", "{:.2f}"),
            (f"all_half_{case}_recall", "recall", "{:.2f}"),
            (f"all_half_{case}_proposals", "proposals", "{:.0f}"),
        )
    ),
)


ALL_SAVED_WORDS = (
    "Outline all beside fields already saved: a random half of the drawn fields (the same "
    "half as above) saved as drawn, and outline all scored against the other half, the "
    "fields still to draw (means over chips; proposals: per chip). Not cut: its proposals as "
    "they are (those lying mostly on saved fields are not judged, as on undrawn land). Cut: "
    "each proposal cut along the saved fields as the Label page cuts it, the largest piece "
    "kept, and those left under the drawing checks' minimum area (400 m²) dropped."
)


SAVED_WORDS = (
    "One click beside fields already saved (`sr.outline.saved_fields`: the outline's parts "
    "inside saved fields cut away, the piece under the click kept): median IoU over every "
    "drawn field when all the other drawn fields are saved (the last field of a finished "
    "neighbourhood), when a random half of them are (seeded per chip), when that half "
    "was saved as the assist proposed it, unedited, and when the fields are outlined in "
    "reading order (by their click's row, then column), each saved before the next. The "
    "Label page cuts only along fields a person drew or edited, or a reviewer accepted "
    "(`labels.workflow.firm_outline`): the column of unedited proposals is why."
)


BOX_WORDS = (
    "A box instead of a click (the Label page's Outline a field by: two clicks at opposite "
    "corners of the field, `sr.outline.box`): median IoU over every drawn field of the assist's "
    "outline in the box and the share at IoU ≥ 0.8, and of the box itself (a rectangle "
    "drawn by hand), for boxes at the field's extent (± 0 %) and with each side moved at "
    "random by up to 10 % or 20 % of the field's extent (`bench_fields.box_around`); and "
    "of the assist's outline beside the fields saved before it when fields are outlined in "
    "reading order (cut along them, `sr.outline.saved_fields`)."
)


CORRECTIONS_WORDS = (
    "Corrective clicks (the Label page's Next click: adds a part / cuts a part off): median "
    "IoU over every drawn field after the first click and up to four corrections, each "
    "where the outline is most wrong (the point of the missed or spilled pixels farthest "
    "from their edge; `bench_fields.next_correction`), and the share of fields at IoU ≥ "
    f"{GOOD_IOU:g}; and how often the first correction did harm. The simulated volunteer "
    "goes on correcting an outline that is already good (no stopping at a target IoU), so "
    "the harm is counted where a real one might have stopped."
)


def table(records: list[dict], views: list[str], degradation: str, columns: tuple) -> list[str]:
    """A markdown table: a row per view, a column per (summary key, header, format)."""
    lines = ["| view | " + " | ".join(c[1] for c in columns) + " |"]
    lines += ["|---|" + "---|" * len(columns)]
    for view_name in views:
        s = summary(records, view_name, degradation)
        cells = [
            "—" if not np.isfinite(s.get(key, np.nan)) else fmt.format(s[key])
            for key, _, fmt in columns
        ]
        lines.append(f"| {view_name} | " + " | ".join(cells) + " |")
    return lines


def markdown(result: dict) -> str:
    records = result["records"]
    views = list(dict.fromkeys(r["view"] for r in records))
    chips = sorted({r["chip"] for r in records})
    lines = [
        "# Delineation benchmark: hand-drawn fields, 8 m input sharpened to 2 m",
        "",
        f"`{result['command']}` — {result['machine']}; assist segmenter `{result['segmenter']}`; "
        f"{len(chips)} {chip_words(result)}: {', '.join(chips)}.",
        "",
        f"One click (torch on 2 threads, 512² view, median of 5): "
        f"**{result['click_latency_s']:.2f} s**"
        + (
            f"; a Larger press after it (the same view one level coarser): "
            f"**{result['press_latency_s']:.2f} s**."
            if "press_latency_s" in result
            else "."
        )
        + (
            f" A corrective click after it (a cut; the merge tree kept): "
            f"**{result['correction_latency_s']:.2f} s**."
            if "correction_latency_s" in result
            else ""
        )
        + (
            f" A box as the first thing on a view (two corners; nothing kept): "
            f"**{result['box_latency_s']:.2f} s**."
            if "box_latency_s" in result
            else ""
        ),
        "",
        "PSNR, boundary F and outline-all F1: means over chips; click IoUs: over every drawn "
        "field. `truth` is the 2 m chip itself (the ceiling, the same in both tables; PSNR is "
        "infinite there: shown as —). `+ one Larger / Smaller press`: the better of the "
        "click's outline and the first other outline each way (what the Label page's Larger "
        "field and Smaller field buttons give), as a volunteer who presses the one that "
        "helps, at most once.",
    ]
    for degradation in BENCH_DEGRADATIONS:
        lines += ["", f"## Input degraded by `{degradation}`", ""]
        lines += table(records, views, degradation, COLUMNS)
        lines += boundary_headroom(records, views, degradation)
        if "assist_corrected_iou" in records[0]:
            lines += ["", CORRECTIONS_WORDS, ""]
            lines += table(records, views, degradation, CORRECTION_COLUMNS)
        if "assist_box_iou" in records[0]:
            lines += ["", BOX_WORDS, ""]
            lines += table(records, views, degradation, BOX_COLUMNS)
        if "assist_saved_iou" in records[0]:
            lines += ["", SAVED_WORDS, ""]
            lines += table(records, views, degradation, SAVED_COLUMNS)
        if "all_half_cut_f1_judged" in records[0]:
            lines += ["", ALL_SAVED_WORDS, ""]
            lines += table(records, views, degradation, ALL_SAVED_COLUMNS)
    return "\n".join(lines) + "\n"


def boundary_headroom(records: list[dict], views: list[str], degradation: str) -> list[str]:
    """A line on how much of the truth's boundary F gain over bicubic each view reached: the
    truth's own gain is the most any sharpening can show on this measure."""
    if not set(UNSHARPENED) <= set(views):
        return []
    key = "boundary_f1_2px"
    base = summary(records, "bicubic", degradation)[key]
    room = summary(records, "truth", degradation)[key] - base
    gains = [f"{v} {summary(records, v, degradation)[key] - base:+.3f}" for v in sharpened(views)]
    return [
        "",
        f"Boundary F at 2 px over bicubic: {', '.join(gains)}; the 2 m truth itself "
        f"{room:+.3f}, the most that sharpening can gain on this measure (the same "
        "segmenter's borders on the sharp chip).",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chips", nargs="*", help="some of the split's chips only")
    add_split_argument(parser)
    parser.add_argument("--segmenter", choices=list(SEGMENTERS), default="default")
    parser.add_argument("--views", nargs="*", default=list(VIEWS))
    parser.add_argument("--markdown-only", action="store_true", help="redo the table of --json")
    parser.add_argument("--json", type=Path, help="default: bench/results/fields[-SPLIT].json")
    args = parser.parse_args(argv)
    split = SPLITS[args.split]
    args.chips = args.chips or list(split)
    unknown = set(args.chips) - set(split)
    if unknown and not args.markdown_only:
        parser.error(f"not {args.split} chips: {', '.join(sorted(unknown))}")
    suffix = split_suffix(args.split)
    args.json = args.json or ROOT / "bench" / "results" / f"fields{suffix}.json"
    result = json.loads(args.json.read_text()) if args.markdown_only else run(args)
    write_results(args.json, result, markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
