"""Reading the delineation benchmark's records for the analyses that reuse them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench.fields_data import ROOT

RESULTS = ROOT / "bench" / "results"


def read_records(
    argv: list[str] | None, description: str, out_name: str
) -> tuple[list[dict], dict, Path]:
    """Parse ``[SOURCE] [--out OUT]`` (SOURCE: ``bench/results/fields.json`` by default) and
    read its records; also the head of the result to write (the command, the source and how
    many chips) and where to write it (``bench/results/OUT_NAME`` by default)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("source", type=Path, nargs="?", default=RESULTS / "fields.json")
    parser.add_argument("--out", type=Path, default=RESULTS / out_name)
    args = parser.parse_args(argv)
    records = json.loads(args.source.read_text())["records"]
    source = args.source.resolve()
    head = {
        "command": " ".join(
            [".venv/bin/python -m bench." + Path(out_name).stem, *(argv or sys.argv[1:])]
        ),
        "source": str(source.relative_to(ROOT)) if source.is_relative_to(ROOT) else str(source),
        "chips": len({r["chip"] for r in records}),
    }
    return records, head, args.out
