"""Search spaces: the ``SearchSpace`` ABC and one implementation per benchmark family."""

from lissnas.spaces._base import SearchSpace, flops_or_none
from lissnas.spaces._choice import NBMACRO_CHOICES, ChoiceSpace, NBMacroSpace
from lissnas.spaces._darts import DARTS_OPS, DARTSSpace
from lissnas.spaces._declared import CellSpace, builtin_space_names, load_space, resolve_space
from lissnas.spaces._graph import (
    NBGRAPH_DATASETS,
    NBGRAPH_LINKS,
    NBGRAPH_OPS,
    NBGRAPH_OPS_PROTEINS,
    NBGraphSpace,
)
from lissnas.spaces._layerwise import (
    FAIRNAS_CHOICES,
    SHUFFLENET_CHOICES,
    FairNASSpace,
    ShuffleNetV2Space,
)
from lissnas.spaces._nb101 import NB101_OPS, NB101Space
from lissnas.spaces._nb201 import NB201_OPS, NB201Space, unique_string
from lissnas.spaces._transnas import (
    TNB_MACRO_CODES,
    TNB_MICRO_OPS,
    TransNASMacroSpace,
    TransNASMicroSpace,
)

__all__ = [
    "DARTS_OPS",
    "FAIRNAS_CHOICES",
    "NB101_OPS",
    "NB201_OPS",
    "NBGRAPH_DATASETS",
    "NBGRAPH_LINKS",
    "NBGRAPH_OPS",
    "NBGRAPH_OPS_PROTEINS",
    "NBMACRO_CHOICES",
    "SHUFFLENET_CHOICES",
    "TNB_MACRO_CODES",
    "TNB_MICRO_OPS",
    "CellSpace",
    "ChoiceSpace",
    "DARTSSpace",
    "FairNASSpace",
    "NB101Space",
    "NB201Space",
    "NBGraphSpace",
    "NBMacroSpace",
    "SearchSpace",
    "ShuffleNetV2Space",
    "TransNASMacroSpace",
    "TransNASMicroSpace",
    "builtin_space_names",
    "flops_or_none",
    "load_space",
    "resolve_space",
    "unique_string",
]
