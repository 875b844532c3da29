"""Ground-truth tables from standalone training, and the `lissnas supernet` commands."""

from __future__ import annotations

import json

import pytest
import torch
import typer
from typer.testing import CliRunner

from lissnas.cli import app
from lissnas.oneshot import (
    CALIB_BATCH_SIZE,
    evaluate_archs,
    load_checkpoint,
    load_dataset,
    load_supernet,
    make_ground_truth,
    read_archs,
    read_truth,
    read_truth_params,
    read_truth_runs,
    route_regions,
    save_checkpoint,
    train_standalone,
)
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
    assert read_truth_params(out, NB201Space()).tolist() == [r.params for r in rows]
    before = out.read_text()
    again = make_ground_truth(
        "nb201", out, tiny_train, tiny_test, n_archs=2, epochs=1, width=4, depth=1, seed=0
    )  # nothing retrained: the rows come from the file
    assert out.read_text() == before and [r.arch for r in again] == [r.arch for r in rows]


def test_repeated_runs_use_common_seeds_and_are_read_back(tmp_path, tiny_train, tiny_test):
    out = tmp_path / "truth.csv"
    rows = make_ground_truth(
        "nb201", out, tiny_train, tiny_test, n_archs=2, epochs=1, width=4, depth=1, repeats=2
    )
    archs, runs = read_truth_runs(out, NB201Space())
    assert runs.shape == (2, 2) and runs.tolist() == [list(r.runs) for r in rows]
    assert read_truth(out, NB201Space())[1] == pytest.approx(runs.mean(axis=1), abs=1e-4)
    # run r of every architecture is a standalone training with seed r
    again = train_standalone(
        "nb201", archs[1], tiny_train, tiny_test, epochs=1, width=4, depth=1, seed=1
    )
    assert round(again.accuracy, 4) == runs[1, 1]
    # a table of single runs reads as one run per architecture
    single = tmp_path / "single.csv"
    make_ground_truth("nb201", single, tiny_train, tiny_test, n_archs=2, epochs=1, width=4)
    assert read_truth_runs(single, NB201Space())[1].shape == (2, 1)
    with pytest.raises(ValueError, match="repeats must be an int >= 1"):
        make_ground_truth("nb201", out, tiny_train, tiny_test, n_archs=2, epochs=1, repeats=0)


def test_a_table_is_extended_with_the_missing_runs_only(tmp_path, tiny_train, tiny_test):
    settings = dict(n_archs=2, epochs=1, width=4, depth=1)
    fresh, grown = tmp_path / "fresh.csv", tmp_path / "grown.csv"
    make_ground_truth("nb201", fresh, tiny_train, tiny_test, repeats=2, **settings)
    make_ground_truth("nb201", grown, tiny_train, tiny_test, **settings)  # run 0 only
    make_ground_truth("nb201", grown, tiny_train, tiny_test, repeats=2, **settings)
    assert grown.read_text() == fresh.read_text()  # run 1 added with seed 1
    with pytest.raises(ValueError, match=r"grown\.csv, line 2: 2 runs, more than repeats=1"):
        make_ground_truth("nb201", grown, tiny_train, tiny_test, **settings)
    # an interrupted extension leaves blank runs: read_truth sees the rows, runs do not line up
    lines = grown.read_text().splitlines()
    lines[2] = ",".join([*lines[2].split(",")[:-1], ""])
    grown.write_text("\n".join(lines) + "\n")
    assert len(read_truth(grown, NB201Space())[0]) == 2
    with pytest.raises(ValueError, match=r"different numbers of runs \[1, 2\]"):
        read_truth_runs(grown, NB201Space())
    make_ground_truth("nb201", grown, tiny_train, tiny_test, repeats=2, **settings)  # resumes
    assert grown.read_text() == fresh.read_text()


