"""Test data of the cohort tests: random order tables with gaps, ties and censoring.

(A module with its own name, so that tests import it unambiguously; conftest.py holds the
fixtures.)
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

T0 = pd.Timestamp("2024-01-01", tz="UTC")


def random_orders(
    seed: int,
    *,
    customers: int = 40,
    rows: int = 160,
    days: int = 300,
    empty_months: tuple[int, ...] = (3,),
    segments: tuple[str | None, ...] = ("web", "app", "marketplace", None),
) -> pd.DataFrame:
    """Orders with microsecond times, calendar months without any order, ties at the same
    timestamp (with different segments) and missing segments.

    ``empty_months``: month numbers (1 = January 2024) in which no order is placed at all.
    """
    rng = np.random.default_rng(seed)
    offsets = rng.integers(0, days * 86_400_000_000, rows * 2)
    ts = T0 + pd.to_timedelta(offsets, unit="us")
    ts = ts[~ts.month.isin(empty_months) | (ts.year != 2024)][:rows]
    n = len(ts)
    frame = pd.DataFrame(
        {
            "order_id": [f"O{i:05d}" for i in range(n)],
            "customer_id": [f"C{c:03d}" for c in rng.integers(0, customers, n)],
            "ts": ts,
            "revenue": np.round(rng.gamma(2.0, 25.0, n), 2),
            "channel": pd.array(rng.choice(np.array(segments, dtype=object), n), dtype="str"),
        }
    )
    # Ties: a few customers place a second order at the very same microsecond via another segment.
    twins = frame.sample(n=min(8, n), random_state=seed).assign(
        order_id=lambda d: d["order_id"] + "T",
        channel=pd.array(rng.choice(["app", "web"], min(8, n)), dtype="str"),
    )
    out = pd.concat([frame, twins], ignore_index=True)
    return out.astype({"ts": "datetime64[us, UTC]", "order_id": "str", "customer_id": "str"})


def as_utc(value: str) -> dt.datetime:
    """A date-time string as an aware UTC datetime (naive strings are UTC)."""
    ts = pd.Timestamp(value)
    return (ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")).to_pydatetime()
