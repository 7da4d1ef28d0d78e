"""A real STAC API on loopback over a small Sentinel-2 catalogue built from shared data.

Provenance: every image is cut from ``../shared/data/sentinel2/austria_danube_s2_2date_8band.tif``
(real Sentinel-2 L2A, two dates × B4, B3, B2, B8, EPSG:32633; see that folder's README). The
SCL band is derived here (water, vegetation, bare soil from NDVI/NIR) with cloud and shadow
blobs painted at known places, so cloud over an area is known exactly. Each band is written
as its own COG (SCL at 20 m, like Sentinel-2), served by :class:`RangeServer` (HTTP with Range
requests), and listed in a static STAC catalogue served by ``stac-fastapi-static`` (a real STAC
API with item search and the CQL2 filter on ``eo:cloud_cover``), started as a subprocess.

Collections:

* ``sentinel-2-l2a``: pass ``A`` (2024-07-05, cloud over the west third), pass ``B``
  (2024-07-20, bigger cloud over the east half: worse tile cloud, clear west), pass ``M``
  (2024-08-04, the scene split into two overlapping MGRS tiles, no cloud).
* ``s2-season``: a season of passes for time stacks (``SEASON_PASSES``): June, a clear pass
  (06-08) and a newer one clouded over the middle (06-23); July, a pass clouded over the
  middle only (07-05, little tile cloud) and one clouded elsewhere (07-20, more tile cloud,
  the middle clear); August, one pass in two MGRS tiles (08-04); September, none.
* ``s2-forbidden``: one item whose images answer HTTP 403.
* ``s2-flaky``: one item whose images answer 503 twice, then work.
* ``s2-down``: one item whose images always answer 503.
* ``s2-baselines``: a June pass of processing baseline < 04.00 (offset 0) and a July one of
  04.00 (1000 added to every value, ``raster:bands`` offset −0.1), both clear.
* ``s2-declared-only``: one clear pass that declares offset −0.1 with values as the source's
  (Earth Search's ``sentinel-2-l2a`` does this).
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast

import numpy as np
import pystac
import pytest
import rasterio
from affine import Affine
from rasterio.warp import transform_bounds
from shapely.geometry import box, mapping

from tests.ports import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SOURCE = PROJECT_ROOT.parent / "shared" / "data" / "sentinel2" / "austria_danube_s2_2date_8band.tif"
BAND_KEYS = ("red", "green", "blue", "nir")
# stac-fastapi-static needs an older Starlette than Streamlit's, so it lives in its own
# virtualenv made by `scripts/setup.sh --dev` (see requirements-stac.txt).
STAC_PYTHON = Path(
    os.environ.get("SHARPFIELDS_STAC_PYTHON", PROJECT_ROOT / ".venv-stac" / "bin" / "python")
)
FLAKY_FAILURES = 2


@dataclass(frozen=True)
class Pass:
    """One satellite pass in the test catalogue."""

    name: str
    when: datetime
    date_index: int  # which of the source's two dates
    clouds: tuple[tuple[slice, slice], ...]  # (rows, cols) windows at 10 m painted as cloud
    tiles: tuple[tuple[str, slice], ...]  # (MGRS tile, column slice of the source)


WEST_THIRD = (slice(0, 379), slice(0, 190))
EAST_HALF = (slice(0, 379), slice(290, 578))
PASSES = (
    Pass("A", datetime(2024, 7, 5, 10, 0), 0, (WEST_THIRD,), (("33UXP", slice(0, 578)),)),
    Pass("B", datetime(2024, 7, 20, 10, 0), 1, (EAST_HALF,), (("33UXP", slice(0, 578)),)),
    Pass(
        "M",
        datetime(2024, 8, 4, 10, 0),
        0,
        (),
        (("33UXP", slice(0, 320)), ("33UYP", slice(260, 578))),
    ),
)

MIDDLE = (slice(80, 320), slice(150, 450))  # covers the season tests' area
SEASON_PASSES = (
    Pass("J1", datetime(2024, 6, 8, 10, 0), 0, (), (("33UXP", slice(0, 578)),)),
    Pass("J2", datetime(2024, 6, 23, 10, 0), 1, (MIDDLE,), (("33UXP", slice(0, 578)),)),
    Pass("L1", datetime(2024, 7, 5, 10, 0), 0, (MIDDLE,), (("33UXP", slice(0, 578)),)),
    Pass(
        "L2",
        datetime(2024, 7, 20, 10, 0),
        1,
        ((slice(0, 379), slice(0, 140)), (slice(0, 379), slice(460, 578))),
        (("33UXP", slice(0, 578)),),
    ),
    Pass(
        "G",
        datetime(2024, 8, 4, 10, 0),
        1,
        (),
        (("33UXP", slice(0, 320)), ("33UYP", slice(260, 578))),
    ),
)


class RangeServer:
    """Static files over HTTP on loopback with Range requests, plus faults on demand.

    ``/403/<path>`` always answers 403, ``/503/<path>`` always 503, ``/flaky/<path>`` 503 for
    the first FLAKY_FAILURES requests of each path. ``hits`` counts requests per path and
    ``bytes_sent`` the bytes of range answers.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.hits: Counter[str] = Counter()
        self.bytes_sent: Counter[str] = Counter()
        handler = partial(_RangeHandler, self, directory=str(root))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _RangeHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like object stores
    disable_nagle_algorithm = True  # headers and body go out at once (no 40 ms stalls)

    def __init__(self, server_state: RangeServer, *args: object, **kwargs: object) -> None:
        self.state = server_state
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _fault(self) -> bool:
        self.state.hits[self.path] += 1
        match = re.match(r"^/(403|503|flaky)/", self.path)
        if not match:
            return False
        kind = match.group(1)
        if kind == "flaky" and self.state.hits[self.path] > FLAKY_FAILURES:
            self.path = self.path[len("/flaky") :]
            return False
        self.send_error(403 if kind == "403" else 503)
        return True

    def do_HEAD(self) -> None:
        if not self._fault():
            super().do_HEAD()

    def do_GET(self) -> None:
        if self._fault():
            return
        path = Path(self.translate_path(self.path))
        match = re.match(r"bytes=(\d+)-(\d*)$", self.headers.get("Range", ""))
        if not match or not path.is_file():
            super().do_GET()
            return
        size = path.stat().st_size
        start = int(match.group(1))
        end = min(int(match.group(2)) if match.group(2) else size - 1, size - 1)
        if start >= size:
            self.send_error(416)
            return
        with path.open("rb") as handle:
            handle.seek(start)
            body = handle.read(end - start + 1)
        self.send_response(206)
        self.send_header("Content-Type", "image/tiff")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self.wfile.write(body)
        self.state.bytes_sent[self.path] += len(body)


