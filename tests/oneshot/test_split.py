"""NAS-LID splitting: operator similarity, the bipartition, and sub-supernets of a shrunk
space (routing, sub-space sampling, evaluation through the routed sub-supernet)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lissnas.oneshot import (
    SPLIT_CRITERIA,
    ArchSampler,
    best_bipartition,
    build_supernet,
    evaluate_archs,
    operator_profiles,
    profile_similarity,
    route_regions,
    spectral_bipartition,
    split_supernet,
    train_supernet,
)


def test_similarity_ignores_what_all_operators_share():
    rng = np.random.default_rng(0)
    profiles = rng.random((5, 6)) * 10
    sim = profile_similarity(profiles)
    assert np.allclose(sim, sim.T) and np.all(np.abs(sim) <= 1)
    # a profile common to every operator, or a global scale, leaves the similarity unchanged
    assert np.allclose(profile_similarity(profiles + rng.random(6) * 50), sim)
    assert np.allclose(profile_similarity(3.0 * profiles), sim)


def test_plain_similarity_is_the_cosine_of_the_published_code():
    rng = np.random.default_rng(1)
    profiles = rng.random((5, 6)) * 10
    plain = profile_similarity(profiles, centred=False)
    unit = profiles / np.linalg.norm(profiles, axis=1, keepdims=True)
    assert np.allclose(plain, unit @ unit.T)
    assert np.allclose(profile_similarity(3.0 * profiles, centred=False), plain)
    # unlike the centred one, what all operators share counts: a large common profile
    # makes every pair alike
    shared = profile_similarity(profiles + 1000 * rng.random(6), centred=False)
    assert shared[~np.eye(5, dtype=bool)].min() > plain[~np.eye(5, dtype=bool)].max()
    zero = profile_similarity(np.vstack([profiles[:2], np.zeros(6)]), centred=False)
    assert np.array_equal(zero[2], [0.0, 0.0, 1.0])  # a collapsed path is similar to none


def _planted(seed: int, offset: float) -> tuple[np.ndarray, np.ndarray]:
    """Profiles of two planted groups of operators (``a`` and the rest), a little noise."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 9))
    a = np.sort(rng.choice(n, size=int(rng.integers(1, n)), replace=False))
    shape_a, shape_b = rng.normal(size=8), rng.normal(size=8)
    profiles = np.where(np.isin(np.arange(n), a)[:, None], shape_a, shape_b)
    return a, offset + profiles + rng.normal(scale=0.05, size=profiles.shape)


def _groups(a: np.ndarray, n: int) -> set[tuple[int, ...]]:
    return {tuple(a.tolist()), tuple(sorted(set(range(n)) - set(a.tolist())))}


@pytest.mark.parametrize("seed", range(5))
def test_spectral_bipartition_recovers_planted_groups(seed):
    a, profiles = _planted(seed, offset=0.0)
    sim = profile_similarity(profiles, centred=False)
    g1, g2, score = spectral_bipartition(sim)
    assert 0 in g1 and {g1, g2} == _groups(a, len(profiles))
    within = [sim[np.ix_(g, g)].mean() for g in (g1, g2)]
    assert score == pytest.approx(np.mean(within)) and score > 0.9


def test_spectral_bipartition_of_two_operators_and_its_checks():
    assert spectral_bipartition(np.array([[1.0, 0.3], [0.3, 1.0]])) == ((0,), (1,), 1.0)
    with pytest.raises(ValueError, match="square"):
        spectral_bipartition(np.ones((3, 2)))
    with pytest.raises(ValueError, match=">= 2"):
        spectral_bipartition(np.ones((1, 1)))


@pytest.mark.parametrize("seed", range(5))
def test_bipartition_recovers_planted_groups(seed):
    a, profiles = _planted(seed, offset=10.0)
    g1, g2, cut = best_bipartition(profile_similarity(profiles))
    assert {g1, g2} == _groups(a, len(profiles))
    assert 0 <= cut < 0.1  # the planted groups are dissimilar: a small cut


@pytest.mark.parametrize(
    ("similarity", "match"),
    [(np.ones((1, 1)), "at least|>= 2"), (np.ones((3, 2)), "square"), (np.eye(17), "16")],
)
def test_bipartition_checks_its_input(similarity, match):
    with pytest.raises(ValueError, match=match):
        best_bipartition(similarity)


