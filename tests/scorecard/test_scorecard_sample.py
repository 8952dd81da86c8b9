"""On the sample shop, the scorecard recovers the planted truths of data/sample/README.md.

Expected values come from the generator's parameters (``cxlib.sample.truth``) through
the closed forms there, per answer or order, so the tests check the scorecard against the
latent models rather than against itself. Tolerance: 3.5 standard errors (each check fails
by chance with probability < 0.05 %), plus the README's observed values where it states them.
"""

from __future__ import annotations

import os
from pathlib import Path

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import pytest

import cxlib
from cxlib.engine import to_pandas
from cxlib.sample.truth import TRUTH, expected_clipped_score, expected_nps, score_probabilities
from cxlib.scorecard import consistency, scorecard, value_of_cx

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
TOLERANCE = 3.5


@pytest.fixture(scope="module")
def shop() -> cxlib.Shop:
    if not (SAMPLE / "surveys.parquet").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("the sample shop is missing: run `make sample`")
        pytest.skip("no sample shop in data/sample (run `make sample`)")
    return cxlib.open_shop(SAMPLE)


@pytest.fixture(scope="module")
def answers(shop: cxlib.Shop) -> pd.DataFrame:
    """Survey answers joined to their order's drivers (delivery days, returned, device)."""
    orders = to_pandas(shop.orders)[["order_id", "delivery_days", "returned", "device"]]
    return to_pandas(shop.surveys).merge(orders, on="order_id", how="left")


def cells(card, metric: str) -> pd.DataFrame:
    return card.table[card.table["metric"] == metric]


def within(row: pd.Series, expected: float) -> None:
    assert abs(row["value"] - expected) <= TOLERANCE * row["se"], (row.to_dict(), expected)


def test_overall_values_match_the_readme(shop: cxlib.Shop) -> None:
    card = scorecard(shop, period=None).table.set_index("metric")
    assert card.loc["nps", "n"] == 6_978 and card.loc["nps", "value"] == pytest.approx(20.7, abs=0.05)
    assert card.loc["csat", "value"] == pytest.approx(0.592, abs=5e-4)
    assert card.loc["cart_abandonment", "value"] == pytest.approx(0.693, abs=5e-4)
    assert card.loc["repeat_rate", "value"] == pytest.approx(0.328, abs=5e-4)  # 32.8 % repeat
    assert card.loc["purchase_frequency", "value"] == pytest.approx(1.85, abs=0.005)
    assert card.loc["aov", "value"] == pytest.approx(66.3, abs=0.05)
    within(card.loc["aov"], TRUTH.gamma_gamma_mean)  # Gamma-Gamma mean order value 65.0 EUR


def test_nps_channel_and_return_effects(shop: cxlib.Shop, answers: pd.DataFrame) -> None:
    nps = answers[answers["metric"] == "nps"].assign(
        expected=lambda d: expected_nps(
            d["delivery_days"].fillna(0).to_numpy(), d["returned"].to_numpy(), d["channel"].to_numpy()
        )
    )
    by_channel = cells(scorecard(shop, by="channel", period=None), "nps").set_index("channel")
    for channel, expected in nps.groupby("channel")["expected"].mean().items():
        within(by_channel.loc[channel], expected)
    assert list(by_channel.drop("All").sort_values("value").index) == ["marketplace", "web", "app", "store"]
    by_return = cells(scorecard(shop, by="returned", period=None), "nps").set_index("returned")
    for returned, expected in nps.groupby("returned")["expected"].mean().items():
        within(by_return.loc[str(returned)], expected)
    assert by_return.loc["False", "value"] - by_return.loc["True", "value"] > 60  # returns cost ~70 points


def test_csat_resolution_effect(shop: cxlib.Shop, answers: pd.DataFrame) -> None:
    s = TRUTH.surveys
    csat = answers[answers["metric"] == "csat"]
    latent = (
        s.csat_intercept
        + s.csat_resolved * csat["resolved"].astype(float)
        + s.csat_returned * csat["returned"].astype(float)
        + csat["channel"].map(s.csat_channel)
    )
    expected = score_probabilities(latent.to_numpy(), s.csat_sigma, 1, 5)[:, 3:].sum(axis=1)
    card = cells(scorecard(shop, by="resolved", period=None), "csat").set_index("resolved")
    for resolved, value in pd.Series(expected, index=csat.index).groupby(csat["resolved"]).mean().items():
        within(card.loc[str(resolved)], value)
    assert card.loc["True", "value"] == pytest.approx(0.749, abs=5e-4)
    assert card.loc["False", "value"] == pytest.approx(0.204, abs=5e-4)


