"""Every space checks ``neighbors``' arguments the same way and subsamples ``limit``
neighbours reproducibly."""

from __future__ import annotations

import numpy as np
import pytest

from lissnas.spaces import (
    DARTSSpace,
    NB101Space,
    NB201Space,
    NBGraphSpace,
    NBMacroSpace,
    TransNASMacroSpace,
    TransNASMicroSpace,
)
from lissnas.spaces._base import subsample

SPACES = [
    NB201Space, NBMacroSpace, DARTSSpace, NB101Space, TransNASMacroSpace, TransNASMicroSpace,
    NBGraphSpace,
]  # fmt: skip


@pytest.fixture(params=SPACES, ids=lambda cls: cls.__name__, scope="module")
def space(request):
    return request.param()


@pytest.mark.parametrize(
    ("max_distance", "limit", "message"),
    [
        (0, None, "max_distance must be >= 1, got 0"),
        (1.5, None, "max_distance must be an int, got 1.5"),
        (True, None, "max_distance must be an int, got True"),
        (1, -1, "limit must be an int >= 0 or None, got -1"),
        (1, 2.0, "limit must be an int >= 0 or None, got 2.0"),
    ],
)
def test_bad_arguments_name_the_parameter(space, max_distance, limit, message) -> None:
    arch = space.sample(1, 0)[0]
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        space.neighbors(arch, max_distance, seed=0, limit=limit)


def test_limited_neighbours_are_reproducible_and_within_reach(space) -> None:
    arch = space.sample(1, 1)[0]
    some = space.neighbors(arch, 1, seed=5, limit=3)
    assert 0 < len(some) <= 3
    np.testing.assert_array_equal(some, space.neighbors(arch, 1, seed=5, limit=3))
    assert all(1 <= space.distance(arch, other) <= 1 for other in some)


def test_subsample_keeps_everything_without_a_binding_limit() -> None:
    np.testing.assert_array_equal(subsample(4, None, 0), np.arange(4))
    np.testing.assert_array_equal(subsample(4, 9, 0), np.arange(4))
    picked = subsample(100, 7, 3)
    assert len(picked) == len(set(picked.tolist())) == 7
    assert (np.diff(picked) > 0).all() and picked.max() < 100
    np.testing.assert_array_equal(picked, subsample(100, 7, 3))
