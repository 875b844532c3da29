"""NAS-LID: the LID estimator on data of known dimension, operator similarity, splitting."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lissnas.oneshot import (
    ArchSampler,
    best_bipartition,
    build_supernet,
    lid_mle,
    operator_profiles,
    operator_similarity,
    profile_similarity,
    split_supernet,
    train_supernet,
)


@pytest.mark.parametrize("dim", [2, 5, 10])
def test_lid_of_a_linear_subspace(dim):
    rng = np.random.default_rng(dim)
    points = rng.random((1000, dim)) @ rng.normal(size=(dim, 64))  # a d-dim cube in 64-D
    assert lid_mle(points, k=20) == pytest.approx(dim, rel=0.2)


def test_lid_accepts_tensors_and_checks_its_input():
    x = torch.randn(300, 3, 4, 4)  # 48-D Gaussian: high LID
    assert lid_mle(x, k=10) > 15
    with pytest.raises(ValueError, match="more than k"):
        lid_mle(np.zeros((5, 3)), k=10)
    with pytest.raises(ValueError, match="k must be"):
        lid_mle(x, k=1)
    assert lid_mle(torch.zeros(50, 8), k=5) == 0.0  # e.g. the output of a path of zero ops


def test_bipartition_keeps_similar_operators_together():
    profiles = np.array(
        [[1, 2, 3, 4], [1.1, 2, 3.2, 4], [4, 3, 2, 1], [4, 3.1, 2, 1.2], [1, 2.1, 3, 4]]
    )
    sim = profile_similarity(profiles)
    assert sim.shape == (5, 5) and np.allclose(np.diag(sim), 1)
    a, b, cut = best_bipartition(sim)
    assert {a, b} == {(0, 1, 4), (2, 3)}
    assert cut >= 0


def test_split_routes_every_architecture_to_exactly_one_sub_supernet(tiny_train):
    net = build_supernet("nb201", in_channels=1, width=4, depth=1, seed=0)
    sampler = ArchSampler(net.space, seed=0)
    train_supernet(net, sampler, tiny_train, epochs=1, progress=False)
    batch = tiny_train.x[:64]
    profiles = operator_profiles(net, sampler, batch, 0, n_paths=1, k=8)
    assert profiles.shape == (5, len(net.feature_layers()))
    parts = split_supernet(net, sampler, batch, position=0, n_paths=1, k=8)
    everything = net.space.enumerate()
    owner = parts.route(everything)
    assert set(owner.tolist()) == {0, 1}
    sizes = [len(s.members) for s in parts.samplers]
    assert sum(sizes) == len(everything) == net.space.size
    for g, sampler_g in enumerate(parts.samplers):
        drawn = sampler_g.sample_many(200)
        assert (parts.route(drawn) == g).all()
        assert set(drawn[:, parts.position].tolist()) <= set(parts.groups[g])
    # sub-supernets inherit the trained weights and then train apart
    first = next(parts.subnets[0].parameters())
    assert torch.equal(first, next(net.parameters()))
    parts.train(tiny_train, epochs_each=1, progress=False)
    assert not torch.equal(next(parts.subnets[0].parameters()), next(parts.subnets[1].parameters()))


def test_similarity_over_batches_averages_each_batch_with_paths_of_its_own(tiny_train):
    net = build_supernet("nb201", in_channels=1, width=4, depth=1, seed=0)
    sampler = ArchSampler(net.space, seed=0)
    train_supernet(net, sampler, tiny_train, epochs=1, progress=False)
    batch = tiny_train.x[:60]
    one = operator_similarity(net, sampler, batch, 1, n_paths=2, k=8, seed=3)
    profiles = operator_profiles(net, sampler, batch, 1, n_paths=2, k=8, seed=3)
    assert np.array_equal(one, profile_similarity(profiles))  # one batch: the same draws
    rng = np.random.default_rng(3)  # three batches of 20: paths drawn in turn from one stream
    by_hand = [
        profile_similarity(
            operator_profiles(net, sampler, part, 1, n_paths=1, k=8, seed=rng), centred=False
        )
        for part in (batch[:20], batch[20:40], batch[40:])
    ]
    three = operator_similarity(
        net, sampler, batch, 1, n_batches=3, centred=False, n_paths=1, k=8, seed=3
    )
    assert np.allclose(three, np.mean(by_hand, axis=0))
    with pytest.raises(ValueError, match="n_batches must be an int >= 1, got 0"):
        operator_similarity(net, sampler, batch, 1, n_batches=0, k=8)
    with pytest.raises(ValueError, match="4 batches of the 60 images hold 15 each"):
        operator_similarity(net, sampler, batch, 1, n_batches=4, k=16)
    # split_supernet measures the same way with lid_batches
    parts = split_supernet(
        net, sampler, batch, position=1, n_paths=1, lid_batches=3, k=8, seed=3,
        criterion="lid-spectral",
    )  # fmt: skip
    assert np.array_equal(parts.similarity, three)
