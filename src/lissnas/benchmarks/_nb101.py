"""NAS-Bench-101 (CIFAR-10): NASLib's 500-cell subset and the official tfrecord, read
without TensorFlow."""

from __future__ import annotations

import base64
import binascii
import json
import math
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from lissnas.benchmarks._base import TabularSource
from lissnas.benchmarks._data import find_data_file
from lissnas.spaces._nb101 import NB101Space

if TYPE_CHECKING:
    from lissnas.benchmarks._registry import BenchmarkSpec

NB101_ZC_JSON = "nasbench101/zc_nasbench101.json"
NB101_TFRECORD = "nasbench101/nasbench_only108.tfrecord"
_ZC_ORIGIN = "automl/NASLib branch benchmarks, naslib/data/zc_nasbench101.json"
_TF_ORIGIN = "https://storage.googleapis.com/nasbench/nasbench_only108.tfrecord"


def load_nb101(data_dir: str | os.PathLike[str] | None = None) -> TabularSource:
    """``nb101``: validation accuracy (%) of NASLib's 500 NAS-Bench-101 CIFAR-10 cells.

    Keys are a flattened 7x7 matrix (49 ints) then 7 NASLib op codes (0 input, 1 output,
    2 maxpool3x3, 3 conv1x1-bn-relu, 4 conv3x3-bn-relu). Only a subset of the space, so
    ``ground_truth()`` is ``None``. Raises ``ValueError`` naming the key and field at fault.
    """
    path = find_data_file(NB101_ZC_JSON, data_dir, source=_ZC_ORIGIN)
    with path.open() as handle:
        try:
            data = json.load(handle)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not valid JSON ({exc})") from None
    table = data.get("nasbench101", {}).get("cifar10") if isinstance(data, dict) else None
    if not isinstance(table, dict) or not table:
        raise ValueError(f"{path}: expected a non-empty object at ['nasbench101']['cifar10']")
    space = NB101Space()
    archs = np.empty((len(table), space.n_positions), dtype=np.int64)
    values = np.empty(len(table))
    for row, (key, entry) in enumerate(table.items()):
        try:
            codes = [int(t) for t in key.strip().strip("()").split(",")]
            archs[row] = space.from_naslib(codes)
        except ValueError as exc:
            raise ValueError(f"{path}: key {key!r}: {exc}") from None
        value = entry.get("val_accuracy") if isinstance(entry, dict) else None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValueError(
                f"{path}: key {key!r}, field 'val_accuracy': expected a finite number, "
                f"got {value!r}"
            )
        values[row] = value
    return TabularSource(space, archs, values, name="nb101", metric="validation accuracy")


# -- TFRecord framing ------------------------------------------------------------------------
def _crc32c_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
        table.append(crc)
    return table


_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli) of ``data``; uses ``google_crc32c`` when installed, else a
    pure-Python table (correct but slow: about 10 MB/s)."""
    try:
        import google_crc32c
    except ImportError:
        crc = 0xFFFFFFFF
        for byte in data:
            crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
        return crc ^ 0xFFFFFFFF
    return int(google_crc32c.value(bytes(data)))


def masked_crc32c(data: bytes) -> int:
    """TFRecord's masked CRC: rotate right by 15 bits and add 0xA282EAD8 (mod 2**32)."""
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read_tfrecord(path: str | os.PathLike[str], *, verify: bool = True) -> Iterator[bytes]:
    """Payloads of a TFRecord file: ``uint64 length, uint32 masked crc32c(length), data,
    uint32 masked crc32c(data)``, little-endian. ``ValueError`` names the record index on a
    truncated record or a CRC mismatch."""
    with Path(path).open("rb") as handle:
        index = 0
        while True:
            header = handle.read(12)
            if not header:
                return
            if len(header) < 12:
                raise ValueError(f"{path}: record {index}: truncated header")
            length_bytes, (length_crc,) = header[:8], struct.unpack("<I", header[8:])
            if verify and masked_crc32c(length_bytes) != length_crc:
                raise ValueError(f"{path}: record {index}: length CRC mismatch")
            (length,) = struct.unpack("<Q", length_bytes)
            data = handle.read(length)
            footer = handle.read(4)
            if len(data) < length or len(footer) < 4:
                raise ValueError(
                    f"{path}: record {index}: truncated data ({length} bytes expected)"
                )
            if verify and masked_crc32c(data) != struct.unpack("<I", footer)[0]:
                raise ValueError(f"{path}: record {index}: data CRC mismatch")
            yield data
            index += 1


# -- model_metrics.proto, decoded by hand ------------------------------------------------------
@dataclass(frozen=True)
class EvaluationData:
    """One evaluation of ``model_metrics.proto`` (accuracies are fractions)."""

    current_epoch: float = 0.0
    training_time: float = 0.0
    train_accuracy: float = 0.0
    validation_accuracy: float = 0.0
    test_accuracy: float = 0.0
    checkpoint_path: str = ""


@dataclass(frozen=True)
class ModelMetrics:
    """``ModelMetrics`` of ``model_metrics.proto``."""

    evaluation_data: tuple[EvaluationData, ...]
    trainable_parameters: int
    total_time: float


_EVAL_FIELDS = {
    1: "current_epoch",
    2: "training_time",
    3: "train_accuracy",
    4: "validation_accuracy",
    5: "test_accuracy",
}


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint")
        byte = buf[pos]
        result |= (byte & 0x7F) << shift
        pos, shift = pos + 1, shift + 7
        if not byte & 0x80:
            return result, pos


