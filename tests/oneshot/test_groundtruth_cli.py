"""Ground-truth tables from standalone training, and the `lissnas supernet` commands."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from lissnas.cli import app
from lissnas.oneshot import make_ground_truth, read_truth
from lissnas.spaces import NB201Space

runner = CliRunner()


def test_ground_truth_table_is_written_resumed_and_read_back(tmp_path, tiny_train, tiny_test):
    out = tmp_path / "truth.csv"
    rows = make_ground_truth(
        "nb201", out, tiny_train, tiny_test, n_archs=2, epochs=1, width=4, depth=1, seed=0
    )
    archs, values = read_truth(out, NB201Space())
    assert len(archs) == 2 and values.tolist() == [round(r.accuracy, 4) for r in rows]
    assert all(r.params > 0 for r in rows)
    before = out.read_text()
    again = make_ground_truth(
        "nb201", out, tiny_train, tiny_test, n_archs=2, epochs=1, width=4, depth=1, seed=0
    )  # nothing retrained: the rows come from the file
    assert out.read_text() == before and [r.arch for r in again] == [r.arch for r in rows]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "empty file"),
        ("arch,acc\n", "no column 'accuracy'"),
        ("arch,accuracy\n|bad|,1\n", "line 2, column 'arch'"),
        (
            "arch,accuracy\n" + NB201Space().to_string([1] * 6) + ",nan\n",
            "line 2, column 'accuracy'",
        ),
        ("arch,accuracy\n", "no rows"),
    ],
)
def test_bad_truth_tables_name_the_fault(tmp_path, text, match):
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=match):
        read_truth(path, NB201Space())


def test_supernet_commands_end_to_end(tmp_path, fashion_dir):
    for command in ("train", "evaluate", "search", "split", "groundtruth"):
        assert runner.invoke(app, ["supernet", command, "--help"]).exit_code == 0
    truth, ckpt = tmp_path / "truth.csv", tmp_path / "s.pt"
    common = ["--val-subset", "64"]
    result = runner.invoke(
        app,
        ["supernet", "groundtruth", "--out", str(truth), "--n-archs", "3", "--subset", "128",
         "--epochs", "1", "--width", "4", "--depth", "1", *common],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        ["supernet", "train", "--checkpoint", str(ckpt), "--subset", "128", "--epochs", "1",
         "--width", "4", "--depth", "1"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        ["supernet", "evaluate", str(ckpt), "--truth", str(truth), "--calib-subset", "128",
         "--calib-batches", "1", "--json", *common],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert '"n": 3' in result.output
    result = runner.invoke(
        app,
        ["supernet", "split", str(ckpt), "--out", str(tmp_path / "split"), "--truth", str(truth),
         "--subset", "128", "--lid-batch", "32", "--n-paths", "1", "--k", "5", "--epochs", "2",
         "--position", "3", *common],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "split" / "sub0.pt").exists() and (
        tmp_path / "split" / "split.json"
    ).exists()
    bad = runner.invoke(app, ["supernet", "evaluate", str(truth), "--truth", str(truth)])
    assert bad.exit_code == 2 and "not a" in bad.output
