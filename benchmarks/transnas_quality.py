"""LISSNAS quality on all 14 TransNAS-Bench-101 benchmarks: writes ``results/transnas_quality.md``.

Usage: ``LISSNAS_DATA_DIR=../shared/data python benchmarks/transnas_quality.py [--seeds 10]``

Default LISSNAS (200 ground-truth queries, 200 members), the columns of
``benchmarks/shrink_quality.py`` (whose ``run`` and ``fmt`` it reuses).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lissnas.shrink import LISSNAS
from lissnas.shrink._result import atomic_write_text

sys.path.insert(0, str(Path(__file__).parent))
from shrink_quality import HEADER, fmt, run

TASKS = (
    "class_scene", "class_object", "jigsaw", "room_layout", "segmentsemantic", "normal",
    "autoencoder",
)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--out", default="results/transnas_quality.md")
    args = parser.parse_args()
    lines = [
        "# LISSNAS on TransNAS-Bench-101 (micro and macro, 7 tasks)",
        "",
        f"Command: `LISSNAS_DATA_DIR=../shared/data python benchmarks/transnas_quality.py "
        f"--seeds {args.seeds}`; data: NASLib's `transnasbench101/naslib_val_metrics.json`; "
        "default LISSNAS, seeds 0..N-1. Every metric is larger-is-better (room_layout is a "
        "negative loss).",
        "",
        HEADER,
    ]
    for kind in ("micro", "macro"):
        for task in TASKS:
            name = f"tnb101-{kind}-{task}"
            lines.append(f"| {name} | default | {fmt(run(name, LISSNAS(), args.seeds, None))} |")
            print(lines[-1], flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
