"""Draw customer summaries from known BG/NBD or Pareto/NBD parameters: the ground
truth for parameter-recovery checks and the benchmark's large populations.

Both simulators are vectorised through the order-statistic property of the
Poisson process: given N events in (0, w], their times are N uniforms on (0, w],
so the k-th event time is w * Beta(k, N - k + 1).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _summary(x, t_x, T, resolution) -> pd.DataFrame:
    if resolution:
        t_x = np.floor(t_x / resolution) * resolution
    return pd.DataFrame(
        {"customer_id": np.arange(len(x)), "frequency": x.astype(float), "recency": t_x, "T": T.astype(float)}
    )


def _kth_event_time(rng, window, k, n):
    """Time of the k-th of n uniform events on (0, window]; 0 where k == 0."""
    safe_k = np.maximum(k, 1)
    return np.where(k > 0, window * rng.beta(safe_k, np.maximum(n - safe_k + 1, 1)), 0.0)


def simulate_bgnbd(params, T, seed: int = 0, resolution: float | None = None) -> pd.DataFrame:
    """BG/NBD customers observed for T each; `resolution` floors recency to a grid (e.g. whole days)."""
    r, alpha, a, b = params
    rng = np.random.default_rng(seed)
    T = np.asarray(T, dtype=float)
    rate = rng.gamma(r, 1.0 / alpha, size=len(T))
    dropout = rng.beta(a, b, size=len(T))
    events = rng.poisson(rate * T)
    purchases_until_dropout = rng.geometric(dropout)
    x = np.minimum(events, purchases_until_dropout)
    return _summary(x, _kth_event_time(rng, T, x, events), T, resolution)


def simulate_pareto_nbd(params, T, seed: int = 0, resolution: float | None = None) -> pd.DataFrame:
    """Pareto/NBD customers observed for T each; `resolution` as in simulate_bgnbd."""
    r, alpha, s, beta = params
    rng = np.random.default_rng(seed)
    T = np.asarray(T, dtype=float)
    rate = rng.gamma(r, 1.0 / alpha, size=len(T))
    death_rate = rng.gamma(s, 1.0 / beta, size=len(T))
    active = np.minimum(rng.exponential(1.0 / death_rate), T)
    x = rng.poisson(rate * active)
    return _summary(x, _kth_event_time(rng, active, x, x), T, resolution)
