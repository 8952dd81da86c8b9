"""Bayesian summaries: chance to beat control, expected loss (risk) and credible intervals.

Two models, as in GrowthBook's engine:

* **Normal approximation** for any metric (means, ratios, CUPED-adjusted): the effect
  (relative or absolute) has posterior N(m, s²) — with a flat prior m = estimate and
  s = its standard error; with a N(0, τ²) prior (``prior_sd=τ``) the usual precision-
  weighted update. Chance to win P(δ > 0) = Φ(m/s); expected loss of shipping the
  variant E[max(0, −δ)] = s·φ(m/s) − m·Φ(−m/s), of keeping control
  E[max(0, δ)] = m·Φ(m/s) + s·φ(m/s).
* **Beta–binomial** for conversions: p_k ~ Beta(a₀ + conversions, b₀ + non-conversions).
  Every quantity is a one-dimensional expectation over the control's posterior,
  E_C[h(p_C)], evaluated by Gauss–Legendre quadrature across its support:
  P(p_T > p_C) = E_C[1 − F_T(p_C)]; the loss uses the closed form
  E[max(0, x − p_T)] = x·F_T(x) − μ_T·F_T⁺(x) (F_T⁺ the CDF of Beta(a_T + 1, b_T));
  E[p_T/p_C] = μ_T·(a_C + b_C − 1)/(a_C − 1); credible bounds solve
  P(p_T/p_C − 1 ≤ r) = E_C[F_T((1 + r)p_C)] = q.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import optimize, special, stats

__all__ = ["beta_binomial", "normal_posterior"]


def normal_posterior(
    estimate: np.ndarray,
    se: np.ndarray,
    *,
    higher_is_better: np.ndarray,
    alpha: float,
    prior_sd: float | None = None,
) -> dict[str, np.ndarray]:
    """Posterior summaries of an effect under the normal approximation.

    Parameters
    ----------
    estimate, se : numpy.ndarray
        Effect estimates and standard errors (relative or absolute).
    higher_is_better : numpy.ndarray of bool
        Direction of a win per row.
    alpha : float
        The credible interval has probability ``1 - alpha``.
    prior_sd : float, optional
        Standard deviation τ of a N(0, τ²) prior on the effect; flat prior when None.

    Returns
    -------
    dict of numpy.ndarray
        ``mean, ci_low, ci_high, chance_to_win, risk`` (expected loss of shipping the
        variant) and ``risk_control`` (expected loss of keeping the control).
    """
    est = np.asarray(estimate, dtype="float64")
    se = np.asarray(se, dtype="float64")
    if prior_sd is not None:
        if prior_sd <= 0:
            raise ValueError("prior_sd must be positive")
        precision = 1.0 / se**2 + 1.0 / prior_sd**2
        mean = est / se**2 / precision
        sd = np.sqrt(1.0 / precision)
    else:
        mean, sd = est, se
    sign = np.where(np.asarray(higher_is_better, dtype=bool), 1.0, -1.0)
    m = sign * mean  # in the "better" direction
    with np.errstate(divide="ignore", invalid="ignore"):
        z = m / sd
    win = stats.norm.cdf(z)
    loss_ship = sd * stats.norm.pdf(z) - m * stats.norm.cdf(-z)
    loss_keep = m * stats.norm.cdf(z) + sd * stats.norm.pdf(z)
    q = stats.norm.ppf(1.0 - alpha / 2.0)
    return {
        "mean": mean,
        "ci_low": mean - q * sd,
        "ci_high": mean + q * sd,
        "chance_to_win": win,
        "risk": loss_ship,
        "risk_control": loss_keep,
    }


@lru_cache(maxsize=1)
def _panel_nodes(panels: int = 256, order: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss–Legendre nodes and weights on [0, 1]."""
    x, w = np.polynomial.legendre.leggauss(order)
    edges = np.linspace(0.0, 1.0, panels + 1)
    half = np.diff(edges) / 2.0
    mid = (edges[:-1] + edges[1:]) / 2.0
    nodes = (mid[:, None] + half[:, None] * x[None, :]).ravel()
    weights = (half[:, None] * w[None, :]).ravel()
    return nodes, weights


