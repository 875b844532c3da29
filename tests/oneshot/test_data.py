"""Training augmentation (random crops of the reflection-padded image and left-right
flips), and CIFAR-10's errors when it is absent."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from lissnas.cli import app
from lissnas.oneshot import load_cifar10, random_crop_flip

runner = CliRunner()


def _windows(image: torch.Tensor, pad: int) -> list[torch.Tensor]:
    """Every crop of ``image`` after ``pad`` pixels of reflection padding, and its mirror."""
    h, w = image.shape[-2:]
    padded = torch.nn.functional.pad(image[None], (pad,) * 4, mode="reflect")[0]
    crops = [
        padded[:, i : i + h, j : j + w] for i in range(2 * pad + 1) for j in range(2 * pad + 1)
    ]
    return crops + [c.flip(-1) for c in crops]


def test_random_crop_flip_returns_crops_and_mirrors_drawn_from_the_generator():
    x = torch.arange(64 * 2 * 7 * 9, dtype=torch.float32).reshape(64, 2, 7, 9)
    out = random_crop_flip(x, np.random.default_rng(5), pad=2)
    assert out.shape == x.shape
    assert torch.equal(out, random_crop_flip(x, np.random.default_rng(5), pad=2))
    assert not torch.equal(out, random_crop_flip(x, np.random.default_rng(6), pad=2))
    kinds = []
    for image, got in zip(x, out, strict=True):
        matches = [k for k, c in enumerate(_windows(image, 2)) if torch.equal(c, got)]
        assert len(matches) == 1  # the distinct pixel values make every window unique
        kinds.append(matches[0])
    assert len(set(kinds)) > 20  # offsets and flips vary from image to image
    flipped = np.array(kinds) >= 25
    assert 0 < flipped.sum() < len(kinds)
    unpadded = random_crop_flip(x, np.random.default_rng(0), pad=0)
    for image, got in zip(x, unpadded, strict=True):
        assert torch.equal(got, image) or torch.equal(got, image.flip(-1))


@pytest.mark.parametrize("pad", [-1, 7])
def test_random_crop_flip_rejects_a_pad_the_image_cannot_reflect(pad):
    with pytest.raises(ValueError, match=rf"pad must be in \[0, 7\) for 7x9 images, got {pad}"):
        random_crop_flip(torch.zeros(2, 1, 7, 9), np.random.default_rng(0), pad=pad)


def test_cifar10_absent_names_the_missing_file_and_the_way_to_fetch_it(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"cifar-10-batches-py/data_batch_1 does not"):
        load_cifar10(tmp_path)
    (tmp_path / "cifar-10-batches-py").mkdir()
    (tmp_path / "cifar-10-batches-py" / "test_batch").touch()  # the training batches still absent
    with pytest.raises(FileNotFoundError, match=r"data_batch_1 does not exist; fetch it with"):
        load_cifar10(tmp_path, train=True)
    result = runner.invoke(
        app,
        ["supernet", "train", "--dataset", "cifar10", "--data-root", str(tmp_path),
         "--checkpoint", str(tmp_path / "s.pt")],
    )  # fmt: skip
    assert result.exit_code == 2 and "(the CLI: --download)" in result.output
    assert not (tmp_path / "s.pt").exists()


def test_cifar10_download_without_torchvision_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "torchvision.datasets", None)  # import fails
    with pytest.raises(ModuleNotFoundError, match="pip install torchvision"):
        load_cifar10(tmp_path, download=True)
    result = runner.invoke(
        app,
        ["supernet", "train", "--dataset", "cifar10", "--data-root", str(tmp_path), "--download",
         "--checkpoint", str(tmp_path / "s.pt")],
    )  # fmt: skip
    assert result.exit_code == 2 and "pip install torchvision" in result.output
    assert not (tmp_path / "s.pt").exists()
