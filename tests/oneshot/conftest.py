"""Fixtures for the one-shot tests: tiny Fashion-MNIST subsets from Debian's files."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="the one-shot tests need the torch extra")

from lissnas.oneshot import FASHION_MNIST_DIR, load_fashion_mnist  # noqa: E402


@pytest.fixture(scope="session")
def fashion_dir():
    if not (FASHION_MNIST_DIR / "train-images-idx3-ubyte.gz").exists():
        reason = f"Debian's dataset-fashion-mnist is not installed ({FASHION_MNIST_DIR})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; .ci/run installs it")
        pytest.skip(reason)
    return FASHION_MNIST_DIR


@pytest.fixture(scope="session")
def tiny_train(fashion_dir):
    return load_fashion_mnist(fashion_dir, subset=256, seed=0)


@pytest.fixture(scope="session")
def tiny_test(fashion_dir):
    return load_fashion_mnist(fashion_dir, train=False, subset=128, seed=0)


@pytest.fixture
def load_script(monkeypatch):
    """A loader of ``benchmarks/<name>.py`` as a module, its folder on ``sys.path`` (the
    scripts import ``_common`` and each other) for the test's duration."""
    benchmarks = Path(__file__).resolve().parents[2] / "benchmarks"
    monkeypatch.syspath_prepend(str(benchmarks))

    def load(name: str):
        spec = importlib.util.spec_from_file_location(f"{name}_script", benchmarks / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look themselves up
        spec.loader.exec_module(module)
        return module

    return load
