"""Shared fixtures: the real benchmark data under ``$LISSNAS_DATA_DIR``.

Tests that need the shared data take the ``data_dir`` fixture: they skip with a reason when
the folder is absent, except in CI (``CI=true``), where its absence is an error.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def data_dir() -> Path:
    root = os.environ.get("LISSNAS_DATA_DIR")
    path = Path(root) if root else None
    if path is None or not path.is_dir():
        reason = f"benchmark data not found (LISSNAS_DATA_DIR={root!r})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must run with the shared data")
        pytest.skip(reason)
    return path
