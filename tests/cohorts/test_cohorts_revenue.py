"""revenue_retention against a brute-force reference (loops over cohorts and ages)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from cohort_data import as_utc, random_orders
from cohort_reference import revenue_reference

from cxlib.cohorts import revenue_retention


@pytest.mark.parametrize("period", ["week", "month", "quarter"])
@pytest.mark.parametrize("by", [None, "channel"])
def test_revenue_views_match_the_reference(period, by):
    orders = random_orders(seed=31, customers=60, rows=400, days=400)
    orders.loc[orders.index[::17], "revenue"] = np.nan  # missing revenue adds nothing
    until = "2024-11-20 08:00"
    result = revenue_retention(orders, period=period, by=by, observed_until=until, fast_path=False)
    expected = revenue_reference(orders, period=period, by=by, end=as_utc(until))
    long = result.long if by else result.long.assign(segment="All customers")
    observed = long[long["observed"]]
    got = {
        (s, c.date(), int(a)): row
        for s, c, a, row in zip(
            observed["segment"],
            observed["cohort_start"],
            observed["age"],
            observed.to_dict("records"),
            strict=True,
        )
    }
    assert got.keys() == expected.keys()
    for key, want in expected.items():
        row = got[key]
        assert int(row["customers"]) == want["customers"]
        assert int(row["orders"]) == want["orders"] and int(row["active"]) == want["active"]
        for measure in ("revenue", "ltv", "orders_per_customer", "nrr"):
            if math.isnan(want[measure]):
                assert math.isnan(row[measure])
            else:
                assert row[measure] == pytest.approx(want[measure], rel=1e-9, abs=1e-9)
    # Censored cells are empty, never 0.
    assert long.loc[~long["observed"], ["ltv", "nrr", "revenue"]].isna().all().all()

    # Pooled curves: ratio of sums over the cohorts observed at each age.
    curve = result.curve if by else result.curve.assign(segment="All customers")
    for (segment, age), row in curve.set_index(["segment", "age"]).iterrows():
        cells = [(v, k) for k, v in expected.items() if k[0] == segment and k[2] == age]
        customers = sum(v["customers"] for v, _ in cells)
        assert row["customers"] == customers
        assert row["ltv"] == pytest.approx(
            sum(v["ltv"] * v["customers"] for v, _ in cells) / customers, rel=1e-9
        )
        base = sum(expected[(segment, k[1], 0)]["revenue"] for _, k in cells)
        assert row["nrr"] == pytest.approx(sum(v["revenue"] for v, _ in cells) / base, rel=1e-9)


def test_nrr_matrix_figures_summary_and_suppression():
    orders = random_orders(seed=32, customers=120, rows=600, days=330)
    result = revenue_retention(orders, by="channel", currency="EUR", fast_path=False)
    assert result.table.index.names == ["segment", "cohort"]
    assert (result.table[0].dropna() == 1.0).all()
    assert result.matrix("ltv", segment="web").index.name == "cohort"
    for view in ("ltv", "nrr", "orders", "heatmap"):
        assert isinstance(result.figure(view), go.Figure)
    text = " ".join(result.summary())
    assert "EUR" in text and "Net revenue retention" in text
    safe = revenue_retention(orders, by="channel", min_n=5, fast_path=False)
    small = safe.long["suppressed"]
    assert small.any() and safe.long.loc[small, ["ltv", "nrr", "revenue"]].isna().all().all()
    assert safe.long["customers"].dropna().ge(5).all()
    pd.testing.assert_frame_equal(
        result.overall().curve, revenue_retention(orders, currency="EUR", fast_path=False).curve
    )


def test_the_acquisition_spend_in_the_sentence_is_that_of_the_cohorts_at_the_horizon():
    # an old cohort (January) spends 10 in its first month and 5 later; a young one (November)
    # spends 100 at once: pooled over every cohort, age 0 would be 55, above the month-1 total
    orders = pd.DataFrame(
        {
            "order_id": ["a1", "a2", "b1"],
            "customer_id": ["a", "a", "b"],
            "ts": pd.to_datetime(["2024-01-10", "2024-02-10", "2024-11-10"], utc=True),
            "revenue": [10.0, 5.0, 100.0],
        }
    )
    result = revenue_retention(
        orders, period="month", currency="EUR", observed_until="2024-12-31", fast_path=False
    )
    sentence = result.summary()[0]
    horizon = int(sentence.split("By month ")[1].split(" ")[0])
    assert horizon >= 1
    # only the January cohort reached the horizon: 15 spent, 10 of it in its first month
    assert "a customer has spent 15.00 EUR on average (10.00 EUR of it in the acquisition month)" in sentence
