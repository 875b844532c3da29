"""``ShrinkResult``: a shrunk space with its history, saved as documented JSON."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lissnas._io import atomic_write_text
from lissnas.spaces import SearchSpace

FORMAT = "lissnas.shrink_result"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class IterationRecord:
    """One iteration of a shrinker: the candidate space A_t and what it cost so far.

    ``mean_score`` and ``max_score`` are in the metric's units (``max_score`` is the best
    member's score: the minimum for a minimised metric); queries and seconds are cumulative.
    """

    iteration: int
    size: int
    n_seeds: int
    mean_score: float
    max_score: float
    gt_queries: int
    predictor_queries: int
    seconds: float
    accepted: bool


@dataclass
class ShrinkResult:
    """The output of a ``Shrinker``.

    ``members`` are the shrunk space's architectures in the space's canonical string form
    (for NAS-Bench-201 the official string) and ``member_scores`` the score the shrinker
    ranked them by (ground truth where it queried it, else predicted; larger is better).
    ``history`` holds one ``IterationRecord`` per iteration. ``queried`` lists the
    architectures whose ground truth was queried, in query order, with ``queried_values`` in
    the metric's units; ``trajectory[t]`` holds the members of the candidate space A_t of
    ``history[t]`` (empty when not recorded). ``save`` writes JSON atomically; ``load``
    reads it back.
    """

    method: str
    config: dict[str, Any]
    seed: int | None
    benchmark: str
    space: str
    metric: str
    maximize: bool
    full_size: int
    members: list[str]
    member_scores: list[float]
    gt_queries: int
    predictor_queries: int
    wall_time_s: float
    history: list[IterationRecord] = field(default_factory=list)
    queried: list[str] = field(default_factory=list)
    queried_values: list[float] = field(default_factory=list)
    trajectory: list[list[str]] = field(default_factory=list)

    @property
    def size(self) -> int:
        """Number of members."""
        return len(self.members)

    @property
    def reduction_factor(self) -> float:
        """``full_size / size``."""
        return self.full_size / max(self.size, 1)

    def architectures(self, space: SearchSpace) -> np.ndarray:
        """Members as a 2-D int array of ``space``."""
        return space.from_strings(self.members)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (see ``save``)."""
        doc = {"format": FORMAT, "version": FORMAT_VERSION}
        doc.update(asdict(self))
        doc["size"] = self.size
        doc["reduction_factor"] = self.reduction_factor
        doc["history"] = [asdict(rec) for rec in self.history]
        return doc

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the JSON document to ``path`` atomically (a temporary file renamed into place).

        Keys: ``format``, ``version``, ``method``, ``config`` (every parameter), ``seed``,
        ``benchmark``, ``space``, ``metric``, ``maximize``, ``full_size``, ``size``,
        ``reduction_factor``, ``gt_queries``, ``predictor_queries``, ``wall_time_s``,
        ``history`` (list of per-iteration records), ``members`` (canonical strings),
        ``member_scores``, ``queried`` / ``queried_values`` (ground-truth queries in order)
        and ``trajectory`` (members of each iteration's candidate space).
        """
        path = Path(path)
        atomic_write_text(path, json.dumps(self.to_dict(), indent=1) + "\n")
        return path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ShrinkResult:
        """Read a file written by ``save``; ``ValueError`` names what is wrong."""
        path = Path(path)
        try:
            doc = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}: not a JSON file ({exc})") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError(f"{path}: not a lissnas shrink result (field 'format' != {FORMAT!r})")
        if doc.get("version") != FORMAT_VERSION:
            raise ValueError(f"{path}: unsupported version {doc.get('version')!r}")
        names = set(cls.__dataclass_fields__)
        optional = {"queried", "queried_values", "trajectory"}
        missing = sorted(names - optional - set(doc))
        if missing:
            raise ValueError(f"{path}: missing field(s) {missing}")
        kwargs = {name: doc[name] for name in names if name in doc}
        kwargs["history"] = [IterationRecord(**rec) for rec in doc["history"]]
        if len(kwargs["members"]) != len(kwargs["member_scores"]):
            raise ValueError(f"{path}: 'members' and 'member_scores' differ in length")
        return cls(**kwargs)
