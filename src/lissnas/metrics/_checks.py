"""Input checks shared by the metrics, with scikit-learn style messages.

Every message names the parameter, the rule and the value received, e.g.
``"k must be <= n, got k=5, n=3"``. Nothing here uses ``assert``.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from numpy.typing import ArrayLike

_NUMERIC_KINDS = "biuf"


def as_float_array(
    name: str,
    values: ArrayLike,
    *,
    ndim: int = 1,
    allow_empty: bool = False,
    min_size: int = 1,
) -> np.ndarray:
    """Return ``values`` as a finite float64 array with ``ndim`` dimensions.

    Raises ``ValueError`` if the input is not numeric, has the wrong number of dimensions,
    is empty (unless ``allow_empty``), has fewer than ``min_size`` elements along its first
    axis, or contains NaN or infinite values.
    """
    arr = np.asarray(values)
    if arr.dtype.kind not in _NUMERIC_KINDS:
        if arr.dtype.kind != "O":
            raise ValueError(f"{name} must be a numeric array, got dtype {arr.dtype}")
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a numeric array, got dtype {arr.dtype}") from None
    arr = arr.astype(np.float64, copy=False)
    if arr.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-D array, got an array of shape {arr.shape} ({arr.ndim}-D)"
        )
    size = arr.shape[0]
    if size == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty, got an array of shape {arr.shape}")
    if size < min_size and not (size == 0 and allow_empty):
        raise ValueError(f"{name} must have at least {min_size} elements, got {size}")
    finite = np.isfinite(arr)
    if not finite.all():
        bad = np.argwhere(~finite)[0]
        where = int(bad[0]) if ndim == 1 else tuple(int(i) for i in bad)
        value = arr[tuple(bad)]
        kind = "NaN" if np.isnan(value) else "infinite"
        raise ValueError(
            f"{name} must contain only finite values, got {kind} value {value} at index {where}"
        )
    return arr


def check_same_length(name_a: str, a: np.ndarray, name_b: str, b: np.ndarray) -> None:
    """Raise ``ValueError`` if ``a`` and ``b`` differ in length along the first axis."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} and {name_b} must have the same length, got {a.shape[0]} and {b.shape[0]}"
        )


def check_finite_real(name: str, value: object) -> float:
    """Return ``value`` as a finite float, or raise ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    out = float(value)
    if not np.isfinite(out):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return out


def check_probability(name: str, value: object) -> float:
    """Return ``value`` as a float in ``[0, 1]``, or raise ``ValueError`` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be a real number in [0, 1], got {value!r}")
    out = float(value)
    if not 0.0 <= out <= 1.0:  # also rejects NaN
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")
    return out
