"""Accuracy predictors: the protocol and the XGBoost default."""

from lissnas.predictors._base import Predictor
from lissnas.predictors._xgboost import XGBoostPredictor

__all__ = ["Predictor", "XGBoostPredictor"]
