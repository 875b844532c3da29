"""Training: checkpoints resume to the same state; BN recalibration; evaluation; search."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from lissnas.oneshot import (
    ArchSampler,
    align_group_means,
    build_supernet,
    evaluate_archs,
    evolutionary_search,
    kendall_tau_by_group,
    load_checkpoint,
    load_supernet,
    ranking_correlation,
    recalibrate_bn,
    runs_agreement,
    save_checkpoint,
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
    # another supernet's checkpoint is named as such, not left to fail inside torch
    wider = build_supernet("nb201", **{**TINY, "width": 8})
    with pytest.raises(ValueError, match=r"supernet: saved \{.*'width': 4.*now \{.*'width': 8"):
        train_supernet(
            wider, ArchSampler(wider.space, seed=1), tiny_train, epochs=2, checkpoint=checkpoint,
            resume=True, progress=False, seed=3,
        )  # fmt: skip


def _same_weights(a, b) -> bool:
    pairs = zip(a.state_dict().values(), b.state_dict().values(), strict=True)
    return all(torch.equal(p, q) for p, q in pairs)


@pytest.mark.parametrize("setting", ["augment", "sandwich"])
def test_a_training_switch_resumes_exactly_and_refuses_a_change(tmp_path, tiny_train, setting):
    on = {setting: True}
    plain, _, _ = _train(tmp_path, tiny_train)
    straight, _, _ = _train(tmp_path, tiny_train, **on)
    assert not _same_weights(plain, straight)
    checkpoint = tmp_path / "a.pt"
    _train(tmp_path, tiny_train, **on, checkpoint=checkpoint, max_steps=3)
    assert load_checkpoint(checkpoint)["train"][setting] is True
    resumed, _, end = _train(tmp_path, tiny_train, **on, checkpoint=checkpoint, resume=True)
    assert end.finished and _same_weights(straight, resumed)
    with pytest.raises(ValueError, match=f"{setting}: saved True, now False"):
        _train(tmp_path, tiny_train, checkpoint=checkpoint, resume=True)
    # a checkpoint written before the setting existed was trained without it
    _train(tmp_path, tiny_train, checkpoint=checkpoint, max_steps=3)
    older = load_checkpoint(checkpoint)
    del older["train"][setting]
    save_checkpoint(checkpoint, older)
    with pytest.raises(ValueError, match=f"{setting}: saved False, now True"):
        _train(tmp_path, tiny_train, **on, checkpoint=checkpoint, resume=True)
    resumed, _, _ = _train(tmp_path, tiny_train, checkpoint=checkpoint, resume=True)
    assert _same_weights(plain, resumed)


def _changed(before: dict, net) -> set[str]:
    return {name for name, p in net.state_dict().items() if not torch.equal(before[name], p)}


def _path_weights(net, arch) -> set[str]:
    """The names of the parameters of the candidates ``arch`` chooses."""
    names = {id(p): n for n, p in net.named_parameters()}
    return {
        names[id(p)]
        for block in net.choice_blocks()
        for p in block.candidates[int(arch[block.position])].parameters()
    }


def test_sandwich_also_trains_the_largest_path(tmp_path, tiny_train):
    # one step: the sampled path's weights move; with the sandwich the largest path's too,
    # and the sampler draws the same paths
    start = {k: v.clone() for k, v in build_supernet("nb201", **TINY).state_dict().items()}
    plain, plain_sampler, _ = _train(tmp_path, tiny_train, max_steps=1)
    both, both_sampler, _ = _train(tmp_path, tiny_train, max_steps=1, sandwich=True)
    sampled = ArchSampler(plain.space, seed=1).sample()
    largest = plain.largest_path()
    only_largest = _path_weights(plain, largest) - _path_weights(plain, sampled)
    assert only_largest and not only_largest & _changed(start, plain)
    assert only_largest <= _changed(start, both)
    assert plain_sampler.state_dict() == both_sampler.state_dict()


def test_sandwich_on_a_shrunk_space_trains_its_largest_member(tiny_train):
    net = build_supernet("nb201", **TINY)
    start = {k: v.clone() for k, v in net.state_dict().items()}
    skips, convs = [1, 1, 1, 1, 1, 1], [2, 0, 2, 4, 1, 2]  # convs: three 1x1 convolutions
    sampler = ArchSampler(net.space, np.array([skips, convs]), seed=0)
    assert net.largest_path(sampler.members).tolist() == convs
    train_supernet(net, sampler, tiny_train, epochs=1, max_steps=2, sandwich=True, progress=False)
    trained = _changed(start, net)
    assert _path_weights(net, convs) <= trained  # at both steps, whichever member was drawn
    assert not _path_weights(net, [3] * 6) & trained  # no member has a 3x3 convolution


def test_load_supernet_rebuilds_the_trained_supernet_and_its_space(tmp_path, tiny_train):
    net = build_supernet("nb201", **TINY)
    members = net.space.sample(5, 2)
    checkpoint = tmp_path / "m.pt"
    train_supernet(
        net, ArchSampler(net.space, members, seed=1), tiny_train, epochs=1, checkpoint=checkpoint,
        progress=False,
    )  # fmt: skip
    loaded, sampler, saved = load_supernet(checkpoint, seed=4)
    assert loaded.config == net.config and _same_weights(net, loaded)
    assert saved["state"]["step"] == 4
    assert {tuple(a) for a in sampler.sample_many(50)} <= {tuple(a) for a in members}
    bad = tmp_path / "bad.pt"
    bad.write_text("not a checkpoint")
    with pytest.raises(ValueError, match=r"bad\.pt: not a readable checkpoint"):
        load_supernet(bad)


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


def test_runs_agreement_averages_the_pairs_of_runs():
    same, reversed_ = [1, 2, 3, 4], [4, 3, 2, 1]
    # pairs of columns: (0, 1) agree fully, (0, 2) and (1, 2) disagree fully
    assert runs_agreement(np.column_stack([same, same, reversed_])) == pytest.approx(-1 / 3)
    assert np.isnan(runs_agreement(np.array([[1.0], [2.0]])))  # one run: nothing to compare
    with pytest.raises(ValueError, match="n_archs, n_runs"):
        runs_agreement(np.array([1.0, 2.0]))


def test_kendall_tau_by_group_splits_the_pairs():
    # pairs (0, 1) concordant and (2, 3) discordant within groups; the 4 across concordant
    scores = kendall_tau_by_group([1, 2, 3, 4], [1, 2, 4, 3], [0, 0, 1, 1])
    assert scores == {"within": 0.0, "n_within": 2, "across": 1.0, "n_across": 4}
    alone = kendall_tau_by_group([1, 2, 3], [3, 1, 2], [5, 6, 7])  # no pair within a group
    assert np.isnan(alone["within"]) and alone["n_within"] == 0
    assert alone["across"] == pytest.approx(
        ranking_correlation([1, 2, 3], [3, 1, 2])["kendall_tau"]
    )
    with pytest.raises(
        ValueError, match=r"estimates, truth, groups\), got shapes \(3,\), \(3,\) and \(2,\)"
    ):
        kendall_tau_by_group([1, 2, 3], [1, 2, 3], [0, 1])


def test_align_group_means_keeps_each_groups_order_and_takes_the_references_means():
    aligned = align_group_means([80, 82, 90, 91, 95], [70, 71, 60, 61, 62], [0, 0, 1, 1, 1])
    assert np.allclose(aligned, [69.5, 71.5, 59, 60, 64])  # group means 70.5 and 61
    assert np.allclose(align_group_means([1, 2], [5, 9], [0, 1]), [5, 9])  # one item each
    with pytest.raises(ValueError, match=r"reference, groups\), got shapes \(2,\), \(3,\)"):
        align_group_means([1, 2], [1, 2, 3], [0, 0])


@given(
    st.lists(
        st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(0, 2)), min_size=2, max_size=30
    )
)
def test_kendall_tau_by_group_with_one_group_is_kendall_tau_b(rows):
    a, b, g = (np.array(c) for c in zip(*rows, strict=True))
    within = kendall_tau_by_group(a, b, np.zeros(len(a)))["within"]
    expected = ranking_correlation(a, b)["kendall_tau"]  # ties included
    assert within == pytest.approx(expected, nan_ok=True)
    # within and across partition the pairs, whatever the groups
    split = kendall_tau_by_group(a, b, g)
    assert split["n_within"] + split["n_across"] == len(a) * (len(a) - 1) // 2