def test_split_of_a_shrunk_space_routes_and_evaluates_through_its_sub_supernets(tiny_train):
    net = build_supernet("nb201", in_channels=1, width=4, depth=1, seed=0)
    pool = net.space.enumerate()
    members = pool[np.random.default_rng(1).choice(len(pool), size=300, replace=False)]
    sampler = ArchSampler(net.space, members, seed=0)
    train_supernet(net, sampler, tiny_train, epochs=1, progress=False)
    parts = split_supernet(net, sampler, tiny_train.x[:64], position=4, n_paths=1, k=8)
    assert parts.position == 4 and list(parts.scores) == [4] and parts.criterion == "lid"
    assert sorted(parts.groups[0] + parts.groups[1]) == list(range(5))

    # the sub-spaces partition the shrunk space, not the full one
    keys = [set(net.space.keys(s.members).tolist()) for s in parts.samplers]
    assert keys[0].isdisjoint(keys[1])
    assert keys[0] | keys[1] == set(net.space.keys(members).tolist())
    owner = parts.route(members)
    for g, sub in enumerate(parts.samplers):
        assert set(net.space.keys(members[owner == g]).tolist()) == keys[g]
        drawn = sub.sample_many(100)
        assert set(drawn[:, 4].tolist()) <= set(parts.groups[g])

    # after training apart, each architecture is scored by its own sub-supernet
    parts.train(tiny_train, epochs_each=1, max_steps=3, progress=False)
    archs = members[:6]
    routed = parts.route(archs)
    assert set(routed.tolist()) == {0, 1}
    expected = [
        evaluate_archs(parts.subnets[g], a[None], tiny_train, tiny_train, calib_batches=1)[0]
        for a, g in zip(archs, routed, strict=True)
    ]
    got = parts.evaluate(archs, tiny_train, tiny_train, calib_batches=1)
    assert np.allclose(got, expected)
    other = [
        evaluate_archs(parts.subnets[1 - g], a[None], tiny_train, tiny_train, calib_batches=1)[0]
        for a, g in zip(archs, routed, strict=True)
    ]
    assert not np.allclose(got, other)  # routing matters: the sub-supernets differ
    # aligned to the warmed-up supernet: each sub-supernet's estimates keep their order and
    # take the warmed-up one's mean over the same architectures
    reference = evaluate_archs(net, archs, tiny_train, tiny_train, calib_batches=1)
    aligned = parts.evaluate(archs, tiny_train, tiny_train, reference=net, calib_batches=1)
    for g in (0, 1):
        rows = routed == g
        assert np.allclose(aligned[rows] - got[rows], reference[rows].mean() - got[rows].mean())


def test_split_copies_leave_the_warmed_up_supernet_untouched(tiny_train):
    net = build_supernet("nb201", in_channels=1, width=4, depth=1, seed=0)
    sampler = ArchSampler(net.space, seed=0)
    before = [p.detach().clone() for p in net.parameters()]
    parts = split_supernet(net, sampler, tiny_train.x[:32], position=0, n_paths=1, k=8)
    parts.train(tiny_train, epochs_each=1, max_steps=2, progress=False)
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters(), strict=True))
    with pytest.raises(ValueError):
        split_supernet(net, sampler, tiny_train.x[:32], position=0, n_paths=1, k=40)


def test_split_further_makes_nested_sub_supernets_that_partition_the_space(tiny_train):
    net = build_supernet("nb201", in_channels=1, width=4, depth=1, seed=0)
    pool = net.space.enumerate()
    # a shrunk space without operator 0 at position 2: that position has 4 operators left
    members = pool[pool[:, 2] != 0][::7]
    sampler = ArchSampler(net.space, members, seed=0)
    parts = split_supernet(net, sampler, tiny_train.x[:32], position=2, n_paths=1, k=8)
    assert sorted(parts.groups[0] + parts.groups[1]) == [1, 2, 3, 4]  # only present ops
    parts.split_further(tiny_train.x[:32], n_paths=1, k=8)
    parts.split_further(tiny_train.x[:32], n_paths=1, k=8)
    assert len(parts.subnets) == len(parts.samplers) == len(parts.regions) == 8
    for region in parts.regions:  # three different positions on every branch
        assert len(region) == 3 and region[2] in parts.groups

    owner = parts.route(members)
    assert owner.min() == 0 and owner.max() == 7  # every member goes to one leaf
    keys = net.space.keys(members)
    for leaf, (region, sub) in enumerate(zip(parts.regions, parts.samplers, strict=True)):
        inside = np.all([np.isin(members[:, p], g) for p, g in region.items()], axis=0)
        assert np.array_equal(owner == leaf, inside)
        assert set(net.space.keys(sub.members).tolist()) == set(keys[inside].tolist())
    summary = parts.summary()
    assert summary["position"] == 2 and all(c is not None for c in summary["children"])
    assert [{int(p): tuple(g) for p, g in r.items()} for r in summary["regions"]] == parts.regions
    # the regions alone route as the tree does, split.json's string positions included
    assert np.array_equal(route_regions(members, parts.regions), owner)
    assert np.array_equal(route_regions(members, summary["regions"]), owner)
    outside = members[:1].copy()
    outside[0, 2] = 0  # operator 0 was not in the shrunk space at position 2
    with pytest.raises(ValueError, match=r"is in 0 of the regions .*, not in exactly one"):
        route_regions(outside, parts.regions)

    parts.train(tiny_train, epochs_each=1, max_steps=1, progress=False)
    got = parts.evaluate(members[:4], tiny_train, tiny_train, calib_batches=1)
    assert got.shape == (4,) and np.all((got >= 0) & (got <= 100))
    with pytest.raises(ValueError, match="no position"):
        split_supernet(net, sampler, tiny_train.x[:32], position=2, exclude=[2], n_paths=1, k=8)


