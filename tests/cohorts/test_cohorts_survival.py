"""time_to_repeat against the product-limit formula, Greenwood's variance and the log-rank
statistic written out in ``cohort_reference`` (independent of statsmodels).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from cohort_data import as_utc, random_orders
from cohort_reference import kaplan_meier_reference, logrank_reference, repeat_durations

from cxlib.cohorts import time_to_repeat


@pytest.fixture(scope="module")
def orders():
    return random_orders(seed=41, customers=150, rows=420, days=300)


def test_kaplan_meier_matches_the_product_limit_reference(orders):
    until = "2024-10-01"
    result = time_to_repeat(orders, observed_until=until, fast_path=False)
    durations = repeat_durations(orders, as_utc(until) + pd.Timedelta(days=1))
    expected = kaplan_meier_reference(durations["days"].to_numpy(), durations["event"].to_numpy())
    got = result.table[result.table["events"] > 0].reset_index(drop=True)
    np.testing.assert_allclose(got["days"], expected["days"], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(got["at_risk"], expected["at_risk"])
    np.testing.assert_array_equal(got["events"], expected["events"])
    for column in ("survival", "ci_low", "ci_high"):
        np.testing.assert_allclose(got[column], expected[column], rtol=1e-9, atol=1e-12)
    assert result.table["days"].iloc[0] == 0.0  # ties at the first timestamp are immediate repeats
    group = result.groups.iloc[0]
    assert group["customers"] == len(durations) and group["repeaters"] == int(durations["event"].sum())
    for h in (30, 90):
        survival = expected.loc[expected["days"] <= h, "survival"]
        assert group[f"repeat_{h}"] == pytest.approx(
            1 - (survival.iloc[-1] if len(survival) else 1.0), abs=1e-12
        )
    assert result.logrank is None


def test_logrank_matches_the_reference_and_segments(orders):
    result = time_to_repeat(orders, by="channel", fast_path=False)
    durations = repeat_durations(orders, result.observed_until.to_pydatetime(), by="channel")
    stat, p_value = logrank_reference(
        durations["days"].to_numpy(), durations["event"].to_numpy(), durations["segment"].to_numpy()
    )
    assert result.logrank.statistic == pytest.approx(stat, rel=1e-8)
    assert result.logrank.p_value == pytest.approx(p_value, rel=1e-7)
    assert result.logrank.dof == durations["segment"].nunique() - 1
    for segment, part in durations.groupby("segment"):
        expected = kaplan_meier_reference(part["days"].to_numpy(), part["event"].to_numpy())
        got = result.table[(result.table["segment"] == segment) & (result.table["events"] > 0)]
        np.testing.assert_allclose(got["survival"], expected["survival"], rtol=1e-9)
    assert isinstance(result.figure(), go.Figure)
    assert any("log-rank" in line for line in result.summary())


def test_median_and_left_out_segments():
    # Everyone reorders: 10 customers with a second order after 1…10 days.
    t0 = pd.Timestamp("2024-01-01 12:00", tz="UTC")
    rows = [(f"c{i}", t0) for i in range(10)] + [(f"c{i}", t0 + pd.Timedelta(days=i + 1)) for i in range(10)]
    orders = pd.DataFrame(rows, columns=["customer_id", "ts"]).astype({"ts": "datetime64[us, UTC]"})
    result = time_to_repeat(orders, horizons=(3, 30), fast_path=False)
    group = result.groups.iloc[0]
    assert group["median_days"] == 5.0  # S drops to 0.5 at day 5
    assert group["repeat_3"] == pytest.approx(0.3)
    assert np.isnan(group["repeat_30"])  # beyond the longest follow-up
    assert group["median_ci_low"] <= 5.0 <= group["median_ci_high"]
    orders["channel"] = ["web"] * 8 + ["app"] * 2 + ["web"] * 8 + ["app"] * 2
    split = time_to_repeat(orders, by="channel", min_n=5, fast_path=False)
    assert split.left_out == ("app",) and list(split.groups["segment"]) == ["web"] and split.logrank is None
