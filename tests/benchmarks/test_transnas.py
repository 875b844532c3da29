"""TransNAS-Bench-101 benchmarks on the real NASLib table: counts, directions, values, shrink."""

from __future__ import annotations

import ast
import json

import numpy as np
import pytest

from lissnas.benchmarks import get_benchmark_spec, load_benchmark
from lissnas.benchmarks._transnas import TNB101_JSON, TNB101_TASKS, load_tnb101
from lissnas.evaluation import member_ground_truth
from lissnas.metrics import oracle_gap_ratio
from lissnas.shrink import LISSNAS

TASKS = sorted(TNB101_TASKS)


@pytest.fixture(scope="module")
def raw(data_dir) -> dict:
    with (data_dir / TNB101_JSON).open() as handle:
        return json.load(handle)


def test_fourteen_registered_specs() -> None:
    for kind in ("micro", "macro"):
        for task in TASKS:
            spec = get_benchmark_spec(f"tnb101-{kind}-{task}")
            assert spec.data_files == (TNB101_JSON,)


@pytest.mark.parametrize("task", TASKS)
def test_micro_task(data_dir, raw, task: str) -> None:
    source = load_benchmark(f"tnb101-micro-{task}", data_dir)
    assert source.maximize and source.metric == TNB101_TASKS[task]
    archs, values = source.ground_truth()
    assert len(archs) == source.space.size == 1236
    # direction: the all-zero cell (no signal reaches the head) is among the worst 3 %
    zero = source.evaluate(np.zeros((1, 6), dtype=np.int64))[0]
    assert (values < zero).mean() < 0.03
    # isomorphic cells were averaged, and the class explains >= 95 % of the variance
    table = raw["micro"][task]
    cells = np.array([ast.literal_eval(k) for k in table])
    measured = np.array(list(table.values()))
    classes = source.space.class_index(cells)
    counts = np.bincount(classes)
    means = np.bincount(classes, weights=measured) / counts
    np.testing.assert_allclose(source.evaluate(source.space.canonical(cells)), means[classes])
    residual = measured - means[classes]
    assert 1 - (residual**2).sum() / ((measured - measured.mean()) ** 2).sum() > 0.95
    # a singleton class keeps its own value
    full = np.array([[3, 3, 3, 3, 3, 3]])
    assert counts[source.space.class_index(full)[0]] == 1
    assert source.evaluate(full)[0] == pytest.approx(table["(3, 3, 3, 3, 3, 3)"])


@pytest.mark.parametrize("task", TASKS)
def test_macro_task(data_dir, raw, task: str) -> None:
    source = load_benchmark(f"tnb101-macro-{task}", data_dir)
    assert source.maximize
    archs, values = source.ground_truth()
    assert len(archs) == len(values) == 3256
    table = raw["macro"][task]
    for key in list(table)[:5]:
        modules = ast.literal_eval(key)
        arch = source.space.from_modules(modules)
        assert source.evaluate(arch)[0] == pytest.approx(table[key])
        assert source.space.to_string(arch) == "64-" + "".join(map(str, modules)) + "-basic"


def test_known_values(data_dir) -> None:
    expected = {
        ("macro", "class_scene", "64-414312-basic"): 52.54777145385742,
        ("macro", "jigsaw", "64-414312-basic"): 91.23208618164062,
        ("macro", "room_layout", "64-21144-basic"): -0.6338666677474976,
        ("macro", "normal", "64-43121-basic"): 0.5506141185760498,
        ("micro", "class_scene", "64-41414-3_33_333"): 53.6723747253418,
    }
    for (kind, task, text), value in expected.items():
        source = load_benchmark(f"tnb101-{kind}-{task}", data_dir)
        assert source.evaluate(source.space.from_string(text))[0] == pytest.approx(value)
    # room layout is stored as a negative loss: larger is better, all values below zero
    _, values = load_benchmark("tnb101-micro-room_layout", data_dir).ground_truth()
    assert values.max() < 0


def _write(tmp_path, doc: dict):
    root = tmp_path / "data"
    (root / "transnasbench101").mkdir(parents=True)
    (root / TNB101_JSON).write_text(json.dumps(doc))
    return root


def test_strict_validation(tmp_path, raw) -> None:
    table = dict(raw["macro"]["jigsaw"])
    bad = _write(tmp_path, {"macro": {"jigsaw": {**table, "(1, 1, 1, 1)": 50.0}}})
    with pytest.raises(ValueError, match=r"key '\(1, 1, 1, 1\)'.*has 0 downsampling"):
        load_tnb101("macro", "jigsaw", bad)
    key = next(iter(table))
    del table[key]
    short = _write(tmp_path / "b", {"macro": {"jigsaw": table}})
    missing = "64-" + "".join(str(c) for c in ast.literal_eval(key)) + "-basic"
    with pytest.raises(ValueError, match=f"1 of 3256 architectures missing.*{missing}"):
        load_tnb101("macro", "jigsaw", short)
    garbled = _write(tmp_path / "c", {"micro": {"normal": {"[1, 2]": 0.5}}})
    with pytest.raises(ValueError, match=r"key '\[1, 2\]': expected a tuple"):
        load_tnb101("micro", "normal", garbled)
    nan = _write(tmp_path / "d", {"micro": {"normal": {"(0, 0, 0, 0, 0, 0)": "x"}}})
    with pytest.raises(ValueError, match="expected a finite number, got 'x'"):
        load_tnb101("micro", "normal", nan)
    with pytest.raises(ValueError, match=r"no object at \['macro'\]\['normal'\]"):
        load_tnb101("macro", "normal", nan)
    with pytest.raises(ValueError, match="task must be one of"):
        load_tnb101("micro", "depth", nan)


@pytest.mark.parametrize("name", ["tnb101-micro-class_scene", "tnb101-macro-autoencoder"])
def test_small_lissnas_shrink(data_dir, name: str) -> None:
    source = load_benchmark(name, data_dir)
    _, full = source.ground_truth()
    result = LISSNAS(gt_budget=80, n_init=300, min_size=100).shrink(source.space, source, seed=0)
    assert source.n_queries == result.gt_queries == 80
    archs = result.architectures(source.space)
    assert all(source.space.contains(a) for a in archs[:50])
    assert 100 <= result.size < source.space.size
    assert oracle_gap_ratio(full, member_ground_truth(result, source)) > 0.6
