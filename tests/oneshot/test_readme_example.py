"""The README's Python examples run as written (one training epoch instead of ten)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parents[2] / "README.md"


def python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.DOTALL | re.MULTILINE)


def test_readme_python_examples_run(tmp_path, monkeypatch, capsys, fashion_dir):
    shrink, oneshot = python_blocks(README.read_text())
    assert oneshot.count("epochs=10,") == 1, "the one-shot example no longer trains 10 epochs"
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(shrink, "README.md (shrink)", "exec"), namespace)
    assert namespace["result"].size == 200 and (tmp_path / "shrunk.json").exists()
    exec(
        compile(oneshot.replace("epochs=10,", "epochs=1,"), "README.md (one-shot)", "exec"),
        namespace,
    )
    assert (tmp_path / "s.pt").exists()
    members = {tuple(a) for a in namespace["sampler"].members}
    space = namespace["net"].space
    assert members == {tuple(a) for a in namespace["result"].architectures(space)}
    estimates = np.array(capsys.readouterr().out.splitlines()[-1].strip("[]").split(), dtype=float)
    assert estimates.shape == (5,) and ((estimates > 10) & (estimates < 100)).all()
