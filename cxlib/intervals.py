"""Confidence intervals shared by the analysis modules."""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import stats

__all__ = ["wilson_interval"]


def wilson_interval(successes: Any, n: Any, alpha: float = 0.05) -> tuple[Any, Any]:
    """Wilson score interval for binomial proportions (Wilson 1927), vectorised.

    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. JASA 22(158), 209–212.

    Parameters
    ----------
    successes, n : array_like
        Successes and trials per cell.
    alpha : float, default 0.05

    Returns
    -------
    (low, high) : tuple of numpy.ndarray (floats for scalar input)
        Bounds in [0, 1] (exactly 0 with no successes, 1 with no failures, never excluding
        the observed share by rounding); NaN where ``n == 0``.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    z = float(stats.norm.ppf(1.0 - alpha / 2.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1.0 + z**2 / n
        centre = (p + z**2 / (2.0 * n)) / denom
        half = z / denom * np.sqrt(np.clip(p * (1.0 - p) / n + z**2 / (4.0 * n**2), 0.0, None))
        low = np.where(k == 0, 0.0, np.minimum(centre - half, p))
        high = np.where(k == n, 1.0, np.maximum(centre + half, p))
    empty = n == 0
    low = np.where(empty, np.nan, np.clip(low, 0.0, 1.0))
    high = np.where(empty, np.nan, np.clip(high, 0.0, 1.0))
    if low.ndim == 0:
        return float(low), float(high)
    return low, high
