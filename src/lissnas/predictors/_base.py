"""The predictor protocol: any scikit-learn style regressor."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Predictor(Protocol):
    """Anything with ``fit(X, y) -> self`` and ``predict(X) -> ndarray`` (scikit-learn rules:
    hyper-parameters are set in ``__init__`` and learned state only in ``fit``).

    ``X`` is the float matrix of ``SearchSpace.encode``; ``y`` is the score to maximise.
    Shrinkers clone a predictor (``sklearn.base.clone``) before fitting it, so one instance can
    be shared between runs.
    """

    def fit(self, X: np.ndarray, y: np.ndarray) -> Predictor: ...

    def predict(self, X: np.ndarray) -> np.ndarray: ...
