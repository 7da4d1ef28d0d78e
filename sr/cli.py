"""The ``python -m sr`` command line.

Each subcommand is a (configure, run) pair in ``SUBCOMMANDS``; methods come from the
registry :data:`sr.sharpen.methods.METHODS`, so new methods and subcommands plug in without
changing the rest. Every expected failure prints one line on stderr and exits with 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
from rasterio.errors import RasterioError

from sr.bbox_option import BBOX_HELP, add_bbox_option
from sr.errors import UsageError
from sr.imagery.cog import enhancement_tags
from sr.imagery.raster_io import as_written, read_raster, write_raster
from sr.imagery.scene_errors import SceneError
from sr.logs import configure_logging
from sr.outline.cli import configure_outline, run_outline
from sr.progress_bar import Report, progress_bar
from sr.sharpen.assessment import assess
from sr.sharpen.degrade import check_scale
from sr.sharpen.dip import PRESETS, Cancelled, DipError
from sr.sharpen.enhancer.cli import configure_train, run_train
from sr.sharpen.methods import DEFAULT_METHOD, METHODS, enhance_raster, get_method
from sr.stac.cli import (
    configure_fetch,
    configure_search,
    configure_stack,
    run_fetch,
    run_search,
    run_stack,
)
from sr.stac.remote import AssetError
from sr.stac.search import StacError
from sr.version import program_name, sharpfields_version, version_line

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports mistakes in one line (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _configure_enhance(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", type=Path, help="GeoTIFF (any bands) or PNG/JPEG image")
    parser.add_argument("output", type=Path, help="GeoTIFF for GeoTIFF input, else PNG")
    parser.add_argument("--method", default=DEFAULT_METHOD, choices=list(METHODS))
    parser.add_argument("--scale", type=int, default=4, help="2, 4 or 8 (default 4)")
    parser.add_argument("--preset", default="fast", choices=list(PRESETS), help="DIP preset")
    parser.add_argument("--iterations", type=int, help="override the preset's iterations")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    add_bbox_option(parser, help=f"the area to enhance, {BBOX_HELP}")
    parser.add_argument(
        "--no-consistency",
        action="store_true",
        help="skip the final consistency step (experiments only)",
    )
    parser.add_argument(
        "--report", type=Path, help="write the consistency report of the result as JSON here"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _method_options(args: argparse.Namespace, report: Report | None) -> dict[str, Any]:
    """The enhance options of the chosen method; progress goes to ``report`` (a tqdm bar):
    DIP's iterations, the enhancer's tiles."""
    method = get_method(args.method)
    options: dict[str, Any] = {"device": args.device, "consistency": not args.no_consistency}
    if method.takes_dip_options:
        options.update(
            preset=args.preset,
            iterations=args.iterations,
            seed=args.seed,
            progress_every=max(1, (args.iterations or PRESETS[args.preset].iterations) // 100),
        )
        if report is not None:
            options["progress"] = lambda p: report(p.iteration, p.iterations, "Deep Image Prior")
    if method.model is not None and report is not None:
        options["tile_progress"] = lambda done, total: report(done, total, "enhancer tiles")
    return options


def _run_enhance(args: argparse.Namespace) -> None:
    """Sharpen an image or a GeoTIFF area (DIP, the enhancer, both, or interpolation)."""
    check_scale(args.scale)
    if args.iterations is not None and args.iterations < 1:
        raise UsageError(f"--iterations must be at least 1, not {args.iterations}")
    raster = read_raster(args.input, args.bbox)
    with progress_bar(args.quiet, "step") as bar:
        options = _method_options(args, bar)
        result = enhance_raster(raster, args.scale, args.method, **options)
    if not np.all(np.isfinite(result.array)):
        raise DipError("The result has non-finite values; try another seed or preset.")
    stored = as_written(result).astype(np.float32)  # rounded and clipped as in the file
    report = assess(stored, raster.array, args.scale).as_dict()
    tags = enhancement_tags(
        method=args.method,
        scale=args.scale,
        model_version=get_method(args.method).model_version,
        consistency=report,
        software_version=sharpfields_version(),
    )
    write_raster(args.output, replace(result, tags={**result.tags, **tags}))
    if args.report is not None:
        args.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if not args.quiet:
        bands, rows, cols = result.array.shape
        print(f"wrote {args.output} ({bands} bands, {cols} × {rows} px)", file=sys.stderr)


Subcommand = tuple[str, Callable[[argparse.ArgumentParser], None], Callable[..., None]]
SUBCOMMANDS: list[Subcommand] = [
    ("enhance", _configure_enhance, _run_enhance),
    ("train", configure_train, run_train),
    ("search", configure_search, run_search),
    ("fetch", configure_fetch, run_fetch),
    ("outline", configure_outline, run_outline),
    ("stack", configure_stack, run_stack),
]


def build_parser() -> argparse.ArgumentParser:
    program = program_name("sr")
    parser = _Parser(prog=program, description="Super-resolution of satellite images.")
    parser.add_argument("--version", action="version", version=version_line(program))
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, configure, run in SUBCOMMANDS:
        doc = (run.__doc__ or name).strip()
        child = sub.add_parser(name, help=doc, description=doc)
        configure(child)
        child.set_defaults(run=run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    configure_logging()
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error already printed (2)
        return int(exc.code or 0)
    try:
        args.run(args)
    except (SceneError, DipError, UsageError, RasterioError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (StacError, AssetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Cancelled as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    return 0


def entry_point() -> None:
    """The ``sharpfields-sr`` console script."""
    sys.exit(main())
