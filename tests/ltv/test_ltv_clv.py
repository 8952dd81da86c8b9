"""clv(): a month-by-month loop written here, closed forms, and a parametric simulation of
the interval.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from ltv_data import CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END
from test_ltv_models import bgnbd_expected_direct

from cxlib.ltv import clv, fit_bgnbd, fit_gamma_gamma, fit_pareto_nbd, rfm_summary
from cxlib.ltv.clv import DAYS_PER_MONTH, discounted_purchases


@pytest.fixture(scope="module")
def cdnow_models(cdnow_summary):
    return fit_bgnbd(cdnow_summary), fit_gamma_gamma(cdnow_summary)


def test_clv_equals_month_by_month_loop(cdnow_summary, cdnow_models):
    bg, gg = cdnow_models
    value = clv(bg, gg, cdnow_summary, horizon_months=6, discount_rate=0.02, margin=0.3)
    p, q, v = gg.theta
    month = DAYS_PER_MONTH / 7
    rows = cdnow_summary.iloc[::97]
    for row in rows.itertuples(index=False):
        spend = p * (v + row.frequency * row.monetary_value) / (p * row.frequency + q - 1)
        total, previous = 0.0, 0.0
        for k in range(1, 7):
            cumulative = bgnbd_expected_direct(bg.theta, k * month, row.frequency, row.recency, row.T)
            total += (cumulative - previous) / 1.02**k
            previous = cumulative
        got = value.table.loc[value.table["customer_id"] == row.customer_id].iloc[0]
        assert got["clv"] == pytest.approx(0.3 * spend * total, rel=1e-9)
        assert got["expected_value"] == pytest.approx(spend, rel=1e-12)
        assert got["expected_purchases"] == pytest.approx(
            bgnbd_expected_direct(bg.theta, 6 * month, row.frequency, row.recency, row.T), rel=1e-9
        )


@pytest.mark.parametrize("fit", [fit_bgnbd, fit_pareto_nbd])
def test_without_discount_clv_is_spend_times_purchases(fit, cdnow_summary, cdnow_models):
    purchases = fit(cdnow_summary)
    gg = cdnow_models[1]
    value = clv(purchases, gg, cdnow_summary, horizon_months=12, discount_rate=0.0, intervals=False)
    t = value.table
    np.testing.assert_allclose(t["clv"], t["expected_value"] * t["expected_purchases"], rtol=1e-10)
    assert t["clv_ci_low"].isna().all()
    # Discounting only lowers the value, month by month.
    discounted = discounted_purchases(
        purchases, t["frequency"], t["recency"], t["T"], horizon_months=12, discount_rate=0.05
    )
    assert np.all(discounted <= t["expected_purchases"].to_numpy() + 1e-12)
    assert np.all(discounted >= t["expected_purchases"].to_numpy() / 1.05**12 - 1e-12)


def test_total_interval_agrees_with_parametric_simulation(cdnow_summary, cdnow_models):
    """Delta method versus drawing both models' parameters from their asymptotic normal."""
    bg, gg = cdnow_models
    value = clv(bg, gg, cdnow_summary, horizon_months=12, discount_rate=0.01)
    total = value.total()
    rng = np.random.default_rng(5)
    x, tx, T, m = (
        cdnow_summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T", "monetary_value")
    )
    keys, inverse = np.unique(np.column_stack([x, tx, T]), axis=0, return_inverse=True)
    draws = []
    for _ in range(200):
        th_bg = np.exp(rng.multivariate_normal(np.log(bg.theta), bg.cov / np.outer(bg.theta, bg.theta)))
        th_gg = np.exp(rng.multivariate_normal(np.log(gg.theta), gg.cov / np.outer(gg.theta, gg.theta)))
        disc = discounted_purchases(
            bg.with_params(th_bg), keys[:, 0], keys[:, 1], keys[:, 2], horizon_months=12, discount_rate=0.01
        )[inverse.ravel()]
        draws.append(float((gg.with_params(th_gg).expected_value(x, m) * disc).sum()))
    sd_sim = np.std(np.log(draws), ddof=1)
    sd_delta = np.log(total.ci_high / total.value) / 1.959963984540054
    assert sd_delta == pytest.approx(sd_sim, rel=0.15)
    assert total.value == pytest.approx(float(value.table["clv"].sum()))
    assert total.ci_low < total.value < total.ci_high
    assert (value.table["clv_ci_low"] <= value.table["clv"]).all() and (
        value.table["clv"] <= value.table["clv_ci_high"]
    ).all()


