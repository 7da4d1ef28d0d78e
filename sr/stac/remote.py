"""Windowed reads of remote Cloud-Optimised GeoTIFFs, warped onto one output grid.

This is the only code in sharpfields that opens URLs with GDAL (``/vsicurl/``). Every read
happens inside :func:`remote_env` (timeouts, retries with backoff, no directory listing,
``.tif`` only), only http(s) URLs are accepted and only the GeoTIFF driver is allowed, so a
catalogue cannot make GDAL open a VRT, a local file or another ``/vsi*`` path.
"""

from __future__ import annotations

import ipaddress
import math
import re
import socket
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

import numpy as np
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.errors import RasterioIOError
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform_bounds

from sr.imagery.raster_guard import RasterLimits, RasterRefusedError, check_limits

# HTTP codes that GDAL retries, with exponential backoff from RETRY_DELAY_S.
RETRY_CODES = "403,429,500,502,503,504"
MAX_RETRY = 3
RETRY_DELAY_S = 0.5
_HTTP_CODE = re.compile(r"HTTP (?:response )?code[: ]+(\d{3})", re.IGNORECASE)


class AssetError(Exception):
    """A remote image that cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class Grid:
    """An output raster grid: CRS, north-up transform and size."""

    crs: CRS
    transform: Affine
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def grid_for_bbox(bbox: tuple[float, float, float, float], crs: CRS, resolution: float) -> Grid:
    """The grid covering a lon/lat box in ``crs`` at ``resolution`` (snapped to its multiples)."""
    left, bottom, right, top = transform_bounds("EPSG:4326", crs, *bbox, densify_pts=21)
    left = math.floor(left / resolution) * resolution
    bottom = math.floor(bottom / resolution) * resolution
    right = math.ceil(right / resolution) * resolution
    top = math.ceil(top / resolution) * resolution
    width = max(1, round((right - left) / resolution))
    height = max(1, round((top - bottom) / resolution))
    transform = Affine(resolution, 0, left, 0, -resolution, top)
    return Grid(crs, transform, width, height)


def coarser(grid: Grid, max_side: int) -> Grid:
    """The same extent with at most ``max_side`` pixels along its longer side."""
    factor = max(grid.width, grid.height) / max_side
    if factor <= 1:
        return grid
    width = max(1, math.ceil(grid.width / factor))
    height = max(1, math.ceil(grid.height / factor))
    transform = grid.transform @ Affine.scale(grid.width / width, grid.height / height)
    return Grid(grid.crs, transform, width, height)


# Names and addresses of cloud metadata services (AWS IPv4/IPv6 and ECS, GCP, Azure,
# Alibaba, Oracle): never image hosts, whatever network they are on.
_METADATA_NAMES = frozenset({"metadata", "metadata.google.internal", "instance-data"})
_METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "169.254.170.2", "100.100.100.200",
              "192.0.0.192")
)  # fmt: skip
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def check_href(href: str) -> str:
    """Accept only plain http(s) URLs (no file://, no /vsi*, no local paths) to hosts that
    are not machine-internal, judged on the addresses the host name *resolves to*, so every
    spelling of an address (2852039166, 0xA9FEA9FE, 0251.0376.0251.0376, 169.254.43518,
    [::ffff:169.254.169.254], a trailing dot, 0) is caught. Loopback and private networks
    stay allowed: a catalogue on the organisation's own network is legitimate (the catalogue
    is a server setting)."""
    parsed = urlparse(href)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or href.startswith("/vsi"):
        raise AssetError(
            f"The catalogue points at {href[:120]!r}, which is not an http(s) address; "
            "only images on the web are fetched."
        )
    host = unquote(parsed.hostname or "").rstrip(".")
    if ":" in host:  # an IPv6 literal: its zone ("%eth0") does not change what it is
        host = host.split("%", 1)[0]
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
    except ValueError as exc:
        raise AssetError(f"The catalogue points at {href[:120]!r}, a malformed address.") from exc
    if not host or host in _METADATA_NAMES or host.endswith(".internal"):
        raise _internal(host or href[:120])
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise AssetError(f"The image host {host} cannot be found (no such name).") from exc
    for *_, sockaddr in found:
        if _is_internal(ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])):
            raise _internal(host)
    return href


def _internal(host: str) -> AssetError:
    return AssetError(
        f"The catalogue points at {host}, a machine-internal address (cloud metadata, "
        "link-local); it is not read."
    )


def _is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Cloud metadata services and link-local/unspecified/multicast/reserved addresses
    (an IPv6 address that carries an IPv4 one is judged by that)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        elif address in _NAT64:
            address = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return (
        address in _METADATA_ADDRESSES
        or address.is_link_local
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
    )


def remote_env() -> rasterio.Env:
    """GDAL settings for reading COGs over HTTP: bounded time, retries, no side requests."""
    return rasterio.Env(
        GDAL_HTTP_TIMEOUT=30,
        GDAL_HTTP_CONNECTTIMEOUT=10,
        GDAL_HTTP_MAX_RETRY=MAX_RETRY,
        GDAL_HTTP_RETRY_DELAY=RETRY_DELAY_S,
        GDAL_HTTP_RETRY_CODES=RETRY_CODES,
        GDAL_DISABLE_READDIR_ON_OPEN="EMPTY_DIR",
        CPL_VSIL_CURL_ALLOWED_EXTENSIONS=".tif,.tiff,.TIF",
        GDAL_HTTP_MERGE_CONSECUTIVE_RANGES="YES",
        GDAL_HTTP_MULTIPLEX="YES",
        VSI_CACHE="TRUE",
    )


def explain_read_error(href: str, exc: Exception) -> AssetError:
    """A plain-language AssetError for a failed remote read."""
    text = str(exc)
    name = urlparse(href).path.rsplit("/", 1)[-1] or href
    host = urlparse(href).netloc
    match = _HTTP_CODE.search(text)
    code = int(match.group(1)) if match else None
    tries = f"after {MAX_RETRY + 1} tries"
    if code == 403:
        why = (
            f"The image host {host} refused access to {name} (HTTP 403) {tries}. The "
            "catalogue's links may need signing or may have expired; try again later or use "
            "another catalogue."
        )
    elif code == 404:
        why = f"The image {name} is missing on {host} (HTTP 404); the catalogue is out of date."
    elif code is not None and code >= 500:
        why = (
            f"The image host {host} failed (HTTP {code}) {tries} while sending {name}; it "
            "is probably busy or down. Try again in a few minutes."
        )
    elif code is not None:
        why = f"The image host {host} answered HTTP {code} for {name} {tries}."
    elif "not recognized as" in text or "not a TIFF" in text.lower():
        why = f"{name} on {host} is not a GeoTIFF; only Cloud-Optimised GeoTIFFs are read."
    else:
        why = f"Could not read {name} from {host}: {text.strip()[:200]}"
    return AssetError(why)


def open_remote(href: str) -> rasterio.io.DatasetReader:
    """Open a remote GeoTIFF (call inside :func:`remote_env`), within the same caps as local
    scenes (size, bands, block size, reduced-copy work), checked from its header before any
    pixel is read."""
    check_href(href)
    try:
        ds = rasterio.open(href, driver="GTiff")
    except RasterioIOError as exc:
        raise explain_read_error(href, exc) from exc
    try:
        check_limits(ds, RasterLimits.from_env())
    except RasterRefusedError as exc:
        ds.close()
        name = urlparse(href).path.rsplit("/", 1)[-1] or href
        raise AssetError(f"{name} on {urlparse(href).netloc} is not read: {exc}") from exc
    return ds


def read_onto_grid(
    href: str, grid: Grid, resampling: Resampling, dtype: str | None = None
) -> np.ndarray:
    """Read band 1 of a remote GeoTIFF warped onto ``grid`` (only the blocks it covers;
    GDAL picks an overview when the grid is coarser). Pixels outside the image are 0."""
    with remote_env(), open_remote(href) as src:
        try:
            with WarpedVRT(
                src,
                crs=grid.crs,
                transform=grid.transform,
                width=grid.width,
                height=grid.height,
                resampling=resampling,
                src_nodata=src.nodata if src.nodata is not None else 0,
                nodata=0,
            ) as vrt:
                band: np.ndarray = vrt.read(1, out_dtype=dtype or src.dtypes[0])
                return band
        except RasterioIOError as exc:
            raise explain_read_error(href, exc) from exc


def mosaic_onto_grid(
    hrefs: list[str], grid: Grid, resampling: Resampling, dtype: str
) -> np.ndarray:
    """Read several images onto one grid; each pixel comes from the first image that has it."""
    out = np.zeros((grid.height, grid.width), dtype=dtype)
    for href in hrefs:
        data = read_onto_grid(href, grid, resampling, dtype)
        fill = (out == 0) & (data != 0)
        out[fill] = data[fill]
        if not (out == 0).any():
            break
    return out


def remote_crs(href: str) -> CRS:
    """The CRS of a remote GeoTIFF (reads only its header)."""
    with remote_env(), open_remote(href) as src:
        if src.crs is None:
            raise AssetError(f"{href} has no coordinate system.")
        return src.crs
