"""Black-box search strategies: budgets, caching, membership, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from lissnas.benchmarks import TabularSource, load_benchmark
from lissnas.search import LocalSearch, RegularizedEvolution, SearchTrace, run_search
from lissnas.spaces import ChoiceSpace

STRATEGIES = ("random", "evolution", "local")
TOY = ChoiceSpace("toy", [["a", "b", "c", "d"]] * 5)
TARGET = np.array([3, 1, 0, 2, 3])


def toy_source(maximize: bool = True) -> TabularSource:
    archs = TOY.enumerate()
    distance = (archs != TARGET).sum(axis=1).astype(float)
    values = -distance if maximize else distance
    return TabularSource(TOY, archs, values, name="toy", metric="m", maximize=maximize)


@pytest.fixture(scope="module")
def nb201():
    return load_benchmark("nb201-cifar10")


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_budget_no_repeats_and_determinism(nb201, strategy: str) -> None:
    nb201.reset_queries()
    trace = run_search(strategy, nb201.space, nb201, 150, seed=4)
    assert nb201.n_queries == len(trace.values) == 150
    assert len(np.unique(nb201.space.keys(trace.archs))) == 150
    again = run_search(strategy, nb201.space, nb201, 150, seed=4)
    np.testing.assert_array_equal(trace.archs, again.archs)
    assert np.all(np.diff(trace.best_so_far) >= 0)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_members_restriction_and_initial(nb201, strategy: str) -> None:
    space = nb201.space
    members = space.sample(80, seed=1, distinct=True)
    initial = (members[:10], nb201.evaluate(members[:10]))
    nb201.reset_queries()
    trace = run_search(strategy, space, nb201, 50, seed=0, members=members, initial=initial)
    assert len(trace.values) == 50 and nb201.n_queries == 40  # 10 were already spent
    np.testing.assert_array_equal(trace.archs[:10], members[:10])
    assert set(space.keys(trace.archs).tolist()) <= set(space.keys(members).tolist())
    small = run_search(strategy, space, nb201, 500, seed=0, members=members)
    assert len(small.values) == 80  # exhausted the members


@pytest.mark.parametrize("maximize", [True, False])
def test_local_search_climbs_a_unimodal_objective(maximize: bool) -> None:
    source = toy_source(maximize)
    trace = LocalSearch().run(TOY, source, 200, seed=0)
    assert trace.best_value == 0.0
    np.testing.assert_array_equal(trace.best_arch, TARGET)
    reached = trace.queries_to_reach(0.0)
    assert reached is not None and reached < 200
    assert trace.best_so_far[reached - 1] == 0.0
    if reached > 1:
        assert trace.best_so_far[reached - 2] != 0.0


def test_evolution_finds_the_optimum_of_a_unimodal_objective() -> None:
    trace = RegularizedEvolution(population_size=20, sample_size=5).run(
        TOY, toy_source(), 400, seed=1
    )
    assert trace.queries_to_reach(0.0) is not None


def test_trace_semantics() -> None:
    trace = SearchTrace(np.zeros((3, 1), dtype=np.int64), np.array([3.0, 1.0, 2.0]), maximize=False)
    np.testing.assert_array_equal(trace.best_so_far, [3.0, 1.0, 1.0])
    assert trace.queries_to_reach(1.0) == 2
    assert trace.queries_to_reach(0.5) is None
    assert trace.best_value == 1.0


def test_errors(nb201) -> None:
    with pytest.raises(
        ValueError, match="unknown strategy 'x'; valid names: random, evolution, local"
    ):
        run_search("x", nb201.space, nb201, 10)
    with pytest.raises(ValueError, match="gt_budget must be >= 1, got 0"):
        run_search("random", nb201.space, nb201, 0)
    with pytest.raises(ValueError, match="population_size must be >= 2, got 1"):
        RegularizedEvolution(population_size=1)
