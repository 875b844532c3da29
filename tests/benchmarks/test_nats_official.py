"""The official NATS-Bench topology files, read through ``nats_bench``.

The fixtures write, in a temporary folder, a miniature benchmark in the official on-disk
format: ``meta.pickle.pbz2`` plus ``NNNNNN.pickle.pbz2`` per architecture, each a bz2-compressed
pickle of plain dicts (``{"12": ArchResults state, "200": ArchResults state}``), and the older
single file ``NATS-tss-v1_0-3ffb9.pickle.pbz2``.
"""

from __future__ import annotations

import bz2
import pickle
import sys
from collections import OrderedDict
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pytest

from lissnas.benchmarks import MissingDataError, get_benchmark_spec, load_benchmark
from lissnas.benchmarks._nats_official import NATS_TSS_DIR, NATS_TSS_FILE, load_nats_official
from lissnas.spaces import NB201Space

needs_nats = pytest.mark.skipif(
    find_spec("nats_bench") is None,
    reason="nats_bench not installed (pip install 'lissnas[nats]')",
)

# Four architectures from different isomorphism classes, in NATS-Bench's string form.
ARCHS = [
    "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|",
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|",
    "|avg_pool_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|nor_conv_3x3~2|",
    "|nor_conv_1x1~0|+|skip_connect~0|nor_conv_3x3~1|+|avg_pool_3x3~0|none~1|nor_conv_1x1~2|",
]
# Evaluation sets NATS-Bench stores per dataset.
EVAL_SETS = {
    "cifar10-valid": ("x-valid", "ori-test"),
    "cifar10": ("ori-test",),
    "cifar100": ("x-valid", "x-test", "ori-test"),
    "ImageNet16-120": ("x-valid", "x-test", "ori-test"),
}
CLASSES = {"cifar10-valid": 10, "cifar10": 10, "cifar100": 100, "ImageNet16-120": 120}
SEEDS = {"12": (111, 777), "200": (777, 888, 999)}
EPOCHS = {"12": 12, "200": 200}


def final_accuracy(index: int, dataset: str, setname: str, hp: str, seed: int) -> float:
    """Accuracy the fake stores after the last epoch (distinct for every argument)."""
    datasets, sets = list(EVAL_SETS), ("x-valid", "x-test", "ori-test")
    return (
        50.0
        + 7.0 * index
        + 1.5 * datasets.index(dataset)
        + 0.25 * sets.index(setname)
        + 0.125 * (hp == "12")
        + seed / 1000.0
    )


def expected(index: int, dataset: str, setname: str, hp: str = "200") -> float:
    return float(np.mean([final_accuracy(index, dataset, setname, hp, s) for s in SEEDS[hp]]))


def results_count(index: int, dataset: str, seed: int, hp: str) -> dict:
    """The state dict of one trial (``nats_bench.ResultsCount.state_dict()``), weights dropped."""
    epochs = EPOCHS[hp]
    eval_acc, eval_loss, eval_time = {}, {}, {}
    for setname in EVAL_SETS[dataset]:
        final = final_accuracy(index, dataset, setname, hp, seed)
        for epoch in range(epochs):
            key = f"{setname}@{epoch}"
            eval_acc[key] = final if epoch == epochs - 1 else final * epoch / epochs
            eval_loss[key] = 2.0 - epoch / epochs
            eval_time[key] = 0.5
    return {
        "name": dataset,
        "net_state_dict": None,
        "train_acc1es": {epoch: 90.0 * (epoch + 1) / epochs for epoch in range(epochs)},
        "train_acc5es": {epoch: 99.0 for epoch in range(epochs)},
        "train_losses": {epoch: 1.0 - epoch / (2 * epochs) for epoch in range(epochs)},
        "train_times": OrderedDict((epoch, 10.0) for epoch in range(epochs)),
        "arch_config": {
            "channel": 16,
            "num_cells": 5,
            "arch_str": ARCHS[index],
            "class_num": CLASSES[dataset],
        },
        "params": 0.5,
        "flop": 80.0,
        "seed": seed,
        "epochs": epochs,
        "latency": [0.01, 0.012],
        "eval_names": list(EVAL_SETS[dataset]),
        "eval_acc1es": eval_acc,
        "eval_times": eval_time,
        "eval_losses": eval_loss,
    }


def arch_results(index: int, hp: str) -> dict:
    """The state dict of one architecture under one hp (``ArchResults.state_dict()``)."""
    return {
        "arch_index": index,
        "arch_str": ARCHS[index],
        "all_results": {
            (dataset, seed): results_count(index, dataset, seed, hp)
            for dataset in EVAL_SETS
            for seed in SEEDS[hp]
        },
        "dataset_seed": {dataset: list(SEEDS[hp]) for dataset in EVAL_SETS},
        "clear_net_done": True,
    }


def arch_file_content(index: int) -> OrderedDict:
    return OrderedDict((hp, arch_results(index, hp)) for hp in ("12", "200"))


