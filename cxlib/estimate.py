"""The :class:`Estimate` every statistic with uncertainty returns."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Estimate"]


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a confidence interval.

    Attributes
    ----------
    value : float
        Point estimate.
    ci_low, ci_high : float
        Confidence interval bounds at level ``1 - alpha``.
    n : int
        Number of observations behind the estimate.
    alpha : float
        One minus the confidence level.
    """

    value: float
    ci_low: float
    ci_high: float
    n: int
    alpha: float = 0.05

    def __str__(self) -> str:
        level = round(100 * (1 - self.alpha))
        return f"{self.value:.3g} ({level}% CI {self.ci_low:.3g} to {self.ci_high:.3g}, n={self.n:,})"
