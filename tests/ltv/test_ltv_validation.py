"""Holdout validation, cumulative repeat purchases and model comparison against computations
written here (per-customer loops on CDNOW).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from ltv_data import CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END
from test_ltv_models import bgnbd_expected_direct

from cxlib.engine import duckdb_connection
from cxlib.ltv import (
    compare_models,
    fit_bgnbd,
    fit_pareto_nbd,
    holdout_validation,
    repeat_transactions_over_time,
    rfm_summary,
)
from cxlib.sample.truth import bgnbd_expected_repeats


@pytest.fixture(scope="module")
def cdnow_rfm(cdnow_transactions):
    return rfm_summary(cdnow_transactions, "W", CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END)


@pytest.fixture(scope="module")
def cdnow_bg(cdnow_rfm):
    return fit_bgnbd(cdnow_rfm)


def test_holdout_validation_equals_naive(cdnow_rfm, cdnow_bg):
    result = holdout_validation(cdnow_bg, cdnow_rfm)
    t = cdnow_rfm.table
    predicted = np.array(
        [
            bgnbd_expected_direct(cdnow_bg.theta, 39.0, row.frequency, row.recency, row.T)
            for row in t.itertuples(index=False)
        ]
    )
    actual = t["frequency_holdout"].to_numpy()
    assert result.mae == pytest.approx(np.mean(np.abs(predicted - actual)), rel=1e-9)
    assert result.rmse == pytest.approx(np.sqrt(np.mean((predicted - actual) ** 2)), rel=1e-9)
    assert result.actual_total == actual.sum() == 1882
    assert result.predicted_total == pytest.approx(predicted.sum(), rel=1e-9)
    bucket = np.minimum(t["frequency"], 7)
    naive = pd.DataFrame({"b": bucket, "a": actual, "p": predicted}).groupby("b").mean()
    np.testing.assert_allclose(result.table["actual"], naive["a"], rtol=1e-12)
    np.testing.assert_allclose(result.table["predicted"], naive["p"], rtol=1e-9)
    assert list(result.table["frequency"]) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert result.duration == pytest.approx(39.0)
    # Conditional forecasts: 1,653 holdout purchases for 1,882 actual (−12 %).
    assert result.predicted_total == pytest.approx(1653.4, abs=0.1)
    assert "MAE" in result.summary()[0] and len(result.figure().data) == 2
    # nobody bought in the holdout: no percentage of zero
    quiet = holdout_validation(cdnow_bg, cdnow_rfm.table.assign(frequency_holdout=0))
    assert quiet.actual_total == 0 and quiet.mae == pytest.approx(quiet.predicted_total / len(t))
    assert "nobody bought in the holdout period" in quiet.summary()[0] and "nan" not in quiet.summary()[0]


def test_repeat_transactions_over_time_equals_naive(cdnow_transactions, cdnow_rfm, cdnow_bg):
    result = repeat_transactions_over_time(
        cdnow_bg, cdnow_transactions, CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END
    )
    t = result.table
    days = cdnow_transactions.assign(day=cdnow_transactions["ts"].dt.normalize()).drop_duplicates(
        ["customer_id", "day"]
    )
    first = days.groupby("customer_id")["day"].min()
    repeat_days = days.loc[days["day"] > days["customer_id"].map(first), "day"]
    ages_days = (first - pd.Timestamp("1970-01-01", tz="UTC")).dt.days.to_numpy()
    for row in t.iloc[[0, 10, 38, 60, len(t) - 1]].itertuples(index=False):
        assert row.actual == int((repeat_days <= row.date).sum())
        end = (row.date - pd.Timestamp("1970-01-01", tz="UTC")).days
        age = np.maximum(end - ages_days, 0) / 7.0
        assert row.expected == pytest.approx(bgnbd_expected_repeats(age, *cdnow_bg.theta).sum(), rel=1e-9)
    assert t["date"].iloc[-1] == pd.Timestamp(CDNOW_OBSERVATION_END, tz="UTC")
    assert t["actual"].iloc[-1] == int(
        cdnow_rfm.table["frequency"].sum() + cdnow_rfm.table["frequency_holdout"].sum()
    )
    assert (np.diff(t["expected"]) >= 0).all() and (np.diff(t["actual"]) >= 0).all()
    assert t["actual_period"].sum() == t["actual"].iloc[-1]
    # The model tracks the 78 weeks within a few percent, as in the paper's tracking plot.
    assert abs(t["expected"].iloc[-1] / t["actual"].iloc[-1] - 1) < 0.05
    duck = repeat_transactions_over_time(
        cdnow_bg,
        duckdb_connection().from_df(cdnow_transactions),
        CDNOW_CALIBRATION_END,
        CDNOW_OBSERVATION_END,
    )
    pd.testing.assert_frame_equal(duck.table, t)
    assert len(result.figure().data) == 2 and "repeat purchases" in result.summary()[0]


def test_repeat_transactions_over_time_when_nobody_bought_again(cdnow_transactions, cdnow_bg):
    """Issue 19: a shop whose customers each ordered once gave a TypeError (empty day column)."""
    once = cdnow_transactions.sort_values(["ts", "order_id"]).drop_duplicates("customer_id")
    result = repeat_transactions_over_time(cdnow_bg, once, CDNOW_CALIBRATION_END, CDNOW_OBSERVATION_END)
    t = result.table
    assert (t["actual"] == 0).all() and (t["actual_period"] == 0).all()
    assert isinstance(t["date"].dtype, pd.DatetimeTZDtype) and str(t["date"].dt.tz) == "UTC"
    # expected side: the unconditional BG/NBD expectation, summed over the same first days
    first = once["ts"].dt.normalize()
    end = (t["date"].iloc[-1] - pd.Timestamp("1970-01-01", tz="UTC")).days
    age = np.maximum(end - (first - pd.Timestamp("1970-01-01", tz="UTC")).dt.days.to_numpy(), 0) / 7.0
    assert t["expected"].iloc[-1] == pytest.approx(
        bgnbd_expected_repeats(age, *cdnow_bg.theta).sum(), rel=1e-9
    )
    (sentence,) = result.summary()
    assert "none of the customers had bought again" in sentence and "nan" not in sentence
    assert f"{t['expected'].iloc[-1]:,.0f}" in sentence
    assert len(result.figure().data) == 2


def test_repeat_transactions_over_time_without_customers_is_a_data_error(cdnow_transactions, cdnow_bg):
    from cxlib.errors import DataError

    with pytest.raises(DataError, match="no first purchase up to 1996-12-31"):
        repeat_transactions_over_time(cdnow_bg, cdnow_transactions, "1996-12-31", CDNOW_OBSERVATION_END)


def test_compare_models(cdnow_rfm, cdnow_bg):
    pareto = fit_pareto_nbd(cdnow_rfm)
    comparison = compare_models(cdnow_rfm, [cdnow_bg, pareto])
    t = comparison.table.set_index("model")
    assert list(t.index) == ["BG/NBD", "Pareto/NBD"]
    assert t.loc["BG/NBD", "loglik"] == pytest.approx(cdnow_bg.loglik)
    assert t.loc["Pareto/NBD", "aic"] == pytest.approx(8 - 2 * pareto.loglik)
    assert t.loc["Pareto/NBD", "holdout_mae"] == pytest.approx(holdout_validation(pareto, cdnow_rfm).mae)
    # CDNOW: Pareto/NBD forecasts the holdout 4 % better, BG/NBD has the better AIC
    assert comparison.best == t["holdout_mae"].idxmin() == "Pareto/NBD"
    assert t.loc["BG/NBD", "aic"] < t.loc["Pareto/NBD", "aic"]
    errors, verdict, quoted = comparison.summary()
    assert "BG/NBD: MAE 0.785" in errors and "Pareto/NBD: MAE 0.755" in errors
    assert verdict.startswith("Pareto/NBD forecasts the holdout better: its error per customer is 4% smaller")
    assert "BG/NBD fits the calibration period more closely (AIC 19,172.9 against 19,198.0)" in verdict
    assert quoted == comparison.validation("Pareto/NBD").summary()[0] and quoted.startswith("Pareto/NBD")
    assert len(comparison.figure().data) == 3
    with pytest.raises(KeyError, match="no model 'X'"):
        comparison.validation("X")
    assert comparison.usable == ("BG/NBD", "Pareto/NBD")
    # a collapsed dropout process (a → 0) is not usable, so it cannot win
    collapsed = cdnow_bg.with_params({**cdnow_bg.params, "a": 1e-5})
    assert compare_models(cdnow_rfm, [collapsed, pareto]).usable == ("Pareto/NBD",)
    with pytest.raises(ValueError):
        compare_models(cdnow_rfm, [])


def test_holdout_validation_needs_holdout_columns(cdnow_summary, cdnow_bg):
    from cxlib import DataError

    with pytest.raises(DataError) as info:
        holdout_validation(cdnow_bg, cdnow_summary)
    assert info.value.rule == "missing_column" and info.value.column == "frequency_holdout"