def test_random_split_is_the_control_drawn_from_the_seed_among_the_same_candidates(tiny_train):
    net = build_supernet("nb201", in_channels=1, width=4, depth=1, seed=0)
    pool = net.space.enumerate()
    members = pool[pool[:, 2] != 0][::7]  # position 2 holds 4 operators
    sampler = ArchSampler(net.space, members, seed=0)
    x = tiny_train.x[:32]
    splits = [split_supernet(net, sampler, x, criterion="random", seed=s) for s in range(12)]
    for parts in splits:
        assert parts.similarity is None and parts.scores == {}
        assert parts.summary()["similarity"] is None
        present = sorted(np.unique(members[:, parts.position]).tolist())
        assert sorted(parts.groups[0] + parts.groups[1]) == present
        assert set(parts.route(members).tolist()) == {0, 1}
    # the seed decides: the same seed, the same split; over seeds, several positions
    again = split_supernet(net, sampler, x, criterion="random", seed=3)
    assert (again.position, again.groups) == (splits[3].position, splits[3].groups)
    assert len({p.position for p in splits}) > 1
    one = split_supernet(net, sampler, x, criterion="random", position=2, exclude=[0], seed=5)
    assert one.position == 2 and sorted(one.groups[0] + one.groups[1]) == [1, 2, 3, 4]
    # nested: the second level never splits the first level's position again
    one.split_further(x, criterion="random", seed=5)
    assert all(len(region) == 2 for region in one.regions) and len(one.subnets) == 4
    with pytest.raises(ValueError, match=r"criterion must be one of \(.*'random'\), got 'grad'"):
        split_supernet(net, sampler, x, criterion="grad")
    with pytest.raises(ValueError, match="no position with at least two operators"):
        split_supernet(net, sampler, x, criterion="random", position=2, exclude=[2])


def test_spectral_split_follows_the_published_rule(tiny_train, monkeypatch):
    net = build_supernet("nb201", in_channels=1, width=4, depth=1, seed=0)
    sampler = ArchSampler(net.space, seed=0)
    train_supernet(net, sampler, tiny_train, epochs=1, max_steps=4, progress=False)
    x = tiny_train.x[:32]
    lid = dict(n_paths=1, k=8, seed=2)
    parts = split_supernet(net, sampler, x, exclude=[0, 1, 2], criterion="lid-spectral", **lid)
    assert "lid-spectral" in SPLIT_CRITERIA and parts.criterion == "lid-spectral"
    assert sorted(parts.scores) == [3, 4, 5]  # every candidate scored
    assert parts.scores[parts.position] == max(parts.scores.values())  # the best kept
    # the chosen position's split is spectral_bipartition of the plain cosine of its profiles
    profiles = operator_profiles(net, sampler, x, parts.position, **lid)
    sim = profile_similarity(profiles, centred=False)
    assert np.allclose(parts.similarity, sim)
    g1, g2, score = spectral_bipartition(sim)
    assert parts.groups == [g1, g2] and parts.scores[parts.position] == pytest.approx(score)
    summary = parts.summary()
    assert summary["criterion"] == "lid-spectral" and set(summary["scores"]) == {"3", "4", "5"}
    # a position the clustering cannot separate is passed over; none left is an error
    monkeypatch.setattr("lissnas.oneshot._split.spectral_bipartition", lambda sim: None)
    with pytest.raises(ValueError, match=r"kept the operators together at every candidate \[5\]"):
        split_supernet(net, sampler, x, position=5, criterion="lid-spectral", **lid)
