"""Search spaces: the ``SearchSpace`` ABC and one implementation per benchmark family."""

from lissnas.spaces._base import SearchSpace
from lissnas.spaces._nb201 import NB201_OPS, NB201Space, unique_string

__all__ = ["NB201_OPS", "NB201Space", "SearchSpace", "unique_string"]
