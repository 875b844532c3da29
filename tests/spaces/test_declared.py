"""``load_space``: YAML/TOML space files, the cell-DAG space and every error case."""

from __future__ import annotations

import numpy as np
import pytest

from lissnas.spaces import (
    CellSpace,
    ChoiceSpace,
    NB201Space,
    ShuffleNetV2Space,
    builtin_space_names,
    load_space,
    resolve_space,
)

LAYERWISE_YAML = """\
type: layerwise
name: tiny
layers:
  - [conv3, conv5]
  - {repeat: 3, choices: [conv3, conv5, skip]}
"""

CELL_YAML = """\
type: cell
name: mycell
nodes: 4
ops: [none, skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3]
edges: all
"""


def write(tmp_path, text: str, name: str = "space.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_layerwise_yaml(tmp_path) -> None:
    space = load_space(write(tmp_path, LAYERWISE_YAML))
    assert isinstance(space, ChoiceSpace) and space.name == "tiny"
    assert space.cardinalities.tolist() == [2, 3, 3, 3] and space.size == 54
    assert space.choice_names(space.from_string("1020")) == ["conv5", "conv3", "skip", "conv3"]


def test_layerwise_toml_equals_yaml(tmp_path) -> None:
    toml = """\
type = "layerwise"
name = "tiny"
layers = [["conv3", "conv5"], {repeat = 3, choices = ["conv3", "conv5", "skip"]}]
"""
    a = load_space(write(tmp_path, toml, "space.toml"))
    b = load_space(write(tmp_path, LAYERWISE_YAML))
    assert a.choices == b.choices and a.name == b.name


def test_cell_all_edges_matches_nb201_strings(tmp_path) -> None:
    space = load_space(write(tmp_path, CELL_YAML))
    assert isinstance(space, CellSpace) and space.n_positions == 6 and space.size == 5**6
    nb201 = NB201Space()
    X = nb201.sample(20, seed=0)
    for text in nb201.to_strings(X):  # same edge order and string form as NAS-Bench-201
        assert space.to_string(space.from_string(text)) == text
    np.testing.assert_array_equal(space.from_strings(nb201.to_strings(X)), X)


def test_cell_edge_list_and_string_errors(tmp_path) -> None:
    text = "type: cell\nname: c\nnodes: 3\nops: [a, b]\nedges: [[1, 2], [0, 1]]\n"
    space = load_space(write(tmp_path, text))
    assert space.edges == ((0, 1), (1, 2))
    assert space.to_string([1, 0]) == "|b~0|+|a~1|"
    with pytest.raises(ValueError, match="must be 'op~1'"):
        space.from_string("|b~0|+|a~0|")
    with pytest.raises(ValueError, match="has 1 node groups, expected 2"):
        space.from_string("|b~0|")


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (
            "type: layerwise\nname: x\nlayers: [[a]]\nextra: 1\n",
            r":4: field extra: unknown field 'extra'",
        ),
        ("type: layerwise\nlayers: [[a]]\n", r":1: field <document>: missing field 'name'"),
        ("name: x\nlayers: [[a]]\n", r"missing field 'type'"),
        ("type: graph\nname: x\n", r":1: field type: unknown type 'graph'"),
        (
            "type: layerwise\nname: x\nlayers:\n  - [a, b]\n  - []\n",
            r":5: field layers\[1\]: empty choice list",
        ),
        (
            "type: layerwise\nname: x\nlayers:\n  - [a, b, a]\n",
            r":4: field layers\[0\]: duplicate choice names \['a'\]",
        ),
        (
            "type: layerwise\nname: x\nlayers: 5\n",
            r":3: field layers: expected a non-empty list of layers, got 5",
        ),
        (
            "type: layerwise\nname: 7\nlayers: [[a]]\n",
            r":2: field name: expected a non-empty string, got 7",
        ),
        (
            "type: layerwise\nname: x\nlayers:\n  - {repeat: 0, choices: [a]}\n",
            r":4: field layers\[0\]\.repeat: expected an integer >= 1, got 0",
        ),
        (
            "type: layerwise\nname: x\nlayers:\n  - {repeat: 2, choice: [a]}\n",
            r"field layers\[0\]\.choice: unknown field 'choice'",
        ),
        (
            "type: layerwise\nname: x\nlayers:\n  - [a, [b]]\n",
            r":4: field layers\[0\]\[1\]: expected a choice name",
        ),
        (
            "type: cell\nname: c\nnodes: 1\nops: [a]\n",
            r":3: field nodes: expected an integer >= 2, got 1",
        ),
        (
            "type: cell\nname: c\nnodes: 3\nops: [a]\nedges: [[2, 1]]\n",
            r":5: field edges\[0\]: expected \[i, j\]",
        ),
        (
            "type: cell\nname: c\nnodes: 3\nops: [a]\nedges: [[0, 1], [0, 1]]\n",
            r"duplicate edge \[0, 1\]",
        ),
        (
            "type: cell\nname: c\nnodes: 3\nops: a\n",
            r":4: field ops: expected a list of choice names, got 'a'",
        ),
        (
            "type: layerwise\nname: x\nname: y\nlayers: [[a]]\n",
            r":3: field name: duplicate key 'name'",
        ),
        ("type: layerwise\nname: x\nlayers: [[a, b]\n", r":4: malformed YAML"),
        ("- 1\n- 2\n", r"field <document>: expected a mapping"),
    ],
)
def test_yaml_errors_name_file_line_field_value(tmp_path, text: str, pattern: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=pattern) as info:
        load_space(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (
            'type = "layerwise"\nname = "x"\nlayers = [[]]\n',
            r":3: field layers\[0\]: empty choice list",
        ),
        (
            'type = "layerwise"\nname = "x"\nlayers = [["a"]]\ncolor = 1\n',
            r":4: field color: unknown field",
        ),
        ('type = "layerwise"\nname = oops\nlayers = [["a"]]\n', r":2: malformed TOML: .*line 2"),
        (
            'type = "cell"\nname = "c"\nnodes = "4"\nops = ["a"]\n',
            r":3: field nodes: expected an integer >= 2, got '4'",
        ),
    ],
)
def test_toml_errors(tmp_path, text: str, pattern: str) -> None:
    path = write(tmp_path, text, "space.toml")
    with pytest.raises(ValueError, match=pattern) as info:
        load_space(path)
    assert str(path) in str(info.value)


def test_file_errors(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="not found"):
        load_space(tmp_path / "none.yaml")
    with pytest.raises(ValueError, match=r"must end in .yaml, .yml or .toml, got '.json'"):
        load_space(write(tmp_path, "{}", "space.json"))


def test_builtin_names_resolve(tmp_path) -> None:
    names = builtin_space_names()
    assert {"nb201", "nbmacro", "nbgraph", "darts", "shufflenetv2", "fairnas"} <= set(names)
    assert isinstance(resolve_space("shufflenetv2"), ShuffleNetV2Space)
    for name in names:
        assert resolve_space(name).size > 1
    assert resolve_space(str(write(tmp_path, LAYERWISE_YAML))).size == 54
    with pytest.raises(
        ValueError, match="neither a space file nor a built-in space; built-in names: darts"
    ):
        resolve_space("nb999")


def test_example_files_parse() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "examples"
    macro = load_space(root / "nbmacro" / "space.yaml")
    assert macro.cardinalities.tolist() == [3] * 8
    for path in sorted(root.glob("*.yaml")):
        assert load_space(path).size > 1
