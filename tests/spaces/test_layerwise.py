"""SPOS/ShuffleNetV2 and FairNAS spaces: shape, string form and analytic cost."""

from __future__ import annotations

import numpy as np
import pytest

import lissnas.spaces as spaces
from lissnas.spaces import FairNASSpace, ShuffleNetV2Space

#: The released SPOS model (megvii-model/SinglePathOneShot README): 323M FLOPs, 3.5M params.
SPOS_MODEL = "21012020202300003233"
#: FairNAS-B's model code (FairNAS paper Table: 345M multiply-adds, 4.5M parameters).
FAIRNAS_B = "1010312031032054534"


def test_shufflenetv2_shape_and_strings() -> None:
    space = ShuffleNetV2Space()
    assert space.n_positions == 20 and space.size == 4**20
    assert space.choices[0] == spaces.SHUFFLENET_CHOICES
    x = space.from_string(SPOS_MODEL)
    assert space.to_string(x) == SPOS_MODEL
    assert space.choice_names(x)[:2] == ["shufflenet_7x7", "shufflenet_5x5"]


def test_spos_released_model_matches_published_cost() -> None:
    space = ShuffleNetV2Space()
    x = space.from_string(SPOS_MODEL)
    assert space.flops(x)[0] == pytest.approx(323, abs=1.0)  # we get 322.92
    assert space.params(x)[0] == pytest.approx(3.5, abs=0.1)  # we get 3.56


def test_spos_cost_range_and_order() -> None:
    space = ShuffleNetV2Space()
    uniform = np.repeat(np.arange(4)[:, None], 20, axis=1)
    flops = space.flops(uniform)
    # SPOS paper: its nets lie at ~290-360M FLOPs; all-3x3 is cheapest, all-xception dearest
    assert 290 < flops[0] < flops[1] < flops[2] < flops[3] < 360
    assert np.argmax(space.params(uniform)) == 3


def test_fairnas_shape_and_published_cost() -> None:
    space = FairNASSpace()
    assert space.n_positions == 19 and space.size == 6**19
    x = space.from_string(FAIRNAS_B)
    assert space.flops(x)[0] == pytest.approx(345, abs=1.0)  # we get 345.30
    assert space.params(x)[0] == pytest.approx(4.5, abs=0.05)  # we get 4.506
    assert space.choice_names(x)[:2] == ["k5_e3", "k3_e3"]


def test_cost_is_fixed_plus_sum_of_layer_costs() -> None:
    space = FairNASSpace()
    X = space.sample(50, seed=0)
    base = np.zeros((1, 19), dtype=np.int64)
    expected = space.flops(base)[0] + sum(
        space.flops(np.where(np.arange(19) == i, X[:, [i]], 0))[:] - space.flops(base)[0]
        for i in range(19)
    )
    np.testing.assert_allclose(space.flops(X), expected)
    # larger kernels and expansions cost strictly more in every layer
    for choice in range(1, 6):
        bigger = space.flops(np.full((1, 19), choice))[0]
        assert bigger > space.flops(base)[0]


def test_cost_vectorised_over_a_large_batch() -> None:
    space = ShuffleNetV2Space()
    X = space.sample(100_000, seed=1)
    flops = space.flops(X)
    assert flops.shape == (100_000,) and np.isfinite(flops).all()
    assert flops[3] == pytest.approx(space.flops(X[3])[0])


def test_invalid_architecture_rejected() -> None:
    with pytest.raises(ValueError, match="position 0 has value 4"):
        ShuffleNetV2Space().flops(np.full((1, 20), 4))
    with pytest.raises(ValueError, match="19 layer choices, expected 20"):
        ShuffleNetV2Space().from_string("0" * 19)
