"""Predictive customer-lifetime-value models on numpy/scipy.

BG/NBD (bgnbd.py), Pareto/NBD (pareto_nbd.py) and Gamma-Gamma (gamma_gamma.py)
fits; per-customer and per-segment predictions (predict.py); holdout validation
against a run-rate baseline (validation.py).
"""

from skill.clv.bgnbd import fit_bgnbd
from skill.clv.fitting import CLVModelError, ModelFit
from skill.clv.gamma_gamma import GammaGammaFit, fit_gamma_gamma
from skill.clv.pareto_nbd import fit_pareto_nbd
from skill.clv.predict import (
    AtRiskCustomer,
    AtRiskPage,
    CLVPrediction,
    CLVScores,
    SegmentPrediction,
    at_risk_page,
    predict_clv,
    score_customers,
)
from skill.clv.validation import HoldoutReport, validate_clv

__all__ = [
    "AtRiskCustomer",
    "AtRiskPage",
    "CLVModelError",
    "CLVPrediction",
    "CLVScores",
    "GammaGammaFit",
    "HoldoutReport",
    "ModelFit",
    "SegmentPrediction",
    "at_risk_page",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_pareto_nbd",
    "predict_clv",
    "score_customers",
    "validate_clv",
]
