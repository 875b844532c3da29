"""Shrinkers: the ``Shrinker`` ABC, LISSNAS and ``ShrinkResult``."""

from lissnas.shrink._base import Shrinker
from lissnas.shrink._lissnas import LISSNAS
from lissnas.shrink._result import IterationRecord, ShrinkResult

__all__ = ["LISSNAS", "IterationRecord", "ShrinkResult", "Shrinker"]