def test_ces_mobile_and_channel_effects_with_device_from_orders(shop: cxlib.Shop) -> None:
    s = TRUTH.surveys
    checkout = nw.from_native(shop.surveys).filter(nw.col("touchpoint") == "checkout").to_native()
    card = scorecard({"surveys": checkout, "orders": shop.orders}, by=["channel", "device"], period=None)
    ces = cells(card, "ces")
    assert "lower = less effort" in ces["label"].iloc[0]
    for row in ces[ces["channel"] != "All"].itertuples(index=False):
        latent = (
            s.ces_checkout_intercept
            + s.ces_checkout_mobile * (row.device == "mobile")
            + s.ces_checkout_channel[row.channel]
        )
        within(pd.Series(row._asdict()), float(expected_clipped_score(latent, s.ces_sigma, 1, 7)))


def test_cart_abandonment_by_channel_and_device(shop: cxlib.Shop) -> None:
    card = cells(scorecard(shop, by=["channel", "device"], period=None), "cart_abandonment")
    segments = card[card["channel"] != "All"]
    assert len(segments) == len(TRUTH.events.cart_abandonment)
    for row in segments.itertuples(index=False):
        within(pd.Series(row._asdict()), TRUTH.events.cart_abandonment[f"{row.channel}/{row.device}"])
    by_device = cells(scorecard(shop, by="device", period=None), "cart_abandonment").set_index("device")
    assert by_device.loc["mobile", "value"] == pytest.approx(0.719, abs=5e-4)
    assert by_device.loc["desktop", "value"] == pytest.approx(0.627, abs=5e-4)


def test_return_rate_and_delivery_days(shop: cxlib.Shop) -> None:
    o = TRUTH.orders
    returns = cells(scorecard(shop, by="channel", period=None), "return_rate").set_index("channel")
    for channel, rate in o.return_rate.items():
        within(returns.loc[channel], rate)  # returns after the span end are censored (< 2 % of orders)
    extra = (1 - o.delivery_late_share) * o.delivery_on_time_mean + o.delivery_late_share * (
        1 + o.delivery_late_mean
    )
    delivery = cells(scorecard(shop, by="country", period=None), "delivery_days").set_index("country")
    for country, base in o.delivery_base_days.items():
        within(delivery.loc[country], base + extra)


def test_channel_gaps_are_significant_and_stated(shop: cxlib.Shop) -> None:
    result = consistency(scorecard(shop, by="channel", period=None))
    table = result.table.set_index("metric")
    for metric in ("nps", "csat", "cart_abandonment", "return_rate"):
        assert table.loc[metric, "p_value"] < 1e-6, metric
    assert not table.loc["aov", "significant"]  # spend is independent of channel (Gamma-Gamma)
    assert table.loc["nps", "worst_segment"] == "marketplace"
    assert table.loc["return_rate", "worst_segment"] == "marketplace"
    assert table.loc["cart_abandonment", "best_segment"] == "app"


def test_monthly_report_on_the_sample(shop: cxlib.Shop) -> None:
    card = scorecard(shop, by="channel", period="month")
    assert card.table["period"].min() == "2024-11" and card.table["period"].max() == "2026-10"
    nps = cells(card, "nps")
    assert not nps.loc[nps["channel"] == "All", "suppressed"].any()
    assert nps.loc[nps["channel"] == "store", "suppressed"].all()  # about 12 store answers a month
    assert not cells(card, "aov")["suppressed"].any()
    assert len(card.summary()) >= 11
    value = value_of_cx(shop.surveys, shop.orders)
    assert (
        value.table.set_index("group").loc["all", "revenue_to_date_n"] == 5_591
    )  # customers with an NPS answer
    assert np.isfinite(value.gap_12m.value)
