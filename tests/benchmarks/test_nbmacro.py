"""``nbmacro-cifar10``: the NAS-Bench-Macro JSON from the shared data."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from lissnas.benchmarks import MissingDataError, get_benchmark_spec, load_benchmark
from lissnas.benchmarks._nbmacro import NBMACRO_JSON, load_nbmacro
from lissnas.spaces import NBMacroSpace


@pytest.fixture(scope="module")
def source(data_dir):
    return load_benchmark("nbmacro-cifar10", data_dir)


def test_loads_every_architecture(source, data_dir):
    assert isinstance(source.space, NBMacroSpace)
    assert len(source) == source.space.size == 6561
    X, y = source.ground_truth()
    assert round(float(y.max()), 2) == 93.13
    assert source.space.to_string(X[y.argmax()]) == "22212202"
    assert source.metric == "test accuracy" and source.maximize
    raw = json.loads((data_dir / NBMACRO_JSON).read_text())
    keys = ["02012100", "11111221", "00000000"]
    np.testing.assert_allclose(
        source.evaluate(source.space.from_strings(keys)), [raw[k]["mean_acc"] for k in keys]
    )
    assert source.n_queries == 3


def test_costs_in_millions(source):
    arch = source.space.from_string("02012100")
    np.testing.assert_allclose(source.space.params(arch), [0.890666])
    np.testing.assert_allclose(source.space.flops(arch), [47.327744])
    X, _ = source.ground_truth()
    flops = source.space.flops(X)
    assert flops.min() > 7 and flops.max() < 106


def test_spec_names_the_file():
    spec = get_benchmark_spec("nbmacro-cifar10")
    assert spec.data_files == (NBMACRO_JSON,)
    assert "xiusu/NAS-Bench-Macro" in spec.description


def test_missing_file(tmp_path):
    with pytest.raises(MissingDataError, match="xiusu/NAS-Bench-Macro"):
        load_nbmacro(tmp_path)
    with pytest.raises(MissingDataError, match="nbmacro-cifar10"):
        load_benchmark("nbmacro-cifar10", tmp_path)


@pytest.fixture
def copy_of(tmp_path, data_dir):
    """Write a modified copy of the benchmark JSON; returns its data directory."""
    table = json.loads((data_dir / NBMACRO_JSON).read_text())

    def write(change) -> str:
        target = tmp_path / NBMACRO_JSON
        target.parent.mkdir(parents=True, exist_ok=True)
        changed = json.loads(json.dumps(table))
        change(changed)
        target.write_text(json.dumps(changed))
        return str(tmp_path)

    return write


def test_malformed_entries_name_key_and_field(copy_of):
    def bad_acc(t):
        t["02012100"]["mean_acc"] = "high"

    with pytest.raises(ValueError, match=r"key '02012100', field 'mean_acc'"):
        load_nbmacro(copy_of(bad_acc))

    def no_flops(t):
        del t["11111221"]["flops"]

    with pytest.raises(ValueError, match=r"key '11111221', field 'flops'"):
        load_nbmacro(copy_of(no_flops))

    def bad_key(t):
        t["02019100"] = t.pop("02012100")

    with pytest.raises(ValueError, match=r"key '02019100'.*layer 4"):
        load_nbmacro(copy_of(bad_key))

    def missing(t):
        del t["00000000"]

    with pytest.raises(ValueError, match=r"1 of 6561 architectures missing .*'00000000'"):
        load_nbmacro(copy_of(missing))


def test_not_json(tmp_path, data_dir):
    target = tmp_path / NBMACRO_JSON
    target.parent.mkdir(parents=True)
    shutil.copy(data_dir / NBMACRO_JSON, target)
    target.write_text(target.read_text()[:1000])
    with pytest.raises(ValueError, match="not valid JSON"):
        load_nbmacro(tmp_path)
