"""XGBoost regressor behind the predictor protocol (the paper's predictor)."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, check_X_y, validate_data

from lissnas._validation import check_int


class XGBoostPredictor(RegressorMixin, BaseEstimator):
    """Gradient-boosted trees predicting an architecture's score from its encoding.

    Defaults were chosen on NAS-Bench-201 with 100-200 training architectures (see
    ``benchmarks/shrink_quality.py``): shallow trees, strong shrinkage, row/column
    subsampling. ``random_state`` makes fits reproducible; ``n_jobs`` threads are used.
    """

    def __init__(
        self,
        n_estimators: int = 400,
        max_depth: int = 4,
        learning_rate: float = 0.05,
        subsample: float = 0.8,
        colsample_bytree: float = 0.8,
        min_child_weight: float = 1.0,
        objective: str = "reg:squarederror",
        random_state: int = 0,
        n_jobs: int = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.min_child_weight = min_child_weight
        self.objective = objective
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X: np.ndarray, y: np.ndarray) -> XGBoostPredictor:
        """Fit on encodings ``X`` and scores ``y`` (at least 2 rows)."""
        import xgboost

        check_int("n_estimators", self.n_estimators, minimum=1)
        check_int("max_depth", self.max_depth, minimum=1)
        X, y = check_X_y(X, y, dtype=np.float32, y_numeric=True)
        if len(y) < 2:
            raise ValueError(f"XGBoostPredictor needs at least 2 training rows, got {len(y)}")
        self.n_features_in_ = X.shape[1]
        self.model_ = xgboost.XGBRegressor(
            n_estimators=self.n_estimators,
            max_depth=self.max_depth,
            learning_rate=self.learning_rate,
            subsample=self.subsample,
            colsample_bytree=self.colsample_bytree,
            min_child_weight=self.min_child_weight,
            objective=self.objective,
            random_state=self.random_state,
            n_jobs=self.n_jobs,
            tree_method="hist",
        )
        self.model_.fit(X, y)
        return self

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted scores, float64."""
        check_is_fitted(self, "model_")
        X = validate_data(self, X, dtype=np.float32, reset=False)
        return self.model_.predict(X).astype(np.float64)
