"""Sentinel-2 from STAC catalogues: searching an area, fetching one scene or a time stack,
with every catalogue answer and image address checked."""