def test_segments_concentration_and_top_share(cdnow_transactions):
    rfm = rfm_summary(cdnow_transactions, "W", CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END)
    value = clv(fit_bgnbd(rfm), fit_gamma_gamma(rfm), rfm, horizon_months=12, currency="USD")
    t = value.table
    assert "cohort" in t.columns and "revenue" in t.columns and "frequency_holdout" not in t.columns
    seg = value.by("cohort", min_n=10)
    assert seg["clv_total"].sum() == pytest.approx(t["clv"].sum())
    assert seg.set_index("segment")["customers"].to_dict() == t["cohort"].value_counts().to_dict()
    assert (seg["clv_total_ci_low"] < seg["clv_total"]).all()
    # One segment holding everybody has the total's interval.
    one = dataclasses.replace(value, table=value.table.assign(all="all")).by("all", min_n=1)
    assert one["clv_total_ci_low"].iloc[0] == pytest.approx(value.total().ci_low)
    small = value.by("cohort", min_n=800)
    assert small["suppressed"].any() and small.loc[small["suppressed"], "clv_total"].isna().all()
    conc = value.concentration()
    assert conc["customers"].sum() == len(t) and conc["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    assert conc["share_of_value"].is_monotonic_decreasing
    top = np.sort(t["clv"].to_numpy())[::-1][: int(np.ceil(0.1 * len(t)))].sum() / t["clv"].sum()
    assert value.top_share(0.1) == pytest.approx(top)
    assert conc["share_of_value"].iloc[0] == pytest.approx(
        np.sort(t["clv"].to_numpy())[::-1][:236].sum() / t["clv"].sum()
    )
    text = " ".join(value.summary())
    assert "USD" in text and "2,357 customers" in text
    histogram = value.figure().data[0]
    assert sum(histogram.y) == len(t) and len(value.segment_figure("cohort").data) == 1


def test_clv_checks_its_inputs(cdnow_summary, cdnow_models, cdnow_transactions):
    bg, gg = cdnow_models
    with pytest.raises(ValueError, match="horizon_months"):
        clv(bg, gg, cdnow_summary, horizon_months=0)
    in_days = rfm_summary(cdnow_transactions, "D", CDNOW_CALIBRATION_END)
    with pytest.raises(ValueError, match="unit"):
        clv(bg, gg, in_days)
    original = cdnow_summary.copy(deep=True)
    clv(bg, gg, cdnow_summary, horizon_months=3, intervals=False)
    pd.testing.assert_frame_equal(cdnow_summary, original)


def test_breakdowns_say_where_the_value_is(cdnow_transactions):
    """value.breakdown(by): sentences and tables against pandas group-bys written here."""
    from cxlib.viz.results import result_table

    orders = cdnow_transactions.assign(
        channel=np.where(cdnow_transactions["customer_id"].astype(int) % 3 == 0, "web", "store")
    )
    rfm = rfm_summary(orders, "W", CDNOW_CALIBRATION_END, by="channel", currency="USD")
    value = clv(fit_bgnbd(rfm), fit_gamma_gamma(rfm), rfm, horizon_months=12, currency="USD")
    t = value.table
    by_channel = value.breakdown("channel", min_n=10)
    naive = t.groupby("channel")["clv"].agg(["sum", "mean", "size"]).sort_values("sum", ascending=False)
    top = naive.index[0]
    share = naive["sum"].iloc[0] / t["clv"].sum()
    first, second = by_channel.summary()
    assert first.startswith(f"{top[0].upper()}{top[1:]} customers hold {share:.0%} of the predicted value")
    assert f"{naive['sum'].iloc[0]:,.0f} USD from {naive['size'].iloc[0]:,} customers" in first
    richest, poorest = naive["mean"].idxmax(), naive["mean"].idxmin()
    assert second == (
        f"Per customer, {richest} is worth most ({naive['mean'].max():,.2f} USD) and "
        f"{poorest} least ({naive['mean'].min():,.2f} USD)."
    )
    html = result_table(by_channel).data
    assert "Channel" in html and "CLV per customer (USD)" in html and "suppressed" not in html
    # deciles: the top tenth's value and the more valuable half, sorted by hand
    deciles = value.breakdown("decile")
    ranked = np.sort(t["clv"].to_numpy())[::-1]
    top_n = int(np.ceil(len(ranked) / 10))
    (sentence,) = deciles.summary()
    assert f"The most valuable 10% of customers ({top_n:,})" in sentence
    assert (
        f"({ranked[:top_n].sum():,.2f} USD)" in sentence or f"({ranked[:top_n].sum():,.0f} USD)" in sentence
    )
    half = deciles.table["clv_total"].iloc[:5].sum() / ranked.sum()
    assert f"the more valuable half holds {half:.0%}" in sentence
    # cohorts: highest and lowest mean CLV among cohorts of 10+ customers
    cohorts = value.breakdown("cohort", min_n=10)
    big = t.groupby("cohort")["clv"].agg(["mean", "size"])
    big = big[big["size"] >= 10]
    assert cohorts.summary()[0].startswith(
        f"Customers first buying in {big['mean'].idxmax()} are worth most ({big['mean'].max():,.2f} USD each)"
    )
    assert len(cohorts.figure().data) == 1 and len(deciles.figure().data) == 1
    # every segment too small: a sentence, no numbers
    none = value.breakdown("channel", min_n=10_000)
    assert none.summary() == ["Every channel has fewer than 10,000 customers, so none is shown."]
    # the RFM summary and the spend model name the currency too
    assert "USD per repeat purchase" in rfm.summary()[1]
    spend = fit_gamma_gamma(rfm)
    p, q, v = spend.theta
    assert spend.summary()[0].endswith(f"population mean spend per purchase {p * v / (q - 1):,.2f} USD.")
