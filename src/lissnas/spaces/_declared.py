"""User-declared search spaces: a YAML or TOML file parsed into a ``SearchSpace``.

Two kinds of file (YAML shown; TOML takes the same keys)::

    type: layerwise            # one choice per layer
    name: tiny
    layers:
      - [conv3, conv5]         # layer 0
      - {repeat: 3, choices: [conv3, conv5, skip]}   # layers 1..3

    type: cell                 # one operation per edge of a DAG (like NAS-Bench-201)
    name: mycell
    nodes: 4                   # node 0 is the input, node nodes-1 the output
    ops: [none, skip, conv3]
    edges: all                 # every (i, j) with i < j; or a list of [i, j] pairs

Every error names the file, the line, the field and the value.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lissnas.spaces._base import SearchSpace
from lissnas.spaces._choice import ChoiceSpace

_Key = tuple[str | int, ...]
_FIELDS = {
    "layerwise": ({"type", "name", "layers"}, set()),
    "cell": ({"type", "name", "nodes", "ops"}, {"edges"}),
}


class CellSpace(ChoiceSpace):
    """One operation per edge of a fixed DAG: ``edges[e] = (i, j)`` with ``i < j``.

    Node 0 is the input; node ``j`` sums the operations on its incoming edges. There is no
    isomorphism reduction: two assignments computing the same function (e.g. differing
    only on edges that cannot reach the output) count as different architectures.

    String form, as in NAS-Bench-201: for every node with incoming edges, in order,
    ``|op~i|`` for each incoming edge from node ``i``, groups joined by ``+``
    (``"|conv3~0|+|skip~0|none~1|"``).
    """

    def __init__(
        self, name: str, n_nodes: int, ops: Sequence[str], edges: Sequence[tuple[int, int]]
    ) -> None:
        self.n_nodes = int(n_nodes)
        self.ops = tuple(str(op) for op in ops)
        pairs = [(int(i), int(j)) for i, j in edges]
        self.edges = tuple(sorted(pairs, key=lambda e: (e[1], e[0])))
        super().__init__(name, [self.ops] * len(self.edges))
        self._targets = sorted({j for _, j in self.edges})

    def __repr__(self) -> str:
        return (
            f"CellSpace(name={self.name!r}, nodes={self.n_nodes}, ops={list(self.ops)}, "
            f"edges={len(self.edges)})"
        )

    def to_string(self, arch: np.ndarray | Sequence[int]) -> str:
        x = self.validate(arch)[0]
        groups = []
        for target in self._targets:
            parts = [
                f"{self.ops[int(x[e])]}~{i}" for e, (i, j) in enumerate(self.edges) if j == target
            ]
            groups.append("|" + "|".join(parts) + "|")
        return "+".join(groups)

    def from_string(self, text: str) -> np.ndarray:
        if not isinstance(text, str):
            raise ValueError(f"{self.name}: expected a str, got {text!r}")
        groups = text.strip().split("+")
        if len(groups) != len(self._targets):
            raise ValueError(
                f"{self.name}: {text!r} has {len(groups)} node groups, expected "
                f"{len(self._targets)} (joined by '+')"
            )
        out = np.empty(self.n_positions, dtype=np.int64)
        index = {op: k for k, op in enumerate(self.ops)}
        for target, group in zip(self._targets, groups, strict=True):
            expected = [(e, i) for e, (i, j) in enumerate(self.edges) if j == target]
            parts = group.strip("|").split("|") if group.strip("|") else []
            if not (group.startswith("|") and group.endswith("|")) or len(parts) != len(expected):
                raise ValueError(
                    f"{self.name}: node {target} group {group!r} of {text!r} must be "
                    f"{len(expected)} '|op~i|' entries"
                )
            for (e, source), part in zip(expected, parts, strict=True):
                op, _, origin = part.rpartition("~")
                if origin != str(source) or op not in index:
                    raise ValueError(
                        f"{self.name}: {part!r} in {text!r} must be 'op~{source}' with op in "
                        f"{list(self.ops)}"
                    )
                out[e] = index[op]
        return out


# -- file reading ----------------------------------------------------------------------


class _Where:
    """Formats errors as ``file:line: field f: message``."""

    def __init__(self, path: Path, lines: Callable[[_Key], int | None]) -> None:
        self.path, self.lines = path, lines

    def error(self, key: _Key, message: str) -> ValueError:
        line = None
        for depth in range(len(key), -1, -1):  # nearest enclosing element with a known line
            line = self.lines(key[:depth])
            if line is not None:
                break
        field = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in key).lstrip(".")
        at = f"{self.path}:{line}" if line is not None else str(self.path)
        return ValueError(f"{at}: field {field or '<document>'}: {message}")


def _read_yaml(path: Path, text: str) -> tuple[Any, Callable[[_Key], int | None]]:
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is a core dependency
        raise ImportError("YAML space files need PyYAML: pip install pyyaml") from None
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValueError(f"{path}{line}: malformed YAML: {problem}") from None
    lines: dict[_Key, int] = {}

    def walk(n: Any, key: _Key) -> None:
        lines[key] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            seen: set[str] = set()
            for k, v in n.value:
                name = str(k.value)
                if name in seen:
                    raise ValueError(
                        f"{path}:{k.start_mark.line + 1}: field {name}: duplicate key {name!r}"
                    )
                seen.add(name)
                walk(v, (*key, name))
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                walk(v, (*key, i))

    if node is not None:
        walk(node, ())
    return data, lines.get


def _read_toml(path: Path, text: str) -> tuple[Any, Callable[[_Key], int | None]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # its message carries "(at line L, column C)"
        found = re.search(r"line (\d+)", str(exc))
        line = f":{found.group(1)}" if found else ""
        raise ValueError(f"{path}{line}: malformed TOML: {exc}") from None
    text_lines = text.splitlines()

    def line_of(key: _Key) -> int | None:
        """Line of the top-level key that holds ``key`` (TOML keeps no positions)."""
        if not key or not isinstance(key[0], str):
            return None
        pattern = re.compile(rf"^\s*(\[\[?\s*)?{re.escape(key[0])}\s*(=|\]|\.)")
        for number, content in enumerate(text_lines, start=1):
            if pattern.match(content):
                return number
        return None

    return data, line_of


# -- validation ------------------------------------------------------------------------


def _choice_list(value: Any, key: _Key, where: _Where) -> list[str]:
    if not isinstance(value, list):
        raise where.error(key, f"expected a list of choice names, got {value!r}")
    if not value:
        raise where.error(key, "empty choice list")
    names = []
    for i, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, str | int) or str(item) == "":
            raise where.error((*key, i), f"expected a choice name (str), got {item!r}")
        names.append(str(item))
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise where.error(key, f"duplicate choice names {twice} in {names}")
    return names


def _positive_int(value: Any, key: _Key, where: _Where, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise where.error(key, f"expected an integer >= {minimum}, got {value!r}")
    return value


def _layers(value: Any, where: _Where) -> list[list[str]]:
    if not isinstance(value, list) or not value:
        raise where.error(("layers",), f"expected a non-empty list of layers, got {value!r}")
    layers: list[list[str]] = []
    for i, item in enumerate(value):
        key: _Key = ("layers", i)
        if isinstance(item, dict):
            unknown = sorted(set(item) - {"repeat", "choices"})
            if unknown:
                raise where.error(
                    (*key, unknown[0]), f"unknown field {unknown[0]!r} (expected repeat, choices)"
                )
            for need in ("repeat", "choices"):
                if need not in item:
                    raise where.error(key, f"missing field {need!r} in {item!r}")
            n = _positive_int(item["repeat"], (*key, "repeat"), where)
            layers += [_choice_list(item["choices"], (*key, "choices"), where)] * n
        else:
            layers.append(_choice_list(item, key, where))
    return layers


def _edges(value: Any, n_nodes: int, where: _Where) -> list[tuple[int, int]]:
    if value == "all":
        return [(i, j) for j in range(1, n_nodes) for i in range(j)]
    if not isinstance(value, list) or not value:
        raise where.error(
            ("edges",), f"expected 'all' or a non-empty list of [i, j], got {value!r}"
        )
    edges = []
    for k, pair in enumerate(value):
        ok = (
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in pair)
            and 0 <= pair[0] < pair[1] < n_nodes
        )
        if not ok:
            raise where.error(
                ("edges", k), f"expected [i, j] with 0 <= i < j < nodes={n_nodes}, got {pair!r}"
            )
        if tuple(pair) in edges:
            raise where.error(("edges", k), f"duplicate edge {pair!r}")
        edges.append(tuple(pair))
    return edges


def _build(doc: Any, where: _Where) -> SearchSpace:
    if not isinstance(doc, dict):
        raise where.error((), f"expected a mapping with a 'type' field, got {doc!r}")
    kind = doc.get("type")
    if "type" not in doc:
        raise where.error((), "missing field 'type' (layerwise or cell)")
    if kind not in _FIELDS:
        raise where.error(("type",), f"unknown type {kind!r}, expected one of {sorted(_FIELDS)}")
    required, optional = _FIELDS[kind]
    unknown = sorted(set(doc) - required - optional)
    if unknown:
        raise where.error(
            (unknown[0],),
            f"unknown field {unknown[0]!r} for type {kind} "
            f"(expected {sorted(required | optional)})",
        )
    missing = sorted(required - set(doc))
    if missing:
        raise where.error((), f"missing field {missing[0]!r} for type {kind}")
    name = doc["name"]
    if not isinstance(name, str) or not name.strip():
        raise where.error(("name",), f"expected a non-empty string, got {name!r}")
    if kind == "layerwise":
        return ChoiceSpace(name, _layers(doc["layers"], where))
    n_nodes = _positive_int(doc["nodes"], ("nodes",), where, minimum=2)
    ops = _choice_list(doc["ops"], ("ops",), where)
    return CellSpace(name, n_nodes, ops, _edges(doc.get("edges", "all"), n_nodes, where))


def load_space(path: str | os.PathLike[str]) -> SearchSpace:
    """Parse a ``.yaml``/``.yml`` or ``.toml`` space file (see the module doc).

    Raises ``FileNotFoundError`` for a missing file and ``ValueError`` naming the file,
    line, field and value of anything malformed.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"space file {path} not found")
    suffix = path.suffix.lower()
    if suffix not in {".yaml", ".yml", ".toml"}:
        raise ValueError(f"{path}: space files must end in .yaml, .yml or .toml, got {suffix!r}")
    text = path.read_text()
    reader = _read_toml if suffix == ".toml" else _read_yaml
    doc, lines = reader(path, text)
    return _build(doc, _Where(path, lines))


