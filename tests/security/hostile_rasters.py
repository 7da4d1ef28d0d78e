"""Small hostile GeoTIFFs made on the spot: a sparse file that declares 102 GB of pixels, and
a file with 100,000 images (overviews) in its directory chain."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import rasterio
from rasterio.transform import from_origin
from rasterio.windows import Window


def sparse_giant(path: Path) -> Path:
    """30000 × 13333 pixels × 32 float64 bands, tiled, every tile but one left unwritten:
    about 70 KB on disk, within the side/pixel/band/block caps, 95 GiB of pixels."""
    with rasterio.open(
        path, "w", driver="GTiff", width=30_000, height=13_333, count=32, dtype="float64",
        crs="EPSG:32645", transform=from_origin(300_000, 3_100_000, 10, 10), tiled=True,
        blockxsize=256, blockysize=256, sparse_ok=True, compress="deflate",
    ) as ds:  # fmt: skip
        ds.write(np.ones((32, 1, 1)), window=Window(0, 0, 1, 1))
    return path


def many_images(path: Path, extra: int = 100_000) -> Path:
    """A valid 64 × 64 three-band GeoTIFF followed by ``extra`` one-pixel reduced-resolution
    images chained after it (classic little-endian TIFF)."""
    with rasterio.open(
        path, "w", driver="GTiff", width=64, height=64, count=3, dtype="uint8",
        crs="EPSG:32645", transform=from_origin(300_000, 3_100_000, 10, 10),
    ) as ds:  # fmt: skip
        ds.write(np.full((3, 64, 64), 90, dtype=np.uint8))
    data = bytearray(path.read_bytes())
    assert data[:4] == b"II*\x00"
    # Find the last directory's "next" pointer.
    offset = struct.unpack_from("<I", data, 4)[0]
    while True:
        entries = struct.unpack_from("<H", data, offset)[0]
        pointer_at = offset + 2 + 12 * entries
        offset = struct.unpack_from("<I", data, pointer_at)[0]
        if offset == 0:
            break
    if len(data) % 2:
        data += b"\x00"
    pixel_at = len(data)
    data += b"\x00\x00\x00\x00"
    tags = [  # (tag, type SHORT=3/LONG=4, value)
        (254, 4, 1), (256, 3, 1), (257, 3, 1), (258, 3, 8), (259, 3, 1), (262, 3, 1),
        (273, 4, pixel_at), (277, 3, 1), (278, 3, 1), (279, 4, 1),
    ]  # fmt: skip
    size = 2 + 12 * len(tags) + 4
    first = len(data)
    struct.pack_into("<I", data, pointer_at, first)
    chunks = []
    for i in range(extra):
        ifd = struct.pack("<H", len(tags))
        for tag, kind, value in tags:
            ifd += struct.pack("<HHI", tag, kind, 1) + (
                struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<I", value)
            )
        following = first + (i + 1) * size if i + 1 < extra else 0
        chunks.append(ifd + struct.pack("<I", following))
    path.write_bytes(bytes(data) + b"".join(chunks))
    return path
