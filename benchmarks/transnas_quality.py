"""LISSNAS quality on all 14 TransNAS-Bench-101 benchmarks: writes ``results/transnas_quality.md``.

Usage: ``LISSNAS_DATA_DIR=../shared/data python benchmarks/transnas_quality.py [--seeds 10]``

Default LISSNAS (200 ground-truth queries, 200 members), the columns of
``benchmarks/shrink_quality.py`` (whose ``run`` and ``fmt`` it reuses).
"""

from __future__ import annotations

from _common import make_parser, write_markdown
from lissnas.shrink import LISSNAS
from shrink_quality import HEADER, fmt, run

TASKS = (
    "class_scene", "class_object", "jigsaw", "room_layout", "segmentsemantic", "normal",
    "autoencoder",
)  # fmt: skip


def main() -> None:
    parser = make_parser(__doc__, "results/transnas_quality.md")
    parser.add_argument("--seeds", type=int, default=10)
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
            lines.append(
                f"| {name} | default | {fmt(run(name, LISSNAS(), args.seeds, args.data_dir))} |"
            )
            print(lines[-1], flush=True)
    write_markdown(args.out, lines)


if __name__ == "__main__":
    main()
