"""The planted truths of the sample shop are recovered (data/sample, cxlib.sample.truth).

Planted (data/sample/README.md): repeat orders follow BG/NBD with λ ~ Gamma(r = 0.24,
α = 9 per week) for everyone, and dropout after each repeat p ~ Beta(a, b) by acquisition
channel: web (0.6, 2.4), app (0.5, 3.5), marketplace (1.2, 1.8), store (0.7, 2.8). So

* time to the second order does not depend on the channel and
  P(no repeat by t weeks) = (α / (α + t))^r (closed form);
* retention in later windows does: marketplace customers drop out fastest. The expected
  rolling 30-day retention per channel is simulated below from the planted parameters
  (an independent Monte Carlo of the BG/NBD process, not the generator's code).
"""

from __future__ import annotations

import numpy as np
import pytest

from cxlib.cohorts import retention_matrix, revenue_retention, time_to_repeat
from cxlib.sample.truth import TRUTH, bgnbd_p_no_repeat

WINDOW_WEEKS = 30 / 7


def simulated_rolling_retention(
    a: float, b: float, windows: int = 8, n: int = 200_000, seed: int = 6
) -> np.ndarray:
    """P(an order in 30-day window N after acquisition) under BG/NBD, by Monte Carlo."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(TRUTH.orders.bgnbd_r, 1 / TRUTH.orders.bgnbd_alpha, n)
    p = rng.beta(a, b, n)
    active = np.zeros((n, windows), bool)
    active[:, 0] = True
    t, alive = np.zeros(n), np.ones(n, bool)
    while alive.any():
        t = t + rng.exponential(1.0, n) / lam
        buying = alive & (t < windows * WINDOW_WEEKS)
        where = np.nonzero(buying)[0]
        active[where, (t[where] // WINDOW_WEEKS).astype(int)] = True
        alive = buying & (rng.random(n) >= p)  # drop out after each repeat purchase
    return active.mean(axis=0)


@pytest.fixture(scope="module")
def rolling(sample_orders):
    return retention_matrix(sample_orders, period="month", kind="rolling", by="channel")


@pytest.mark.parametrize("channel", ["web", "app", "marketplace", "store"])
def test_rolling_retention_by_channel_matches_the_planted_process(rolling, channel):
    truth = simulated_rolling_retention(*TRUTH.orders.bgnbd_ab[channel])
    curve = rolling.curve[rolling.curve["segment"] == channel].set_index("age")
    for age in (1, 3, 6):
        share, n = curve.at[age, "share"], curve.at[age, "eligible"]
        se = np.sqrt(truth[age] * (1 - truth[age]) / n)
        assert abs(share - truth[age]) < 4 * se, (channel, age, share, truth[age])


def test_marketplace_keeps_fewer_customers(sample_orders, rolling):
    monthly = retention_matrix(sample_orders, period="month", kind="on", by="channel")
    for result in (monthly, rolling):
        comparison = result.compare(age=6, reference="web").table.set_index("segment")
        market = comparison.loc["marketplace"]
        assert market["relative"] < -0.15 and market["p_value"] < 0.01 and market["p_value_cmh"] < 0.01
        assert comparison["share"].idxmin() == "marketplace"
    sentences = " ".join(monthly.summary())
    assert (
        "Customers acquired via marketplace keep" in sentences
        and "fewer customers at month 3 than web" in sentences
    )


def test_time_to_second_order_follows_the_closed_form(sample_orders):
    result = time_to_repeat(sample_orders)
    curve = result.table
    r, alpha = TRUTH.orders.bgnbd_r, TRUTH.orders.bgnbd_alpha
    for weeks in (4, 13, 26, 52, 78):
        at = curve[curve["days"] <= weeks * 7].iloc[-1]
        truth = float(bgnbd_p_no_repeat(weeks, r, alpha))
        se = (at["ci_high"] - at["ci_low"]) / (2 * 1.96)
        assert abs(at["survival"] - truth) < 4 * se + 0.002, (weeks, at["survival"], truth)


def test_time_to_second_order_does_not_depend_on_the_channel(sample_orders):
    result = time_to_repeat(sample_orders, by="channel")
    assert result.logrank.dof == 3
    assert result.logrank.p_value > 0.01  # nothing planted: the first repeat ignores the channel
    shares = result.groups.set_index("segment")["repeat_365"]
    truth = 1 - float(bgnbd_p_no_repeat(365 / 7, TRUTH.orders.bgnbd_r, TRUTH.orders.bgnbd_alpha))
    assert np.allclose(shares, truth, atol=0.03)


def test_order_value_is_the_planted_gamma_gamma_mean(sample_orders):
    result = revenue_retention(sample_orders, period="month")
    curve = result.curve.set_index("age")
    mean_order_value = TRUTH.gamma_gamma_mean  # p·v / (q − 1) = 65
    for age in (0, 12):
        value = curve.at[age, "ltv"] / curve.at[age, "orders_per_customer"]
        assert value == pytest.approx(mean_order_value, rel=0.04), (age, value)
