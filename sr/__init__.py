"""sharpfields super-resolution: scene reading, Deep Image Prior, the enhancer."""

import os

# GDAL's raster block cache defaults to 5 % of RAM (over 1 GB here); a tile server needs far
# less, and a bounded cache keeps the server's memory bounded on full Sentinel-2 tiles.
# Set before the first raster read; an explicit setting by the user wins.
os.environ.setdefault("GDAL_CACHEMAX", "256")