def derive_scl(red: np.ndarray, nir: np.ndarray) -> np.ndarray:
    """A plausible scene classification: 6 water, 4 vegetation, 5 not vegetated, 0 no data."""
    red = red.astype("float32")
    nir = nir.astype("float32")
    ndvi = (nir - red) / np.maximum(nir + red, 1)
    scl = np.full(red.shape, 5, dtype="uint8")
    scl[ndvi > 0.4] = 4
    scl[(ndvi < 0) & (nir < 1500)] = 6
    scl[(red == 0) & (nir == 0)] = 0
    return scl


def _write_cog(path: Path, array: np.ndarray, transform: Affine, crs: object) -> None:
    profile = {
        "driver": "COG",
        "width": array.shape[1],
        "height": array.shape[0],
        "count": 1,
        "dtype": array.dtype.name,
        "crs": crs,
        "transform": transform,
        "nodata": 0,
        "compress": "deflate",
        "blocksize": 128,
        "overview_resampling": "nearest" if array.dtype == np.uint8 else "average",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array, 1)


def _paint_clouds(bands: np.ndarray, scl: np.ndarray, clouds: tuple) -> None:
    """Cloud (SCL 9) with a shadow strip (SCL 3) below it; cloudy pixels turn bright."""
    for rows, cols in clouds:
        scl[rows, cols] = 9
        bands[:3, rows, cols] = np.maximum(bands[:3, rows, cols], 7000)
        bands[3, rows, cols] = np.maximum(bands[3, rows, cols], 7500)
        shadow_rows = slice(rows.stop, min(rows.stop + 20, scl.shape[0]))
        scl[shadow_rows, cols] = 3


