"""Write examples/nbmacro/evals.csv (arch, mean_acc, params, flops) from NAS-Bench-Macro.

Reads $LISSNAS_DATA_DIR/nasbench_macro/nas-bench-macro_cifar10.json (or the path given as
the first argument) and writes one row per architecture; the CSV is not committed.

    python examples/nbmacro/make_evaluations.py [JSON] [--out evals.csv]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RELATIVE = "nasbench_macro/nas-bench-macro_cifar10.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("json", nargs="?", help=f"default: $LISSNAS_DATA_DIR/{RELATIVE}")
    parser.add_argument("--out", default=str(HERE / "evals.csv"))
    args = parser.parse_args(argv)
    if args.json:
        source = Path(args.json)
    elif os.environ.get("LISSNAS_DATA_DIR"):
        source = Path(os.environ["LISSNAS_DATA_DIR"]) / RELATIVE
    else:
        parser.error("give the JSON path or set LISSNAS_DATA_DIR")
    table = json.loads(source.read_text())
    out = Path(args.out)
    tmp = out.with_suffix(out.suffix + ".tmp")
    with tmp.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["arch", "mean_acc", "params", "flops"])
        for key in sorted(table):
            entry = table[key]
            writer.writerow([key, entry["mean_acc"], entry["params"], entry["flops"]])
    tmp.replace(out)
    print(f"wrote {len(table)} rows to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