def write_pbz2(obj: object, path: Path) -> None:
    with bz2.BZ2File(path, "wb") as handle:
        pickle.dump(obj, handle, protocol=4)


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding a 4-architecture ``NATS-tss-v1_0-3ffb9-simple``."""
    root = tmp_path_factory.mktemp("data")
    folder = root / NATS_TSS_DIR
    folder.mkdir()
    meta = {
        "meta_archs": list(ARCHS),
        "total_archs": len(ARCHS),
        "arch2infos": None,
        "evaluated_indexes": set(),
    }
    write_pbz2(meta, folder / "meta.pickle.pbz2")
    for index in range(len(ARCHS)):
        write_pbz2(arch_file_content(index), folder / f"{index:06d}.pickle.pbz2")
    return root


@pytest.fixture(scope="module")
def single_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The older all-in-one ``NATS-tss-v1_0-3ffb9.pickle.pbz2``."""
    path = tmp_path_factory.mktemp("single") / NATS_TSS_FILE
    content = {
        "meta_archs": list(ARCHS),
        "total_archs": len(ARCHS),
        "arch2infos": {index: arch_file_content(index) for index in range(len(ARCHS))},
        "evaluated_indexes": set(range(len(ARCHS))),
    }
    write_pbz2(content, path)
    return path


def check_values(source, dataset: str, setname: str, hp: str = "200") -> None:
    assert len(source) == len(ARCHS)
    space = source.space
    for index, text in enumerate(ARCHS):
        value = source.evaluate(space.from_string(text))[0]
        assert value == pytest.approx(expected(index, dataset, setname, hp))


@needs_nats
@pytest.mark.parametrize(
    ("dataset", "metric", "nats_dataset", "setname", "classes"),
    [
        ("cifar10", "test", "cifar10", "ori-test", 10),
        ("cifar10", "valid", "cifar10-valid", "x-valid", 10),
        ("cifar100", "test", "cifar100", "x-test", 100),
        ("cifar100", "valid", "cifar100", "x-valid", 100),
        ("ImageNet16-120", "test", "ImageNet16-120", "x-test", 120),
        ("ImageNet16-120", "valid", "ImageNet16-120", "x-valid", 120),
    ],
)
def test_directory_values(data_root, dataset, metric, nats_dataset, setname, classes):
    source = load_nats_official(data_root / NATS_TSS_DIR, dataset, metric)
    check_values(source, nats_dataset, setname)
    assert isinstance(source.space, NB201Space)
    assert source.space.num_classes == classes
    assert source.metric == ("test accuracy" if metric == "test" else "validation accuracy")
    assert source.maximize


@needs_nats
def test_names_hp_and_aliases(data_root):
    folder = data_root / NATS_TSS_DIR
    assert load_nats_official(folder).name == "nats-tss-cifar10"
    assert load_nats_official(folder, "cifar100", "valid").name == "nats-tss-cifar100-valid"
    short = load_nats_official(folder, "imagenet16", hp=12)
    assert short.name == "nats-tss-imagenet16-hp12"
    check_values(short, "ImageNet16-120", "x-test", hp="12")


@needs_nats
def test_data_directory_is_accepted(data_root):
    source = load_nats_official(data_root, "cifar100")
    check_values(source, "cifar100", "x-test")


@needs_nats
def test_single_file(single_file):
    check_values(load_nats_official(single_file, "cifar10"), "cifar10", "ori-test")
    check_values(load_nats_official(single_file, "cifar10", "valid"), "cifar10-valid", "x-valid")
    check_values(load_nats_official(single_file.parent, "cifar100"), "cifar100", "x-test")


@needs_nats
def test_registered_benchmarks(data_root, tmp_path):
    for name, dataset, setname in [
        ("nats-tss-cifar10", "cifar10", "ori-test"),
        ("nats-tss-cifar100", "cifar100", "x-test"),
        ("nats-tss-imagenet16", "ImageNet16-120", "x-test"),
    ]:
        spec = get_benchmark_spec(name)
        assert spec.data_files == (NATS_TSS_DIR,)
        assert spec.availability(data_root) == (True, "available")
        ok, why = spec.availability(tmp_path)
        assert not ok
        assert NATS_TSS_DIR in why
        source = load_benchmark(name, data_dir=data_root)
        assert source.name == name
        check_values(source, dataset, setname)
    with pytest.raises(MissingDataError, match=r"NATS-tss-v1_0-3ffb9-simple\.tar"):
        load_benchmark("nats-tss-cifar10", data_dir=tmp_path)


@needs_nats
def test_missing_architecture_file(data_root, tmp_path):
    folder = tmp_path / NATS_TSS_DIR
    folder.mkdir()
    for path in (data_root / NATS_TSS_DIR).iterdir():
        if path.name != "000002.pickle.pbz2":
            (folder / path.name).write_bytes(path.read_bytes())
    with pytest.raises(ValueError, match="architecture 2"):
        load_nats_official(folder)


@needs_nats
def test_missing_path(tmp_path):
    with pytest.raises(MissingDataError, match=r"not found at .*NATS-tss-v1_0-3ffb9-simple\.tar"):
        load_nats_official(tmp_path / "nowhere")
    with pytest.raises(MissingDataError, match=r"no meta\.pickle\.pbz2"):
        load_nats_official(tmp_path)


@needs_nats
def test_not_a_benchmark_file(tmp_path):
    path = tmp_path / "junk.pickle.pbz2"
    path.write_bytes(b"not bz2")
    with pytest.raises(ValueError, match="not a readable NATS-Bench"):
        load_nats_official(path)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dataset": "mnist"}, "valid datasets: cifar10, cifar100, ImageNet16-120"),
        ({"metric": "train"}, "valid metrics: test, valid"),
        ({"hp": "90"}, "valid hps: 12, 200"),
    ],
)
def test_bad_names(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_nats_official(tmp_path, **kwargs)


def test_without_nats_bench(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "nats_bench", None)
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'lissnas\[nats\]'"):
        load_nats_official(tmp_path)
    ok, why = get_benchmark_spec("nats-tss-cifar10").availability(tmp_path)
    assert not ok
    assert "pip install 'lissnas[nats]'" in why
