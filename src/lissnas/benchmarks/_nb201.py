"""NAS-Bench-201 performance sources: analog-nasbench (embedded), NATS-Bench CSV, NASLib JSON."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import pickle
from ast import literal_eval
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from lissnas.benchmarks._base import TabularSource
from lissnas.benchmarks._data import find_data_file
from lissnas.spaces import NB201Space

if TYPE_CHECKING:
    from lissnas.benchmarks._registry import BenchmarkSpec

NATS_CSV = "nasbench201/nats_test_accuracy.csv"
NASLIB_JSON = "nasbench201/naslib_val_accuracy.json"
_NATS_ORIGIN = (
    "NATS-Bench (github.com/D-X-Y/NATS-Bench) via v-tao/nats-bench-landscape nats_bench.csv"
)
_NASLIB_ORIGIN = "automl/NASLib, branch 'experiments', run/results/benchmarks/nb201_zen.zip"
_CSV_COLUMNS = {
    "cifar10": "CIFAR10TestAccuracy200Epochs",
    "cifar100": "CIFAR100TestAccuracy200Epochs",
}
_NUM_CLASSES = {"cifar10": 10, "cifar100": 100}


class _Record:
    """Stand-in for analog-nasbench's pickled classes (keeps their attributes only)."""

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


class _AnalogUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        if module == "analognasbench.data":
            return _Record
        raise pickle.UnpicklingError(f"unexpected class {module}.{name} in analog-nasbench data")


def load_analog_nb201() -> TabularSource:
    """``nb201-cifar10``: CIFAR-10 accuracy of all 15,625 cells from the pip package
    ``analog-nasbench`` (its ``baseline_accuracy``, digital training), embedded in the wheel."""
    # Locate the wheel's data without importing the package: its __init__ needs
    # pkg_resources, which recent setuptools no longer ship.
    spec = importlib.util.find_spec("analognasbench")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            "benchmark 'nb201-cifar10' needs the package analog-nasbench: "
            "pip install analog-nasbench"
        )
    blob = (Path(next(iter(spec.submodule_search_locations))) / "data.anb").read_bytes()
    table = _AnalogUnpickler(BytesIO(blob)).load()
    tuples = np.array(list(table.keys()), dtype=np.int64)
    values = np.array([rec.baseline_accuracy for rec in table.values()], dtype=float)
    space = NB201Space(num_classes=10)
    return TabularSource(
        space, space.from_naslib(tuples), values, name="nb201-cifar10", metric="accuracy"
    )


def load_nats_csv(dataset: str, data_dir: str | os.PathLike[str] | None = None) -> TabularSource:
    """``nb201-<dataset>-test``: NATS-Bench test accuracy (200 epochs, mean over seeds)."""
    path = find_data_file(NATS_CSV, data_dir, source=_NATS_ORIGIN)
    column = _CSV_COLUMNS[dataset]
    space = NB201Space(num_classes=_NUM_CLASSES[dataset])
    strings, values = [], []
    with path.open(newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"ArchitectureString", column} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing column(s) {sorted(missing)}")
        for line, row in enumerate(reader, start=2):
            try:
                values.append(float(row[column]))
                strings.append(row["ArchitectureString"])
            except ValueError as exc:
                raise ValueError(f"{path}, line {line}, field {column}: {exc}") from None
    try:
        archs = space.from_strings(strings)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    return TabularSource(
        space, archs, np.array(values), name=f"nb201-{dataset}-test", metric="test accuracy"
    )


def load_naslib_json(dataset: str, data_dir: str | os.PathLike[str] | None = None) -> TabularSource:
    """``nb201-<dataset>-val``: NASLib's validation accuracy of all 15,625 cells."""
    path = find_data_file(NASLIB_JSON, data_dir, source=_NASLIB_ORIGIN)
    with path.open() as handle:
        table = json.load(handle)[dataset]
    tuples = np.array([literal_eval(key) for key in table], dtype=np.int64)
    space = NB201Space(num_classes=_NUM_CLASSES[dataset])
    return TabularSource(
        space,
        space.from_naslib(tuples),
        np.fromiter(table.values(), dtype=float),
        name=f"nb201-{dataset}-val",
        metric="validation accuracy",
    )


def _specs() -> list[BenchmarkSpec]:
    from lissnas.benchmarks._registry import BenchmarkSpec

    specs = [
        BenchmarkSpec(
            "nb201-cifar10",
            "NAS-Bench-201 CIFAR-10 accuracy from the analog-nasbench wheel (embedded default)",
            lambda data_dir: load_analog_nb201(),
            packages=("analognasbench",),
        )
    ]
    for dataset in ("cifar10", "cifar100"):
        specs.append(
            BenchmarkSpec(
                f"nb201-{dataset}-test",
                f"NATS-Bench {dataset.upper()} test accuracy (200 epochs); from {_NATS_ORIGIN}",
                lambda data_dir, d=dataset: load_nats_csv(d, data_dir),
                data_files=(NATS_CSV,),
            )
        )
        specs.append(
            BenchmarkSpec(
                f"nb201-{dataset}-val",
                f"NASLib {dataset.upper()} validation accuracy; from {_NASLIB_ORIGIN}",
                lambda data_dir, d=dataset: load_naslib_json(d, data_dir),
                data_files=(NASLIB_JSON,),
            )
        )
    return specs


SPECS = _specs()