def tile_item(
    collection: str,
    name: str,
    when: datetime,
    tile: str,
    bands: np.ndarray,
    scl: np.ndarray,
    transform: Affine,
    crs: object,
    images: Path,
    url_prefix: str,
    declared_offset: float = 0.0,
) -> pystac.Item:
    """Write one tile's five COGs and describe them as a STAC item (``declared_offset``:
    the ``raster:bands`` offset its catalogue entry declares)."""
    item_id = f"S2A_{tile}_{when:%Y%m%d}_0_L2A_{name}"
    folder = images / collection / item_id
    for key, band in zip(BAND_KEYS, bands, strict=True):
        _write_cog(folder / f"{key}.tif", band, transform, crs)
    scl20 = scl[::2, ::2]
    _write_cog(folder / "scl.tif", scl20, transform @ Affine.scale(2), crs)
    height, width = scl.shape
    left, top = transform.c, transform.f
    bounds = (left, top - 10 * height, left + 10 * width, top)
    lonlat = transform_bounds(crs, "EPSG:4326", *bounds, densify_pts=21)
    tile_cloud = float(np.isin(scl, (3, 8, 9, 10)).mean() * 100)
    item = pystac.Item(
        id=item_id,
        geometry=mapping(box(*lonlat)),
        bbox=list(lonlat),
        datetime=when,
        properties={
            "eo:cloud_cover": round(tile_cloud, 2),
            "platform": "sentinel-2a",
            "s2:mgrs_tile": tile,
            "proj:code": "EPSG:32633",
        },
    )
    for key in (*BAND_KEYS, "scl"):
        href = f"{url_prefix}/{collection}/{item_id}/{key}.tif"
        declared = {"scale": 0.0001, "offset": declared_offset}
        scaling = {} if key == "scl" else {"raster:bands": [declared]}
        asset = pystac.Asset(
            href, media_type=pystac.MediaType.COG, roles=["data"], extra_fields=scaling
        )
        item.add_asset(key, asset)
    return item


@dataclass
class LocalCatalog:
    """The running servers and what the tests need to know about the catalogue."""

    stac_url: str
    images: RangeServer
    crs: object
    transform: Affine
    root: Path

    def lonlat_box(self, rows: slice, cols: slice) -> tuple[float, float, float, float]:
        """The lon/lat box of a pixel window of the source scene."""
        left, top = self.transform @ (cols.start, rows.start)
        right, bottom = self.transform @ (cols.stop, rows.stop)
        bounds: tuple[float, float, float, float] = transform_bounds(
            self.crs, "EPSG:4326", left, bottom, right, top, densify_pts=21
        )
        return bounds


