"""The journey functions give identical results on pandas, polars and DuckDB inputs (Spark:
tests/spark/test_spark_parity.py).

Also checks the one DuckDB fast path (``epoch_us`` instead of time-zone-aware interval
arithmetic) against the portable expression, on several time zones.
"""

from __future__ import annotations

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import polars as pl
import pytest

from cxlib.engine import backend, duckdb_connection, to_pandas
from cxlib.journey import attribution, cart_abandonment, funnel, paths, step_matrix, transitions
from cxlib.journey._frames import micros, timed

BACKENDS = ["pandas", "polars", "polars-eager", "duckdb"]


def random_events(n: int = 3000, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    customers = rng.integers(0, 150, n)
    df = pd.DataFrame(
        {
            "customer_id": [f"c{c}" for c in customers],
            "session_id": [f"s{c}-{s}" for c, s in zip(customers, rng.integers(0, 4, n), strict=True)],
            "ts": pd.Timestamp("2024-01-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 30 * 24 * 60, n), unit="min"),
            "event": rng.choice(
                ["view", "cart", "checkout", "purchase", "search"], n, p=[0.4, 0.2, 0.15, 0.1, 0.15]
            ),
            "device": rng.choice(["mobile", "desktop", None], n, p=[0.6, 0.35, 0.05]),
            "source": rng.choice(["email", "search", "social", None], n),
        }
    )
    df["revenue"] = np.where(df["event"] == "purchase", rng.gamma(3.0, 20.0, n).round(2), np.nan)
    return df.astype({"ts": "datetime64[us, UTC]"})


def as_backend(kind: str, df: pd.DataFrame):
    if kind == "pandas":
        return df
    frame = pl.from_pandas(df)
    if kind == "polars":
        return frame.lazy()
    if kind == "polars-eager":
        return frame
    return duckdb_connection().from_arrow(frame.to_arrow())


CASES = {
    "funnel_strict": lambda ev: funnel(ev, ["view", "cart", "purchase"], window="3D", by="device").table,
    "funnel_repeated": lambda ev: funnel(ev, ["view", ["view", "search"], "cart"], count="sessions").table,
    "funnel_direct": lambda ev: funnel(ev, ["view", "cart", "checkout"], order="direct").table,
    "funnel_any": lambda ev: funnel(ev, ["cart", "view", "view"], order="any", window="2D").table,
    "funnel_next": lambda ev: funnel(ev, ["view", "cart", "purchase"], window="1D").next_events,
    "paths": lambda ev: paths(ev, end="purchase", steps=3).all_paths,
    "sankey": lambda ev: paths(ev, steps=4, count="sessions").links,
    "step_matrix": lambda ev: step_matrix(ev, steps=4).table.reset_index(),
    "transitions": lambda ev: transitions(ev, count="sessions").table,
    "cart": lambda ev: (
        cart_abandonment(ev, by=["device"], cart_event="cart", checkout_steps=["cart", "checkout"]).table
    ),
    "attribution": lambda ev: attribution(ev, "all", lookback="7D").table,
}


@pytest.fixture(scope="module")
def expected():
    df = random_events()
    return {name: case(df) for name, case in CASES.items()}


@pytest.mark.parametrize("kind", BACKENDS[1:])
def test_identical_results_across_backends(kind, expected):
    df = random_events()
    native = as_backend(kind, df)
    assert backend(native) == kind.split("-")[0]
    for name, case in CASES.items():
        got = case(native)
        pd.testing.assert_frame_equal(
            got.reset_index(drop=True),
            expected[name].reset_index(drop=True),
            check_dtype=False,
            rtol=1e-9,
            obj=f"{name} on {kind}",
        )


@pytest.mark.parametrize("zone", ["UTC", "Europe/Warsaw", "America/New_York"])
def test_duckdb_epoch_fast_path_equals_the_portable_expression(zone):
    ts = pd.Series(
        pd.to_datetime(
            [
                "2024-03-31 00:59:59.123456",
                "2024-03-31 01:00:00",
                "2024-10-27 01:30:00",
                "1969-12-31 23:59:59.5",
                "2030-01-01",
            ],
            format="ISO8601",
        )
    ).dt.tz_localize("UTC")
    frame = pl.from_pandas(pd.DataFrame({"ts": ts})).with_columns(pl.col("ts").dt.convert_time_zone(zone))
    rel = duckdb_connection().from_arrow(frame.to_arrow())
    fast = to_pandas(timed(nw.from_native(rel)))["_t"].tolist()
    portable = to_pandas(nw.from_native(rel).select(_t=micros("ts")))["_t"].tolist()
    on_polars = to_pandas(timed(nw.from_native(frame).lazy()))["_t"].tolist()
    expected = (ts.astype("int64") // 1000).tolist() if ts.dt.unit == "ns" else ts.astype("int64").tolist()
    assert fast == portable == on_polars == expected
