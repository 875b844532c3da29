"""NATS-Bench topology search space (NAS-Bench-201 cells) read from the official files.

The official release (github.com/D-X-Y/NATS-Bench) ships the topology benchmark as
``NATS-tss-v1_0-3ffb9-simple.tar``; unpacked it is a directory ``NATS-tss-v1_0-3ffb9-simple``
holding ``meta.pickle.pbz2`` (the 15,625 architecture strings, ``meta_archs``) and one
``NNNNNN.pickle.pbz2`` per architecture index (its results for the hyper-parameter sets
``"12"`` and ``"200"``, i.e. 12 and 200 training epochs). The older single file
``NATS-tss-v1_0-3ffb9.pickle.pbz2`` (everything in one pickle) is read as well. Both are read
through the package ``nats_bench`` (``pip install 'lissnas[nats]'``), the directory lazily,
one architecture at a time.

Which NATS-Bench result a ``(dataset, metric)`` pair reads (the mapping of
``nats_bench.api_utils.remap_dataset_set_names``):

==============  ======  =================================================================
dataset         metric  NATS-Bench dataset / evaluation set
==============  ======  =================================================================
cifar10         test    ``cifar10`` / ``ori-test``: trained on the 50k CIFAR-10 training
                        images, accuracy on the 10k test images
cifar10         valid   ``cifar10-valid`` / ``x-valid``: trained on 25k training images,
                        accuracy on the other 25k
cifar100        test    ``cifar100`` / ``x-test`` (half of the official test set)
cifar100        valid   ``cifar100`` / ``x-valid`` (the other half)
ImageNet16-120  test    ``ImageNet16-120`` / ``x-test``
ImageNet16-120  valid   ``ImageNet16-120`` / ``x-valid``
==============  ======  =================================================================

Values are top-1 accuracies in percent after the last epoch, averaged over the seeds.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from lissnas.benchmarks._base import TabularSource
from lissnas.benchmarks._data import MissingDataError, resolve_data_dir
from lissnas.spaces import NB201Space

if TYPE_CHECKING:
    from lissnas.benchmarks._registry import BenchmarkSpec

#: Name of the unpacked official directory (relative to the data directory).
NATS_TSS_DIR = "NATS-tss-v1_0-3ffb9-simple"
#: Name of the older single-file form.
NATS_TSS_FILE = "NATS-tss-v1_0-3ffb9.pickle.pbz2"
_META_FILE = "meta.pickle.pbz2"
_ORIGIN = (
    f"NATS-Bench (github.com/D-X-Y/NATS-Bench): download {NATS_TSS_DIR}.tar "
    f"and unpack it (tar xf {NATS_TSS_DIR}.tar)"
)

#: dataset -> (NATS-Bench dataset for "test", for "valid", number of classes)
_DATASETS = {
    "cifar10": ("cifar10", "cifar10-valid", 10),
    "cifar100": ("cifar100", "cifar100", 100),
    "ImageNet16-120": ("ImageNet16-120", "ImageNet16-120", 120),
}
_ALIASES = {"imagenet16": "ImageNet16-120", "imagenet16-120": "ImageNet16-120"}
_SHORT = {"cifar10": "cifar10", "cifar100": "cifar100", "ImageNet16-120": "imagenet16"}
#: metric -> (key of ``get_more_info``'s dict, metric name of the source)
_METRICS = {
    "test": ("test-accuracy", "test accuracy"),
    "valid": ("valid-accuracy", "validation accuracy"),
}
_HPS = ("12", "200")


def _import_create():
    try:
        from nats_bench import create
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            "reading the official NATS-Bench files needs the package nats_bench: "
            "pip install 'lissnas[nats]'"
        ) from exc
    return create


def _check_choice(what: str, value: str, valid: tuple[str, ...]) -> None:
    if value not in valid:
        raise ValueError(f"unknown NATS-Bench {what} {value!r}; valid {what}s: {', '.join(valid)}")


def _resolve_path(path: str | os.PathLike[str]) -> tuple[Path, bool]:
    """The benchmark directory or file at ``path`` and whether it is the directory form.

    ``path`` may also be a folder that contains ``NATS-tss-v1_0-3ffb9-simple`` (or the single
    file), such as the data directory.
    """
    path = Path(path)
    if path.is_dir() and not (path / _META_FILE).is_file():
        for name in (NATS_TSS_DIR, NATS_TSS_FILE):
            if (path / name).exists():
                return _resolve_path(path / name)
        raise MissingDataError(
            f"{path} is not a NATS-Bench topology directory: it has no {_META_FILE} (nor a "
            f"{NATS_TSS_DIR} inside it); obtain it from {_ORIGIN}"
        )
    if path.is_dir():
        return path, True
    if path.is_file():
        return path, False
    raise MissingDataError(
        f"NATS-Bench topology benchmark not found at {path}; obtain it from {_ORIGIN}"
    )


def load_nats_official(
    path: str | os.PathLike[str],
    dataset: str = "cifar10",
    metric: str = "test",
    hp: str | int = "200",
) -> TabularSource:
    """Accuracy of all 15,625 NATS-Bench topology cells, read with ``nats_bench``.

    Parameters
    ----------
    path : path-like
        The unpacked official directory ``NATS-tss-v1_0-3ffb9-simple`` (with its
        ``meta.pickle.pbz2``), the single file ``NATS-tss-v1_0-3ffb9.pickle.pbz2``, or a folder
        containing either.
    dataset : {"cifar10", "cifar100", "ImageNet16-120"}
        ``"imagenet16"`` is accepted for ``"ImageNet16-120"``. See the module docstring for
        the NATS-Bench dataset and evaluation set each ``(dataset, metric)`` reads; in short,
        CIFAR-10 validation accuracy comes from NATS-Bench's ``cifar10-valid`` runs and
        CIFAR-10 test accuracy from its ``cifar10`` runs.
    metric : {"test", "valid"}
        Top-1 test or validation accuracy (percent) after the last epoch, mean over seeds.
    hp : {"200", "12"}
        Training schedule: 200 epochs, or 12 epochs.

    The directory is read one architecture file at a time (``fast_mode``), each dropped from
    ``nats_bench``'s cache once read, so memory stays flat (about 80 MB). Nearly all the time
    goes to bz2 decompression and unpickling inside ``nats_bench``: about 13 ms per
    architecture, some 3-4 minutes for all 15,625 (measured on files of the official layout
    and size). The single file is loaded whole by ``nats_bench`` and needs far more memory.
    """
    dataset = _ALIASES.get(dataset.lower(), dataset)
    _check_choice("dataset", dataset, tuple(_DATASETS))
    _check_choice("metric", metric, tuple(_METRICS))
    hp = str(hp)
    _check_choice("hp", hp, _HPS)
    create = _import_create()
    source, lazy = _resolve_path(path)

    try:
        api = create(str(source), "tss", fast_mode=lazy, verbose=False)
    except (ValueError, KeyError, OSError, EOFError) as exc:
        raise ValueError(f"{source}: not a readable NATS-Bench topology benchmark ({exc})") from exc

    test_name, valid_name, num_classes = _DATASETS[dataset]
    nats_dataset = test_name if metric == "test" else valid_name
    key, metric_name = _METRICS[metric]
    strings, values = [], np.empty(len(api), dtype=float)
    for index in range(len(api)):
        arch = api.arch(index)
        try:
            info = api.get_more_info(index, nats_dataset, hp=hp, is_random=False)
        except (AssertionError, ValueError, KeyError, OSError, EOFError) as exc:
            raise ValueError(
                f"{source}: no {nats_dataset} result (hp={hp}) for architecture {index} "
                f"{arch}: {exc!r}"
            ) from exc
        if key not in info:
            raise ValueError(
                f"{source}: architecture {index} {arch} has no {key} on {nats_dataset} (hp={hp})"
            )
        strings.append(arch)
        values[index] = info[key]
        if lazy:  # keep memory flat: forget the architecture nats_bench just loaded
            api.arch2infos_dict.pop(index, None)
            api.evaluated_indexes.discard(index)

    space = NB201Space(num_classes=num_classes)
    try:
        archs = space.from_strings(strings)
    except ValueError as exc:
        raise ValueError(f"{source}: {exc}") from None
    name = f"nats-tss-{_SHORT[dataset]}"
    if metric != "test":
        name += f"-{metric}"
    if hp != "200":
        name += f"-hp{hp}"
    return TabularSource(space, archs, values, name=name, metric=metric_name)


def _load_from_data_dir(
    data_dir: str | os.PathLike[str] | None, dataset: str, metric: str = "test", hp: str = "200"
) -> TabularSource:
    root = resolve_data_dir(data_dir)
    if root is None:
        raise MissingDataError(
            f"benchmark directory {NATS_TSS_DIR!r} needs a data directory: pass --data-dir DIR "
            f"(data_dir=DIR in Python) or set LISSNAS_DATA_DIR; obtain it from {_ORIGIN}"
        )
    path = root / NATS_TSS_DIR
    if not path.exists():
        raise MissingDataError(
            f"benchmark directory {NATS_TSS_DIR!r} not found at {path} (data directory {root}); "
            f"obtain it from {_ORIGIN}"
        )
    return load_nats_official(path, dataset, metric, hp)


def _specs() -> list[BenchmarkSpec]:
    from lissnas.benchmarks._registry import BenchmarkSpec

    return [
        BenchmarkSpec(
            f"nats-tss-{_SHORT[dataset]}",
            f"NATS-Bench topology {dataset} test accuracy (200 epochs, mean over seeds) read "
            f"with nats_bench from {NATS_TSS_DIR}; from {_ORIGIN}",
            lambda data_dir, d=dataset: _load_from_data_dir(data_dir, d),
            data_files=(NATS_TSS_DIR,),
            packages=("nats_bench",),
            extra="nats",
        )
        for dataset in _DATASETS
    ]


SPECS = _specs()