def _fields(buf: bytes) -> Iterator[tuple[int, int, int | float | bytes]]:
    """(field number, wire type, value) of every field of a protobuf message."""
    pos = 0
    while pos < len(buf):
        tag, pos = _varint(buf, pos)
        number, wire = tag >> 3, tag & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            if pos + 8 > len(buf):
                raise ValueError(f"truncated fixed64 field {number}")
            (value,) = struct.unpack_from("<d", buf, pos)
            pos += 8
        elif wire == 2:
            size, pos = _varint(buf, pos)
            if pos + size > len(buf):
                raise ValueError(f"truncated length-delimited field {number}")
            value, pos = buf[pos : pos + size], pos + size
        elif wire == 5:
            if pos + 4 > len(buf):
                raise ValueError(f"truncated fixed32 field {number}")
            (value,) = struct.unpack_from("<f", buf, pos)
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire} for field {number}")
        yield number, wire, value


def parse_model_metrics(buf: bytes) -> ModelMetrics:
    """Decode a serialized ``nasbench.ModelMetrics`` (unknown fields are skipped)."""
    evaluations, params, total = [], 0, 0.0
    for number, wire, value in _fields(buf):
        if number == 1 and wire == 2:
            kwargs: dict[str, float | str] = {}
            for sub, sub_wire, sub_value in _fields(value):  # type: ignore[arg-type]
                if sub in _EVAL_FIELDS and sub_wire == 1:
                    kwargs[_EVAL_FIELDS[sub]] = float(sub_value)
                elif sub == 6 and sub_wire == 2:
                    kwargs["checkpoint_path"] = bytes(sub_value).decode("utf-8")  # type: ignore[arg-type]
            evaluations.append(EvaluationData(**kwargs))  # type: ignore[arg-type]
        elif number == 2 and wire == 0:
            params = int(value)
        elif number == 3 and wire == 1:
            total = float(value)
    return ModelMetrics(tuple(evaluations), params, total)


@dataclass(frozen=True)
class NB101Record:
    """One training run of the official dataset."""

    module_hash: str
    epochs: int
    matrix: np.ndarray
    operations: tuple[str, ...]
    metrics: ModelMetrics


def read_nasbench_records(
    path: str | os.PathLike[str], *, verify: bool = True
) -> Iterator[NB101Record]:
    """Records of an official NAS-Bench-101 tfrecord: JSON lists ``[module_hash, epochs,
    raw_adjacency, raw_operations, base64 ModelMetrics]``. ``ValueError`` names the record."""
    for index, payload in enumerate(read_tfrecord(path, verify=verify)):
        try:
            module_hash, epochs, adjacency, operations, raw = json.loads(payload.decode("utf-8"))
            dim = math.isqrt(len(adjacency))
            if dim * dim != len(adjacency) or set(adjacency) - {"0", "1"}:
                raise ValueError(f"adjacency {adjacency!r} is not a square 0/1 matrix")
            matrix = np.array([int(c) for c in adjacency], dtype=np.int64).reshape(dim, dim)
            metrics = parse_model_metrics(base64.b64decode(raw, validate=True))
            yield NB101Record(
                str(module_hash), int(epochs), matrix, tuple(operations.split(",")), metrics
            )
        except (ValueError, TypeError, UnicodeDecodeError, binascii.Error) as exc:
            raise ValueError(f"{path}: record {index}: {exc}") from None


def load_nasbench_tfrecord(
    path: str | os.PathLike[str], *, epochs: int = 108, verify: bool = True
) -> TabularSource:
    """Validation accuracy (%) of every cell trained for ``epochs``: the final evaluation,
    averaged over the repeats (and over isomorphic cells)."""
    space = NB101Space()
    runs: dict[str, list] = {}
    for record in read_nasbench_records(path, verify=verify):
        if record.epochs != epochs:
            continue
        if not record.metrics.evaluation_data:
            raise ValueError(f"{path}: model {record.module_hash}: no evaluation data")
        entry = runs.setdefault(record.module_hash, [record, []])
        entry[1].append(record.metrics.evaluation_data[-1].validation_accuracy)
    if not runs:
        raise ValueError(f"{path}: no records with {epochs} epochs")
    archs = np.empty((len(runs), space.n_positions), dtype=np.int64)
    values = np.empty(len(runs))
    for row, (module_hash, (record, accuracies)) in enumerate(runs.items()):
        try:
            archs[row] = space.from_spec(record.matrix, record.operations)
        except ValueError as exc:
            raise ValueError(f"{path}: model {module_hash}: {exc}") from None
        values[row] = 100.0 * float(np.mean(accuracies))
    return TabularSource(space, archs, values, name="nb101-official", metric="validation accuracy")


def _load_official(data_dir: str | os.PathLike[str] | None = None) -> TabularSource:
    return load_nasbench_tfrecord(find_data_file(NB101_TFRECORD, data_dir, source=_TF_ORIGIN))


def _specs() -> list[BenchmarkSpec]:
    from lissnas.benchmarks._registry import BenchmarkSpec

    return [
        BenchmarkSpec(
            "nb101",
            f"NAS-Bench-101 CIFAR-10 validation accuracy, 500-cell subset; from {_ZC_ORIGIN}",
            load_nb101,
            data_files=(NB101_ZC_JSON,),
        ),
        BenchmarkSpec(
            "nb101-official",
            "NAS-Bench-101 CIFAR-10 validation accuracy of all 423,624 cells (108 epochs, "
            f"mean of 3 repeats); from {_TF_ORIGIN}",
            _load_official,
            data_files=(NB101_TFRECORD,),
        ),
    ]


SPECS = _specs()
