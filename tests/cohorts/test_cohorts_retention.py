"""retention_matrix against a brute-force reference, plus its invariants and edge cases.

Truth: ``cohort_reference.retention_reference`` (loops over customers, calendar arithmetic
with datetime) on random orders with empty months, ties at the same microsecond, missing
segments and censoring by ``observed_until``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from cohort_data import T0, as_utc, random_orders
from cohort_reference import retention_reference
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxlib.cohorts import retention_matrix


def got_cells(result) -> dict:
    """{(segment, cohort start date, age): (eligible, retained)} of observed cells."""
    long = result.long if result.by else result.long.assign(segment="All customers")
    observed = long[long["eligible"] > 0]
    return {
        (s, c.date(), int(a)): (int(e), int(r))
        for s, c, a, e, r in zip(
            observed["segment"],
            observed["cohort_start"],
            observed["age"],
            observed["eligible"],
            observed["retained"],
            strict=True,
        )
    }


@pytest.mark.parametrize("kind", ["on", "on_or_after", "rolling"])
@pytest.mark.parametrize("period", ["day", "week", "month", "quarter"])
@pytest.mark.parametrize("by", [None, "channel"])
def test_every_kind_matches_the_reference(kind, period, by):
    orders = random_orders(seed=hash((kind, period, by)) % 1000, days=420 if period == "quarter" else 300)
    until = "2024-09-17 13:00"  # cuts through a month, a week and a quarter
    result = retention_matrix(orders, period=period, kind=kind, by=by, observed_until=until, fast_path=False)
    expected = retention_reference(orders, period=period, kind=kind, by=by, end=as_utc(until))
    assert got_cells(result) == expected


@pytest.mark.parametrize("kind", ["on", "on_or_after", "rolling"])
def test_cohort_period_differs_from_age_period(kind):
    orders = random_orders(seed=11)
    result = retention_matrix(
        orders, period="day", cohort_period="month", kind=kind, by="channel", fast_path=False
    )
    end = result.observed_until.to_pydatetime()
    assert got_cells(result) == retention_reference(
        orders, period="day", cohort_period="month", kind=kind, by="channel", end=end
    )


rows_strategy = st.lists(
    st.tuples(
        st.integers(0, 7), st.integers(0, 240), st.integers(0, 86_399), st.sampled_from(["a", "b", None])
    ),
    min_size=1,
    max_size=40,
)


def frame_of(rows) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"c{r[0]}" for r in rows],
            "ts": [T0 + pd.Timedelta(days=r[1], seconds=r[2]) for r in rows],
            "channel": pd.array([r[3] for r in rows], dtype="str"),
        }
    ).astype({"ts": "datetime64[us, UTC]"})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=rows_strategy,
    kind=st.sampled_from(["on", "on_or_after", "rolling"]),
    period=st.sampled_from(["day", "week", "month"]),
    cut=st.integers(1, 260),
    by=st.sampled_from([None, "channel"]),
)
def test_random_tables_match_the_reference_and_invariants(rows, kind, period, cut, by):
    orders = frame_of(rows)
    until = (T0 + pd.Timedelta(days=cut)).to_pydatetime()
    expected = retention_reference(orders, period=period, kind=kind, by=by, end=until)
    if not expected:
        with pytest.raises(Exception, match=r"observed|no rows"):
            retention_matrix(orders, period=period, kind=kind, by=by, observed_until=until, fast_path=False)
        return
    result = retention_matrix(orders, period=period, kind=kind, by=by, observed_until=until, fast_path=False)
    assert got_cells(result) == expected
    long = result.long
    shares = long["share"].dropna()
    assert ((shares >= 0) & (shares <= 1)).all()
    assert (long.loc[(long["age"] == 0) & (long["eligible"] > 0), "share"] == 1.0).all()
    assert long.loc[long["eligible"] == 0, "share"].isna().all()  # censored is empty, never 0
    keys = (["segment"] if by else []) + ["cohort"]
    for _, cohort in long.groupby(keys):
        assert cohort["eligible"].is_monotonic_decreasing
        if kind == "on_or_after":
            assert cohort["share"].dropna().is_monotonic_decreasing


def test_on_or_after_is_at_least_on_and_segments_add_up():
    orders = random_orders(seed=5)
    on = retention_matrix(orders, kind="on", by="channel", fast_path=False)
    after = retention_matrix(orders, kind="on_or_after", by="channel", fast_path=False)
    assert (after._counts["retained"] >= on._counts["retained"]).all()
    overall = retention_matrix(orders, kind="on", fast_path=False)
    pd.testing.assert_frame_equal(on.overall().long, overall.long)
    pd.testing.assert_frame_equal(on.overall().curve, overall.curve)


def test_months_without_activity_keep_their_column_and_row():
    """The classic bug: ranking the months that have activity shifts later columns."""
    ts = pd.to_datetime(
        ["2024-01-05", "2024-01-20", "2024-03-03", "2024-04-10", "2024-03-15", "2024-05-31"], utc=True
    ).as_unit("us")
    orders = pd.DataFrame({"customer_id": ["a", "b", "a", "b", "c", "c"], "ts": ts})
    result = retention_matrix(orders, period="month", observed_until="2024-05-31")
    table = result.table
    assert list(table.columns) == [0, 1, 2, 3, 4]
    assert list(table.index) == ["2024-01", "2024-02", "2024-03"]
    assert table.loc["2024-01", 1] == 0.0  # nobody active in February: 0, not missing, not shifted
    assert table.loc["2024-01", 2] == 0.5 and table.loc["2024-01", 3] == 0.5  # a in March, b in April
    assert table.loc["2024-02"].isna().all()  # no customer acquired in February: empty row kept
    assert table.loc["2024-03", 2] == 1.0  # c came back in May
    assert math.isnan(table.loc["2024-03", 3])  # censored: June is not observed
    sizes = result.cohorts.set_index("cohort")["customers"]
    assert sizes.loc["2024-02"] == 0 and sizes.loc["2024-01"] == 2


def test_default_observation_end_takes_the_last_day_as_complete():
    orders = random_orders(seed=3)
    result = retention_matrix(orders, period="month")
    last = orders["ts"].max()
    assert result.observed_until == last.floor("D") + pd.Timedelta(days=1)


def test_weighted_curve_and_wilson_interval():
    orders = random_orders(seed=8, customers=200, rows=900)
    result = retention_matrix(orders, period="month", fast_path=False, alpha=0.1)
    long = result.long[result.long["eligible"] > 0]
    z = 1.6448536269514722
    for age, part in long.groupby("age"):
        n, k = part["eligible"].sum(), part["retained"].sum()
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        row = result.curve.set_index("age").loc[age]
        assert row["eligible"] == n and row["retained"] == k and row["cohorts"] == len(part)
        assert row["share"] == pytest.approx(p, abs=1e-12)
        assert row["ci_low"] == pytest.approx(centre - half, abs=1e-9)
        assert row["ci_high"] == pytest.approx(centre + half, abs=1e-9)


def test_small_cells_are_suppressed():
    orders = random_orders(seed=9, customers=60, rows=300)
    plain = retention_matrix(orders, fast_path=False)
    safe = retention_matrix(orders, fast_path=False, min_n=6)
    small = (plain.long["eligible"] > 0) & (plain.long["eligible"] < 6)
    assert small.any()
    assert safe.long.loc[small, "share"].isna().all() and safe.long.loc[small, "retained"].isna().all()
    assert safe.long.loc[small, "suppressed"].all() and not safe.long.loc[~small, "suppressed"].any()
    pd.testing.assert_series_equal(safe.long.loc[~small, "share"], plain.long.loc[~small, "share"])
    assert safe.cohorts["customers"].dropna().ge(6).all()
    assert safe.curve.loc[safe.curve["eligible"] < 6, "share"].isna().all()


def test_matrix_views_figures_and_summary():
    orders = random_orders(seed=4, customers=150, rows=700)
    result = retention_matrix(orders, by="channel", fast_path=False)
    assert result.table.index.names == ["segment", "cohort"]
    web = result.matrix("share", segment="web")
    assert web.index.name == "cohort" and list(web.columns) == list(range(result.max_age + 1))
    eligible = result.matrix("eligible")
    assert (eligible.to_numpy() >= 0).all()
    heat = result.figure("heatmap")
    assert isinstance(heat, go.Figure) and heat.data[0].type == "heatmap"
    z = np.asarray(heat.data[0].z, dtype=float)
    assert list(heat.data[0].x) == [str(a) for a in range(1, result.max_age + 1)]  # age 0 is 100 %
    overall = result.overall().table.loc[:, 1:].to_numpy(dtype=float, na_value=np.nan)
    np.testing.assert_array_equal(np.isnan(z), np.isnan(overall))
    np.testing.assert_allclose(z[~np.isnan(z)], overall[~np.isnan(overall)])
    curve = result.figure("curve")
    assert {t.name for t in curve.data} == set(result.segments)
    text = " ".join(result.summary())
    assert "customers in" in text and "month 1" in text


def test_overall_view_without_by_is_itself():
    result = retention_matrix(random_orders(seed=1), fast_path=False)
    assert result.overall() is result
    assert result.table.index.name == "cohort"
