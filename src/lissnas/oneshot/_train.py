"""Single-path supernet training: SGD with a cosine schedule, checkpoints, exact resume."""

from __future__ import annotations

import os
import pickle
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from lissnas.oneshot._data import ImageData, random_crop_flip
from lissnas.oneshot._sampler import ArchSampler
from lissnas.oneshot._supernet import Supernet, build_supernet

CHECKPOINT_FORMAT = "lissnas-supernet-checkpoint"

#: settings added after checkpoints were first written, at the value those were trained with
_SETTINGS_ADDED = {"augment": False, "sandwich": False}


@dataclass
class TrainState:
    """Where training stands: ``step`` of ``total_steps`` SGD steps, last epoch's mean loss."""

    step: int
    total_steps: int
    epoch: int
    loss: float
    seconds: float

    @property
    def finished(self) -> bool:
        return self.step >= self.total_steps


def save_checkpoint(path: str | os.PathLike[str], payload: dict[str, Any]) -> Path:
    """``torch.save`` to a temporary file, then rename: never a half-written checkpoint."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)
    return path


def load_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A checkpoint written by ``train_supernet``; ``ValueError`` if it is something else."""
    try:
        payload = torch.load(path, map_location="cpu", weights_only=False)
    except (OSError, RuntimeError, EOFError, pickle.UnpicklingError) as exc:
        raise ValueError(f"{path}: not a readable checkpoint ({exc})") from None
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path}: not a lissnas supernet checkpoint")
    return payload


def load_supernet(
    path: str | os.PathLike[str], *, seed: int = 0
) -> tuple[Supernet, ArchSampler, dict[str, Any]]:
    """The trained supernet of a ``train_supernet`` checkpoint, a fresh sampler over the space
    it was trained on (``seed`` its generator) and the checkpoint itself.

    ``ValueError`` if ``path`` is not such a checkpoint; the supernet is on the CPU.
    """
    saved = load_checkpoint(path)
    net = build_supernet(**saved["supernet"])
    net.load_state_dict(saved["model"])
    return net, ArchSampler(net.space, saved["members"], seed=seed), saved


def train_supernet(
    supernet: Supernet,
    sampler: ArchSampler,
    data: ImageData,
    *,
    epochs: int,
    batch_size: int = 64,
    lr: float = 0.05,
    momentum: float = 0.9,
    weight_decay: float = 5e-4,
    grad_clip: float = 5.0,
    augment: bool = False,
    sandwich: bool = False,
    device: str = "cpu",
    checkpoint: str | os.PathLike[str] | None = None,
    resume: bool = False,
    max_steps: int | None = None,
    seed: int = 0,
    progress: bool = True,
) -> TrainState:
    """Train ``supernet`` on ``data``, one architecture from ``sampler`` per mini-batch.

    SGD (Nesterov) with a per-step cosine schedule over ``epochs``; epoch ``e`` visits the
    data in the permutation of ``(seed, e)``; ``augment`` crops and flips each batch at
    random (``random_crop_flip``, drawn from ``(seed, step)``); ``sandwich`` also trains,
    on every batch, the sampler's path with the most parameters (``largest_path``, the
    sandwich rule's largest child), its loss added to the sampled path's (a second,
    larger pass per step; the sampled paths and the reported loss are unchanged). With
    ``checkpoint`` the model, optimiser, schedule, sampler generator and step are saved
    (atomically) after every epoch and when stopping; ``resume=True`` continues from that
    file (``ValueError`` if it was saved for another supernet or other settings), and the
    run ends in exactly the state an uninterrupted run reaches. ``max_steps`` stops early
    (the state says so).
    Runs reproduce exactly with the same seed, machine and number of torch threads; another
    thread count changes floating-point summation order, which training amplifies.
    """
    if epochs < 1:
        raise ValueError(f"epochs must be >= 1, got {epochs}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    per_epoch = data.n_batches(batch_size)
    config = {
        "epochs": epochs,
        "batch_size": batch_size,
        "lr": lr,
        "momentum": momentum,
        "weight_decay": weight_decay,
        "grad_clip": grad_clip,
        "augment": augment,
        "sandwich": sandwich,
        "seed": seed,
        "n_images": len(data),
        "sampler_size": sampler.size,
    }
    supernet.to(device)
    optimizer = torch.optim.SGD(
        supernet.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay, nesterov=True
    )
    total = epochs * per_epoch
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total)
    step, started = 0, time.perf_counter()
    if resume:
        if checkpoint is None or not Path(checkpoint).exists():
            raise FileNotFoundError(f"resume=True but checkpoint {checkpoint} does not exist")
        saved = load_checkpoint(checkpoint)
        was = {**_SETTINGS_ADDED, **saved["train"], "supernet": saved["supernet"]}
        changed = {
            k: (was.get(k), v)
            for k, v in {**config, "supernet": supernet.config}.items()
            if was.get(k) != v
        }
        if changed:
            detail = ", ".join(f"{k}: saved {a!r}, now {b!r}" for k, (a, b) in changed.items())
            raise ValueError(f"{checkpoint}: cannot resume with different settings ({detail})")
        supernet.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        schedule.load_state_dict(saved["schedule"])
        sampler.load_state_dict(saved["sampler"])
        step = saved["state"]["step"]

    def state(loss: float) -> TrainState:
        return TrainState(step, total, step // per_epoch, loss, time.perf_counter() - started)

    def save(loss: float) -> None:
        if checkpoint is not None:
            save_checkpoint(
                checkpoint,
                {
                    "format": CHECKPOINT_FORMAT,
                    "supernet": supernet.config,
                    "train": config,
                    "members": None if sampler.members is None else sampler.members.tolist(),
                    "model": supernet.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "schedule": schedule.state_dict(),
                    "sampler": sampler.state_dict(),
                    "state": asdict(state(loss)),
                },
            )

    stop = total if max_steps is None else min(total, max_steps)
    loss_fn = nn.CrossEntropyLoss()
    largest = supernet.largest_path(sampler.members) if sandwich else None
    supernet.train()
    epoch_loss, seen, last_loss = 0.0, 0, float("nan")
    bar = _progress(progress, stop - step)
    while step < stop:
        epoch, within = divmod(step, per_epoch)
        for x, y in data.batches(batch_size, shuffle_seed=seed * 100_003 + epoch, skip=within):
            arch = sampler.sample()
            if augment:
                x = random_crop_flip(x, np.random.default_rng((seed, step)))
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(supernet(x, arch), y)
            if largest is None:
                loss.backward()
            else:
                (loss + loss_fn(supernet(x, largest), y)).backward()
            nn.utils.clip_grad_norm_(supernet.parameters(), grad_clip)
            optimizer.step()
            schedule.step()
            step += 1
            epoch_loss, seen = epoch_loss + float(loss.detach()), seen + 1
            bar.advance(f"epoch {epoch + 1}/{epochs} loss {epoch_loss / seen:.3f}")
            if step >= stop:
                break
        last_loss = epoch_loss / max(seen, 1)
        if step % per_epoch == 0 or step >= stop:
            save(last_loss)
            if step % per_epoch == 0:
                epoch_loss, seen = 0.0, 0
    bar.close()
    return state(last_loss)


class _progress:
    """A rich progress bar (or nothing) counting SGD steps."""

    def __init__(self, enabled: bool, total: int) -> None:
        self._bar = None
        if enabled and total > 0:
            from rich.progress import Progress

            self._bar = Progress(transient=True)
            self._bar.start()
            self._task = self._bar.add_task("supernet", total=total)

    def advance(self, description: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=description)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
