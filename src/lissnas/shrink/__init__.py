"""Shrinkers: the ``Shrinker`` ABC, LISSNAS, the baselines and ablations, ``ShrinkResult``."""

from lissnas.shrink._ablations import NoNeighborLISSNAS, RandomNeighborLISSNAS
from lissnas.shrink._base import Shrinker
from lissnas.shrink._baselines import ABS, NSE, PADNAS, GreedyNAS, QueryAll, RandomTopK
from lissnas.shrink._lissnas import LISSNAS
from lissnas.shrink._registry import DEFAULT_SHRINKER, SHRINKERS, make_shrinker
from lissnas.shrink._result import IterationRecord, ShrinkResult

__all__ = [
    "ABS",
    "DEFAULT_SHRINKER",
    "LISSNAS",
    "NSE",
    "PADNAS",
    "SHRINKERS",
    "GreedyNAS",
    "IterationRecord",
    "NoNeighborLISSNAS",
    "QueryAll",
    "RandomNeighborLISSNAS",
    "RandomTopK",
    "ShrinkResult",
    "Shrinker",
    "make_shrinker",
]
