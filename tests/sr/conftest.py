"""Fixtures for the sr tests: the local STAC catalogue (see tests/stac_catalog.py)."""

from tests.stac_catalog import local_catalog  # noqa: F401  (a session fixture)
