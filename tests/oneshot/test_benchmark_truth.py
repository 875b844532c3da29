"""Ground-truth tables looked up in a tabular benchmark (`groundtruth --benchmark`)."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from lissnas.benchmarks import TabularSource, load_benchmark
from lissnas.cli import app
from lissnas.oneshot import benchmark_ground_truth, make_ground_truth, read_truth
from lissnas.spaces import NB201Space

runner = CliRunner()


@pytest.fixture(scope="module")
def nb201():
    """NAS-Bench-201's CIFAR-10 accuracies embedded in the analog-nasbench wheel."""
    return load_benchmark("nb201-cifar10")


def test_table_holds_the_benchmark_values_of_a_seeded_sample(tmp_path, nb201):
    out = tmp_path / "truth.csv"
    archs, values = benchmark_ground_truth("nb201", nb201, out, n_archs=40, seed=3)
    assert len(np.unique(archs, axis=0)) == 40
    read_archs, read_values = read_truth(out, NB201Space())
    assert (read_archs == archs).all() and read_values.tolist() == values.tolist()
    assert values == pytest.approx(nb201.evaluate(archs), abs=5e-5)
    again = benchmark_ground_truth("nb201", nb201, tmp_path / "again.csv", n_archs=40, seed=3)
    assert (again[0] == archs).all()  # same seed, same sample
    other = benchmark_ground_truth("nb201", nb201, tmp_path / "other.csv", n_archs=40, seed=4)
    assert not (other[0] == archs).all()


def test_sample_is_the_one_standalone_training_draws(tmp_path, nb201, tiny_train, tiny_test):
    """The same seed and members give the same architectures whether looked up or trained,
    so the two tables rank the same networks."""
    members = nb201.space.sample(12, np.random.default_rng(0), distinct=True)
    looked_up, _ = benchmark_ground_truth(
        "nb201", nb201, tmp_path / "bench.csv", n_archs=3, members=members, seed=5
    )
    trained = make_ground_truth(
        "nb201", tmp_path / "trained.csv", tiny_train, tiny_test, n_archs=3, members=members,
        epochs=1, width=4, depth=1, seed=5,
    )  # fmt: skip
    assert NB201Space().to_strings(looked_up) == [r.arch for r in trained]
    keys = set(NB201Space().keys(members))
    assert set(NB201Space().keys(looked_up)) <= keys


def test_given_architectures_are_looked_up_in_order_without_repeats(tmp_path, nb201):
    archs = nb201.space.sample(4, np.random.default_rng(1), distinct=True)
    given = np.vstack([archs[2], archs[0], archs[2], archs[3]])
    chosen, values = benchmark_ground_truth("nb201", nb201, tmp_path / "t.csv", archs=given)
    assert (chosen == given[[0, 1, 3]]).all()
    assert values == pytest.approx(nb201.evaluate(given[[0, 1, 3]]), abs=5e-5)


def test_mismatched_incomplete_or_minimised_benchmarks_write_nothing(tmp_path, nb201):
    out = tmp_path / "truth.csv"
    with pytest.raises(ValueError, match="over the nb201 space, not the nbmacro supernet's"):
        benchmark_ground_truth("nbmacro", nb201, out, n_archs=3)
    archs, values = nb201.ground_truth()
    partial = TabularSource(nb201.space, archs[:100], values[:100], name="part", metric="acc")
    with pytest.raises(ValueError, match=r"part: no result for architecture \|"):
        benchmark_ground_truth("nb201", partial, out, archs=archs[99:101])
    error = TabularSource(
        nb201.space, archs, 100 - values, name="err", metric="error", maximize=False
    )
    with pytest.raises(ValueError, match="'err' measures error, which is minimised"):
        benchmark_ground_truth("nb201", error, out, n_archs=3)
    with pytest.raises(ValueError, match="exactly one of n_archs"):
        benchmark_ground_truth("nb201", nb201, out)
    with pytest.raises(ValueError, match="n_archs must be an int >= 1, got 0"):
        benchmark_ground_truth("nb201", nb201, out, n_archs=0)
    assert not out.exists()


def test_groundtruth_command_looks_up_and_refuses_training_options(tmp_path, nb201):
    out = tmp_path / "truth.csv"
    result = runner.invoke(
        app,
        ["supernet", "groundtruth", "--benchmark", "nb201-cifar10", "--n-archs", "6", "--seed",
         "2", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    archs, values = read_truth(out, NB201Space())
    assert len(archs) == 6 and values == pytest.approx(nb201.evaluate(archs), abs=5e-5)
    assert "wrote 6 architectures' accuracy from nb201-cifar10" in result.output
    never = tmp_path / "never.csv"
    for args, message in [
        (["--benchmark", "nb201-cifar10", "--epochs", "3"], "--epochs sets the training"),
        (["--benchmark", "nb201-cifar10", "--repeats", "2"], "--repeats sets the training"),
        (["--data-dir", str(tmp_path)], "give --benchmark too"),
        (["--benchmark", "no-such-bench"], "unknown benchmark 'no-such-bench'"),
        (["--benchmark", "nb201-cifar10", "--space", "nbmacro"], "not the nbmacro supernet's"),
    ]:
        result = runner.invoke(app, ["supernet", "groundtruth", "--out", str(never), *args])
        assert result.exit_code == 2 and message in result.output, (args, result.output)
    assert not never.exists()
