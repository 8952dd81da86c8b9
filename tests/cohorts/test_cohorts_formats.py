"""Human formats in the cohort sentences and tables (issue 20): one p-value style ("< 0.001",
never "0.000" or "p = 0"), one interval style ("95% CI a to b"), currency on every amount,
whole counts and correct plurals; and a cohort heatmap that stays readable on a phone.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cxlib.cohorts import retention_matrix, revenue_retention, time_to_repeat
from cxlib.cohorts.retention import MAX_HEATMAP_AGES, heatmap_ages
from cxlib.viz.formats import format_interval, format_money, format_percent

T0 = pd.Timestamp("2024-01-03 10:00", tz="UTC")
NO_ZERO_P = re.compile(r"0\.000\b|p = 0(?![.\d])")
EN_DASH_INTERVAL = re.compile(r"\d%?–\d")  # "8.7%–9.5%": the old interval style
#: A decimal number followed by neither the currency nor "%" nor "orders" (an average count).
BARE_AMOUNT = re.compile(r"\d[\d,]*\.\d+\b(?!%| EUR| orders)")


def _loyal_and_lapsed(months: int = 6, per_channel: int = 300) -> pd.DataFrame:
    """Web customers order in every month; app customers never come back (p far below 0.001)."""
    rows = []
    for channel, repeat in (("web", True), ("app", False)):
        for i in range(per_channel):
            customer = f"{channel}-{i:04d}"
            first = T0 + pd.Timedelta(days=i % 20)
            rows.extend(
                {
                    "order_id": f"{customer}-{month}",
                    "customer_id": customer,
                    "ts": first + pd.DateOffset(months=month),
                    "revenue": 40.0 + 0.37 * (i % 7),
                    "channel": channel,
                }
                for month in range(months if repeat else 1)
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def orders() -> pd.DataFrame:
    return _loyal_and_lapsed()


def test_tiny_p_values_read_below_0001_in_sentences_and_table(orders: pd.DataFrame) -> None:
    comparison = retention_matrix(orders, by="channel", fast_path=False).compare(age=1)
    assert comparison.p_value < 1e-10  # independent truth: 300 of 300 against 0 of 300
    text = " ".join(comparison.summary())
    assert "p < 0.001" in text and not NO_ZERO_P.search(text), text
    shown = comparison.display_table()
    other = shown[shown["segment"] != comparison.reference].iloc[0]
    assert other["p_value"] == "< 0.001" and other["p_value_cmh"] == "< 0.001"
    assert (shown.loc[shown["segment"] == comparison.reference, "p_value"] == "").all()
    assert abs(other["diff"]) == pytest.approx(100.0)  # percentage points, not a share
    assert comparison.display_settings().decimals == {"diff": 1, "diff_ci_low": 1, "diff_ci_high": 1}
    page = comparison._repr_html_()
    assert "&lt; 0.001" in page and not NO_ZERO_P.search(page)


def test_difference_interval_in_the_one_style(orders: pd.DataFrame) -> None:
    comparison = retention_matrix(orders, by="channel", fast_path=False).compare(age=1)
    row = comparison.table[comparison.table["segment"] != comparison.reference].iloc[0]
    text = " ".join(comparison.summary())
    diff, low, high = (f"{row[c] * 100:+.1f}" for c in ("diff", "diff_ci_low", "diff_ci_high"))
    assert abs(float(diff)) == pytest.approx(100.0)  # 0 of 300 app customers against 300 of 300 on the web
    # a difference of shares is in percentage points, "pp" as on the scorecard; "points" are NPS's
    expected = f"(difference {diff} pp, 95% CI {low} to {high};".replace("-", "−")
    assert expected in text, text
    assert " points" not in text
    assert comparison.display_settings().labels["diff"] == "Difference (pp)"
    assert not EN_DASH_INTERVAL.search(text)


def test_retention_sentences_use_the_interval_style_and_plurals(orders: pd.DataFrame) -> None:
    matrix = retention_matrix(orders, fast_path=False)
    text = " ".join(matrix.summary())
    curve = matrix.curve.set_index("age")
    one = format_interval(curve.at[1, "ci_low"], curve.at[1, "ci_high"], format_percent)
    assert f"in month 1 ({one})" in text, text
    assert "600 customers in 1 monthly cohort (2024-01)" in text
    assert not EN_DASH_INTERVAL.search(text) and not NO_ZERO_P.search(text)


def test_every_amount_carries_its_currency(orders: pd.DataFrame) -> None:
    result = revenue_retention(orders, by="channel", currency="EUR", fast_path=False)
    text = " ".join(result.summary())
    assert not BARE_AMOUNT.search(text), text
    # the amounts are the cumulative revenue per customer (independent pandas computation)
    horizon = min(12, result.max_age)
    until = pd.Timestamp("2024-01-01", tz="UTC") + pd.DateOffset(months=horizon + 1)
    web = orders[(orders["channel"] == "web") & (orders["ts"] < until)]
    per_web = web["revenue"].sum() / web["customer_id"].nunique()
    assert f"{format_money(per_web, 'EUR')} per customer" in text, text


def test_kaplan_meier_sentences(orders: pd.DataFrame) -> None:
    overall = time_to_repeat(orders)
    text = " ".join(overall.summary())
    row = overall.groups.iloc[0]
    assert row["repeat_90"] == pytest.approx(0.5)  # the 300 web customers of 600 came back in a month
    interval = format_interval(row["repeat_90_ci_low"], row["repeat_90_ci_high"], format_percent)
    assert f"50.0% within 90 days ({interval})" in text and not EN_DASH_INTERVAL.search(text), text
    assert not re.search(r"\b1 days\b", text)
    by = time_to_repeat(orders, by="channel")
    tested = " ".join(by.summary())
    assert "p < 0.001" in tested and not NO_ZERO_P.search(tested), tested
    shown = by.display_table()
    assert list(shown["segment"]) == list(by.groups["segment"])
    page = by._repr_html_()
    assert all(f"Within {h} days" in page for h in by.horizons)


def test_singular_day_and_cohort() -> None:
    few = pd.DataFrame(
        {
            "order_id": ["a", "b", "c", "d"],
            "customer_id": ["x", "x", "y", "y"],
            "ts": [T0, T0 + pd.Timedelta(days=1), T0, T0 + pd.Timedelta(days=1)],
            "revenue": [10.0, 10.0, 10.0, 10.0],
        }
    )
    text = " ".join(time_to_repeat(few, observed_until="2024-01-31").summary())
    assert "within 1 day." in text and "1 days" not in text, text


@pytest.mark.parametrize(
    ("period", "max_age", "expected"),
    [
        ("month", 23, [1, 2, 3, 6, 9, 12, 18]),
        ("month", 24, [1, 2, 3, 6, 9, 12, 18, 24]),
        ("month", 5, [1, 2, 3, 4, 5]),
        ("week", 60, [1, 2, 3, 4, 6, 8, 12, 26]),
        ("day", 0, []),
    ],
)
def test_heatmap_ages(period: str, max_age: int, expected: list[int]) -> None:
    assert heatmap_ages(period, max_age) == expected
    assert len(heatmap_ages(period, max_age)) <= MAX_HEATMAP_AGES


def two_years_of_cohorts() -> pd.DataFrame:
    """24 monthly cohorts of 60 customers; each comes back in a later month with chance 0.3."""
    rng = np.random.default_rng(7)
    starts = pd.date_range("2023-01-01", periods=24, freq="MS", tz="UTC")
    rows = []
    for c, start in enumerate(starts):
        for i in range(60):
            customer = f"c{c:02d}-{i:02d}"
            later = [m for m in range(24 - c) if m == 0 or rng.random() < 0.3]
            rows += [
                {"customer_id": customer, "ts": start + pd.DateOffset(months=m) + pd.Timedelta(hours=i)}
                for m in later
            ]
    return pd.DataFrame(rows)


def test_cohort_heatmap_reads_on_a_phone() -> None:
    """24 monthly cohorts, ages 0 to 23: few columns, short row labels, no colour bar."""
    orders = two_years_of_cohorts()
    matrix = retention_matrix(orders, fast_path=False, observed_until="2024-12-31")
    assert matrix.max_age == 23
    fig = matrix.figure("heatmap")
    trace = fig.data[0]
    assert list(trace.x) == ["1", "2", "3", "6", "9", "12", "18"]
    assert trace.showscale is False
    assert max(len(y) for y in trace.y) <= 7  # "2023-01": the size is in the hover
    assert trace.customdata[0][0] == "60" and "customers: %{customdata}" in trace.hovertemplate
    z = np.asarray(trace.z, dtype=float)
    full = matrix.table.loc[:, [1, 2, 3, 6, 9, 12, 18]].to_numpy(dtype=float, na_value=np.nan)
    np.testing.assert_allclose(z, full)  # the cells are the table's, not recomputed
    # phone width: 390 px minus the page padding; labels ~7 characters of 13 px; cells wide
    # enough for "100%" at 12 px (about 28 px)
    width = 390 - 2 * 11 - fig.layout.margin.l - fig.layout.margin.r - 7 * 8 - 30
    assert width / len(trace.x) >= 28
    assert "selected ages" in fig.layout.xaxis.title.text
    every = matrix.figure("heatmap", ages=list(range(1, 24)))
    assert len(every.data[0].x) == 23
    nrr = revenue_retention(orders.assign(revenue=10.0), fast_path=False, observed_until="2024-12-31")
    assert len(nrr.figure("heatmap").data[0].x) == 7
