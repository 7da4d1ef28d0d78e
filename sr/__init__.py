"""sharpfields imagery and super-resolution, by role: :mod:`sr.imagery` (scenes, tiles, COGs),
:mod:`sr.sharpen` (Deep Image Prior, the enhancer, consistency), :mod:`sr.stac` (catalogue
search and fetch), :mod:`sr.jobs` (enhancement jobs on Dask) and :mod:`sr.outline` (the outline
assist); the ``python -m sr`` commands in :mod:`sr.cli`."""

import os

# GDAL's raster block cache defaults to 5 % of RAM (over 1 GB here); a tile server needs far
# less, and a bounded cache keeps the server's memory bounded on full Sentinel-2 tiles.
# Set before the first raster read; an explicit setting by the user wins.
os.environ.setdefault("GDAL_CACHEMAX", "256")
