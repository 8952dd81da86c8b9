"""Sufficient statistics: engine aggregation against a naive pandas loop, on every backend.

Truths: a per-variant Python loop over a small random frame (sums, squares, cross-products,
capping, exposure days); identical results on pandas, polars (eager and lazy) and DuckDB;
the DuckDB relation read through ``open_shop``. Bad input raises DataError naming the column.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cxlib
from cxlib import experiments as ab
from cxlib.errors import DataError

METRICS = {
    "conversion": "converted",
    "revenue": "revenue",
    "capped_revenue": ab.Metric("capped_revenue", "revenue", cap=40.0),
    "aov": ("revenue", "orders"),
}


def unit_frame(n: int = 600, seed: int = 3, experiments: tuple[str, ...] = ("exp_a",)) -> pd.DataFrame:
    """Unit-level table with NaN-free outcomes, a covariate and a segment column."""
    rng = np.random.default_rng(seed)
    converted = rng.random(n) < 0.2
    orders = np.where(converted, 1 + rng.poisson(0.3, n), 0)
    return pd.DataFrame(
        {
            "experiment": np.array(experiments)[rng.integers(0, len(experiments), n)],
            "variant": np.where(rng.random(n) < 0.5, "control", "treatment"),
            "unit_id": [f"U{i:05d}" for i in range(n)],
            "exposed_ts": pd.Timestamp("2026-03-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 10 * 86_400, n), unit="s"),
            "converted": converted,
            "revenue": np.where(converted, np.round(rng.gamma(2.0, 20.0, n), 2), 0.0),
            "orders": orders.astype("int32"),
            "pre_revenue": np.round(rng.gamma(0.5, 60.0, n), 2),
            "device": rng.choice(["desktop", "mobile", "tablet"], n),
        }
    )


def naive_summary(df: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """The same statistics by an explicit loop over groups (independent of cxlib)."""
    rows = []
    for key, g in df.groupby([*(by or []), "variant"], sort=True):
        key = key if isinstance(key, tuple) else (key,)
        base = dict(zip([*(by or []), "variant"], key, strict=True))
        x = g["pre_revenue"].to_numpy(float)
        for metric, col, den, cap in (
            ("conversion", "converted", None, None),
            ("revenue", "revenue", None, None),
            ("capped_revenue", "revenue", None, 40.0),
            ("aov", "revenue", "orders", None),
        ):
            y = g[col].to_numpy(float)
            if cap is not None:
                y = np.minimum(y, cap)
            row = {**base, "metric": metric, "n": len(g), "sum": sum(y), "sum_sq": sum(v * v for v in y)}
            if den:
                d = g[den].to_numpy(float)
                row |= {"den_sum": sum(d), "den_sum_sq": sum(v * v for v in d), "cross_sum": sum(y * d)}
            else:
                row |= {"pre_sum": sum(x), "pre_sum_sq": sum(x * x), "pre_cross_sum": sum(y * x)}
            rows.append(row)
    return pd.DataFrame(rows)


def _check_against_naive(summary: ab.ExperimentSummary, expected: pd.DataFrame, keys: list[str]) -> None:
    got = summary.table.set_index([*keys, "variant", "metric"]).sort_index()
    want = expected.set_index([*keys, "variant", "metric"]).sort_index()
    assert list(got.index) == list(want.index)
    for column in (
        "n",
        "sum",
        "sum_sq",
        "den_sum",
        "den_sum_sq",
        "cross_sum",
        "pre_sum",
        "pre_sum_sq",
        "pre_cross_sum",
    ):
        np.testing.assert_allclose(
            got[column].to_numpy(float), want[column].to_numpy(float), rtol=1e-12, equal_nan=True
        )


def test_summary_equals_a_naive_loop():
    df = unit_frame()
    s = ab.summarize(df, METRICS, covariate="pre_revenue")
    _check_against_naive(s, naive_summary(df), [])
    assert s.experiment == "exp_a"
    assert s.table["n"].dtype == "int64"
    assert s.table.set_index("metric")["kind"].to_dict() == {
        "conversion": "proportion",
        "revenue": "mean",
        "capped_revenue": "mean",
        "aov": "ratio",
    }
    # CUPED statistics are not defined for ratio metrics.
    assert s.table.loc[s.table["metric"] == "aov", "pre_sum"].isna().all()


def test_segments_and_exposure_days_equal_a_naive_loop():
    df = unit_frame()
    s = ab.summarize(df, METRICS, covariate="pre_revenue", by="device")
    _check_against_naive(s, naive_summary(df, ["device"]), ["device"])
    days = ab.summarize(df, METRICS, covariate="pre_revenue", period="day")
    df_days = df.assign(period=df["exposed_ts"].dt.floor("D"))
    _check_against_naive(days, naive_summary(df_days, ["period"]), ["period"])


def test_cumulative_totals_are_running_sums_over_days():
    df = unit_frame()
    days = ab.summarize(df, METRICS, covariate="pre_revenue", period="day").cumulative()
    last_day = days.table[days.table["period"] == days.table["period"].max()].drop(columns="period")
    whole = ab.summarize(df, METRICS, covariate="pre_revenue").table
    pd.testing.assert_frame_equal(last_day.reset_index(drop=True), whole, check_exact=False, rtol=1e-12)
    # One row per day, variant and metric, even on days a variant had no units.
    assert len(days.table) == days.table["period"].nunique() * 2 * len(METRICS)
    n = days.table[days.table["metric"] == "revenue"].pivot(index="period", columns="variant", values="n")
    assert (n.diff().dropna() >= 0).all().all()


def test_quantile_cap_is_pooled_over_arms():
    df = unit_frame()
    metric = ab.Metric("revenue_p90", "revenue", cap_quantile=0.9)
    s = ab.summarize(df, metric)
    cap = float(np.quantile(df["revenue"], 0.9))
    assert s.caps["revenue_p90"] == pytest.approx(cap, rel=1e-12)
    want = df.assign(y=np.minimum(df["revenue"], cap)).groupby("variant")["y"].sum()
    got = s.table.set_index("variant")["sum"]
    np.testing.assert_allclose(got.loc[want.index], want, rtol=1e-12)


BACKENDS = ["pandas", "polars", "polars_lazy", "duckdb"]


def _native(df: pd.DataFrame, kind: str):
    if kind == "pandas":
        return df
    if kind == "polars":
        return pl.from_pandas(df)
    if kind == "polars_lazy":
        return pl.from_pandas(df).lazy()
    return duckdb.from_arrow(pl.from_pandas(df).to_arrow())


@pytest.mark.parametrize("kind", BACKENDS)
def test_identical_on_every_backend(kind):
    df = unit_frame(n=500, seed=11, experiments=("exp_a", "exp_b"))
    df.loc[df.index[:7], "pre_revenue"] = np.nan  # NaN covariate: counted as missing on every backend
    metrics = {**METRICS, "revenue_p95": ab.Metric("revenue_p95", "revenue", cap_quantile=0.95)}
    want = ab.summarize(
        df, metrics, experiment="exp_b", covariate="pre_revenue", by="device", period="day", missing="zero"
    )
    got = ab.summarize(
        _native(df, kind),
        metrics,
        experiment="exp_b",
        covariate="pre_revenue",
        by="device",
        period="day",
        missing="zero",
    )
    pd.testing.assert_frame_equal(got.table, want.table, check_exact=False, rtol=1e-12)
    assert got.caps == pytest.approx(want.caps)
    a = ab.compare(got, cuped=True).table
    b = ab.compare(want, cuped=True).table
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-10)


def test_duckdb_files_through_open_shop(tmp_path):
    df = unit_frame(n=400, seed=5)
    df.to_parquet(tmp_path / "experiments.parquet", index=False)
    shop = cxlib.open_shop(tmp_path)
    assert cxlib.engine.backend(shop.experiments) == "duckdb"
    a = ab.summarize(shop.experiments, METRICS, covariate="pre_revenue").table
    b = ab.summarize(df, METRICS, covariate="pre_revenue").table
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


def test_summary_given_as_a_plain_dataframe_gives_the_same_comparison():
    df = unit_frame()
    s = ab.summarize(df, METRICS, covariate="pre_revenue")
    plain = s.table[
        [
            "variant",
            "metric",
            "n",
            "sum",
            "sum_sq",
            "den_sum",
            "den_sum_sq",
            "cross_sum",
            "pre_sum",
            "pre_sum_sq",
            "pre_cross_sum",
        ]
    ]
    read = ab.as_summary(plain)
    assert read.table["kind"].tolist() == s.table["kind"].tolist()  # kinds inferred from the sums
    a = ab.compare(read, cuped=True).table
    b = ab.compare(df, metrics=METRICS, covariate="pre_revenue", cuped=True).table
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.floats(0, 1e4, allow_nan=False),
            st.integers(0, 5),
            st.booleans(),
        ),
        min_size=3,
        max_size=60,
    ),
)
def test_property_sums_match_a_loop(values):
    df = pd.DataFrame(values, columns=["variant", "revenue", "orders", "converted"])
    s = ab.summarize(df, {"r": "revenue", "c": "converted", "aov": ("revenue", "orders")}).table
    for (variant, metric), row in s.set_index(["variant", "metric"]).iterrows():
        g = df[df["variant"] == variant]
        y = g["converted"].astype(float) if metric == "c" else g["revenue"]
        assert row["n"] == len(g)
        assert row["sum"] == pytest.approx(float(sum(y)), rel=1e-12, abs=1e-9)
        assert row["sum_sq"] == pytest.approx(float(sum(v * v for v in y)), rel=1e-12, abs=1e-9)
        if metric == "aov":
            assert row["cross_sum"] == pytest.approx(
                float(sum(g["revenue"] * g["orders"])), rel=1e-12, abs=1e-9
            )


# --------------------------------------------------------------------------- bad input


def test_missing_column_is_named():
    df = unit_frame().drop(columns="orders")
    with pytest.raises(DataError) as err:
        ab.summarize(df, METRICS)
    assert err.value.column == "orders" and err.value.rule == "missing_column"


def test_text_metric_is_rejected():
    df = unit_frame().assign(revenue="12.5")
    with pytest.raises(DataError) as err:
        ab.summarize(df, "revenue")
    assert err.value.column == "revenue" and err.value.rule == "wrong_type"


def test_several_experiments_need_a_choice():
    df = unit_frame(experiments=("exp_a", "exp_b"))
    with pytest.raises(DataError) as err:
        ab.summarize(df, "revenue")
    assert err.value.rule == "several_experiments" and "exp_a" in str(err.value)
    with pytest.raises(DataError) as err:
        ab.summarize(df, "revenue", experiment="exp_z")
    assert err.value.rule == "no_units" and "exp_b" in str(err.value)


def test_missing_values_raise_or_count_as_zero():
    df = unit_frame()
    df.loc[df.index[:3], "revenue"] = np.nan
    before = df.copy()
    with pytest.raises(DataError) as err:
        ab.summarize(df, "revenue")
    assert err.value.column == "revenue" and err.value.rule == "missing_value" and err.value.n_rows == 3
    s = ab.summarize(df, "revenue", missing="zero").table.set_index("variant")
    want = df.fillna({"revenue": 0.0}).groupby("variant")["revenue"].sum()
    np.testing.assert_allclose(s.loc[want.index, "sum"], want, rtol=1e-12)
    pd.testing.assert_frame_equal(df, before)  # the user's frame is not modified


def test_proportion_metric_must_be_binary():
    df = unit_frame()
    with pytest.raises(DataError) as err:
        ab.summarize(df, ab.Metric("orders_rate", "orders", kind="proportion"))
    assert err.value.rule == "not_binary"


def test_unknown_control_and_single_variant():
    df = unit_frame()
    with pytest.raises(DataError) as err:
        ab.compare(df, metrics="revenue", control="baseline")
    assert err.value.rule == "unknown_control" and "treatment" in str(err.value)
    with pytest.raises(DataError) as err:
        ab.compare(df[df["variant"] == "control"], metrics="revenue")
    assert err.value.rule == "single_variant"


def test_cuped_without_covariate_is_explained():
    with pytest.raises(DataError) as err:
        ab.compare(unit_frame(), metrics="revenue", cuped=True)
    assert err.value.rule == "missing_covariate"


def test_metric_specs():
    ms = ab.as_metrics({"conv": "converted", "aov": ("revenue", "orders")})
    assert [(m.name, m.column, m.denominator) for m in ms] == [
        ("conv", "converted", None),
        ("aov", "revenue", "orders"),
    ]
    with pytest.raises(ValueError):
        ab.as_metrics(["revenue", "revenue"])
    with pytest.raises(ValueError):
        ab.Metric("r", "revenue", cap=10.0, cap_quantile=0.9)
    with pytest.raises(ValueError):
        ab.Metric("aov", "revenue", denominator="orders", covariate="pre_revenue")


def test_exposure_days_are_utc_whatever_the_input_zone():
    df = unit_frame()
    want = ab.summarize(df, "revenue", period="day").table
    local = pl.from_pandas(df).with_columns(pl.col("exposed_ts").dt.convert_time_zone("America/New_York"))
    got = ab.summarize(local, "revenue", period="day").table
    pd.testing.assert_frame_equal(got, want)
    assert str(got["period"].dt.tz) == "UTC"
    # Narwhals cannot read non-UTC zones of pandas 3 frames: either the same answer or a clear error.
    pandas_local = df.assign(exposed_ts=df["exposed_ts"].dt.tz_convert("America/New_York"))
    try:
        pd.testing.assert_frame_equal(ab.summarize(pandas_local, "revenue", period="day").table, want)
    except DataError as err:
        assert err.column == "exposed_ts" and "UTC" in str(err)