def test_workers_train_runs_in_processes(tmp_path, tiny_train, tiny_test):
    settings = dict(n_archs=2, epochs=1, width=4, depth=1, repeats=2)
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    rows = make_ground_truth("nb201", one, tiny_train, tiny_test, **settings)
    seen = []
    parallel = make_ground_truth(
        "nb201", two, tiny_train, tiny_test, workers=2, on_result=seen.append, **settings
    )
    # the same table up to summation order (a worker has its own CPU threads)
    assert [(r.arch, r.params) for r in parallel] == [(r.arch, r.params) for r in rows]
    assert sorted(r.arch for r in seen) == sorted(r.arch for r in rows)
    assert read_truth_runs(two, NB201Space())[1].shape == (2, 2)
    with pytest.raises(ValueError, match="workers must be an int >= 1"):
        make_ground_truth("nb201", two, tiny_train, tiny_test, workers=0, **settings)


def test_given_architectures_are_trained_as_listed(tmp_path, tiny_train, tiny_test):
    space = NB201Space()
    listed = tmp_path / "top.csv"
    texts = space.to_strings([[3] * 6, [2] * 6, [3] * 6])
    listed.write_text("arch,estimate\n" + "".join(f'"{t}",1.0\n' for t in texts))
    archs = read_archs(listed, space)
    assert space.to_strings(archs) == texts
    out = tmp_path / "truth.csv"
    rows = make_ground_truth("nb201", out, tiny_train, tiny_test, archs=archs, epochs=1, width=4)
    assert [r.arch for r in rows] == texts[:2]  # distinct, in the listed order
    assert space.to_strings(read_truth(out, space)[0]) == texts[:2]
    with pytest.raises(ValueError, match="exactly one of n_archs"):
        make_ground_truth("nb201", out, tiny_train, tiny_test, n_archs=2, archs=archs, epochs=1)
    with pytest.raises(ValueError, match="exactly one of n_archs"):
        make_ground_truth("nb201", out, tiny_train, tiny_test, epochs=1)
    listed.write_text("arch\n|nope|\n")
    with pytest.raises(ValueError, match=r"top\.csv, line 2, column 'arch'"):
        read_archs(listed, space)
    listed.write_text("estimate\n1\n")
    with pytest.raises(ValueError, match="no column 'arch'"):
        read_archs(listed, space)


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
        (
            "arch,accuracy,params,run0\n" + NB201Space().to_string([1] * 6) + ",1,2,x\n",
            "line 2, column 'run0'",
        ),
        (
            "arch,accuracy,params\n" + NB201Space().to_string([1] * 6) + ",1,2.5\n",
            "line 2, column 'params'",
        ),
    ],
)
def test_bad_truth_tables_name_the_fault(tmp_path, text, match):
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(ValueError, match=match):
        read_truth(path, NB201Space())