class _BetaPair:
    """Control and variant Beta posteriors with quadrature over the control's support."""

    def __init__(self, a_c: float, b_c: float, a_t: float, b_t: float) -> None:
        self.a_c, self.b_c, self.a_t, self.b_t = a_c, b_c, a_t, b_t
        control = stats.beta(a_c, b_c)
        lo, hi = control.ppf(1e-12), control.isf(1e-12)
        u, w = _panel_nodes()
        self.x = lo + (hi - lo) * u
        weights = w * (hi - lo) * control.pdf(self.x)
        self.w = weights / weights.sum()
        self.mu_t = a_t / (a_t + b_t)

    def expect(self, values: np.ndarray) -> float:
        return float(np.dot(self.w, values))

    def loss_below(self, x: np.ndarray) -> np.ndarray:
        """E[max(0, x − p_T)] for each x."""
        return x * special.betainc(self.a_t, self.b_t, x) - self.mu_t * special.betainc(
            self.a_t + 1.0, self.b_t, x
        )

    def chance_t_above(self) -> float:
        return self.expect(special.betaincc(self.a_t, self.b_t, self.x))

    def cdf(self, r: float, relative: bool) -> float:
        arg = (1.0 + r) * self.x if relative else self.x + r
        return self.expect(special.betainc(self.a_t, self.b_t, np.clip(arg, 0.0, 1.0)))

    def quantile(self, q: float, relative: bool, guess: float, scale: float) -> float:
        f = lambda r: self.cdf(r, relative) - q  # noqa: E731
        lo, hi = guess - 10 * scale, guess + 10 * scale
        if relative:
            lo = max(lo, -1.0)
        for _ in range(60):
            if f(lo) < 0:
                break
            lo = -1.0 if relative and lo - 10 * scale <= -1.0 else lo - 10 * scale
        for _ in range(60):
            if f(hi) > 0:
                break
            hi += 10 * scale
        return float(optimize.brentq(f, lo, hi, xtol=1e-12, rtol=1e-10))


def beta_binomial(
    conversions_c: float,
    n_c: float,
    conversions_t: float,
    n_t: float,
    *,
    relative: bool,
    higher_is_better: bool,
    alpha: float,
    prior: tuple[float, float] = (1.0, 1.0),
) -> dict[str, float]:
    """Beta–binomial posterior summaries of one variant against control.

    Parameters
    ----------
    conversions_c, n_c, conversions_t, n_t : float
        Conversions and units per arm.
    relative : bool
        Summarise p_T/p_C − 1 (else p_T − p_C).
    higher_is_better : bool
    alpha : float
        Equal-tailed credible interval with probability ``1 - alpha``.
    prior : (float, float), default (1, 1)
        Beta prior (a₀, b₀), the same for both arms; (1, 1) is uniform.

    Returns
    -------
    dict
        ``mean`` (posterior mean of the effect), ``ci_low``, ``ci_high``,
        ``chance_to_win``, ``risk`` (expected loss of shipping the variant),
        ``risk_control`` (expected loss of keeping the control), on the scale of the effect.

    Examples
    --------
    >>> round(
    ...     beta_binomial(100, 1000, 130, 1000, relative=True, higher_is_better=True, alpha=0.05)[
    ...         "chance_to_win"
    ...     ],
    ...     3,
    ... )
    0.982
    """
    a0, b0 = prior
    if a0 <= 0 or b0 <= 0:
        raise ValueError("the Beta prior needs positive parameters")
    pair = _BetaPair(
        a0 + conversions_c, b0 + n_c - conversions_c, a0 + conversions_t, b0 + n_t - conversions_t
    )
    mu_c = pair.a_c / (pair.a_c + pair.b_c)
    loss = pair.loss_below(pair.x)  # E[max(0, p_C − p_T) | p_C]
    if relative:
        mean = pair.mu_t * (pair.a_c + pair.b_c - 1.0) / (pair.a_c - 1.0) - 1.0
        down = pair.expect(loss / pair.x)  # E[max(0, −(p_T/p_C − 1))]
    else:
        mean = pair.mu_t - mu_c
        down = pair.expect(loss)  # E[max(0, p_C − p_T)]
    up = mean + down
    t_above = pair.chance_t_above()
    sd_c = np.sqrt(mu_c * (1 - mu_c) / (pair.a_c + pair.b_c + 1.0))
    sd_t = np.sqrt(pair.mu_t * (1 - pair.mu_t) / (pair.a_t + pair.b_t + 1.0))
    scale = float(np.hypot(sd_c, sd_t) / (mu_c if relative else 1.0)) or 1e-9
    lo = pair.quantile(alpha / 2.0, relative, mean, scale)
    hi = pair.quantile(1.0 - alpha / 2.0, relative, mean, scale)
    if higher_is_better:
        win, risk, risk_control = t_above, down, up
    else:
        win, risk, risk_control = 1.0 - t_above, up, down
    return {
        "mean": float(mean),
        "ci_low": lo,
        "ci_high": hi,
        "chance_to_win": float(win),
        "risk": float(risk),
        "risk_control": float(risk_control),
    }
