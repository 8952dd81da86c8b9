"""Spark parity: every engine-backed cxlib function gives the same numbers on Spark as on DuckDB.

The sample shop is read twice, by Spark (``open_shop(..., engine="spark")``) and by DuckDB,
and each analysis runs on both with the options the notebooks use. Functions that take a
result (fits, comparisons of summaries, charts) run on pandas and need no engine test; where
they follow an engine-backed step, the case runs them too. Small random tables add the engine
traps the sample lacks (repeated funnel steps, missing segments, day periods).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd
import pytest
from same_results import assert_same

import cxlib
from cxlib import experiments as ab
from cxlib import health, journey, ltv, voc
from cxlib.cohorts import retention_matrix, revenue_retention, time_to_repeat
from cxlib.engine import backend, to_narwhals, to_pandas
from cxlib.scorecard import consistency, scorecard, value_of_cx
from tests.cohorts.cohort_data import random_orders
from tests.journey.test_journey_backends import CASES as JOURNEY_CASES
from tests.journey.test_journey_backends import random_events

STEPS = ["product_view", "add_to_cart", "checkout_start", "payment", "purchase"]
EXPERIMENT = "checkout_redesign"


def _scorecard(shop: cxlib.Shop) -> dict[str, Any]:
    card = scorecard(shop, by="channel", period="week")
    return {"card": card, "changes": card.changes(), "consistency": consistency(card)}


def _health(shop: cxlib.Shop) -> dict[str, Any]:
    feedback = health.filter_period(shop.feedback, "2025-01-01", None)
    return {
        "data_health": health.data_health(shop),
        "examples": health.text_examples(feedback, n=5),
        "unreadable": health.unreadable_texts(shop.feedback),
    }


def _experiments(shop: cxlib.Shop) -> dict[str, Any]:
    units, metrics = shop.experiments, ab.commerce_metrics()
    return {
        "summary": ab.summarize(units, metrics, experiment=EXPERIMENT, covariate="pre_revenue", period="day"),
        "capped": ab.summarize(units, ab.commerce_metrics(cap_quantile=0.99), experiment=EXPERIMENT),
        "compare": ab.compare(
            units, experiment=EXPERIMENT, metrics=metrics, cuped=True, covariate="pre_revenue"
        ),
        "exposure": ab.exposure(units, experiment=EXPERIMENT),
        "over_time": ab.effect_over_time(units, experiment=EXPERIMENT, metrics=metrics),
        "segments": ab.segment_effects(
            ab.with_pre_period_segment(units, "pre_revenue"),
            "pre_period_buyer",
            experiment=EXPERIMENT,
            metrics=metrics,
        ),
    }


def _voc(shop: cxlib.Shop) -> dict[str, Any]:
    comments = to_pandas(voc.survey_comments(shop.surveys)).sort_values("response_id", ignore_index=True)
    return {
        "comments": comments,
        "sentiment": voc.sentiment(shop.feedback, backend="lexicon", keep=["feedback_id", "ts", "rating"]),
    }


SAMPLE_CASES: dict[str, Callable[[cxlib.Shop], Any]] = {
    "health": _health,
    "scorecard": _scorecard,
    "value_of_cx": lambda shop: value_of_cx(shop.surveys, shop.orders),
    "funnel": lambda shop: journey.funnel(shop.events, STEPS, window="1D", count="sessions"),
    "funnel_by_device": lambda shop: journey.funnel(
        shop.events, STEPS[:3], window="1D", by="device", next_events=0
    ),
    "paths": lambda shop: journey.paths(shop.events, end="purchase", steps=5, count="sessions", top=10),
    "transitions": lambda shop: journey.transitions(shop.events, count="sessions"),
    "step_matrix": lambda shop: journey.step_matrix(shop.events, steps=8, count="sessions"),
    "cart_abandonment": lambda shop: journey.cart_abandonment(
        shop.events, by=["device", ("channel", "device")]
    ),
    "attribution": lambda shop: journey.attribution(shop.events, "all", channel="source", lookback="30D"),
    "retention_on": lambda shop: retention_matrix(shop.orders, by="channel"),
    "retention_on_or_after": lambda shop: retention_matrix(shop.orders, kind="on_or_after", period="quarter"),
    "retention_rolling": lambda shop: retention_matrix(shop.orders, kind="rolling", period="week"),
    "revenue_retention": lambda shop: revenue_retention(shop.orders, by="channel"),
    "time_to_repeat": lambda shop: time_to_repeat(shop.orders, by="channel"),
    "rfm_summary": lambda shop: ltv.rfm_summary(shop.orders, "W", by=["channel"]),
    "rfm_holdout": lambda shop: ltv.rfm_summary(shop.orders, "D", "2025-06-30", "2025-12-31"),
    "experiments": _experiments,
    "voc": _voc,
}


def _events_digest(events: Any) -> pd.DataFrame:
    """Rows, revenue, time span and distinct ids per event, channel, device and source."""
    keys = ["event", "channel", "device", "source"]
    digest = (
        to_narwhals(events)
        .group_by(keys)
        .agg(
            nw.len().alias("rows"),
            nw.col("revenue").sum(),
            nw.col("ts").min().alias("first"),
            nw.col("ts").max().alias("last"),
            *[nw.col(c).n_unique() for c in ("customer_id", "session_id", "order_id")],
        )
    )
    return to_pandas(digest).sort_values(keys, ignore_index=True)


def test_the_sample_is_read_and_validated_on_spark(spark_shop, duckdb_shop):
    assert spark_shop.tables().keys() == duckdb_shop.tables().keys()
    assert spark_shop.findings == duckdb_shop.findings == ()
    assert spark_shop.fingerprint == duckdb_shop.fingerprint  # the same files
    assert all(backend(table) == "pyspark" for _, table in spark_shop)
    for name, table in spark_shop:
        if name == "events":  # a million rows: compared by a digest computed on each engine
            assert_same(_events_digest(table), _events_digest(duckdb_shop.events), name)
            continue
        expected = to_pandas(getattr(duckdb_shop, name))
        expected = expected.sort_values(list(expected.columns), ignore_index=True)
        got = to_pandas(table).sort_values(list(expected.columns), ignore_index=True)
        assert_same(got, expected, name)


@pytest.mark.parametrize("name", SAMPLE_CASES)
def test_same_numbers_on_spark_as_on_duckdb(name, spark_shop, duckdb_shop):
    case = SAMPLE_CASES[name]
    assert_same(case(spark_shop), case(duckdb_shop), name)


def test_ltv_fits_and_predictions_on_spark(spark_shop, duckdb_shop):
    rfm = ltv.rfm_summary(duckdb_shop.orders, "W")
    on_spark = ltv.rfm_summary(spark_shop.orders, "W")
    assert_same(on_spark, rfm, "rfm")
    purchases, spend = ltv.fit_bgnbd(rfm), ltv.fit_gamma_gamma(rfm)
    # Fits are optimisations: inputs that agree to ~1e-16 give parameters that agree to the
    # optimiser's tolerance, not to the last digit.
    assert ltv.fit_bgnbd(on_spark).params == pytest.approx(purchases.params, rel=1e-6)
    assert ltv.fit_gamma_gamma(on_spark).params == pytest.approx(spend.params, rel=1e-6)
    # The steps that read the tables again, with the same models on both engines.
    calibration_end = rfm.observation_end - pd.Timedelta(weeks=26)
    assert_same(
        ltv.repeat_transactions_over_time(purchases, spark_shop.orders, calibration_end, rfm.observation_end),
        ltv.repeat_transactions_over_time(
            purchases, duckdb_shop.orders, calibration_end, rfm.observation_end
        ),
        "repeat_transactions_over_time",
    )
    value = ltv.clv(purchases, spend, rfm, horizon_months=12)
    assert_same(
        ltv.clv_by_nps(value, spark_shop.surveys), ltv.clv_by_nps(value, duckdb_shop.surveys), "clv_by_nps"
    )


@pytest.fixture(scope="module")
def small_events(spark: Any) -> tuple[pd.DataFrame, Any]:
    """400 random events, in pandas and validated on Spark."""
    events = random_events(n=400)
    return events, cxlib.open_shop({"events": spark.createDataFrame(events)}).events


@pytest.mark.parametrize("name", ["funnel_repeated", "funnel_direct", "funnel_any"])
def test_journey_traps_on_spark(name, small_events):
    # Alternatives and repeated steps, the other orders, missing devices (None) and revenue (NaN).
    events, on_spark = small_events
    case = JOURNEY_CASES[name]
    assert_same(case(on_spark).reset_index(drop=True), case(events).reset_index(drop=True), name)


COHORT_CASES = [
    dict(kind="on", period="day", by="channel"),
    dict(kind="rolling", period="day", cohort_period="month"),
]


@pytest.fixture(scope="module")
def small_orders(spark: Any) -> tuple[pd.DataFrame, Any]:
    """Random orders with empty months, ties and missing segments, in pandas and on Spark."""
    orders = random_orders(seed=52, customers=40, rows=200, days=150)
    return orders, spark.createDataFrame(orders)


@pytest.mark.parametrize("case", COHORT_CASES, ids=lambda c: "-".join(str(v) for v in c.values()))
def test_cohort_traps_on_spark(case, small_orders):
    orders, on_spark = small_orders
    assert_same(
        retention_matrix(on_spark, **case), retention_matrix(orders, fast_path=False, **case), str(case)
    )
