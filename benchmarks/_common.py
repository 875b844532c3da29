"""What the benchmark scripts share: the tabular benchmarks they compare on, the
``--data-dir`` / ``--out`` options and atomic report writing."""

from __future__ import annotations

import argparse
from pathlib import Path

from lissnas._io import atomic_write_text

#: The six tabular benchmarks of the quality comparisons (NB201, NAS-Bench-Macro, NAS-Bench-Graph).
BENCHMARKS = (
    "nb201-cifar10-test",
    "nb201-cifar100-test",
    "nbmacro-cifar10",
    "nbgraph-cora",
    "nbgraph-citeseer",
    "nbgraph-photo",
)


def make_parser(doc: str | None, out: str) -> argparse.ArgumentParser:
    """A parser described by ``doc``'s first line, with ``--out`` (default ``out``) and
    ``--data-dir`` (default: ``LISSNAS_DATA_DIR``)."""
    parser = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0])
    parser.add_argument("--out", default=out, help="report path (default: %(default)s)")
    parser.add_argument(
        "--data-dir", default=None, help="benchmark data folder (default: LISSNAS_DATA_DIR)"
    )
    return parser


def write_markdown(out: str | Path, lines: list[str]) -> Path:
    """Write ``lines`` (newline-terminated) to ``out`` atomically, creating its folder."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, "\n".join(lines) + "\n")
    print(f"wrote {out}")
    return out
