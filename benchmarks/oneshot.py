"""One-shot NAS on a LISSNAS-shrunk NB201 space, and NAS-LID splitting: ``results/oneshot.md``.

Usage (CPU, this machine, under an hour)::

    LISSNAS_DATA_DIR=../shared/data python benchmarks/oneshot.py --preset cpu

and on a GPU (``--preset gpu --device cuda --workers 8``). Fashion-MNIST (Debian's
``dataset-fashion-mnist``, or ``--data-root``) stands in for CIFAR-10, so the ground truth
is made here: architectures trained standalone (``lissnas.oneshot.make_ground_truth``).

1. The shrunk space: LISSNAS on ``nb201-cifar10`` (seed 0, 200 members), or ``--members``.
2. Ground truth: ``--truth-archs`` members of the shrunk space (table S) and as many
   uniform architectures of the full space (table F), each trained standalone.
3. Target 1, per seed: a supernet trained on the full space and one trained on the shrunk
   space (same epochs, data, batch size, schedule); Kendall tau of each over table S.
4. Target 2, per seed: NAS-LID: ``--warmup-epochs`` on the full space, split by the
   operators' LID, the rest of the epochs shared by the two sub-supernets; against the
   full-space supernet of step 3 (same total epochs); Kendall tau over table F.

``--phase truth`` only builds the tables and ``--phase supernets`` only uses them (both in
``--work``), so a long run can be cut in two.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

PRESETS = {
    # 2 CPU cores: small networks, small data
    "cpu": dict(subset=3000, val_subset=1000, width=8, depth=1, truth_archs=24,
                truth_epochs=3, epochs=6, warmup_epochs=2, seeds=2, batch_size=64),
    # one GPU: the benchmark's own cell width, more data and epochs
    "gpu": dict(subset=20000, val_subset=5000, width=16, depth=2, truth_archs=60,
                truth_epochs=8, epochs=20, warmup_epochs=6, seeds=3, batch_size=128),
}  # fmt: skip


def _train_one(job: tuple) -> tuple[str, float, int]:
    """Worker: train one architecture standalone (own process, own data copy)."""
    from lissnas.oneshot import load_fashion_mnist, train_standalone

    text, cfg, index = job
    from lissnas.spaces import NB201Space

    train = load_fashion_mnist(cfg["data_root"], subset=cfg["subset"], seed=0)
    test = load_fashion_mnist(cfg["data_root"], train=False, subset=cfg["val_subset"], seed=0)
    result = train_standalone(
        "nb201", NB201Space().from_string(text), train, test, epochs=cfg["truth_epochs"],
        width=cfg["width"], depth=cfg["depth"], batch_size=cfg["batch_size"],
        device=cfg["device"], seed=index,
    )  # fmt: skip
    return result.arch, result.accuracy, result.params


def ground_truth(path: Path, archs: list[str], cfg: dict) -> None:
    """Train ``archs`` standalone (``--workers`` processes) and write ``arch,accuracy,params``."""
    from lissnas.shrink._result import atomic_write_text

    if path.exists():
        print(f"reusing {path}")
        return
    jobs = [(a, cfg, i) for i, a in enumerate(archs)]
    start = time.perf_counter()
    if cfg["workers"] > 1:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(cfg["workers"], mp_context=ctx) as pool:
            rows = list(pool.map(_train_one, jobs))
    else:
        rows = [_train_one(job) for job in jobs]
    lines = ["arch,accuracy,params"] + [f"{a},{acc:.4f},{p}" for a, acc, p in rows]
    atomic_write_text(path, "\n".join(lines) + "\n")
    print(f"{path}: {len(rows)} architectures in {time.perf_counter() - start:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="cpu")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--workers", type=int, default=1, help="processes for ground truth")
    parser.add_argument("--data-root", default=None, help="Fashion-MNIST IDX folder")
    parser.add_argument("--members", default=None, help="shrink result JSON (default: run one)")
    parser.add_argument("--work", default="results/oneshot_work")
    parser.add_argument("--phase", choices=("all", "truth", "supernets"), default="all")
    parser.add_argument("--out", default="results/oneshot.md")
    parser.add_argument("--first-seed", type=int, default=0, help="seeds first..first+seeds-1")
    for key, value in PRESETS["cpu"].items():
        parser.add_argument(
            f"--{key.replace('_', '-')}", type=int, default=None, help=f"preset: {value}"
        )
    args = parser.parse_args()
    cfg = dict(PRESETS[args.preset])
    cfg.update({k: v for k, v in vars(args).items() if k in cfg and v is not None})
    cfg.update(device=args.device, workers=args.workers, data_root=args.data_root)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)

    from lissnas.oneshot import (
        ArchSampler,
        build_supernet,
        evaluate_archs,
        load_fashion_mnist,
        ranking_correlation,
        read_truth,
        split_supernet,
        train_supernet,
    )
    from lissnas.shrink import ShrinkResult
    from lissnas.shrink._result import atomic_write_text
    from lissnas.spaces import NB201Space

    space = NB201Space()
    members_path = Path(args.members) if args.members else work / "members.json"
    if not members_path.exists():
        from lissnas.benchmarks import load_benchmark
        from lissnas.shrink import LISSNAS

        source = load_benchmark("nb201-cifar10", os.environ.get("LISSNAS_DATA_DIR"))
        LISSNAS().shrink(source.space, source, seed=0).save(members_path)
    result = ShrinkResult.load(members_path)
    members = result.architectures(space)
    rng = np.random.default_rng(0)
    truth_s = work / f"truth_shrunk_{args.preset}.csv"
    truth_f = work / f"truth_full_{args.preset}.csv"
    if args.phase in ("all", "truth"):
        picked = members[rng.permutation(len(members))[: cfg["truth_archs"]]]
        ground_truth(truth_s, space.to_strings(picked), cfg)
        uniform = space.sample(cfg["truth_archs"], rng, distinct=True)
        ground_truth(truth_f, space.to_strings(uniform), cfg)
    if args.phase == "truth":
        return

    train = load_fashion_mnist(args.data_root, subset=cfg["subset"], seed=0)
    val = load_fashion_mnist(args.data_root, train=False, subset=cfg["val_subset"], seed=0)
    archs_s, acc_s = read_truth(truth_s, space)
    archs_f, acc_f = read_truth(truth_f, space)
    common = dict(batch_size=cfg["batch_size"], device=args.device, progress=False)
    net_args = dict(in_channels=1, width=cfg["width"], depth=cfg["depth"])
    rows = []
    for seed in range(args.first_seed, args.first_seed + cfg["seeds"]):
        started = time.perf_counter()
        full = build_supernet("nb201", seed=seed, **net_args)
        train_supernet(
            full, ArchSampler(space, seed=seed), train, epochs=cfg["epochs"], seed=seed, **common
        )
        shrunk = build_supernet("nb201", seed=seed, **net_args)
        train_supernet(
            shrunk,
            ArchSampler(space, members, seed=seed),
            train,
            epochs=cfg["epochs"],
            seed=seed,
            **common,
        )
        tau_full_s = ranking_correlation(
            evaluate_archs(full, archs_s, train, val, device=args.device), acc_s
        )
        tau_shrunk_s = ranking_correlation(
            evaluate_archs(shrunk, archs_s, train, val, device=args.device), acc_s
        )
        tau_full_f = ranking_correlation(
            evaluate_archs(full, archs_f, train, val, device=args.device), acc_f
        )

        warm = build_supernet("nb201", seed=seed, **net_args)
        sampler = ArchSampler(space, seed=seed)
        train_supernet(warm, sampler, train, epochs=cfg["warmup_epochs"], seed=seed, **common)
        parts = split_supernet(
            warm, sampler, train.x[:500], n_paths=2, device=args.device, seed=seed
        )
        remaining = cfg["epochs"] - cfg["warmup_epochs"]
        parts.train(train, epochs_each=max(1, remaining // 2), seed=seed, **common)
        tau_lid_f = ranking_correlation(
            parts.evaluate(archs_f, train, val, device=args.device), acc_f
        )
        rows.append({
            "seed": seed,
            "full_on_shrunk": tau_full_s, "shrunk_on_shrunk": tau_shrunk_s,
            "oneshot_on_full": tau_full_f, "naslid_on_full": tau_lid_f,
            "split_position": parts.position, "split_groups": [list(g) for g in parts.groups],
            "seconds": time.perf_counter() - started,
        })  # fmt: skip
        atomic_write_text(work / f"rows_{args.preset}_seed{seed}.json", json.dumps(rows[-1]))
        print(json.dumps(rows[-1]))
    # every seed measured so far with this preset (runs may be split over --first-seed)
    rows = [json.loads(p.read_text()) for p in sorted(work.glob(f"rows_{args.preset}_seed*.json"))]
    seconds = sum(r["seconds"] for r in rows)

    def stat(key: str, metric: str = "kendall_tau") -> str:
        values = np.array([r[key][metric] for r in rows])
        return f"{np.nanmean(values):.3f} ± {np.nanstd(values):.3f}"

    def col(key: str) -> str:
        return ", ".join(f"{r[key]['kendall_tau']:.3f}" for r in rows)

    device_name = args.device
    if args.device.startswith("cuda"):
        import torch

        device_name = f"{args.device} ({torch.cuda.get_device_name(0)})"
    command = f"python benchmarks/oneshot.py --preset {args.preset} --device {args.device}"
    if args.workers > 1:
        command += f" --workers {args.workers}"
    lines = [
        f"# One-shot NAS on a LISSNAS-shrunk NB201 space, and NAS-LID ({args.preset} preset)",
        "",
        f"Command: `LISSNAS_DATA_DIR=../shared/data {command}` on {device_name}, "
        f"{platform.node() or 'this machine'}; supernet phase {seconds / 60:.1f} min.",
        "",
        "Data: Fashion-MNIST from Debian's `dataset-fashion-mnist` "
        f"({cfg['subset']} training images, {cfg['val_subset']} test images). Shrunk space: "
        f"LISSNAS on `nb201-cifar10` (seed 0, {len(members)} members). Networks: NB201 cells, "
        f"C={cfg['width']}, N={cfg['depth']} cells per stage. Ground truth: "
        f"{len(acc_s)} shrunk-space members and {len(acc_f)} uniform full-space architectures "
        f"trained standalone for {cfg['truth_epochs']} epochs (`lissnas supernet groundtruth`'s "
        f"procedure); standalone accuracy range {acc_s.min():.1f}-{acc_s.max():.1f} (members), "
        f"{acc_f.min():.1f}-{acc_f.max():.1f} (uniform).",
        "",
        f"Supernets: {cfg['epochs']} epochs each, batch {cfg['batch_size']}, SGD 0.05 cosine; "
        f"BN recalibrated per architecture. NAS-LID: {cfg['warmup_epochs']} warm-up epochs on "
        f"the full space, split by LID (k=20, 500 images), then "
        f"{max(1, (cfg['epochs'] - cfg['warmup_epochs']) // 2)} epochs per sub-supernet, "
        f"{len(rows)} seeds.",
        "",
        "| comparison | Kendall tau (mean ± std over seeds) | per seed |",
        "|---|---|---|",
        f"| supernet on the full space, ranking the shrunk space's members | {stat('full_on_shrunk')} | {col('full_on_shrunk')} |",
        f"| supernet on the LISSNAS-shrunk space, same members | {stat('shrunk_on_shrunk')} | {col('shrunk_on_shrunk')} |",
        f"| one supernet (one-shot), uniform full-space architectures | {stat('oneshot_on_full')} | {col('oneshot_on_full')} |",
        f"| NAS-LID sub-supernets (few-shot), same architectures, same total epochs | {stat('naslid_on_full')} | {col('naslid_on_full')} |",
        "",
        "Spearman: full {} / shrunk {} on members; one-shot {} / NAS-LID {} on uniform.".format(
            stat("full_on_shrunk", "spearman"),
            stat("shrunk_on_shrunk", "spearman"),
            stat("oneshot_on_full", "spearman"),
            stat("naslid_on_full", "spearman"),
        ),
        "",
        "Split positions and groups per seed: "
        + "; ".join(
            f"seed {r['seed']}: edge {r['split_position']} {r['split_groups']}" for r in rows
        ),
        "",
    ]
    print("\n".join(lines))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, "\n".join(lines))


if __name__ == "__main__":
    main()
