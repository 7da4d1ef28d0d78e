"""Do two dates help the outline assist? One date against two (overlay, stack).

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.bench_dates_outline [--split validation]

(a) SIMULATED second date on the 10 benchmark chips (:mod:`bench.fields_data`; never trained
on), or with ``--split validation`` on the 4 validation chips. The field chips have one date,
so each chip gets two made-up dates, fixed seed:

- ``switch``: on each date every drawn field takes one of ``STATES`` crop states (the mean
  colour of a field of the chip picked at random), drawn independently per date, keeping its
  own texture (pixel − field mean); undrawn land (roads, woods, farmsteads) stays as it is.
  Neighbours in the same state look alike on that date — about one pair in three on each
  date, one in nine on both: what two dates are for.
- ``same``: date 2 is the real chip again with a 5 % brighter sky and sensor noise (σ 2 DN):
  a second date that tells nothing new, to see what combining costs.

Each date is degraded to 8 m (``area``) and viewed at 2 m (``enhancer``: what the app shows;
``truth``: the 2 m date itself; the bicubic view is left out to keep the run short). Scores as
in :mod:`bench.bench_fields`: the assist's one-click IoU at each drawn field's innermost point
(median, mean over fields) and outline-all F1 (judged, strict), counted on the assist's field
masks before they become polygons (fast; the same for every way). Compared: date 1 alone, date 2
alone, both dates overlaid (a boundary on either date splits), both stacked (Felzenszwalb on
six channels), and date 1 stacked with itself (what stacking does with nothing new to see).

(b) REAL two-date Sentinel-2 (``../shared/data/sentinel2/``, Danube, 10 m, bands 1–4 date 1,
5–8 date 2; no field polygons): six 128² windows inside the bundled sample's columns 190–465
(never trained on by the enhancer) upsampled 4× (bicubic + back-projection, as the Label page
does without an enhanced area, and the enhancer). What needs no polygons: fields found per
date and combined, the share of boundary pixels that show on one date only (±1 px), and for a
click in each field found on date 1 how the two-date proposal differs from the date-1 one.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import rasterio
import torch
from scipy import ndimage as ndi
from skimage.segmentation import find_boundaries

from bench.bench_fields import MATCH_IOU, chip_words, innermost_points
from bench.fields_data import SCALE, SPLITS, Chip, add_split_argument, load_chip, split_suffix
from bench.results_files import write_results
from sr.outline.assist import field_instances
from sr.outline.segment import default_segmenter
from sr.sharpen.degrade import DEGRADATIONS
from sr.sharpen.methods import enhance

ROOT = Path(__file__).resolve().parents[1]
SENTINEL2 = ROOT.parent / "shared" / "data" / "sentinel2" / "austria_danube_s2_2date_8band.tif"
SEED = 23
STATES = 3  # crop states per simulated date
DEGRADATION = "area"
VIEWS = ("enhancer", "truth")
CONDITIONS = ("switch", "same")
WAYS = ("date 1", "date 2", "overlay", "stack", "date 1 twice")
S2_WINDOWS = [(row, col) for row in (0, 125, 251) for col in (190, 318)]  # 128², sample columns
S2_SIDE = 128
SAME_PROPOSAL = 0.9  # two proposals with IoU above this are the same field


def switch_dates(chip: Chip, rng: np.random.Generator) -> list[np.ndarray]:
    """Two made-up dates of the chip: each drawn field in one of STATES crop states per date."""
    numbers = [int(n) for n in np.unique(chip.fields) if n]
    flat = chip.truth.reshape(3, -1)
    index = chip.fields.ravel()
    counts = np.bincount(index, minlength=max(numbers) + 1)
    sums = np.stack([np.bincount(index, weights=b, minlength=len(counts)) for b in flat])
    means = sums / np.maximum(counts, 1)
    out = []
    for _ in range(2):
        palette = means[:, rng.choice(numbers, STATES, replace=False)]  # (3, STATES)
        colour = means.copy()
        colour[:, numbers] = palette[:, rng.integers(0, STATES, len(numbers))]
        shift = (colour - means)[:, index].reshape(chip.truth.shape)
        shift[:, chip.fields == 0] = 0
        out.append(np.clip(chip.truth + shift, 0, 255).astype(np.float32))
    return out


def same_dates(chip: Chip, rng: np.random.Generator) -> list[np.ndarray]:
    """The real chip and the same chip 5 % brighter with sensor noise: nothing new."""
    noisy = chip.truth * 1.05 + rng.normal(0, 2, chip.truth.shape)
    return [chip.truth, np.clip(noisy, 0, 255).astype(np.float32)]


def view_of(date: np.ndarray, view_name: str) -> np.ndarray:
    """The 2 m view a volunteer would draw on of a 2 m date."""
    if view_name == "truth":
        return date
    low = DEGRADATIONS[DEGRADATION](date, SCALE).astype(np.float32)
    return enhance(low, SCALE, view_name, floor=0.0).astype(np.float32)


def instances_by_way(views: list[np.ndarray]) -> dict[str, np.ndarray]:
    return {
        "date 1": field_instances(views[0]),
        "date 2": field_instances(views[1]),
        "overlay": field_instances(views, combine="overlay"),
        "stack": field_instances(views, combine="stack"),
        # Date 1 stacked with itself: what stacking alone does, with nothing new to see.
        "date 1 twice": field_instances([views[0], views[0]], combine="stack"),
    }


def overlaps(instances: np.ndarray, fields: np.ndarray) -> np.ndarray:
    """(proposals + 1, fields + 1) pixel counts: row i = proposal i, column j = drawn field j
    (row or column 0: no proposal, not drawn)."""
    rows, cols = int(instances.max()) + 1, int(fields.max()) + 1
    pairs = np.bincount((instances.astype(np.int64) * cols + fields).ravel(), minlength=rows * cols)
    out: np.ndarray = pairs.reshape(rows, cols)
    return out


def score(
    instances: np.ndarray, fields: np.ndarray, clicks: dict[int, tuple[float, float]]
) -> dict:
    """One-click IoU per drawn field and outline-all precision / recall / F1, counted on the
    assist's field masks (before they become polygons of at most 40 corners: fast, and the
    same for every way of using the dates). A click gets any field (negative labels too);
    outline-all proposes only the positive ones, as the assist does."""
    proposed = {int(p) for p in np.unique(instances[instances > 0])}
    instances = np.abs(instances)
    table = overlaps(instances, fields)
    proposal_px, field_px = table.sum(axis=1), table.sum(axis=0)

    def mask_iou(proposal: int, field: int) -> float:
        if proposal == 0:
            return 0.0
        both = table[proposal, field]
        return float(both / (proposal_px[proposal] + field_px[field] - both))

    click_iou, misses = [], []
    for number, (col, row) in clicks.items():
        proposal = int(instances[int(row), int(col)])
        click_iou.append(mask_iou(proposal, number))
        both = table[proposal, number]
        if proposal == 0:
            misses.append("none")
        elif proposal_px[proposal] - both > 0.5 * proposal_px[proposal]:
            misses.append("spills")  # mostly outside the field: merged with neighbours
        elif both < 0.5 * field_px[number]:
            misses.append("small")  # under half the field: split inside it
        else:
            misses.append("")
    proposals = [p for p in range(1, table.shape[0]) if p in proposed]
    judged = sum(table[p, 1:].sum() > 0.5 * proposal_px[p] for p in proposals)
    matched = {
        best
        for p in proposals
        if table[p, 1:].any() and mask_iou(p, best := int(np.argmax(table[p, 1:])) + 1) >= MATCH_IOU
    }
    numbers = table.shape[1] - 1 - int((field_px[1:] == 0).sum())
    recall = len(matched) / max(numbers, 1)
    strict_p = len(matched) / max(len(proposals), 1)
    judged_p = len(matched) / max(judged, 1)

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    return {
        "click_iou": click_iou,
        "click_miss": misses,
        "all_proposals": len(proposals),
        "all_recall": recall,
        "all_f1_judged": f1(judged_p, recall),
        "all_f1_strict": f1(strict_p, recall),
    }


def simulated(chips: list[str]) -> list[dict]:
    records = []
    for number, name in enumerate(chips):
        chip = load_chip(name)
        clicks = innermost_points(chip.fields)
        for condition in CONDITIONS:
            rng = np.random.default_rng([SEED, number, CONDITIONS.index(condition)])
            dates = (switch_dates if condition == "switch" else same_dates)(chip, rng)
            for view_name in VIEWS:
                views = [view_of(d, view_name) for d in dates]
                for way, instances in instances_by_way(views).items():
                    record: dict = {
                        "chip": name,
                        "condition": condition,
                        "view": view_name,
                        "way": way,
                    }
                    record |= score(instances, chip.fields, clicks)
                    records.append(record)
                    print(
                        f"{name} {condition:6s} {view_name:8s} {way:7s} "
                        f"click {np.median(record['click_iou']):.2f} "
                        f"allF1 {record['all_f1_judged']:.2f}",
                        flush=True,
                    )
    return records


def s2_dates(row: int, col: int) -> list[np.ndarray]:
    """The window's two dates at 10 m: (4, 128, 128) float32 each (red, green, blue, NIR)."""
    window = rasterio.windows.Window(col, row, S2_SIDE, S2_SIDE)
    with rasterio.open(SENTINEL2) as ds:
        data = ds.read(window=window).astype(np.float32)
    return [data[:4], data[4:8]]


