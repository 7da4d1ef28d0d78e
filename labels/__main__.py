"""Command line: ``python -m labels export|validate|import|stats|snapshot|migrate``.

A store is a folder (SQLite) or a ``postgresql://user@host:port/db`` URL (PostGIS)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from tqdm import tqdm

from labels.base_store import LabelFilter
from labels.campaign_export import export_campaign
from labels.campaign_store import CampaignStore
from labels.errors import LabelError
from labels.export import write_labels
from labels.io import import_file, validate_file
from labels.model import utc_now
from labels.stats import format_summary, summarize
from labels.store import open_store
from labels.transfer import copy_store
from sr.logs import configure_logging
from sr.progress_bar import on_terminal, progress_bar
from sr.version import program_name, version_line

STORE_HELP = "label store: a folder (SQLite, created when missing) or a postgresql:// URL"


def _parser() -> argparse.ArgumentParser:
    program = program_name("labels")
    parser = argparse.ArgumentParser(
        prog=program, description="Crop-field label store: export, validate, import."
    )
    parser.add_argument("--version", action="version", version=version_line(program))
    sub = parser.add_subparsers(dest="command", required=True)

    exp = sub.add_parser(
        "export", help="export labels to .geojson, .gpkg or fiboa 0.3 (.fiboa.json, .parquet)"
    )
    exp.add_argument("store", help=STORE_HELP)
    exp.add_argument(
        "out",
        type=Path,
        help="OUT.geojson, OUT.gpkg, OUT.fiboa.json (fiboa 0.3 GeoJSON) or OUT.parquet "
        "(fiboa 0.3 GeoParquet)",
    )
    exp.add_argument("--status", action="append", help="keep this status (repeatable)")
    exp.add_argument("--crop", action="append", help="keep this crop (repeatable)")
    exp.add_argument("--scene", help="keep this scene id")
    exp.add_argument("--annotator", action="append", help="keep this annotator (repeatable)")
    exp.add_argument("--since", help="updated at or after this ISO date/time (UTC)")
    exp.add_argument("--until", help="updated at or before this ISO date/time (UTC)")
    exp.add_argument("--quiet", action="store_true", help="no progress bar")
    exp.add_argument("--campaign", help="a campaign's fields and tasks (other filters unused)")

    val = sub.add_parser("validate", help="validate a label file (.geojson, .gpkg, .parquet)")
    val.add_argument("file", type=Path)

    imp = sub.add_parser("import", help="validate a label file and add its good features")
    imp.add_argument("store", help=STORE_HELP)
    imp.add_argument("file", type=Path)
    imp.add_argument("--annotator", required=True, help="who imports (fills missing annotators)")
    imp.add_argument("--scene", help="scene id for every feature")
    imp.add_argument(
        "--as-reviewed-by",
        metavar="NAME",
        help="keep the file's accepted / rejected decisions as NAME's review (NAME must not "
        "have drawn those fields); without it they are imported as submitted",
    )
    imp.add_argument("--quiet", action="store_true", help="no progress bar")

    st = sub.add_parser(
        "stats", help="count and hectares per crop, annotator, status and how outlined"
    )
    st.add_argument("store", help=STORE_HELP)
    st.add_argument("--json", action="store_true", help="print JSON instead of tables")

    snap = sub.add_parser("snapshot", help="write the scenes' GeoJSON snapshots for QGIS now")
    snap.add_argument("store", help=STORE_HELP)
    snap.add_argument("--scene", action="append", help="only this scene id (repeatable)")
    snap.add_argument(
        "--into", type=Path, help="folder for the files (default: STORE/geojson; needed for a URL)"
    )
    snap.add_argument("--quiet", action="store_true", help="no progress bar")

    mig = sub.add_parser("migrate", help="copy a whole store (labels and history) to another")
    mig.add_argument("src", help=STORE_HELP)
    mig.add_argument("dst", help=f"{STORE_HELP}; must be empty")
    return parser


def _validate(args: argparse.Namespace) -> int:
    report = validate_file(args.file)
    print("\n".join(report.lines()))
    return 1 if report.errors else 0


def _migrate(args: argparse.Namespace) -> int:
    src, dst = open_store(args.src, snapshots=False), open_store(args.dst, snapshots=False)
    fp = copy_store(src, dst)
    print(f"copied {fp.line()}\nfrom {src.where} to {dst.where}; counts and checksum verified")
    return 0


def _snapshot(args: argparse.Namespace) -> int:
    options = {"snapshot_dir": args.into} if args.into else {}
    store = open_store(args.store, snapshots=False, **options)
    scene_ids = args.scene or [scene[0] for scene in store.scenes()]
    shown = on_terminal() and not args.quiet
    for scene_id in tqdm(scene_ids, unit="scene", disable=not shown, leave=False):
        tqdm.write(f"wrote {store.write_snapshot(scene_id)}", file=sys.stdout)
    return 0


def _export(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    if args.campaign:
        n = export_campaign(CampaignStore(store), args.campaign, args.out, utc_now())
        print(f"exported campaign {args.campaign} ({n} feature(s)) to {args.out}")
        return 0
    flt = LabelFilter(
        scene_id=args.scene,
        status=args.status,
        crop=args.crop,
        annotator=args.annotator,
        since=args.since,
        until=args.until,
    )
    shown = on_terminal() and not args.quiet
    chosen = tqdm(store.query(flt), total=store.count(flt), unit="label", disable=not shown)
    n = write_labels(chosen, args.out)
    chosen.close()
    print(f"exported {n} label(s) to {args.out}")
    return 0


def _import(args: argparse.Namespace) -> int:
    store = open_store(args.store)
    with progress_bar(args.quiet, "step", terminal_only=True) as bar:
        report = import_file(
            store,
            args.file,
            annotator=args.annotator,
            scene_id=args.scene,
            reviewed_by=args.as_reviewed_by,
            progress=bar,
        )
    print("\n".join(report.lines()))
    print(f"imported {report.imported} of {len(report.features)} feature(s) into {store.where}")
    return 1 if report.errors else 0


def _stats(args: argparse.Namespace) -> int:
    summary = summarize(open_store(args.store).query())
    print(json.dumps(summary.as_dict(), indent=2) if args.json else format_summary(summary))
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "validate": _validate,
    "migrate": _migrate,
    "snapshot": _snapshot,
    "export": _export,
    "import": _import,
    "stats": _stats,
}


def _check_names(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse blank person names for an import before anything is opened (exit status 2)."""
    if args.command != "import":
        return
    for option in ("annotator", "as_reviewed_by"):
        value = getattr(args, option)
        if value is not None and not value.strip():
            parser.error(f"--{option.replace('_', '-')} needs a name")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (0 ok, 1 invalid features, 2 error).

    Every failure is one line on stderr, never a traceback: files come from anyone.
    """
    configure_logging()
    parser = _parser()
    args = parser.parse_args(argv)
    _check_names(parser, args)
    try:
        return COMMANDS[args.command](args)
    except LabelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # hostile input must never produce a traceback
        kind = type(exc).__name__
        print(f"error: {kind}: {str(exc)[:300]}; nothing was imported or changed", file=sys.stderr)
        return 2


def entry_point() -> None:
    """The ``sharpfields-labels`` console script."""
    sys.exit(main())


if __name__ == "__main__":
    entry_point()
