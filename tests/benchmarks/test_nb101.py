"""NAS-Bench-101 sources: NASLib's 500-cell subset and the official tfrecord format."""

from __future__ import annotations

import ast
import base64
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from lissnas.benchmarks import MissingDataError, get_benchmark_spec, load_benchmark
from lissnas.benchmarks._nb101 import (
    crc32c,
    load_nasbench_tfrecord,
    load_nb101,
    masked_crc32c,
    parse_model_metrics,
    read_nasbench_records,
)
from lissnas.spaces import NB101Space

SPACE = NB101Space()


# -- a writer for the official format (protobuf wire format by hand) -------------------------
def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _double(number: int, value: float) -> bytes:
    return _varint(number << 3 | 1) + struct.pack("<d", value)


def _bytes(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _metrics(val: float, test: float, params: int) -> bytes:
    evals = b""
    for epoch, frac in ((0.0, 0.1), (54.0, 0.5), (108.0, 1.0)):
        evals += _bytes(
            1,
            _double(1, epoch)
            + _double(2, 10.0 * epoch)
            + _double(3, frac)
            + _double(4, val * frac)
            + _double(5, test * frac)
            + _bytes(6, b"/ckpt/model.ckpt-1"),
        )
    return evals + _varint(2 << 3 | 0) + _varint(params) + _double(3, 1234.5)


def _frame(payload: bytes) -> bytes:
    length = struct.pack("<Q", len(payload))
    return (
        length
        + struct.pack("<I", masked_crc32c(length))
        + payload
        + struct.pack("<I", masked_crc32c(payload))
    )


def _record(matrix, ops, epochs, val, test=0.9, params=1000) -> bytes:
    M = np.asarray(matrix)
    row = [
        "hash-" + "".join(map(str, M.ravel())) + "-" + ",".join(ops),
        epochs,
        "".join(str(int(v)) for v in M.ravel()),
        ",".join(ops),
        base64.b64encode(_metrics(val, test, params)).decode(),
    ]
    return json.dumps(row).encode()


CHAIN = ([[0, 1, 0], [0, 0, 1], [0, 0, 0]], ["input", "conv3x3-bn-relu", "output"])
DIAMOND = (
    [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0]],
    ["input", "conv1x1-bn-relu", "maxpool3x3", "output"],
)


def _write(path: Path, payloads: list[bytes]) -> Path:
    path.write_bytes(b"".join(_frame(p) for p in payloads))
    return path


def _payloads() -> list[bytes]:
    return [
        _record(*CHAIN, 108, 0.90),
        _record(*CHAIN, 108, 0.92),
        _record(*CHAIN, 108, 0.94),
        _record(*CHAIN, 36, 0.10),  # other budgets are ignored
        _record(*DIAMOND, 108, 0.80, params=777),
        _record(*DIAMOND, 108, 0.84, params=777),
    ]


def test_crc32c_check_value():
    assert crc32c(b"123456789") == 0xE3069283  # the standard CRC-32C check value
    assert crc32c(b"") == 0


def test_tfrecord_round_trip(tmp_path):
    path = _write(tmp_path / "nb.tfrecord", _payloads())
    records = list(read_nasbench_records(path))
    assert [r.epochs for r in records] == [108, 108, 108, 36, 108, 108]
    metrics = records[4].metrics
    assert metrics.trainable_parameters == 777 and metrics.total_time == 1234.5
    assert [e.current_epoch for e in metrics.evaluation_data] == [0.0, 54.0, 108.0]
    assert metrics.evaluation_data[-1].validation_accuracy == pytest.approx(0.80)
    assert metrics.evaluation_data[-1].checkpoint_path == "/ckpt/model.ckpt-1"
    np.testing.assert_array_equal(records[4].matrix, DIAMOND[0])

    source = load_nasbench_tfrecord(path)
    assert len(source) == 2 and source.name == "nb101-official"
    chain, diamond = SPACE.from_spec(*CHAIN), SPACE.from_spec(*DIAMOND)
    np.testing.assert_allclose(source.evaluate(np.vstack([chain, diamond])), [92.0, 82.0])
    assert source.ground_truth() is None


def test_parse_model_metrics_skips_unknown_fields():
    extra = _varint(9 << 3 | 0) + _varint(5) + _metrics(0.5, 0.4, 12)
    m = parse_model_metrics(extra)
    assert m.trainable_parameters == 12 and len(m.evaluation_data) == 3


