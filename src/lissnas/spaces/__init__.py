"""Search spaces: the ``SearchSpace`` ABC and one implementation per benchmark family."""

from lissnas.spaces._base import SearchSpace
from lissnas.spaces._choice import NBMACRO_CHOICES, ChoiceSpace, NBMacroSpace
from lissnas.spaces._darts import DARTS_OPS, DARTSSpace
from lissnas.spaces._graph import (
    NBGRAPH_DATASETS,
    NBGRAPH_LINKS,
    NBGRAPH_OPS,
    NBGRAPH_OPS_PROTEINS,
    NBGraphSpace,
)
from lissnas.spaces._nb201 import NB201_OPS, NB201Space, unique_string

__all__ = [
    "DARTS_OPS",
    "NB201_OPS",
    "NBGRAPH_DATASETS",
    "NBGRAPH_LINKS",
    "NBGRAPH_OPS",
    "NBGRAPH_OPS_PROTEINS",
    "NBMACRO_CHOICES",
    "ChoiceSpace",
    "DARTSSpace",
    "NB201Space",
    "NBGraphSpace",
    "NBMacroSpace",
    "SearchSpace",
    "unique_string",
]
