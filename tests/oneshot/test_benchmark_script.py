"""`benchmarks/oneshot.py` end to end in a tiny configuration: truth tables with repeated
runs (extended later), both supernets, NAS-LID at one and two levels (and either target
alone), the random-split control, the published split rule and a later split, NAS-LID
aligned to its warm-up, and the Markdown table (with each split's ranking within and across
its sub-spaces)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from lissnas.oneshot import (
    align_group_means,
    kendall_tau_by_group,
    load_checkpoint,
    ranking_correlation,
    read_truth_runs,
    route_regions,
)
from lissnas.spaces import NB201_OPS, NB201Space

ROOT = Path(__file__).resolve().parents[2]


def test_oneshot_benchmark_runs_every_comparison(tmp_path, fashion_dir, script):
    out = tmp_path / "oneshot.md"
    base = [
        sys.executable, str(ROOT / "benchmarks" / "oneshot.py"), "--preset", "cpu",
        "--members", str(ROOT / "results" / "oneshot_work" / "members.json"),
        "--work", str(tmp_path / "work"), "--out", str(out), "--data-root", str(fashion_dir),
        "--truth-archs", "4", "--truth-epochs", "1", "--subset", "128", "--val-subset", "128",
        "--epochs", "8", "--warmup-epochs", "2", "--seeds", "1", "--calib-batches", "3",
    ]  # fmt: skip
    done = run([*base, "--truth-repeats", "2"])
    assert done.returncode == 0, done.stderr[-3000:]

    header = (tmp_path / "work" / "truth_shrunk_cpu.csv").read_text().splitlines()[0]
    assert header == "arch,accuracy,params,run0,run1"
    row = json.loads((tmp_path / "work" / "rows_cpu_seed0.json").read_text())
    for key in ("full_on_shrunk", "shrunk_on_shrunk", "oneshot_on_full"):
        assert row[key]["n"] == 4
    # NAS-LID: 2 sub-supernets, then 4 whose sub-spaces refine the first split
    one, two = row["naslid1_regions"], row["naslid2_regions"]
    assert len(one) == 2 and len(two) == 4
    (first,) = one[0].keys()
    assert [r[first] for r in two] == [one[0][first]] * 2 + [one[1][first]] * 2
    assert all(len(r) == 2 for r in two)
    text = out.read_text()
    for label in ("ranking the shrunk space's members", "same members", "one-shot",
                  "2 sub-supernets (1 level)", "4 sub-supernets (2 levels)",
                  "agrees with itself", "parameter count alone"):  # fmt: skip
        assert label in text
    assert "--truth-repeats 2" in text  # the exact command is recorded
    # ... and the one that wrote the report
    assert f". This report: `python {ROOT / 'benchmarks' / 'oneshot.py'} --preset cpu " in text
    assert "then 1 epoch for each of 4 sub-supernets" in text
    assert "BN recalibrated per architecture on 128 training images" in text  # 3 x 128 > 128
    # each split paired by seed with one-shot: with one seed a difference, and no test can tell
    diff = row["naslid1_on_full"]["kendall_tau"] - row["oneshot_on_full"]["kendall_tau"]
    p = "1.000 (1.000)" if diff else "n/a (equal in every seed)"
    assert (
        f"| NAS-LID, 1 level | one-shot | {diff:+.3f} | {int(diff > 0)} / {int(diff < 0)} | {p} |"
        in text
    )
    assert "| shrunk-space supernet | full-space supernet | " in text
    assert row["truth_repeats"] == 2 and len(row["estimates"]["oneshot_on_full"]) == 4
    # NAS-LID's warm-up is kept: 2 epochs of one batch (128 images, batches of 128)
    checkpoint = tmp_path / "work" / "warmup_cpu_seed0_e2.pt"
    assert load_checkpoint(checkpoint)["state"]["step"] == 2

    # target 2 alone: the one-shot supernet continues NAS-LID's warm-up, which is the start
    # of the one-shot schedule, so both rank exactly as in the full run
    alone_out = tmp_path / "naslid_only.md"
    only = [*base, "--truth-repeats", "2", "--tag", "only", "--naslid-only"]
    only += ["--out", str(alone_out)]
    alone = run(only)
    assert alone.returncode == 0, alone.stderr[-3000:]
    alone_row = json.loads((tmp_path / "work" / "rows_only_seed0.json").read_text())
    assert alone_row["estimates"] == {
        k: row["estimates"][k] for k in ("oneshot_on_full", "naslid1_on_full")
    }
    assert alone_row["naslid1_regions"] == row["naslid1_regions"]
    assert load_checkpoint(tmp_path / "work" / "warmup_only_seed0_e8.pt")["state"]["step"] == 8
    text = alone_out.read_text()
    assert "1 level: 3 epochs for each of 2 sub-supernets; 1 seed." in text
    assert "same members" not in text and "2 levels" not in text
    assert "Spearman: one-shot " in text
    # target 1 alone: the same full- and shrunk-space supernets as the full run, no NAS-LID
    target1_out = tmp_path / "target1.md"
    target1 = [*base, "--truth-repeats", "2", "--tag", "t1", "--out", str(target1_out)]
    done = run([*target1, "--no-naslid"])
    assert done.returncode == 0, done.stderr[-3000:]
    target1_row = json.loads((tmp_path / "work" / "rows_t1_seed0.json").read_text())
    assert target1_row["estimates"] == {
        k: row["estimates"][k] for k in ("full_on_shrunk", "shrunk_on_shrunk", "oneshot_on_full")
    }
    assert not list((tmp_path / "work").glob("warmup_t1_*"))
    t1_text = target1_out.read_text()
    assert "training images (no NAS-LID: `--no-naslid`); 1 seed." in t1_text
    assert "| shrunk-space supernet | full-space supernet | " in t1_text
    assert "NAS-LID," not in t1_text and "Sub-spaces per seed" not in t1_text
    assert " on members; one-shot " in t1_text and " / NAS-LID" not in t1_text
    # a second seed: what the seeds agree on, against each other, the truth and the operators
    assert run([*target1, "--no-naslid", "--first-seed", "1"]).returncode == 0
    second = json.loads((tmp_path / "work" / "rows_t1_seed1.json").read_text())
    t1_text = target1_out.read_text()
    members = read_truth_runs(tmp_path / "work" / "truth_shrunk_cpu.csv", NB201Space())
    seeds = {
        k: np.array([target1_row["estimates"][k], second["estimates"][k]])
        for k in ("full_on_shrunk", "shrunk_on_shrunk")
    }
    taus = [ranking_correlation(*e)["kendall_tau"] for e in seeds.values()]
    mean = seeds["shrunk_on_shrunk"].mean(axis=0)
    against = ranking_correlation(mean, members[1].mean(axis=1))["kendall_tau"]
    assert "mean over the 1 pairs of seeds" in t1_text
    assert (
        f"| supernet on the LISSNAS-shrunk space, same members | {script.tau_text(taus[1])} | "
        f"{script.tau_text(against)} | "
    ) in t1_text
    assert "paired over 1 disjoint pairs of seeds (seeds 0-1)" in t1_text
    assert f"| shrunk-space supernet | full-space supernet | {taus[1] - taus[0]:+.3f} |" in (
        t1_text
    )
    convs = (members[0] == NB201_OPS.index("nor_conv_3x3")).sum(axis=1)
    follows = ranking_correlation(convs, members[1].mean(axis=1))["kendall_tau"]
    truth_row = t1_text.split("| standalone truth | members | ")[1].split(" |\n")[0]
    assert truth_row.split(" | ")[NB201_OPS.index("nor_conv_3x3")] == script.tau_text(follows)
    refused = run([*target1, "--phase", "align"])
    assert refused.returncode != 0
    assert "rows_t1_seed0.json was measured without NAS-LID" in refused.stderr
    # the same with augmented supernets: other weights, and the row and report say so
    augmented_out = tmp_path / "augmented.md"
    augmented = [*only[: only.index("only")], "aug", "--naslid-only", "--augment"]
    assert run([*augmented, "--out", str(augmented_out)]).returncode == 0
    augmented_row = json.loads((tmp_path / "work" / "rows_aug_seed0.json").read_text())
    assert " --naslid-only --augment " in augmented_row["command"]
    assert (
        augmented_row["estimates"]["oneshot_on_full"] != alone_row["estimates"]["oneshot_on_full"]
    )
    assert load_checkpoint(tmp_path / "work" / "warmup_aug_seed0_e8.pt")["train"]["augment"]
    assert "cosine, each batch cropped (4-pixel reflection padding) and flipped at random; BN" in (
        augmented_out.read_text()
    )
    assert "flipped at random" not in text
    # --paired-with: the augmented rankings paired by seed with the plain ones
    report = [*augmented[: augmented.index("--naslid-only")], "--augment", "--phase", "report"]
    paired = run([*report, "--out", str(augmented_out), "--paired-with", "only"])
    assert paired.returncode == 0, paired.stderr[-3000:]
    assert augmented_out.read_text().count("Against `") == 1
    plain, crops = (r["oneshot_on_full"]["kendall_tau"] for r in (alone_row, augmented_row))
    assert (
        f"| one supernet (one-shot), uniform full-space architectures | {plain:.3f} | "
        f"{crops - plain:+.3f} | {int(crops > plain)} / {int(crops < plain)} |"
    ) in augmented_out.read_text()
    assert "Against `only` (`python " in augmented_out.read_text()
    assert "its supernets trained as this tag's but without --augment, the same seeds 0," in (
        augmented_out.read_text()
    )
    # the sandwich rule: every supernet also trains the largest path, and the report says so
    sandwich_out = tmp_path / "sandwich.md"
    sandwich = [*only[: only.index("only")], "sw", "--naslid-only", "--sandwich"]
    done = run([*sandwich, "--out", str(sandwich_out)])
    assert done.returncode == 0, done.stderr[-3000:]
    sandwich_row = json.loads((tmp_path / "work" / "rows_sw_seed0.json").read_text())
    for key in ("oneshot_on_full", "naslid1_on_full"):
        assert sandwich_row["estimates"][key] != alone_row["estimates"][key]
    assert load_checkpoint(tmp_path / "work" / "warmup_sw_seed0_e8.pt")["train"]["sandwich"]
    assert "cosine, each batch also training the space's largest path (the sandwich rule" in (
        sandwich_out.read_text()
    )
    # NAS-LID alone: the sub-supernets' largest paths, and no shrunk-space supernet
    assert "full space, on each NAS-LID sub-space its member with the most parameters)" in (
        sandwich_out.read_text()
    )
    assert "on the shrunk one" not in sandwich_out.read_text()
    assert "sandwich rule" not in text
    # paired with a tag of the same supernet settings (the full run's), the report says so
    same_out = tmp_path / "same.md"
    same = run([*only[: only.index("--naslid-only")], "--phase", "report", "--out",
                str(same_out), "--paired-with", "cpu"])  # fmt: skip
    assert same.returncode == 0, same.stderr[-3000:]
    assert "its supernets trained with this tag's settings, the same seeds 0," in (
        same_out.read_text()
    )
    # --paired-with repeated: a table for each tag, in the order given
    both = run([*report, "--out", str(same_out), "--paired-with", "cpu", "--paired-with", "only"])
    assert both.returncode == 0, both.stderr[-3000:]
    tables = same_out.read_text().split("Against `")[1:]
    assert [t.split("`")[0] for t in tables] == ["cpu", "only"]
    assert all("but without --augment, the same seeds 0," in t for t in tables)
    assert f"| {plain:.3f} | {crops - plain:+.3f} |" in tables[1]
    # a tag whose rows were trained otherwise than its first row is not paired with
    mixed = json.loads((tmp_path / "work" / "rows_only_seed0.json").read_text())
    (tmp_path / "work" / "rows_mixed_seed0.json").write_text(json.dumps(mixed))
    mixed["command"] = mixed["command"].replace("--epochs 8", "--epochs 6")
    (tmp_path / "work" / "rows_mixed_seed1.json").write_text(json.dumps({**mixed, "seed": 1}))
    for extra, message in (
        (["--paired-with", "aug"], "--paired-with names this run's own tag 'aug'"),
        (["--paired-with", "nothing"], "--paired-with nothing: no rows_nothing_seed*.json"),
        (
            ["--paired-with", "mixed"],
            "rows_mixed_seed1.json: its supernets were trained with "
            "--epochs 6, rows_mixed_seed0.json has 8",
        ),
    ):
        refused = run([*report, "--out", str(tmp_path / "never.md"), *extra])
        assert refused.returncode != 0 and message in refused.stderr
    assert not (tmp_path / "never.md").exists()
    elsewhere = run([*augmented, "--paired-with", "only"])
    assert elsewhere.returncode == 2
    assert "--paired-with is read by --phase report only, not --phase all" in elsewhere.stderr
    elsewhere = run([*only, "--phase", "report"])
    assert elsewhere.returncode == 2
    assert "--naslid-only is read by --phase supernets (or all) only" in elsewhere.stderr
    # a row records the machine its supernets were trained on (a report written on another
    # machine names that one, not its own: the align phase below rewrites this report)
    assert alone_row["machine"].startswith("cpu (") and f" on {alone_row['machine']}. " in text
    alone_row["machine"] = "cuda (NVIDIA H200), gpu-host"
    (tmp_path / "work" / "rows_only_seed0.json").write_text(json.dumps(alone_row))

    # the random-split control joins the measured row: same warm-up (checked), random split
    row_path = tmp_path / "work" / "rows_cpu_seed0.json"
    control = [*base, "--truth-repeats", "2", "--phase", "random-split"]
    first = run(control)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "NAS-LID's warm-up read from warmup_cpu_seed0_e2.pt" in first.stdout
    measured = json.loads(row_path.read_text())
    # without the checkpoint the warm-up is retrained (here: the same machine and threads,
    # so the same weights and the same control) and kept again
    saved = load_checkpoint(checkpoint)["model"]
    checkpoint.unlink()
    row_path.write_text(json.dumps(row))
    retrained = run(control)
    assert "NAS-LID's warm-up retrained (no checkpoint)" in retrained.stdout
    redone = json.loads(row_path.read_text())
    assert redone["estimates"] == measured["estimates"]
    assert redone["random1_regions"] == measured["random1_regions"]
    kept = load_checkpoint(checkpoint)["model"]
    assert kept.keys() == saved.keys() and all(torch.equal(kept[k], saved[k]) for k in saved)
    row_path.write_text(json.dumps(measured))
    assert measured["random1_on_full"]["n"] == 4 and len(measured["random1_regions"]) == 2
    assert {k: v for k, v in measured["estimates"].items() if k != "random1_on_full"} == (
        row["estimates"]
    )
    assert measured["random1_command"].endswith("--phase random-split")
    text = out.read_text()
    assert "control: NAS-LID's 1 level with a random split instead of LID's" in text
    assert "checked to split as before" in text and "- seed 0, random split: {" in text
    again = run(control)
    assert "measured already" in again.stdout and json.loads(row_path.read_text()) == measured
    missing = run([*control, "--first-seed", "1"])
    assert missing.returncode != 0 and "rows_cpu_seed1.json does not exist" in missing.stderr
    # a row whose LID split the warm-up does not repeat gets no control: read or retrained
    other = {**row, "naslid1_regions": row["naslid1_regions"][::-1]}
    row_path.write_text(json.dumps(other))
    differs = run(control)
    assert differs.returncode != 0 and "the read warm-up into" in differs.stderr
    assert "warmup_cpu_seed0_e2.pt is not the warm-up the row was measured from" in differs.stderr
    checkpoint.rename(checkpoint.with_suffix(".kept"))
    differs = run(control)
    assert differs.returncode != 0 and "the warm-up did not reproduce" in differs.stderr
    assert "its checkpoint is not kept" in differs.stderr and not checkpoint.exists()
    assert json.loads(row_path.read_text()) == other
    # a checkpoint that is not one stops the phase, naming it
    checkpoint.write_bytes(b"not a checkpoint")
    broken = run(control)
    assert broken.returncode != 0 and "not a readable checkpoint" in broken.stderr
    assert "warmup_cpu_seed0_e2.pt" in broken.stderr and "delete it to train" in broken.stderr
    checkpoint.with_suffix(".kept").replace(checkpoint)
    row_path.write_text(json.dumps(measured))
    # the published code's rule joins it the same way, beside the random split
    published = run([*base, "--truth-repeats", "2", "--phase", "spectral-split"])
    assert published.returncode == 0, published.stderr[-3000:]
    row = json.loads(row_path.read_text())
    assert row["spectral1_on_full"]["n"] == 4 and len(row["spectral1_regions"]) == 2
    kept = {k: v for k, v in row.items() if not k.startswith("spectral1")}
    assert kept == {**measured, "estimates": row["estimates"]}
    estimates = {k: v for k, v in row["estimates"].items() if k != "spectral1_on_full"}
    assert estimates == measured["estimates"]
    text = out.read_text()
    assert "NAS-LID's 1 level split by its published code's rule (spectral)" in text
    assert "- seed 0, published-rule split: {" in text and "- seed 0, random split: {" in text
    assert "the random-split control of all seeds" in text
    assert "published-rule split of all seeds" in text and "spectral clustering" in text
    # and with the code's LID sampling too: 64-image batches, as many as the 128 images hold
    sampled = run([*base, "--truth-repeats", "2", "--phase", "published-split"])
    assert sampled.returncode == 0, sampled.stderr[-3000:]
    before, row = row, json.loads(row_path.read_text())
    assert row["published1_on_full"]["n"] == 4 and len(row["published1_regions"]) == 2
    assert {k: v for k, v in row["estimates"].items() if k != "published1_on_full"} == (
        before["estimates"]
    )
    text = out.read_text()
    assert "split by its published code's rule and LID sampling |" in text
    assert "LID profile on 2 batches of 64 training images, a fresh random path" in text
    assert "- seed 0, published split: {" in text and "published split of all seeds" in text
    row = before
    row_path.write_text(json.dumps(row))
    # NAS-LID split later (default: half of the 8 epochs), the rest of 1 level after it
    late = [*base, "--truth-repeats", "2", "--phase", "late-split"]
    later = run(late)
    assert later.returncode == 0, later.stderr[-3000:]
    before, row = row, json.loads(row_path.read_text())
    assert row["late1_split_at"] == 4 and row["late1_on_full"]["n"] == 4
    # its 4 epochs continue the 2 kept, and are kept too
    assert load_checkpoint(tmp_path / "work" / "warmup_cpu_seed0_e4.pt")["state"]["step"] == 4
    assert len(row["late1_regions"]) == 2 and row["late1_command"].endswith("late-split")
    assert {k: v for k, v in row["estimates"].items() if k != "late1_on_full"} == (
        before["estimates"]
    )
    text = out.read_text()
    assert "| NAS-LID's 1 level split later in the schedule (`--phase late-split`) | " in text
    assert (
        "Split later (`--phase late-split`): the one-shot schedule cut after 4 epochs instead "
        "of 2 and split there by LID as NAS-LID's, then 2 epochs for each of its 2 "
        "sub-supernets." in text
    )
    assert "- seed 0, later split: {" in text and "the later split of all seeds" in text
    elsewhere = run([*late, "--split-at", "6"])
    assert elsewhere.returncode != 0
    assert "holds the later split at --split-at 4, this run asks for 6" in elsewhere.stderr
    for bad in ("2", "8"):
        wrong = run([*late, "--split-at", bad])
        assert wrong.returncode == 2 and f"--split-at {bad} must lie after" in wrong.stderr
    assert json.loads(row_path.read_text()) == row
    # each split ranks the pairs within its sub-spaces and across them, beside one-shot
    truth = read_truth_runs(tmp_path / "work" / "truth_full_cpu.csv", NB201Space())
    for key, name in (
        ("naslid1", "NAS-LID, 1 level"),
        ("random1", "random split"),
        ("late1", "later split"),
    ):
        groups = route_regions(truth[0], row[f"{key}_regions"])
        split, oneshot = (
            kendall_tau_by_group(row["estimates"][k], truth[1].mean(axis=1), groups)
            for k in (f"{key}_on_full", "oneshot_on_full")
        )
        cells = [
            "n/a"
            if np.isnan([split[p], oneshot[p]]).any()
            else f"{split[p]:.3f} / {oneshot[p]:.3f}"
            for p in ("within", "across")
        ]
        assert f"| {name} | {cells[0]} | {split['n_within']} | {cells[1]} | " in text

    # NAS-LID's estimates aligned to its warm-up's (read, checked), per sub-space
    aligned = run([*base, "--truth-repeats", "2", "--phase", "align"])
    assert aligned.returncode == 0, aligned.stderr[-3000:]
    before, row = row, json.loads(row_path.read_text())
    assert {k: v for k, v in row["estimates"].items() if "al_" not in k and "warmup" not in k} == (
        before["estimates"]
    )
    warm = row["estimates"]["warmup_on_full"]
    expected = ranking_correlation(warm, truth[1].mean(axis=1))["kendall_tau"]
    assert row["warmup_on_full"]["kendall_tau"] == pytest.approx(expected, nan_ok=True)
    for levels in (1, 2):
        groups = route_regions(truth[0], row[f"naslid{levels}_regions"])
        expected = align_group_means(row["estimates"][f"naslid{levels}_on_full"], warm, groups)
        assert np.allclose(row["estimates"][f"naslid{levels}al_on_full"], expected, atol=1e-4)
    text = out.read_text()
    for label in ("NAS-LID's warm-up alone (the supernet it splits)", "2 levels, aligned likewise",
                  "Aligned (`--phase align`)", "the alignment of all seeds",
                  "| NAS-LID, 1 level, aligned | "):  # fmt: skip
        assert label in text
    # again: nothing to measure; without --out a measuring phase writes no report
    no_out = [*base[: base.index("--out")], *base[base.index("--out") + 2 :]]
    again = run([*no_out, "--truth-repeats", "2", "--phase", "align"], cwd=tmp_path)
    assert "warmup_on_full is measured already" in again.stdout
    assert (
        "not written (--phase align writes its report with --out only): --phase report writes "
        "results/oneshot.md" in again.stdout
    )
    assert not (tmp_path / "results").exists()
    # rows measured with --naslid-only hold 1 level: it alone is aligned
    only_align = [*base, "--truth-repeats", "2", "--tag", "only", "--out", str(alone_out)]
    only_aligned = run([*only_align, "--phase", "align"])
    assert only_aligned.returncode == 0, only_aligned.stderr[-3000:]
    only_row = json.loads((tmp_path / "work" / "rows_only_seed0.json").read_text())
    assert "naslid1al_on_full" in only_row and "naslid2al_on_full" not in only_row
    text = alone_out.read_text()
    assert "| NAS-LID, 1 level, aligned | one-shot | " in text
    assert " on cuda (NVIDIA H200), gpu-host. Truth tables " in text
    # a row from before rows recorded the machine: the report says so, naming no machine
    del only_row["machine"]
    (tmp_path / "work" / "rows_only_seed0.json").write_text(json.dumps(only_row))
    assert run([*only_align, "--phase", "report"]).returncode == 0
    assert " on a machine not recorded by seed 0. Truth tables " in alone_out.read_text()

    # more runs later: only run 2 is trained, the report still ranks against runs 0 and 1
    # and shows the same estimates against the mean of 1, 2 and 3 runs
    table = tmp_path / "work" / "truth_full_cpu.csv"
    before = read_truth_runs(table, NB201Space())
    assert run([*base, "--phase", "truth", "--truth-repeats", "3"]).returncode == 0
    after = read_truth_runs(table, NB201Space())
    assert (after[0] == before[0]).all() and (after[1][:, :2] == before[1]).all()
    assert after[1].shape == (4, 3)
    sidecar = json.loads(table.with_suffix(".json").read_text())
    assert set(sidecar["seconds"]) == set(sidecar["commands"]) == {"2", "3"}
    assert run([*base, "--phase", "report", "--truth-repeats", "2"]).returncode == 0
    assert "| comparison | r=1 | r=2 | r=3 |" in out.read_text()
    assert " --phase report --truth-repeats 2`." in out.read_text()  # this report's command

    # the same estimates ranked against all three runs: the taus are recomputed
    assert run([*base, "--phase", "report", "--truth-repeats", "3"]).returncode == 0
    expected = ranking_correlation(row["estimates"]["oneshot_on_full"], after[1].mean(axis=1))
    assert f"| {expected['kendall_tau']:.3f} |" in out.read_text()
    assert "trained standalone 3 times" in out.read_text()
    # the estimates' own mean and spread across the architectures, beside the truth's spread
    oneshot = np.asarray(row["estimates"]["oneshot_on_full"])
    spread = f"{oneshot.mean():.2f} | {oneshot.std():.2f} | {oneshot.std():.2f} |"
    assert f"| one supernet (one-shot), uniform full-space architectures | {spread}" in (
        out.read_text()
    )
    assert f"{np.std(after[1].mean(axis=1)):.2f} (uniform):" in out.read_text()

    # ... and against tables of other settings under their own --truth-tag (default name)
    longer = [*base[: base.index("--out")], *base[base.index("--out") + 2 :]]
    longer = [*longer, "--truth-tag", "long", "--truth-epochs", "2", "--truth-repeats", "1"]
    assert run([*longer, "--phase", "truth"]).returncode == 0
    assert run([*longer, "--phase", "report"], cwd=tmp_path).returncode == 0
    report = (tmp_path / "results" / "oneshot_truth-long.md").read_text()
    assert "trained standalone 1 time (" in report and "for 2 epochs each" in report
    assert "Seed 0 was measured beside the truth tables `cpu`" in report
    long_truth = read_truth_runs(tmp_path / "work" / "truth_full_long.csv", NB201Space())
    assert (long_truth[0] == after[0]).all()  # the same architectures, trained longer
    expected = ranking_correlation(row["estimates"]["oneshot_on_full"], long_truth[1][:, 0])
    assert f"| {expected['kendall_tau']:.3f} |" in report
    # two seeds against a truth of one run: the truth's own agreement reads n/a, not nan
    t1_long = tmp_path / "t1_long.md"
    assert run([*longer, "--tag", "t1", "--phase", "report", "--out", str(t1_long)]).returncode == 0
    assert "(the truth's runs agree at n/a on the members and n/a on the uniform " in (
        t1_long.read_text()
    )
    # a truth trained on cropped and flipped batches: recorded, described, and not taken for
    # one trained without (tables from before the option count as trained without)
    cropped = [*longer[: longer.index("long")], "cropped", *longer[longer.index("long") + 1 :]]
    assert run([*cropped, "--phase", "truth", "--truth-augment"]).returncode == 0
    sidecar = json.loads((tmp_path / "work" / "truth_full_cropped.json").read_text())
    assert sidecar["settings"]["truth_augment"] is True
    plain = run([*cropped, "--phase", "report"], cwd=tmp_path)
    assert plain.returncode != 0 and "'truth_augment': True" in plain.stderr
    assert run([*cropped, "--phase", "report", "--truth-augment"], cwd=tmp_path).returncode == 0
    described = (tmp_path / "results" / "oneshot_truth-cropped.md").read_text()
    assert "for 2 epochs each, each batch cropped and flipped at random," in described
    old = tmp_path / "work" / "truth_full_long.json"
    written = json.loads(old.read_text())
    del written["settings"]["truth_augment"]
    old.write_text(json.dumps(written))
    assert run([*longer, "--phase", "report"], cwd=tmp_path).returncode == 0

    # the rows' recorded command says how their supernets were trained: a report describing
    # them otherwise stops, as does a run that would add seeds trained otherwise
    shown = out.read_text()
    recalibrated = [*base[:-2], "--calib-batches", "4", "--truth-repeats", "3"]
    for phase, seed in (("report", "0"), ("supernets", "1")):
        wrong = run([*recalibrated, "--phase", phase, "--first-seed", seed])
        assert wrong.returncode != 0
        assert (
            "rows_cpu_seed0.json: its supernets were trained with --calib-batches 3, "
            "this run has 4" in wrong.stderr
        )
    assert out.read_text() == shown
    assert not (tmp_path / "work" / "rows_cpu_seed1.json").exists()

    # other architectures cannot be ranked with the estimates; nor can a row keeping none
    fewer = [*longer[: longer.index("long")], "fewer", "--truth-archs", "3", *longer[-4:]]
    assert run([*fewer, "--phase", "truth"]).returncode == 0
    other = run([*fewer, "--phase", "report"], cwd=tmp_path)
    assert other.returncode != 0 and "holds others" in other.stderr
    row_path.write_text(json.dumps({k: v for k, v in row.items() if k != "estimates"}))
    stale = run([*base, "--phase", "report", "--truth-repeats", "3"])
    assert stale.returncode != 0 and "keeps no estimates" in stale.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--phase", "report", "--split-at", "5"], 2,
         "--split-at is read by --phase late-split only, not --phase report"),
        (["--phase", "late-split", "--split-at", "5"], 1,
         "--epochs minus --split-at must be even and >= 2, got 3"),
        (["--phase", "all", "--warmup-epochs", "3"], 1,
         "--epochs minus --warmup-epochs must be even and >= 2, got 5"),
        (["--phase", "random-split", "--warmup-epochs", "3"], 1,
         "--epochs minus --warmup-epochs must be even and >= 2, got 5"),
        (["--phase", "align", "--no-naslid"], 2,
         "--no-naslid is read by --phase supernets (or all) only, not --phase align"),
        (["--no-naslid", "--naslid-only"], 2, "--no-naslid and --naslid-only exclude each other"),
    ],
)  # fmt: skip
def test_options_that_fit_no_schedule_stop_before_any_work(tmp_path, args, code, message):
    work = tmp_path / "work"
    command = [sys.executable, str(ROOT / "benchmarks" / "oneshot.py"), "--preset", "cpu",
               "--work", str(work), "--epochs", "8", "--warmup-epochs", "2", *args]  # fmt: skip
    done = run(command)
    assert done.returncode == code and message in done.stderr
    assert not work.exists()  # nothing trained, nothing written


@pytest.mark.parametrize(
    ("recorded", "given", "message"),
    [
        (["--epochs", "6"], [], "trained with --epochs 6, this run has 8"),
        (["--epochs", "8", "--warmup-epochs", "2"], ["--augment"],
         "trained without --augment, this run with"),
        (["--epochs", "8", "--warmup-epochs", "2", "--augment"], [],
         "trained with --augment, this run without"),
        (["--epochs", "8", "--warmup-epochs", "2", "--augment"], ["--augment", "--sandwich"],
         "trained without --sandwich, this run with"),
    ],
)  # fmt: skip
def test_rows_measured_otherwise_stop_a_run_before_its_truth_trains(
    tmp_path, recorded, given, message
):
    work = tmp_path / "work"
    work.mkdir()
    row = {"seed": 0, "command": " ".join(["python benchmarks/oneshot.py --preset cpu", *recorded])}
    (work / "rows_cpu_seed0.json").write_text(json.dumps(row))
    command = [sys.executable, str(ROOT / "benchmarks" / "oneshot.py"), "--preset", "cpu",
               "--work", str(work), "--members", str(tmp_path / "absent.json"),
               "--epochs", "8", "--warmup-epochs", "2", "--phase", "all", *given]  # fmt: skip
    done = run(command)
    assert done.returncode == 1
    assert message in done.stderr
    assert [p.name for p in work.iterdir()] == ["rows_cpu_seed0.json"]  # no shrink, no truth


@pytest.fixture
def script(load_script):
    """``benchmarks/oneshot.py`` loaded as a module."""
    return load_script("oneshot")


def test_rows_are_read_in_seed_order(tmp_path, script):
    parser = script.make_parser()
    flags = ["--epochs", "8", "--warmup-epochs", "2"]
    for seed in (2, 10, 1):
        row = {"seed": seed, "command": " ".join(["python benchmarks/oneshot.py", *flags])}
        (tmp_path / f"rows_cpu_seed{seed}.json").write_text(json.dumps(row))
    cfg = script.settings(parser.parse_args(flags))
    assert [r["seed"] for r in script.read_rows(tmp_path, "cpu", cfg, parser)] == [1, 2, 10]


def test_taus_where_no_pair_ranks_read_n_a(script):
    assert script.tau_text(0.12345) == "0.123"
    assert script.tau_text(float("nan")) == "n/a"


def test_p_values_below_a_thousandth_keep_two_digits(script):
    assert script.p_text(0.4375) == "0.438"
    assert script.p_text(0.001) == "0.001"
    assert script.p_text(2 / 2**28) == "7.5e-09"  # the smallest p of 28 seeds, not 0.000


def run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=cwd)


def test_differences_name_the_sandwich_rule(script):
    cfg = script.settings(script.make_parser().parse_args(["--sandwich"]))
    assert cfg["sandwich"] is True
    plain = {**cfg, "sandwich": False}
    changes = script.differences(plain, cfg)
    assert changes == [("--sandwich", False, True)]
    assert script.describe_differences(changes) == (
        "its supernets trained as this tag's but without --sandwich"
    )
