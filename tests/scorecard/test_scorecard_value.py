"""value_of_cx against a naive loop over customers, across backends, with suppression."""

from __future__ import annotations

import functools
import operator

import numpy as np
import pandas as pd
import polars as pl
import pytest
from scipy import stats

from cxlib import DataError
from cxlib.engine import duckdb_connection
from cxlib.scorecard import value_of_cx
from tests.scorecard.shops import random_shop


def naive_value(surveys: pd.DataFrame, orders: pd.DataFrame, horizon_days: int = 365) -> dict:
    """{group: (revenue_to_date values, value_12m values)} by looping over customers."""
    end = orders["ts"].max()
    horizon = pd.Timedelta(days=horizon_days)
    groups: dict[str, tuple[list[float], list[float]]] = {
        g: ([], []) for g in ("promoters", "passives", "detractors")
    }
    answers = surveys[(surveys["metric"] == "nps") & surveys["customer_id"].notna()]
    for customer, rows in answers.groupby("customer_id"):
        first_ts = rows["ts"].min()
        score = rows.loc[rows["ts"] == first_ts, "score"].min()
        group = "promoters" if score >= 9 else "detractors" if score <= 6 else "passives"
        mine = orders[orders["customer_id"] == customer]
        groups[group][0].append(float(mine["revenue"].sum()))
        if first_ts + horizon <= end:
            window = mine[(mine["ts"] > first_ts) & (mine["ts"] <= first_ts + horizon)]
            groups[group][1].append(float(window["revenue"].sum()))
    return groups


def test_value_of_cx_matches_the_naive_loop() -> None:
    shop = random_shop(31, customers=150, orders=900, answers=700, days=500)
    result = value_of_cx(shop["surveys"], shop["orders"], horizon_days=120, min_n=2, currency="EUR")
    naive = naive_value(shop["surveys"], shop["orders"], horizon_days=120)
    table = result.table.set_index("group")
    for group, (to_date, window) in naive.items():
        assert table.loc[group, "revenue_to_date_n"] == len(to_date)
        assert table.loc[group, "revenue_to_date"] == pytest.approx(np.mean(to_date))
        low, high = stats.t.interval(0.95, len(window) - 1, loc=np.mean(window), scale=stats.sem(window))
        assert table.loc[group, "value_12m_n"] == len(window)
        assert table.loc[group, "value_12m"] == pytest.approx(np.mean(window))
        assert (table.loc[group, "value_12m_ci_low"], table.loc[group, "value_12m_ci_high"]) == pytest.approx(
            (low, high)
        )
    everyone = functools.reduce(operator.iadd, (v[1] for v in naive.values()), [])
    assert table.loc["all", "value_12m"] == pytest.approx(np.mean(everyone))
    welch = stats.ttest_ind(naive["promoters"][1], naive["detractors"][1], equal_var=False)
    ci = welch.confidence_interval(0.95)
    gap = result.gap_12m
    assert gap.value == pytest.approx(np.mean(naive["promoters"][1]) - np.mean(naive["detractors"][1]))
    assert (gap.ci_low, gap.ci_high) == pytest.approx((ci.low, ci.high))
    assert result.summary()[0].startswith("Promoters spent ")
    assert "EUR" in result.figure().layout.title.text


def test_value_of_cx_same_on_every_backend_and_suppresses_small_groups() -> None:
    shop = random_shop(32, customers=80, orders=500, answers=400, days=400)
    con = duckdb_connection()
    tables = [
        value_of_cx(convert(shop["surveys"]), convert(shop["orders"]), min_n=25).table
        for convert in (lambda f: f, pl.from_pandas, con.from_df)
    ]
    pd.testing.assert_frame_equal(tables[0], tables[1], check_exact=False, rtol=1e-12)
    pd.testing.assert_frame_equal(tables[0], tables[2], check_exact=False, rtol=1e-12)
    full = value_of_cx(shop["surveys"], shop["orders"], min_n=1).table.set_index("group")
    small = tables[0].set_index("group")
    for measure in ("revenue_to_date", "value_12m"):
        hidden = full[f"{measure}_n"] < 25
        assert small.loc[hidden, measure].isna().all() and small.loc[hidden, f"{measure}_n"].isna().all()
        assert (small.loc[~hidden, measure] == full.loc[~hidden, measure]).all()


def test_value_of_cx_bad_input() -> None:
    shop = random_shop(33)
    with pytest.raises(DataError) as info:
        value_of_cx(shop["surveys"].drop(columns="customer_id"), shop["orders"])
    assert (info.value.table, info.value.column) == ("surveys", "customer_id")
    with pytest.raises(DataError):
        value_of_cx(shop["surveys"], shop["orders"], horizon_days=0)