def build_catalog(root: Path, image_url: str) -> Path:
    """Write the COGs and the static catalogue under ``root``; returns catalog.json."""
    with rasterio.open(SOURCE) as src:
        data = src.read()
        transform, crs = src.transform, src.crs
    images = root / "images"
    collections: dict[str, list[pystac.Item]] = {}

    def add(collection: str, prefix: str, p: Pass, declared: float = 0.0, added: int = 0) -> None:
        bands = data[p.date_index * 4 : p.date_index * 4 + 4].copy()
        scl = derive_scl(bands[0], bands[3])
        _paint_clouds(bands, scl, p.clouds)
        bands[bands > 0] += np.uint16(added)  # processing baseline 04.00's offset
        for tile, cols in p.tiles:
            tile_transform = transform @ Affine.translation(cols.start, 0)
            collections.setdefault(collection, []).append(
                tile_item(
                    collection,
                    p.name,
                    p.when,
                    tile,
                    bands[:, :, cols],
                    scl[:, cols],
                    tile_transform,
                    crs,
                    images,
                    prefix,
                    declared,
                )
            )

    for p in PASSES:
        add("sentinel-2-l2a", f"{image_url}", p)
    for p in SEASON_PASSES:
        add("s2-season", f"{image_url}", p)
    clear = PASSES[2]
    add("s2-forbidden", f"{image_url}/403", Pass("F", clear.when, 0, (), clear.tiles[:1]))
    add("s2-flaky", f"{image_url}/flaky", Pass("K", clear.when, 0, (), clear.tiles[:1]))
    add("s2-down", f"{image_url}/503", Pass("D", clear.when, 0, (), clear.tiles[:1]))
    # processing baseline 04.00: a season across the change, offset declared and in the
    # pixels after it; and a catalogue that declares the offset of pixels without it
    before, after = SEASON_PASSES[0], SEASON_PASSES[3]  # June and July
    add("s2-baselines", f"{image_url}", Pass("O", before.when, 0, (), before.tiles))
    add("s2-baselines", f"{image_url}", Pass("N", after.when, 1, (), before.tiles), -0.1, 1000)
    add("s2-declared-only", f"{image_url}", Pass("H", clear.when, 0, (), clear.tiles[:1]), -0.1)
    return save_catalog(root, collections)


def save_catalog(root: Path, collections: dict[str, list[pystac.Item]]) -> Path:
    """A static STAC catalogue of these collections under ``root/stac``; returns catalog.json."""
    catalog = pystac.Catalog("sharpfields-test", "Sentinel-2 cut from the shared Austria scene")
    for name, items in collections.items():
        bbox = items[0].bbox
        assert bbox is not None  # tile_item gives every item a bbox and a datetime
        dates = cast(list[datetime], [i.datetime for i in items])
        collection = pystac.Collection(
            name,
            f"Test collection {name}",
            pystac.Extent(
                pystac.SpatialExtent([list(bbox)]),
                pystac.TemporalExtent([[min(dates), max(dates)]]),
            ),
            license="proprietary",
        )
        collection.add_items(items)
        catalog.add_child(collection)
    catalog.normalize_hrefs(str(root / "stac"))
    catalog.save(pystac.CatalogType.SELF_CONTAINED)
    return root / "stac" / "catalog.json"


def start_stac_api(catalog_json: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Run stac-fastapi-static over the catalogue on a free loopback port; wait until ready."""
    port = free_port()
    env = {
        **os.environ,
        "CATALOG_HREF": catalog_json.as_uri(),
        "APP_HOST": "127.0.0.1",
        "APP_PORT": str(port),
        "RELOAD": "false",
        "LOG_LEVEL": "warning",
    }
    handle = log.open("wb")
    process = subprocess.Popen(
        [str(STAC_PYTHON), "-m", "stac_fastapi.static.app"], env=env, stdout=handle, stderr=handle
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the STAC API exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/conformance", timeout=2):
                return process, url
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise RuntimeError("the STAC API did not start within 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def source_grid() -> tuple[object, Affine]:
    with rasterio.open(SOURCE) as src:
        return src.crs, src.transform


@pytest.fixture(scope="session")
def local_catalog(
    shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalCatalog]:
    """The test catalogue: COGs on a Range-capable HTTP server, searched through a real
    STAC API (stac-fastapi-static), both on loopback for the whole session."""
    if not STAC_PYTHON.exists():
        reason = f"{STAC_PYTHON} is missing: `bash scripts/setup.sh --dev` makes it"
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI runs the set-up: a missing test server is a failure there
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("stac")
    images = RangeServer(root / "images")
    try:
        catalog_json = build_catalog(root, images.url)
        process, url = start_stac_api(catalog_json, root / "stac-api.log")
        crs, transform = source_grid()
        try:
            yield LocalCatalog(url, images, crs, transform, root)
        finally:
            stop(process)
    finally:
        images.close()