# -- built-in spaces by name -----------------------------------------------------------


def _builtin_factories() -> dict[str, Callable[[], SearchSpace]]:
    import lissnas.spaces as spaces

    table: dict[str, Callable[[], SearchSpace]] = {
        "nb201": spaces.NB201Space,
        "nbmacro": spaces.NBMacroSpace,
        "nbgraph": spaces.NBGraphSpace,
        "darts": spaces.DARTSSpace,
        "shufflenetv2": spaces.ShuffleNetV2Space,
        "fairnas": spaces.FairNASSpace,
    }
    # spaces that other modules may export; listed only when present
    optional = {
        "nb101": "NB101Space",
        "tnb101-micro": "TransNASMicroSpace",
        "tnb101-macro": "TransNASMacroSpace",
    }
    for key, attr in optional.items():
        if hasattr(spaces, attr):
            table[key] = getattr(spaces, attr)
    return table


def builtin_space_names() -> list[str]:
    """Names ``resolve_space`` accepts besides file paths."""
    return sorted(_builtin_factories())


def resolve_space(spec: str | os.PathLike[str]) -> SearchSpace:
    """A built-in space by name (``builtin_space_names()``) or ``load_space(spec)``."""
    factories = _builtin_factories()
    if isinstance(spec, str) and spec in factories:
        return factories[spec]()
    path = Path(spec)
    if not path.exists() and path.suffix.lower() not in {".yaml", ".yml", ".toml"}:
        raise ValueError(
            f"--space {str(spec)!r} is neither a space file nor a built-in space; built-in "
            f"names: {', '.join(sorted(factories))}"
        )
    return load_space(path)
