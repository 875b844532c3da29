"""Parameter checks with scikit-learn style messages: the name, the rule and the value."""

from __future__ import annotations

from numbers import Integral, Real


def check_int(name: str, value: object, *, minimum: int | None = None) -> int:
    """Return ``value`` as int, raising ``ValueError`` naming ``name`` if it breaks the rule."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be an int, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def check_fraction(name: str, value: object, *, closed_low: bool = False) -> float:
    """Return ``value`` as float in (0, 1] (or [0, 1] with ``closed_low``)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a float, got {value!r}")
    low_ok = value >= 0 if closed_low else value > 0
    if not (low_ok and value <= 1):
        interval = "[0, 1]" if closed_low else "(0, 1]"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return float(value)