def test_truth_params_are_minus_one_where_the_table_has_none(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("arch,accuracy\n" + NB201Space().to_string([1] * 6) + ",1\n")
    assert read_truth_params(path, NB201Space()).tolist() == [-1]


def test_evaluate_help_states_the_recalibration_batch_size():
    # the CLI imports no torch, so its help writes the size out; this keeps the two equal
    evaluate = typer.main.get_command(app).commands["supernet"].commands["evaluate"]
    (option,) = [p for p in evaluate.params if p.name == "calib_batches"]
    assert option.help.startswith(f"Batches of {CALIB_BATCH_SIZE} ")


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
    saved = ckpt.read_bytes()
    result = runner.invoke(  # resuming into another supernet: named, the checkpoint kept
        app,
        ["supernet", "train", "--checkpoint", str(ckpt), "--subset", "128", "--epochs", "1",
         "--width", "8", "--depth", "1", "--resume"],
    )  # fmt: skip
    assert result.exit_code != 0 and "cannot resume with different settings" in result.output
    assert "supernet: saved" in result.output and ckpt.read_bytes() == saved
    result = runner.invoke(
        app,
        ["supernet", "evaluate", str(ckpt), "--truth", str(truth), "--calib-subset", "128",
         "--calib-batches", "1", "--json", *common],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert '"n": 3' in result.output
    # --on-train: each path's accuracy on the recalibration images themselves, which are all
    # it reads (here from a folder without the test images)
    train_only = tmp_path / "train_only"
    train_only.mkdir()
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        (train_only / name).symlink_to(fashion_dir / name)
    fit = tmp_path / "fit.csv"
    result = runner.invoke(
        app,
        ["supernet", "evaluate", str(ckpt), "--truth", str(truth), "--calib-subset", "128",
         "--calib-batches", "1", "--on-train", "--out", str(fit), "--data-root",
         str(train_only), *common],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    net = load_supernet(ckpt)[0]
    calib = load_dataset("fashion-mnist", fashion_dir, train=True, subset=128, seed=0)
    archs = read_truth(truth, net.space)[0]
    expected = evaluate_archs(net, archs, calib, calib, calib_batches=1)
    written = [float(line.rsplit(",", 1)[1]) for line in fit.read_text().splitlines()[1:]]
    assert written == pytest.approx(expected, abs=1e-4)
    assert f"estimates {expected.mean():.2f} ± {expected.std():.2f} (training images)" in (
        result.output
    )
    top, top_truth = tmp_path / "top.csv", tmp_path / "top_truth.csv"
    result = runner.invoke(
        app,
        ["supernet", "search", str(ckpt), "--population", "4", "--generations", "1",
         "--parents", "2", "--top", "2", "--calib-subset", "128", "--out", str(top), *common],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        app,
        ["supernet", "groundtruth", "--archs", str(top), "--out", str(top_truth), "--subset",
         "128", "--epochs", "1", "--width", "4", "--depth", "1", *common],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    space = NB201Space()  # the search's top-k, trained standalone
    assert space.to_strings(read_truth(top_truth, space)[0]) == space.to_strings(
        read_archs(top, space)
    )
    # --augment: the same architectures trained on randomly cropped and flipped batches
    augmented_truth = tmp_path / "top_truth_augmented.csv"
    result = runner.invoke(
        app,
        ["supernet", "groundtruth", "--archs", str(top), "--out", str(augmented_truth),
         "--subset", "128", "--epochs", "1", "--width", "4", "--depth", "1", "--augment",
         *common],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    plain, augmented = read_truth(top_truth, space), read_truth(augmented_truth, space)
    assert (plain[0] == augmented[0]).all() and (plain[1] != augmented[1]).any()
    both = runner.invoke(
        app, ["supernet", "groundtruth", "--archs", str(top), "--n-archs", "2", "--out",
              str(tmp_path / "never.csv")],
    )  # fmt: skip
    assert both.exit_code == 2 and "drop --n-archs" in both.output
    assert not (tmp_path / "never.csv").exists()
    result = runner.invoke(
        app,
        ["supernet", "split", str(ckpt), "--out", str(tmp_path / "split"), "--truth", str(truth),
         "--subset", "128", "--lid-batch", "32", "--n-paths", "1", "--k", "5", "--epochs", "4",
         "--levels", "2", "--position", "3", *common],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "split").iterdir()) == [
        "split.json", "sub0.pt", "sub1.pt", "sub2.pt", "sub3.pt"
    ]  # fmt: skip
    summary = json.loads((tmp_path / "split" / "split.json").read_text())
    assert summary["position"] == 3 and len(summary["regions"]) == 4
    assert summary["ranking"]["n"] == 3
    # the 3 pairs, split by whether one sub-supernet (region) ranks both architectures
    region = route_regions(read_truth(truth, space)[0], summary["regions"])
    n_within = sum(region[i] == region[j] for i in range(3) for j in range(i + 1, 3))
    by_subspace = summary["ranking_by_subspace"]
    assert (by_subspace["n_within"], by_subspace["n_across"]) == (n_within, 3 - n_within)
    odd = runner.invoke(
        app, ["supernet", "split", str(ckpt), "--out", str(tmp_path / "x"), "--epochs", "2",
              "--levels", "2"],
    )  # fmt: skip
    assert odd.exit_code == 2 and "multiple of the 4" in odd.output
    wrong = runner.invoke(
        app, ["supernet", "split", str(ckpt), "--out", str(tmp_path / "x"), "--criterion", "grad"]
    )
    assert wrong.exit_code == 2 and "--criterion must be one of" in wrong.output
    assert "got 'grad'" in wrong.output
    assert not (tmp_path / "x").exists()
    control = runner.invoke(
        app,
        ["supernet", "split", str(ckpt), "--out", str(tmp_path / "random"), "--truth", str(truth),
         "--subset", "128", "--epochs", "2", "--criterion", "random", "--seed", "1", "--align",
         *common],
    )  # fmt: skip
    assert control.exit_code == 0, control.output
    drawn = json.loads((tmp_path / "random" / "split.json").read_text())
    assert drawn["aligned"] is True and summary["aligned"] is False
    unranked = runner.invoke(
        app, ["supernet", "split", str(ckpt), "--out", str(tmp_path / "x"), "--align"]
    )
    assert unranked.exit_code == 2 and "give --truth too" in unranked.output
    assert drawn["similarity"] is None and drawn["scores"] == {}
    assert drawn["criterion"] == "random" and summary["criterion"] == "lid"
    published = runner.invoke(
        app,
        ["supernet", "split", str(ckpt), "--out", str(tmp_path / "spectral"), "--subset", "128",
         "--lid-batch", "32", "--lid-batches", "2", "--n-paths", "1", "--k", "5", "--epochs",
         "2", "--criterion", "lid-spectral", *common],
    )  # fmt: skip
    assert published.exit_code == 0, published.output
    thin = runner.invoke(
        app,
        ["supernet", "split", str(ckpt), "--out", str(tmp_path / "x"), "--subset", "128",
         "--lid-batch", "32", "--lid-batches", "8", "--k", "5", *common],
    )  # fmt: skip
    assert thin.exit_code == 2 and "8 batches of the 32 images hold 4 each" in thin.output
    assert not (tmp_path / "x").exists()
    clustered = json.loads((tmp_path / "spectral" / "split.json").read_text())
    assert clustered["criterion"] == "lid-spectral" and len(clustered["regions"]) == 2
    # an augmented (sandwich-trained) supernet's sub-supernets are trained with augmentation
    # (the sandwich) too: the same weights marked as trained without split alike but train
    # otherwise
    crops = tmp_path / "crops.pt"
    result = runner.invoke(
        app,
        ["supernet", "train", "--checkpoint", str(crops), "--subset", "128", "--epochs", "1",
         "--width", "4", "--depth", "1", "--augment", "--sandwich"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    marked = load_checkpoint(crops)
    assert marked["train"]["augment"] is True and marked["train"]["sandwich"] is True
    for name, setting in (("plain", "augment"), ("unsandwiched", "sandwich")):
        save_checkpoint(
            tmp_path / f"{name}.pt", {**marked, "train": {**marked["train"], setting: False}}
        )
    subs = {}
    for name in ("crops", "plain", "unsandwiched"):
        result = runner.invoke(
            app,
            ["supernet", "split", str(tmp_path / f"{name}.pt"), "--out", str(tmp_path / name),
             "--subset", "128", "--lid-batch", "32", "--n-paths", "1", "--k", "5", "--epochs",
             "2", "--position", "3", *common],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        subs[name] = load_checkpoint(tmp_path / name / "sub0.pt")
    assert subs["crops"]["train"]["augment"] and not subs["plain"]["train"]["augment"]
    assert not subs["unsandwiched"]["train"]["sandwich"]
    for other in ("plain", "unsandwiched"):
        assert subs["crops"]["members"] == subs[other]["members"]
        assert any(
            not torch.equal(subs["crops"]["model"][k], subs[other]["model"][k])
            for k in subs[other]["model"]
        )
    assert str(clustered["position"]) in clustered["scores"]
    assert len(drawn["regions"]) == 2 and drawn["ranking"]["n"] == 3
    bad = runner.invoke(app, ["supernet", "evaluate", str(truth), "--truth", str(truth)])
    assert bad.exit_code == 2 and "not a" in bad.output
