"""Predictive customer-lifetime-value models on numpy/scipy.

BG/NBD (bgnbd.py), Pareto/NBD (pareto_nbd.py) and Gamma-Gamma (gamma_gamma.py)
fits; per-customer and per-segment predictions (predict.py); holdout validation
against a run-rate baseline (validation.py); result models (results.py).

Names resolve on first use (PEP 562) so that `skill.clv.results` can be imported
without numpy, scipy or pandas (the MCP server declares its schemas from it).
"""

from __future__ import annotations

from skill.lazy import lazy_exports

_HOMES = {
    "fit_bgnbd": "skill.clv.bgnbd",
    "fit_pareto_nbd": "skill.clv.pareto_nbd",
    "fit_gamma_gamma": "skill.clv.gamma_gamma",
    "CLVScores": "skill.clv.predict",
    "at_risk_page": "skill.clv.predict",
    "score_customers": "skill.clv.predict",
    "validate_clv": "skill.clv.validation",
    "AtRiskCustomer": "skill.clv.results",
    "AtRiskPage": "skill.clv.results",
    "CLVModelError": "skill.clv.results",
    "CLVPrediction": "skill.clv.results",
    "GammaGammaFit": "skill.clv.results",
    "HoldoutReport": "skill.clv.results",
    "ModelFit": "skill.clv.results",
    "SegmentPrediction": "skill.clv.results",
}

__all__ = sorted(_HOMES)

__getattr__ = lazy_exports(__name__, _HOMES, globals())
