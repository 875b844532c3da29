"""Fixtures for the one-shot tests: tiny Fashion-MNIST subsets from Debian's files."""

from __future__ import annotations

import os

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
