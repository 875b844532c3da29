"""lissnas: Locality-based Iterative Search Space Shrinkage for Neural Architecture Search."""

__version__ = "0.1.0"