def test_tfrecord_corrupted_crc_names_record(tmp_path):
    data = bytearray(_write(tmp_path / "a.tfrecord", _payloads()).read_bytes())
    first = len(_frame(_payloads()[0]))
    data[first + 20] ^= 0xFF  # a byte inside record 1's payload
    (tmp_path / "a.tfrecord").write_bytes(bytes(data))
    with pytest.raises(ValueError, match="record 1: data CRC mismatch"):
        list(read_nasbench_records(tmp_path / "a.tfrecord"))


def test_tfrecord_truncated_names_record(tmp_path):
    data = _write(tmp_path / "t.tfrecord", _payloads()).read_bytes()
    (tmp_path / "t.tfrecord").write_bytes(data[:-10])
    with pytest.raises(ValueError, match="record 5: truncated data"):
        load_nasbench_tfrecord(tmp_path / "t.tfrecord")
    (tmp_path / "t.tfrecord").write_bytes(data[: len(_frame(_payloads()[0])) + 5])
    with pytest.raises(ValueError, match="record 1: truncated header"):
        list(read_nasbench_records(tmp_path / "t.tfrecord"))


def test_tfrecord_bad_json_and_bad_cell_name_record(tmp_path):
    path = _write(tmp_path / "j.tfrecord", [_record(*CHAIN, 108, 0.9), b"[not json"])
    with pytest.raises(ValueError, match="record 1: Expecting value"):
        list(read_nasbench_records(path))
    bad = _record([[0, 1], [1, 0]], ["input", "output"], 108, 0.9)
    path = _write(tmp_path / "m.tfrecord", [bad])
    with pytest.raises(ValueError, match="upper-triangular"):
        load_nasbench_tfrecord(path)
    path = _write(tmp_path / "e.tfrecord", [_record(*CHAIN, 36, 0.9)])
    with pytest.raises(ValueError, match="no records with 108 epochs"):
        load_nasbench_tfrecord(path)


def test_official_spec_registered_but_unavailable(tmp_path):
    spec = get_benchmark_spec("nb101-official")
    ok, why = spec.availability(tmp_path)
    assert not ok and "nasbench_only108.tfrecord not found" in why
    with pytest.raises(MissingDataError, match=r"nasbench_only108\.tfrecord"):
        load_benchmark("nb101-official", data_dir=tmp_path)


def test_official_loader_through_registry(tmp_path):
    (tmp_path / "nasbench101").mkdir()
    _write(tmp_path / "nasbench101/nasbench_only108.tfrecord", _payloads())
    source = load_benchmark("nb101-official", data_dir=tmp_path)
    assert len(source) == 2 and source.maximize


def test_nb101_subset_loads(data_dir):
    source = load_benchmark("nb101", data_dir=data_dir)
    table = json.loads((data_dir / "nasbench101/zc_nasbench101.json").read_text())
    rows = table["nasbench101"]["cifar10"]
    assert len(rows) == 500
    X = np.vstack([SPACE.from_naslib(ast.literal_eval(k)) for k in rows])
    values = np.array([v["val_accuracy"] for v in rows.values()])
    # isomorphic duplicates (same official hash) are averaged into one class each
    hashes = [SPACE.graph_hash(x) for x in X]
    assert len(source) == len(set(hashes)) == 292
    got = source.evaluate(X)
    for h in set(hashes[:20]):
        same = [i for i, g in enumerate(hashes) if g == h]
        np.testing.assert_allclose(got[same], values[same].mean())
    assert source.ground_truth() is None and source.maximize
    assert source.metric == "validation accuracy"


def test_nb101_subset_strict_errors(tmp_path):
    (tmp_path / "nasbench101").mkdir()
    path = tmp_path / "nasbench101/zc_nasbench101.json"
    key = "(" + ", ".join(["0"] * 49 + ["0", "2", "2", "2", "2", "2", "1"]) + ")"
    path.write_text(json.dumps({"nasbench101": {"cifar10": {key: {"val_accuracy": 90.0}}}}))
    with pytest.raises(ValueError, match="not connected"):
        load_nb101(tmp_path)
    good = (
        "(" + ", ".join(["0"] * 6 + ["1"] + ["0"] * 42 + ["0", "2", "2", "2", "2", "2", "1"]) + ")"
    )
    path.write_text(json.dumps({"nasbench101": {"cifar10": {good: {"val_accuracy": "x"}}}}))
    with pytest.raises(ValueError, match="field 'val_accuracy': expected a finite number"):
        load_nb101(tmp_path)
    path.write_text("{")
    with pytest.raises(ValueError, match="not valid JSON"):
        load_nb101(tmp_path)
