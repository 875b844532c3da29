"""The budgeted, cached ground truth that shrinkers and searches share."""

from __future__ import annotations

import numpy as np
import pytest

from lissnas.benchmarks import PerformanceSource, load_benchmark
from lissnas.shrink._base import Oracle


class TestError(PerformanceSource):
    """Test error (%) of NB201 CIFAR-10: a metric to minimise."""

    __test__ = False

    def __init__(self, accuracy: PerformanceSource) -> None:
        super().__init__(accuracy.space, name="nb201-error", metric="error", maximize=False)
        self.accuracy = accuracy

    def _evaluate(self, archs: np.ndarray) -> np.ndarray:
        return 100.0 - self.accuracy.evaluate(archs)


@pytest.fixture
def source():
    return load_benchmark("nb201-cifar10")


def test_query_caches_and_counts_against_the_budget(source):
    space = source.space
    archs = space.unique(space.sample(6, np.random.default_rng(0)))[:4]
    oracle = Oracle(space, source, budget=5)
    first = oracle.query(archs[[0, 1, 0]])
    assert oracle.queries == 2 and source.n_queries == 2 and first[0] == first[2]
    assert first.tolist() == source.evaluate(archs[[0, 1, 0]]).tolist()
    source.reset_queries()
    with pytest.raises(RuntimeError, match="ground-truth budget exceeded"):
        oracle.query(np.vstack([archs, space.unique(space.sample(40, np.random.default_rng(1)))]))
    assert oracle.queries == 2 and source.n_queries == 0  # nothing asked on refusal


def test_query_prefix_stops_at_the_budget(source):
    space = source.space
    archs = space.unique(space.sample(20, np.random.default_rng(0)))[:6]
    oracle = Oracle(space, source, budget=3)
    oracle.query(archs[:1])
    got = oracle.query_prefix(archs[[0, 1, 1, 2, 3, 4]])
    assert len(got) == 4 and oracle.remaining == 0  # 0 known, 1 new, 1 cached, 2 new; 3 stops
    assert len(oracle.query_prefix(archs[[2, 0, 5]])) == 2  # known rows still answered


def test_record_counts_without_asking_and_orients_scores(source):
    error = TestError(source)
    space = error.space
    archs = space.unique(space.sample(20, np.random.default_rng(0)))[:3]
    oracle = Oracle(space, error, budget=10)
    oracle.record(archs[[0, 1, 0]], [1.0, 2.0, 9.0])
    assert error.n_queries == 0 and oracle.queries == 2
    assert oracle.query(archs[:2]).tolist() == [-1.0, -2.0]  # first value kept, negated
    assert oracle.known_mask(archs).tolist() == [True, True, False]
    assert oracle.query(archs[2:]).tolist() == (source.evaluate(archs[2:]) - 100.0).tolist()
    with pytest.raises(ValueError, match="3 architectures but 1 values"):
        oracle.record(archs, [1.0])
