"""``load_evaluations``: user CSV/Parquet tables and every error they can raise."""

from __future__ import annotations

import numpy as np
import pytest

from lissnas.benchmarks import load_benchmark, load_evaluations, source_from_config
from lissnas.benchmarks._evaluations import byo_config
from lissnas.spaces import ChoiceSpace, NB201Space

SPACE = ChoiceSpace("tiny", [["a", "b", "c"]] * 2)


def write(tmp_path, text: str, name: str = "evals.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_loads_csv_and_evaluates(tmp_path) -> None:
    path = write(tmp_path, "arch,acc,loss\n00,1.0,5\n01,2.5,4\n22,3.0,3\n")
    source = load_evaluations(path, SPACE, "acc")
    assert len(source) == 3 and source.maximize and source.metric == "acc"
    np.testing.assert_allclose(source.evaluate(SPACE.from_strings(["22", "01"])), [3.0, 2.5])
    assert source.ground_truth() is None  # 3 of 9 architectures
    loss = load_evaluations(path, SPACE, "loss", maximize=False)
    assert not loss.maximize and loss.evaluate(SPACE.from_strings(["00"]))[0] == 5
    with pytest.raises(KeyError, match="no result for architecture 11"):
        source.evaluate(SPACE.from_strings(["11"]))


def test_custom_arch_column_and_identical_duplicates(tmp_path) -> None:
    path = write(tmp_path, "acc,net\n1.0,00\n2.0,01\n1.0,00\n")
    source = load_evaluations(path, SPACE, "acc", arch_column="net")
    assert len(source) == 2


def test_conflicting_duplicate_names_both_lines(tmp_path) -> None:
    path = write(tmp_path, "arch,acc\n00,1.0\n01,2.0\n00,1.5\n")
    with pytest.raises(
        ValueError, match=r"'00' has conflicting 'acc' values: 1.0 at line 2 and 1.5 at line 4"
    ):
        load_evaluations(path, SPACE, "acc")


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (
            "arch,acc\n00,1\n03,2\n",
            r"line 3, column 'arch', value '03': .*layer 1 .*unknown choice '3'",
        ),
        ("arch,acc\n000,1\n", r"line 2, column 'arch', value '000': .*3 layer choices, expected 2"),
        (
            "arch,acc\n00,1\n01,nan\n",
            r"line 3, column 'acc', value 'nan': expected a finite number",
        ),
        ("arch,acc\n00,inf\n", r"line 2, column 'acc', value 'inf'"),
        ("arch,acc\n00,\n", r"line 2, column 'acc', value '': expected a finite number"),
        ("arch,acc\n00,high\n", r"line 2, column 'acc', value 'high'"),
        ("arch,loss\n00,1\n", r"no column 'acc' \(metric\); columns present: \['arch', 'loss'\]"),
        ("net,acc\n00,1\n", r"no column 'arch' \(arch_column\); columns present: \['net', 'acc'\]"),
        ("", r"empty file"),
        ("arch,acc\n", r"no rows after the header"),
        ("arch,acc\n00,1\n01,2,3\n", r"malformed CSV .*line 3"),
    ],
)
def test_errors_name_file_row_column_value(tmp_path, text: str, pattern: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=pattern) as info:
        load_evaluations(path, SPACE, "acc")
    assert str(path) in str(info.value)


def test_missing_file_and_bad_suffix(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match=r"nope\.csv not found"):
        load_evaluations(tmp_path / "nope.csv", SPACE, "acc")
    with pytest.raises(ValueError, match=r"must be a .csv or .parquet file, got '.txt'"):
        load_evaluations(write(tmp_path, "arch,acc\n", "e.txt"), SPACE, "acc")


def test_parquet_round_trip_and_row_numbers(tmp_path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    path = tmp_path / "evals.parquet"
    pd.DataFrame({"arch": ["00", "12"], "acc": [0.5, 0.75]}).to_parquet(path)
    source = load_evaluations(path, SPACE, "acc")
    np.testing.assert_allclose(source.evaluate(SPACE.from_strings(["12"])), [0.75])
    pd.DataFrame({"arch": ["00", "12"], "acc": [0.5, float("nan")]}).to_parquet(path)
    with pytest.raises(ValueError, match=r"row 2, column 'acc', value nan"):
        load_evaluations(path, SPACE, "acc")
    write(tmp_path, "not parquet", "bad.parquet")
    with pytest.raises(ValueError, match="not a readable Parquet file"):
        load_evaluations(tmp_path / "bad.parquet", SPACE, "acc")


def test_isomorphic_entries_are_averaged_for_nb201(tmp_path) -> None:
    space = NB201Space()
    a = "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"
    b = "|nor_conv_3x3~0|+|none~0|avg_pool_3x3~1|+|skip_connect~0|none~1|none~2|"
    assert space.distance(space.from_string(a), space.from_string(b)) == 0
    path = write(tmp_path, f"arch,acc\n{a},1.0\n{b},3.0\n")
    source = load_evaluations(path, space, "acc")
    assert len(source) == 1 and source.evaluate(space.from_string(a))[0] == 2.0


def test_nbmacro_csv_equals_builtin_benchmark(tmp_path, data_dir) -> None:
    builtin = load_benchmark("nbmacro-cifar10", data_dir)
    archs, values = builtin.ground_truth()
    rows = "".join(
        f"{s},{float(v)!r}\n" for s, v in zip(builtin.space.to_strings(archs), values, strict=True)
    )
    path = write(tmp_path, "arch,mean_acc\n" + rows)
    config = byo_config("nbmacro", path, "mean_acc", True, "arch")
    source = source_from_config(config)
    got_archs, got_values = source.ground_truth()
    np.testing.assert_array_equal(got_archs, archs)
    np.testing.assert_array_equal(got_values, values)
    assert source.name == "byo:nbmacro:evals.csv"


def test_parquet_without_pyarrow_says_what_to_install(tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "pyarrow", None)
    path = write(tmp_path, "x", "evals.parquet")
    with pytest.raises(ImportError, match=r"pip install 'lissnas\[parquet\]'"):
        load_evaluations(path, SPACE, "acc")
