"""Time to build the HTML report and to render it in headless Chromium:
writes ``results/report_speed.md``.

Usage: ``LISSNAS_DATA_DIR=../shared/data python benchmarks/report_speed.py`` (needs Debian's
``chromium``). Rendering time = a headless Chromium run until the DOM is dumped after all
plotly figures are drawn (start-up included), median of 3; target under 5 s.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _common import write_markdown
from lissnas.analysis import analyze_locality
from lissnas.benchmarks import load_benchmark
from lissnas.report import write_report
from lissnas.shrink import LISSNAS

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
)


def main() -> None:
    source = load_benchmark("nb201-cifar10-test", os.environ.get("LISSNAS_DATA_DIR"))
    results = [
        LISSNAS().shrink(source.space, source, seed=0),
        LISSNAS(flops_bins=10).shrink(source.space, source, seed=0),
    ]
    locality = analyze_locality(source, samples=300).to_dict()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        build = []
        for _ in range(3):
            start = time.perf_counter()
            write_report(page, results, source, locality=locality)
            build.append(time.perf_counter() - start)
        render = []
        for i in range(3):
            start = time.perf_counter()
            dom = subprocess.run(
                [
                    chromium,
                    *FLAGS,
                    f"--user-data-dir={tmp}/profile{i}",
                    "--virtual-time-budget=15000",
                    "--dump-dom",
                    page.as_uri(),
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            render.append(time.perf_counter() - start)
            if dom.count('class="main-svg"') < 5:
                raise RuntimeError("the report's figures were not drawn")
        size_mb = page.stat().st_size / 1e6
    lines = [
        "# Report speed",
        "",
        "Command: `LISSNAS_DATA_DIR=../shared/data python benchmarks/report_speed.py` "
        "(two 200-member results on nb201-cifar10-test plus a locality plot; 5 figures; "
        "target: render under 5 s).",
        "",
        "| what | median seconds |",
        "|---|---|",
        f"| build and write the HTML ({size_mb:.1f} MB, plotly inlined) | "
        f"{statistics.median(build):.2f} |",
        "| render in headless Chromium until every figure is drawn (start-up included) | "
        f"{statistics.median(render):.2f} |",
    ]
    print("\n".join(lines))
    write_markdown("results/report_speed.md", lines)


if __name__ == "__main__":
    main()