def one_date_only(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the boundary pixels of either partition that the other lacks within 1 px."""
    edge_a, edge_b = find_boundaries(a, mode="inner"), find_boundaries(b, mode="inner")
    near_a, near_b = ndi.binary_dilation(edge_a), ndi.binary_dilation(edge_b)
    lonely = (edge_a & ~near_b).sum() + (edge_b & ~near_a).sum()
    return float(lonely / max(int(edge_a.sum() + edge_b.sum()), 1))


def inner_clicks(instances: np.ndarray) -> dict[int, tuple[float, float]]:
    """Each field's pixel farthest from any field boundary, as a (column, row) click."""
    inside = ~find_boundaries(instances, mode="inner")
    distance = ndi.distance_transform_edt(inside)
    numbers = [int(n) for n in np.unique(instances) if n]
    where = ndi.maximum_position(distance, instances, numbers)
    return {n: (col + 0.5, row + 0.5) for n, (row, col) in zip(numbers, where, strict=True)}


def proposal_changes(
    one: np.ndarray, two: np.ndarray, clicks: dict[int, tuple[float, float]]
) -> dict:
    """Clicks at the innermost point of each field found on date 1: how the field under the
    same click with two dates compares with the date-1 one (as masks)."""
    table = overlaps(two, one)
    two_px, one_px = table.sum(axis=1), table.sum(axis=0)
    same = split = gone = 0
    ious = []
    for number, (col, row) in clicks.items():
        found = int(two[int(row), int(col)])
        if found == 0:
            gone += 1
            continue
        both = table[found, number]
        ious.append(float(both / (two_px[found] + one_px[number] - both)))
        same += ious[-1] > SAME_PROPOSAL
        split += two_px[found] < 0.5 * one_px[number]
    n = max(len(clicks), 1)
    return {
        "clicks": len(clicks),
        "same": same / n,
        "split": split / n,  # the two-date field is under half the date-1 field
        "no_field": gone / n,
        "iou_median": float(np.median(ious)) if ious else 0.0,
    }


def real_scene() -> list[dict]:
    records = []
    for row, col in S2_WINDOWS:
        dates = s2_dates(row, col)
        for view_name in ("bicubic", "enhancer"):
            views = [enhance(d, SCALE, view_name, floor=0.0).astype(np.float32) for d in dates]
            # Every field a click can get (negative labels too: not proposed by "outline all").
            ways = {way: np.abs(f) for way, f in instances_by_way(views).items()}
            clicks = inner_clicks(ways["date 1"])
            record = {
                "window": [row, col],
                "view": view_name,
                "fields": {way: int(i.max()) for way, i in ways.items()},
                "boundary_one_date_only": one_date_only(ways["date 1"], ways["date 2"]),
                "median_field_px": {
                    way: float(np.median(np.bincount(i[i > 0]))) if i.max() else 0.0
                    for way, i in ways.items()
                },
                **{
                    f"proposals_{way}": proposal_changes(ways["date 1"], ways[way], clicks)
                    for way in ("date 2", "overlay", "stack")
                },
            }
            records.append(record)
            print(
                f"S2 {row},{col} {view_name:8s} fields {record['fields']} one-date-only "
                f"{record['boundary_one_date_only']:.2f}",
                flush=True,
            )
    return records


def sim_summary(records: list[dict], condition: str, view_name: str, way: str) -> dict:
    picked = [
        r for r in records if (r["condition"], r["view"], r["way"]) == (condition, view_name, way)
    ]
    every = [v for r in picked for v in r["click_iou"]]
    out = {
        "click_iou_median": float(np.median(every)),
        "click_iou_mean": float(np.mean(every)),
        "click_iou_ge_0.5": float(np.mean(np.array(every) >= 0.5)),
        **{
            f"click_{kind}": float(np.mean([m == kind for r in picked for m in r["click_miss"]]))
            for kind in ("small", "spills", "none")
        },
        "fields": len(every),
    }
    for key in ("all_f1_judged", "all_f1_strict", "all_recall", "all_proposals"):
        out[key] = float(np.mean([r[key] for r in picked]))
    return out


def markdown(result: dict) -> str:
    sim, real = result["simulated"], result["real"]
    chips = sorted({r["chip"] for r in sim})
    lines = [
        "# Two dates for the outline assist: one date against two",
        "",
        f"`{result['command']}` — {result['machine']}; assist segmenter "
        f"`{result['segmenter']}`; {result['seconds']:.0f} s.",
        "",
        f"## (a) SIMULATED second date on the {chip_words(result)}",
        "",
        f"{len(chips)} {chip_words(result)}, input degraded by "
        f"`{DEGRADATION}`, "
        f"seed {SEED}. **The dates are made up** (the chips have one date): `switch` = on "
        f"each date every drawn field takes one of {STATES} crop colours at random (its own "
        "texture kept), so some neighbours are alike on one date and different on the other; "
        "`same` = the real chip and the same chip 5 % brighter with noise (nothing new on "
        "date 2); `date 1 twice` = date 1 stacked with itself (what stacking does with "
        "nothing new at all). Views: `enhancer` (what the app shows) and `truth` (the 2 m "
        "date itself); "
        "bicubic left out to keep the run short. Click IoU over every drawn field; "
        "outline-all F1 mean over chips (as in `bench/results/fields.md`). A click's proposal "
        "that covers under half its field was split inside it (over-segmentation); one lying "
        "mostly outside it was merged with neighbours — what a second date can undo.",
        "",
        "| condition | view | dates used | click IoU median | mean | share ≥ 0.5 "
        "| click under half its field | mostly outside it | no field "
        "| outline-all F1 judged | F1 strict | recall | proposals |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for condition in CONDITIONS:
        for view_name in VIEWS:
            for way in WAYS:
                s = sim_summary(sim, condition, view_name, way)
                lines.append(
                    f"| {condition} | {view_name} | {way} | {s['click_iou_median']:.2f} | "
                    f"{s['click_iou_mean']:.2f} | {s['click_iou_ge_0.5']:.2f} | "
                    f"{s['click_small']:.2f} | {s['click_spills']:.2f} | {s['click_none']:.2f} | "
                    f"{s['all_f1_judged']:.2f} | {s['all_f1_strict']:.2f} | "
                    f"{s['all_recall']:.2f} | {s['all_proposals']:.0f} |"
                )
    lines += [
        "",
        "## (b) Real two-date Sentinel-2 (Danube): no polygons, what changes",
        "",
        f"{len(S2_WINDOWS)} windows of {S2_SIDE}² px at 10 m (rows, columns: "
        f"{', '.join(f'{r},{c}' for r, c in S2_WINDOWS)}), each date's red/green/blue/NIR "
        "upsampled 4× to 2.5 m. Boundary on one date only: share of the boundary pixels of "
        "the two one-date partitions the other lacks within 1 px. Proposals: a click at the "
        "innermost point of each field found on date 1; `same` = the proposal with that way "
        f"overlaps the date-1 one at IoU > {SAME_PROPOSAL}; `split` = under half its area; "
        "`no field` = none proposed. Sums / medians over windows.",
        "",
        "| view | fields date 1 | date 2 | overlay | stack | boundary on one date only "
        "| way | clicks | same | split | no field | IoU with date-1 proposal (median) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for view_name in ("bicubic", "enhancer"):
        picked = [r for r in real if r["view"] == view_name]
        fields = {w: sum(r["fields"][w] for r in picked) for w in WAYS}
        lonely = float(np.median([r["boundary_one_date_only"] for r in picked]))
        for way in ("date 2", "overlay", "stack"):
            changes = [r[f"proposals_{way}"] for r in picked]
            clicks = sum(c["clicks"] for c in changes)

            def share(key: str, changes: list[dict] = changes, clicks: int = clicks) -> float:
                shared: float = sum(c[key] * c["clicks"] for c in changes) / max(clicks, 1)
                return shared

            lines.append(
                f"| {view_name} | {fields['date 1']} | {fields['date 2']} | "
                f"{fields['overlay']} | {fields['stack']} | {lonely:.2f} | {way} | {clicks} | "
                f"{share('same'):.2f} | {share('split'):.2f} | {share('no_field'):.2f} | "
                f"{np.median([c['iou_median'] for c in changes]):.2f} |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chips", nargs="*", help="some of the split's chips only")
    add_split_argument(parser)
    parser.add_argument("--markdown-only", action="store_true", help="redo the table of --json")
    parser.add_argument("--json", type=Path, help="default: bench/results/dates_outline[-SPLIT]")
    args = parser.parse_args(argv)
    split = SPLITS[args.split]
    args.chips = args.chips or list(split)
    unknown = set(args.chips) - set(split)
    if unknown:
        parser.error(f"not {args.split} chips: {', '.join(sorted(unknown))}")
    suffix = split_suffix(args.split)
    args.json = args.json or ROOT / "bench" / "results" / f"dates_outline{suffix}.json"
    if args.markdown_only:
        result = json.loads(args.json.read_text())
    else:
        torch.set_num_threads(1)
        start = time.perf_counter()
        sim = simulated(args.chips)
        real = real_scene()
        result = {
            "command": " ".join(["python -m bench.bench_dates_outline", *sys.argv[1:]]),
            "segmenter": default_segmenter().version,
            "machine": f"{platform.machine()}, 1 thread, torch {torch.__version__}",
            "seconds": time.perf_counter() - start,
            "split": args.split,
            "simulated": sim,
            "real": real,
        }
    write_results(args.json, result, markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
