"""Imagery in and out: opening scenes safely, their bands and dates, display images and tiles,
Cloud-Optimized GeoTIFFs, and a field's season profile."""
