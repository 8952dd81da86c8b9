"""The DuckDB query of the RFM summary gives the portable Narwhals plan's table on the same data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from cxlib.engine import duckdb_connection
from cxlib.ltv import rfm_summary
from tests.ltv.ltv_data import random_orders


def _tied_orders(seed: int) -> pd.DataFrame:
    """Random orders with ties at a customer's first time, missing segments and revenue."""
    orders = random_orders(seed, n_customers=40, n_orders=300)
    rng = np.random.default_rng(seed)
    orders["country"] = rng.choice(["PL", "NL", None], len(orders))
    orders.loc[rng.random(len(orders)) < 0.2, "channel"] = None
    orders.loc[rng.random(len(orders)) < 0.05, "revenue"] = np.nan
    twins = orders.sample(60, random_state=seed).assign(  # same customer and time, other segment
        order_id=lambda d: d["order_id"] + "b",
        channel=lambda d: d["channel"].iloc[::-1].to_numpy(),
    )
    return pd.concat([orders, twins], ignore_index=True)


@pytest.mark.parametrize("seed", [11, 12, 13])
@pytest.mark.parametrize("cal_end", [None, "2024-01-31"])
def test_duckdb_query_equals_the_portable_plan(seed, cal_end, monkeypatch):
    """rfm_summary's one-query DuckDB path gives the Narwhals plan's table on the same relation."""
    from cxlib._duckdb import rfm as rfm_sql

    calls: list[int] = []
    real = rfm_sql.rfm_per_customer_duckdb
    monkeypatch.setattr(rfm_sql, "rfm_per_customer_duckdb", lambda *args: calls.append(1) or real(*args))

    relation = duckdb_connection().from_arrow(pl.from_pandas(_tied_orders(seed)).to_arrow())
    by = ["channel", "country"]
    fast = rfm_summary(relation, "D", cal_end, "2024-02-25" if cal_end else None, by=by).table
    assert calls, "the fast path should apply to a DuckDB relation"
    monkeypatch.setattr(rfm_sql, "rfm_per_customer_duckdb", lambda *args: None)
    portable = rfm_summary(relation, "D", cal_end, "2024-02-25" if cal_end else None, by=by).table
    pd.testing.assert_frame_equal(fast, portable)
    assert fast["channel"].isna().any() or fast["country"].isna().any()
