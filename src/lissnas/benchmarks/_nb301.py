"""``nb301``: NAS-Bench-301's DARTS space scored by YAHPO Gym's ONNX surrogate."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lissnas.benchmarks._base import PerformanceSource
from lissnas.benchmarks._data import find_data_file
from lissnas.spaces import DARTSSpace
from lissnas.spaces._darts import DARTS_CELLS, DARTS_OPS, EDGE_START, N_EDGES, N_NODES, NODE_PAIRS

if TYPE_CHECKING:
    from lissnas.benchmarks._registry import BenchmarkSpec

SURROGATE_DIR = "nasbench301/yahpo_surrogate"
_FILES = tuple(f"{SURROGATE_DIR}/{f}" for f in ("model.onnx", "encoding.json"))
_ORIGIN = "slds-lmu/yahpo_data nb301 (v2): model.onnx, encoding.json"
_PREFIX = "NetworkSelectorDatasetInfo_COLON_darts_COLON_"
#: YAHPO's categorical inputs, in the order the surrogate reads them.
_INPUTS = [f"edge_{cell}_{e}" for cell in DARTS_CELLS for e in range(N_EDGES)] + [
    f"inputs_node_{cell}_{k + 2}" for cell in DARTS_CELLS for k in range(1, N_NODES)
]
#: The last epoch of NAS-Bench-301's training runs (YAHPO's fidelity range is 1..98).
FINAL_EPOCH = 98


def _import_onnxruntime() -> Any:
    try:
        import onnxruntime
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "the nb301 surrogate needs onnxruntime: pip install 'lissnas[nb301]'"
        ) from None
    return onnxruntime


class SurrogateSource(PerformanceSource):
    """NAS-Bench-301 validation accuracy (%) predicted by YAHPO Gym's ONNX surrogate.

    The surrogate was fit on NAS-Bench-301's training data; its inputs are the DARTS cell
    hyperparameters (14 edge ops and 3 input pairs per cell, integer-encoded by
    ``encoding.json``, ``0`` for unused edges) and the epoch. Deterministic; evaluated in
    batches of ``batch_size``. ``ground_truth()`` is ``None``: the space cannot be listed.
    """

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        encoding_path: str | os.PathLike[str],
        *,
        epoch: int = FINAL_EPOCH,
        batch_size: int = 65536,
        name: str = "nb301",
    ) -> None:
        super().__init__(DARTSSpace(), name=name, metric="validation accuracy (surrogate)")
        if not 1 <= epoch <= FINAL_EPOCH:
            raise ValueError(f"epoch must be in 1..{FINAL_EPOCH}, got {epoch}")
        self.epoch = epoch
        self.batch_size = batch_size
        self._codes = self._read_encoding(Path(encoding_path))
        ort = _import_onnxruntime()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        names = [i.name for i in self._session.get_inputs()]
        if names != ["x_cat", "x_cont"]:
            raise ValueError(f"{model_path}: expected inputs x_cat, x_cont, got {names}")

    @staticmethod
    def _read_encoding(path: Path) -> dict[str, np.ndarray]:
        """Code tables: per edge input, the code of each op; per node input, of each pair."""
        try:
            table = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not valid JSON ({exc})") from None
        codes: dict[str, np.ndarray] = {}
        for name in _INPUTS:
            entry = table.get(_PREFIX + name)
            if not isinstance(entry, dict):
                raise ValueError(f"{path}: no encoding for {_PREFIX + name}")
            if name.startswith("edge_"):
                labels = list(DARTS_OPS)
            else:
                k = int(name.rsplit("_", 1)[1]) - 2
                labels = [f"{a}_{b}" for a, b in NODE_PAIRS[k]]
            missing = [label for label in labels if label not in entry]
            if missing:
                raise ValueError(f"{path}: {_PREFIX + name} lacks codes for {missing}")
            codes[name] = np.array([entry[label] for label in labels], dtype=np.int32)
        for cell in DARTS_CELLS:
            first = codes[f"edge_{cell}_0"]
            for e in range(1, N_EDGES):
                if not np.array_equal(codes[f"edge_{cell}_{e}"], first):
                    raise ValueError(f"{path}: edge_{cell}_{e} encodes the ops differently")
        return codes

    def features(self, archs: np.ndarray) -> np.ndarray:
        """The surrogate's ``x_cat`` input: one row of 34 codes per architecture."""
        inputs, ops = DARTSSpace.to_edges(archs)
        n = len(inputs)
        x = np.zeros((n, len(_INPUTS)), dtype=np.int32)  # 0 = "#na#", an unused edge
        rows = np.arange(n)[:, None]
        for c, cell in enumerate(DARTS_CELLS):
            edge = np.asarray(EDGE_START)[:, None] + inputs[:, c]  # (n, node, slot)
            op_code = self._codes[f"edge_{cell}_0"][ops[:, c]]
            x[rows, c * N_EDGES + edge.reshape(n, -1)] = op_code.reshape(n, -1)
            pairs = np.asarray(archs).reshape(n, len(DARTS_CELLS), N_NODES, 3)[:, c, :, 0]
            for k in range(1, N_NODES):
                column = 2 * N_EDGES + c * (N_NODES - 1) + k - 1
                x[:, column] = self._codes[f"inputs_node_{cell}_{k + 2}"][pairs[:, k]]
        return x

    def _evaluate(self, archs: np.ndarray) -> np.ndarray:
        out = []
        for start in range(0, len(archs), self.batch_size):
            x_cat = self.features(archs[start : start + self.batch_size])
            x_cont = np.full((len(x_cat), 1), self.epoch, dtype=np.float32)
            pred = self._session.run(None, {"x_cat": x_cat, "x_cont": x_cont})[0]
            out.append(100.0 * pred[:, 0].astype(np.float64))  # fraction -> percent
        return np.concatenate(out) if out else np.empty(0)


def load_nb301(data_dir: str | os.PathLike[str] | None = None) -> SurrogateSource:
    """``nb301``: YAHPO's NAS-Bench-301 surrogate at the final epoch (98)."""
    model = find_data_file(_FILES[0], data_dir, source=_ORIGIN)
    encoding = find_data_file(_FILES[1], data_dir, source=_ORIGIN)
    return SurrogateSource(model, encoding)


def _specs() -> list[BenchmarkSpec]:
    from lissnas.benchmarks._registry import BenchmarkSpec

    return [
        BenchmarkSpec(
            "nb301",
            "NAS-Bench-301 (DARTS, ~1e18 architectures) CIFAR-10 validation accuracy from "
            f"YAHPO Gym's ONNX surrogate; from {_ORIGIN}",
            load_nb301,
            data_files=_FILES,
            packages=("onnxruntime",),
            extra="nb301",
        )
    ]


SPECS = _specs()
