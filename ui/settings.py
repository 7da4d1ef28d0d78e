"""Where sharpfields keeps its files, and the bundled sample."""

from __future__ import annotations

import os
from pathlib import Path

from sr.project_files import project_root

PROJECT_ROOT = project_root()  # the checkout, or where the wheel put the samples
SAMPLE_SCENE = PROJECT_ROOT / "samples" / "danube_farmland_sentinel2.tif"  # the default
LANDSAT_SAMPLE = PROJECT_ROOT / "samples" / "parana_farmland_landsat8_20200518.tif"
SAMPLE_REF = f"samples:{SAMPLE_SCENE.name}"  # its reference in page addresses


def keep_files_private() -> None:
    """Files and folders this process creates are its user's only (umask 077: folders 700,
    files 600), or also its group's with $SHARPFIELDS_DATA_GROUP=1 (umask 027); the data
    folder itself is made private too. Called at start (server.py) and by the pages."""
    shared = os.environ.get("SHARPFIELDS_DATA_GROUP", "") in ("1", "yes", "true")
    os.umask(0o027 if shared else 0o077)
    data_dir().chmod(0o750 if shared else 0o700)


def data_dir() -> Path:
    """The folder for label stores, caches and uploads ($SHARPFIELDS_DATA, default ./data)."""
    path = Path(os.environ.get("SHARPFIELDS_DATA", PROJECT_ROOT / "data"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    return data_dir() / "cache"


def uploads_dir() -> Path:
    return data_dir() / "uploads"


def default_area_pixels() -> int:
    """Side of the area a click selects, in scene pixels ($SHARPFIELDS_AREA_PIXELS, 128)."""
    return max(8, int(os.environ.get("SHARPFIELDS_AREA_PIXELS", "128")))


def dip_iterations_override() -> int | None:
    """$SHARPFIELDS_DIP_ITERATIONS: run every DIP preset for this many iterations (demos, tests)."""
    value = os.environ.get("SHARPFIELDS_DIP_ITERATIONS")
    return int(value) if value else None


def scenes_dir() -> Path:
    """Where scenes fetched from a STAC catalogue are written (data folder / scenes)."""
    return data_dir() / "scenes"


OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
SATELLITE_TILES = (
    "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}"
)


def basemap_urls() -> dict[str, tuple[str, str]]:
    """Basemaps the maps offer: name → (XYZ URL, attribution). The user's browser loads them.

    $SHARPFIELDS_BASEMAP_OSM and $SHARPFIELDS_BASEMAP_SATELLITE replace the URLs (an empty
    value removes that basemap, e.g. on a server whose users may not reach the internet).
    """
    found = {
        "OpenStreetMap": (
            os.environ.get("SHARPFIELDS_BASEMAP_OSM", OSM_TILES),
            "© OpenStreetMap contributors",
        ),
        "Satellite": (
            os.environ.get("SHARPFIELDS_BASEMAP_SATELLITE", SATELLITE_TILES),
            "Esri, Maxar, Earthstar Geographics",
        ),
    }
    return {name: value for name, value in found.items() if value[0]}
