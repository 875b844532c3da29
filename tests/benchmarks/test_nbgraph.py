"""``nbgraph-<dataset>``: the light files of the pip package nas-bench-graph."""

from __future__ import annotations

import pytest

from lissnas.benchmarks import get_benchmark_spec, load_benchmark
from lissnas.benchmarks._nbgraph import load_nbgraph, read_nbgraph_light
from lissnas.spaces import NBGRAPH_DATASETS, NBGraphSpace

nbg = pytest.importorskip("nas_bench_graph")


@pytest.mark.parametrize("dataset", NBGRAPH_DATASETS)
def test_every_dataset_loads_with_its_sizes_and_best(dataset):
    source = load_benchmark(f"nbgraph-{dataset}")
    raw = nbg.light_read(dataset)
    assert isinstance(source.space, NBGraphSpace)
    assert len(source) == source.space.size == len(raw)
    assert source.space.size == (2_021 if dataset == "proteins" else 26_206)
    X, y = source.ground_truth()
    best = max(entry["perf"] for entry in raw.values())
    assert y.max() == pytest.approx(100 * best)
    assert source.metric == "test accuracy" and source.maximize
    assert int(source.space.bench_hash(X[y.argmax()])[0]) in raw


def test_values_params_and_latency_match_the_package():
    source = load_nbgraph("cora")
    raw = nbg.light_read("cora")
    space = source.space
    for link, ops in [
        ([0, 1, 2, 3], ["gcn", "gat", "sage", "fc"]),
        ([0, 0, 1, 1], ["skip", "gin", "arma", "graph"]),
    ]:
        arch = space.from_link_vector(link, [space.ops.index(o) for o in ops])
        entry = raw[nbg.Arch(link, ops).valid_hash()]
        assert source.evaluate(arch)[0] == pytest.approx(100 * entry["perf"])
        assert space.params(arch)[0] == pytest.approx(entry["para"])
        assert space.latency(arch)[0] == pytest.approx(entry["latency"])
    assert source.n_queries == 2
    val = load_nbgraph("cora", validation=True)
    assert val.name == "nbgraph-cora-val" and val.metric == "validation accuracy"
    _, y = val.ground_truth()
    assert y.max() == pytest.approx(100 * max(e["valid_perf"] for e in raw.values()))


def test_specs_declare_the_extra():
    spec = get_benchmark_spec("nbgraph-proteins")
    assert spec.packages == ("nas_bench_graph",)
    assert spec.extra == "graph"
    assert "lissnas[graph]" in spec.needs
    assert spec.availability() == (True, "available")


def test_errors():
    with pytest.raises(ValueError, match="dataset must be one of"):
        read_nbgraph_light("mnist")


def test_malformed_entries_name_key_and_field(monkeypatch):
    import lissnas.benchmarks._nbgraph as module

    raw = {key: dict(entry) for key, entry in nbg.light_read("proteins").items()}
    key = next(iter(raw))
    raw[key]["perf"] = float("nan")
    monkeypatch.setattr(module, "read_nbgraph_light", lambda dataset: raw)
    with pytest.raises(ValueError, match=rf"key {key}, field 'perf'"):
        load_nbgraph("proteins")
    raw[key]["perf"] = 0.5
    del raw[key]["latency"]
    with pytest.raises(ValueError, match=rf"key {key}, field 'latency'"):
        load_nbgraph("proteins")
    raw[key]["latency"] = 0.01
    raw[99999] = raw.pop(key)
    with pytest.raises(ValueError, match="99999 is not a NAS-Bench-Graph key"):
        load_nbgraph("proteins")
    raw[key] = raw.pop(99999)
    del raw[key]
    with pytest.raises(ValueError, match="appears 0 times, expected once"):
        load_nbgraph("proteins")


def test_missing_package_says_what_to_install(monkeypatch):
    import lissnas.benchmarks._nbgraph as module

    def files(name):
        raise ModuleNotFoundError(f"No module named {name!r}")

    monkeypatch.setattr(module.resources, "files", files)
    with pytest.raises(ModuleNotFoundError, match=r"lissnas\[graph\]"):
        load_nbgraph("cora")
