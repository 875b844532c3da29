"""NAS-Bench-201 performance sources and the registry."""

from __future__ import annotations

import numpy as np
import pytest

from lissnas.benchmarks import (
    MissingDataError,
    TabularSource,
    get_benchmark_spec,
    list_benchmarks,
    load_benchmark,
)
from lissnas.spaces import NB201Space


def test_embedded_default_needs_no_files(monkeypatch) -> None:
    monkeypatch.delenv("LISSNAS_DATA_DIR", raising=False)
    source = load_benchmark("nb201-cifar10")
    archs, values = source.ground_truth()
    assert len(archs) == 6466
    assert 90 < values.max() < 100
    assert source.n_queries == 0
    source.evaluate(archs[:5])
    assert source.n_queries == 5


@pytest.mark.parametrize(
    ("name", "best", "mean"),
    [("nb201-cifar10-test", 94.37, 87.06), ("nb201-cifar100-test", 73.51, None)],
)
def test_nats_test_accuracy(data_dir, name: str, best: float, mean: float | None) -> None:
    source = load_benchmark(name, data_dir)
    archs, values = source.ground_truth()
    assert len(archs) == 6466
    assert values.max() == pytest.approx(best, abs=0.01)
    if mean is not None:  # the data README's mean is over all 15,625 cells
        cells = source.space._all_cells
        assert source.evaluate(cells).mean() == pytest.approx(mean, abs=0.3)


@pytest.mark.parametrize("name", ["nb201-cifar10-val", "nb201-cifar100-val"])
def test_naslib_validation_accuracy(data_dir, name: str) -> None:
    archs, values = load_benchmark(name, data_dir).ground_truth()
    assert len(archs) == 6466 and np.isfinite(values).all()


def test_isomorphic_cells_are_averaged() -> None:
    space = NB201Space()
    a = space.from_string("|none~0|+|none~0|none~1|+|none~0|none~1|none~2|")
    b = space.from_string("|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|")
    source = TabularSource(space, np.vstack([a, b]), [10.0, 20.0], name="t", metric="m")
    assert len(source) == 1
    assert source.evaluate(b)[0] == 15.0
    with pytest.raises(KeyError, match="no result for architecture"):
        source.evaluate(
            space.from_string("|skip_connect~0|+|none~0|none~1|+|none~0|none~1|skip_connect~2|")
        )
    assert source.ground_truth() is None  # incomplete table


def test_non_finite_values_are_rejected() -> None:
    space = NB201Space()
    with pytest.raises(ValueError, match="entry 1 is nan"):
        TabularSource(
            space, space.sample(2, seed=0, distinct=True), [1.0, np.nan], name="t", metric="m"
        )


def test_unknown_benchmark_lists_valid_names() -> None:
    with pytest.raises(ValueError, match=r"unknown benchmark 'nope'; valid names: .*nb201-cifar10"):
        load_benchmark("nope")


def test_missing_file_says_where(tmp_path) -> None:
    with pytest.raises(MissingDataError, match=r"nats_test_accuracy.csv.*not found.*NATS-Bench"):
        load_benchmark("nb201-cifar10-test", tmp_path)


def test_missing_data_dir_says_how(monkeypatch) -> None:
    monkeypatch.delenv("LISSNAS_DATA_DIR", raising=False)
    with pytest.raises(MissingDataError, match="LISSNAS_DATA_DIR"):
        load_benchmark("nb201-cifar100-val")


def test_malformed_csv_names_line(tmp_path) -> None:
    folder = tmp_path / "nasbench201"
    folder.mkdir()
    (folder / "nats_test_accuracy.csv").write_text(
        "ArchitectureString,UniqueString,CIFAR10TestAccuracy200Epochs,CIFAR100TestAccuracy200Epochs\n"
        "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,#,10.0,1.0\n"
        "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,#,oops,1.0\n"
    )
    with pytest.raises(ValueError, match="line 3, field CIFAR10TestAccuracy200Epochs"):
        load_benchmark("nb201-cifar10-test", tmp_path)


def test_registry_lists_every_benchmark_with_availability(tmp_path) -> None:
    names = [spec.name for spec in list_benchmarks()]
    assert names == sorted(names)
    assert {"nb201-cifar10", "nb201-cifar10-test", "nb201-cifar100-val"} <= set(names)
    ok, why = get_benchmark_spec("nb201-cifar10-test").availability(tmp_path)
    assert not ok and "not found" in why
    assert get_benchmark_spec("nb201-cifar10").availability(None) == (True, "available")
