"""Training: checkpoints resume to the same state; BN recalibration; evaluation; search."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lissnas.oneshot import (
    ArchSampler,
    build_supernet,
    evaluate_archs,
    evolutionary_search,
    load_checkpoint,
    ranking_correlation,
    recalibrate_bn,
    train_supernet,
)
from lissnas.shrink import LISSNAS

TINY = {"in_channels": 1, "width": 4, "depth": 1, "seed": 0}


def _train(tmp_path, data, **kwargs):
    net = build_supernet("nb201", **TINY)
    sampler = ArchSampler(net.space, seed=1)
    state = train_supernet(
        net, sampler, data, epochs=2, batch_size=64, progress=False, seed=3, **kwargs
    )
    return net, sampler, state


def test_resume_after_interruption_reaches_the_same_state(tmp_path, tiny_train):
    straight, _, done = _train(tmp_path, tiny_train)
    assert done.finished and done.step == 8  # 2 epochs x 4 batches of 64
    checkpoint = tmp_path / "s.pt"
    _, _, cut = _train(tmp_path, tiny_train, checkpoint=checkpoint, max_steps=3)  # mid-epoch
    assert cut.step == 3 and not cut.finished
    assert load_checkpoint(checkpoint)["state"]["step"] == 3
    resumed, _, end = _train(tmp_path, tiny_train, checkpoint=checkpoint, resume=True)
    assert end.step == 8
    for (name, p), q in zip(
        straight.state_dict().items(), resumed.state_dict().values(), strict=True
    ):
        assert torch.equal(p, q), name
    with pytest.raises(ValueError, match="different settings"):
        net = build_supernet("nb201", **TINY)
        train_supernet(
            net, ArchSampler(net.space, seed=1), tiny_train, epochs=3, checkpoint=checkpoint,
            resume=True, progress=False, seed=3,
        )  # fmt: skip


def test_training_lowers_the_loss_and_bn_recalibration_sets_path_statistics(
    tmp_path, tiny_train, tiny_test
):
    net = build_supernet("nb201", **TINY)
    sampler = ArchSampler(net.space, seed=0)
    first = train_supernet(net, sampler, tiny_train, epochs=1, progress=False, seed=0)
    later = train_supernet(net, sampler, tiny_train, epochs=4, progress=False, seed=0)
    assert later.loss < first.loss
    arch = np.array([3, 3, 3, 3, 3, 3])
    bn = net.choice_blocks()[0].candidates[3][2]
    bn.running_mean.fill_(123.0)
    recalibrate_bn(net, arch, tiny_train, batches=2)
    assert bn.running_mean.abs().max() < 50 and bn.momentum == 0.1
    scores = evaluate_archs(net, net.space.sample(3, 0), tiny_train, tiny_test, calib_batches=2)
    assert scores.shape == (3,) and ((scores >= 0) & (scores <= 100)).all()


def test_sampler_restricted_to_a_shrunk_space_and_search_stays_inside(tiny_train, tiny_test):
    from lissnas.benchmarks import load_benchmark

    source = load_benchmark("nb201-cifar10")
    result = LISSNAS(gt_budget=20, n_init=100, max_iter=2, min_size=30).shrink(
        source.space, source, seed=0
    )
    net = build_supernet("nb201", **TINY)
    sampler = ArchSampler.from_result(result, net.space, seed=0)
    members = set(result.members)
    assert set(net.space.to_strings(sampler.sample_many(300))) <= members
    train_supernet(net, sampler, tiny_train, epochs=1, progress=False)
    found = evolutionary_search(
        net, sampler, tiny_train, tiny_test, population=4, generations=2, parents=2,
        calib_batches=1, seed=0,
    )  # fmt: skip
    assert set(net.space.to_strings(found.archs)) <= members
    assert list(found.scores) == sorted(found.scores, reverse=True)
    assert len(found.best_per_generation) == 3


def test_ranking_correlation():
    scores = ranking_correlation([1, 2, 3, 4], [10, 20, 30, 40])
    assert scores["kendall_tau"] == pytest.approx(1.0) and scores["n"] == 4
    assert ranking_correlation([1, 2, 3], [3, 2, 1])["spearman"] == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="equal-length"):
        ranking_correlation([1, 2], [1, 2, 3])
