"""Registry of shrinkers by name: ``SHRINKERS`` and ``make_shrinker``."""

from __future__ import annotations

from typing import Any

from lissnas.shrink._ablations import NoNeighborLISSNAS, RandomNeighborLISSNAS
from lissnas.shrink._base import Shrinker
from lissnas.shrink._baselines import ABS, NSE, PADNAS, GreedyNAS, QueryAll, RandomTopK
from lissnas.shrink._lissnas import LISSNAS

#: Every shrinker by its ``name``; ``"lissnas"`` is the default method.
SHRINKERS: dict[str, type[Shrinker]] = {
    cls.name: cls
    for cls in (
        LISSNAS,
        RandomTopK,
        ABS,
        PADNAS,
        NSE,
        GreedyNAS,
        NoNeighborLISSNAS,
        RandomNeighborLISSNAS,
        QueryAll,
    )
}
DEFAULT_SHRINKER = "lissnas"


def make_shrinker(name: str = DEFAULT_SHRINKER, **params: Any) -> Shrinker:
    """A shrinker by registry name with constructor ``params``.

    ``ValueError`` names the valid methods for an unknown ``name``, or the valid
    parameters of the method for an unknown parameter.
    """
    if name not in SHRINKERS:
        raise ValueError(f"method must be one of {sorted(SHRINKERS)}, got {name!r}")
    cls = SHRINKERS[name]
    try:
        return cls(**params)
    except TypeError:
        import inspect

        valid = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
        unknown = sorted(set(params) - set(valid))
        raise ValueError(
            f"{name} does not take parameter(s) {unknown}; valid parameters: {valid}"
        ) from None
