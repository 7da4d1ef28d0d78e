"""What the bounds on label files cost, and how fast hostile files are refused.

Run: ``.venv/bin/python bench/bench_import_limits.py`` (about a minute on 2 cores). Writes
``bench/results/import_limits.json`` and ``.md``.

1. A legitimate export as large as the default limit allows (``SHARPFIELDS_MAX_IMPORT_MB``,
   32 MB): hand-drawn-like fields (12-vertex outlines with every provenance property, as
   ``labels.geojson.write_features`` writes them). How many fields fit, and, in a fresh
   process each, the time and peak memory of reading it, the nesting check and the JSON parse
   and of turning every feature into a label (the import's step before validation).
2. Hostile files, in a fresh process each: 100,000-deep nesting, a file of ``[`` as large as
   the limit, a 200 MB file over the limit. Time until the one-line refusal, peak memory.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from shapely.geometry import Polygon  # noqa: E402

from labels.errors import FormatError  # noqa: E402
from labels.limits import DEFAULT_MAX_IMPORT_MB, json_depth, read_bounded  # noqa: E402
from labels.model import Label, Status, View  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def outline(i: int) -> Polygon:
    """A 12-vertex, roughly 0.4 ha irregular outline on a grid in Nepal."""
    lon, lat = 80.5 + (i % 300) * 0.001, 26.6 + (i // 300) * 0.001
    ring = [
        (
            lon + 0.00035 * (1 + 0.15 * math.sin(3 * k + i)) * math.cos(k * math.pi / 6),
            lat + 0.00032 * (1 + 0.15 * math.cos(5 * k + i)) * math.sin(k * math.pi / 6),
        )
        for k in range(12)
    ]
    return Polygon(ring)


def write_export(path: Path, limit_bytes: int) -> int:
    """Write an export-shaped FeatureCollection just under ``limit_bytes``; its field count."""
    from labels.geojson import label_to_feature

    parts, size, n = [], 0, 0
    head, tail = '{"type": "FeatureCollection", "features": [\n', "\n]}\n"
    while True:
        label = Label(
            outline(n),
            "rice",
            "S2A_MSIL2A_20240301T045701_N0510_R119_T45RUL",
            f"volunteer-{n % 50:02d}",
            status=Status.SUBMITTED,
            view=View.ENHANCED,
            enhancement="dip+enhancer:fast",
            model_version="decrappify-2026-11-20",
            determination_datetime="2024-03-01T04:57:01Z",
            area_ha=0.4,
            perimeter_m=240.0,
            created_at="2026-11-25T10:00:00.000000Z",
            updated_at="2026-11-25T10:00:00.000000Z",
            updated_by=f"volunteer-{n % 50:02d}",
            version=1,
        )
        text = json.dumps(label_to_feature(label), ensure_ascii=False, allow_nan=False)
        if len(head) + size + len(text) + 2 + len(tail) > limit_bytes:
            break
        parts.append(text)
        size += len(text) + 2
        n += 1
    path.write_text(head + ",\n".join(parts) + tail)
    return n


def peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM: per process image, unlike ru_maxrss,
    which a child started by fork + exec inherits from its parent)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def child(task: str, path: str) -> dict:
    """One measurement in this (fresh) process."""
    from labels.geojson import _parse_json, feature_to_label, read_geojson_features

    t0 = time.perf_counter()
    out: dict = {}
    try:
        if task == "parse":
            data = read_bounded(Path(path))
            t1 = time.perf_counter()
            depth = json_depth(data)
            t2 = time.perf_counter()
            doc = _parse_json(data, Path(path))
            t3 = time.perf_counter()
            out |= {
                "read_s": t1 - t0,
                "depth_check_s": t2 - t1,
                "json_parse_and_check_s": t3 - t2,
                "depth": depth,
                "features": len(doc["features"]),
            }
        elif task == "labels":
            features = read_geojson_features(Path(path))
            t1 = time.perf_counter()
            labels = [feature_to_label(f, f"feature {i}") for i, f in enumerate(features)]
            out |= {
                "read_parse_s": t1 - t0,
                "to_labels_s": time.perf_counter() - t1,
                "labels": sum(lab is not None for lab, _ in labels),
            }
        else:  # hostile: the import's reading step must refuse it
            read_geojson_features(Path(path))
            out["refused"] = None
    except FormatError as exc:
        out["refused"] = str(exc).replace(path, "FILE")
    out["total_s"] = time.perf_counter() - t0
    out["peak_rss_mib"] = peak_rss_mib()
    return out


def run_child(task: str, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", task, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    out: dict = json.loads(done.stdout)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=2, metavar=("TASK", "PATH"))
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    limit = int(DEFAULT_MAX_IMPORT_MB * 1_000_000)
    results: dict = {
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "limit_mb": DEFAULT_MAX_IMPORT_MB,
    }
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.geojson"
        empty.write_text('{"type": "FeatureCollection", "features": []}')
        results["baseline_rss_mib"] = run_child("hostile", empty)["peak_rss_mib"]
        big = Path(tmp) / "export.geojson"
        results["fields_in_limit"] = write_export(big, limit)
        results["file_mb"] = big.stat().st_size / 1e6
        results["legit_parse"] = run_child("parse", big)
        results["legit_to_labels"] = run_child("labels", big)
        deep = Path(tmp) / "deep.geojson"
        deep.write_text(
            '{"type": "FeatureCollection", "features": ' + "[" * 100_000 + "]" * 100_000 + "}"
        )
        brackets = Path(tmp) / "brackets.geojson"
        brackets.write_bytes(b"[" * (limit - 1))
        over = Path(tmp) / "over.geojson"
        with open(over, "wb") as fh:
            fh.truncate(200_000_000)  # sparse: size without disk use
        results["hostile"] = {
            "deep_100k": run_child("hostile", deep),
            "brackets_at_limit": run_child("hostile", brackets),
            "over_limit_200mb": run_child("hostile", over),
        }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "import_limits.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "import_limits.md").write_text(markdown(results))
    print(markdown(results))


def markdown(r: dict) -> str:
    p, lab, h = r["legit_parse"], r["legit_to_labels"], r["hostile"]
    rows = [
        f"| export-shaped file at the limit: {r['fields_in_limit']:,} fields, {r['file_mb']:.1f} MB"
        f" | read {p['read_s']:.2f} s; nesting check alone {p['depth_check_s']:.2f} s; JSON parse "
        f"with the nesting check {p['json_parse_and_check_s']:.2f} s; peak RSS "
        f"{p['peak_rss_mib']:.0f} MiB |",
        f"| same, every feature turned into a label (import before validation) | "
        f"{lab['to_labels_s']:.1f} s after {lab['read_parse_s']:.1f} s reading; peak RSS "
        f"{lab['peak_rss_mib']:.0f} MiB |",
    ]
    for name, v in h.items():
        rows.append(
            f"| hostile: {name} | refused in {v['total_s']:.2f} s, peak RSS "
            f"{v['peak_rss_mib']:.0f} MiB: `{v['refused']}` |"
        )
    return (
        f"# Label file bounds ({r['machine']})\n\n"
        f"A fresh process reading an empty FeatureCollection: {r['baseline_rss_mib']:.0f} MiB "
        "peak RSS (Python, numpy, shapely, this script).\n\n"
        "| case | result |\n| --- | --- |\n" + "\n".join(rows) + "\n"
    )


if __name__ == "__main__":
    main()
