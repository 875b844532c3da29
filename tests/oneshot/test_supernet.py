"""Supernets: exact parameter counts against the benchmarks, single paths, shared weights."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from lissnas.oneshot import ArchSampler, MacroSupernet, build_supernet
from lissnas.spaces import NB201_OPS, NB201Space


def test_macro_supernet_paths_have_the_benchmarks_parameter_counts(data_dir):
    table = json.loads((data_dir / "nasbench_macro/nas-bench-macro_cifar10.json").read_text())
    net = MacroSupernet()
    keys = list(table)[::25]  # 263 architectures, every choice at every layer
    counts = [net.path_parameters(net.space.from_string(k)) for k in keys]
    assert counts == [table[k]["params"] for k in keys]


def test_nb201_supernet_paths_have_the_benchmarks_parameter_counts():
    net = build_supernet("nb201")  # C=16, N=5: the benchmark's network
    space = NB201Space()
    archs = space.sample(20, 0)
    # NB201Space.params equals zc_nasbench201.json exactly (tests/spaces/test_nb201.py)
    expected = np.round(space.params(archs) * 1e6).astype(int).tolist()
    assert [net.path_parameters(a) for a in archs] == expected


def test_largest_path_is_the_space_or_members_path_with_the_most_parameters():
    net = build_supernet("nb201", in_channels=1, width=4, depth=1)
    assert net.largest_path().tolist() == [NB201_OPS.index("nor_conv_3x3")] * 6
    members = net.space.sample(40, 0)
    counts = [net.path_parameters(a) for a in members]
    assert net.path_parameters(net.largest_path(members)) == max(counts)
    assert net.largest_path(members).tolist() == members[int(np.argmax(counts))].tolist()
    macro = MacroSupernet(in_channels=1, width=0.25)
    paths = macro.space.sample(60, 0)
    assert macro.path_parameters(macro.largest_path()) > max(map(macro.path_parameters, paths))
    with pytest.raises(ValueError, match="positions"):
        net.largest_path(np.zeros((2, 5), dtype=int))


def test_parameter_counts_refuse_weights_tied_between_candidates():
    net = build_supernet("nb201", in_channels=1, width=4, depth=1)
    conv = NB201_OPS.index("nor_conv_1x1")
    blocks = net.choice_blocks()
    blocks[2].candidates[conv] = blocks[0].candidates[conv]  # edge 2 reuses edge 0's conv
    with pytest.raises(ValueError, match=f"choice {conv} at position 2 is also one of choice "
                       f"{conv} at position 0"):  # fmt: skip
        net.path_parameters(np.zeros(6, dtype=int))
    with pytest.raises(ValueError, match="own its weights"):
        net.largest_path()


def test_forward_runs_only_the_chosen_path():
    net = build_supernet("nb201", in_channels=1, width=4, depth=1)
    x = torch.randn(4, 1, 28, 28)
    arch = np.array([3, 3, 3, 3, 3, 3])  # conv3x3 everywhere
    net(x, arch).sum().backward()
    for block in net.choice_blocks():
        for choice, candidate in enumerate(block.candidates):
            grads = [p.grad for p in candidate.parameters()]
            if choice == arch[block.position]:
                assert all(g is not None and g.abs().sum() > 0 for g in grads)
            else:
                assert all(g is None for g in grads)


def test_weights_are_shared_between_architectures():
    net = build_supernet("nb201", in_channels=1, width=4, depth=1)
    a = np.array([3, 1, 1, 1, 1, 1])
    b = np.array([3, 0, 2, 4, 1, 0])
    x = torch.randn(2, 1, 28, 28)
    first_edge = net.choice_blocks()[0]
    conv = first_edge.candidates[3]
    out_a = net(x, a).sum()
    grad_a = torch.autograd.grad(out_a, list(conv.parameters()), allow_unused=True)
    out_b = net(x, b).sum()
    grad_b = torch.autograd.grad(out_b, list(conv.parameters()), allow_unused=True)
    # the same tensors receive gradient from both architectures
    assert all(g is not None for g in grad_a) and all(g is not None for g in grad_b)
    assert first_edge.position == 0


def test_construction_is_seeded_and_leaves_torch_global_rng_alone():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = build_supernet("nbmacro", width=0.25, seed=5)
    after = torch.rand(1)
    b = build_supernet("nbmacro", width=0.25, seed=5)
    assert torch.equal(before, after)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p, q)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"space": "darts"}, "space must be one of"), ({"space": "nbmacro", "depth": 2}, "depth")],
)
def test_bad_supernet_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        build_supernet(**kwargs)


def test_sampler_yields_only_members_and_resumes_its_stream():
    space = NB201Space()
    members = space.sample(7, 3, distinct=True)
    sampler = ArchSampler(space, members, seed=0)
    drawn = sampler.sample_many(500)
    assert set(space.keys(drawn).tolist()) <= set(space.keys(members).tolist())
    assert len(set(space.keys(drawn).tolist())) == 7
    state = sampler.state_dict()
    nxt = sampler.sample_many(5)
    sampler.load_state_dict(state)
    np.testing.assert_array_equal(sampler.sample_many(5), nxt)
    assert sampler.contains(members).all() and not sampler.contains(space.sample(50, 9)).all()
    with pytest.raises(ValueError, match="at least one"):
        ArchSampler(space, members[:0])
