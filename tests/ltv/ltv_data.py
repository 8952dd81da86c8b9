"""Data of the lifetime-value tests: the CDNOW data set and small synthetic shops.

CDNOW (tests/data/cdnow_*, see tests/data/cdnow_README.md): 2,357 customers who made a first
purchase at CDNOW in the first quarter of 1997, followed to 30 June 1998; the published
analyses use 1 January to 30 September 1997 (39 weeks) as calibration period.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"

#: Calibration and observation ends of the published CDNOW analyses.
CDNOW_CALIBRATION_END = "1997-09-30"
CDNOW_OBSERVATION_END = "1998-06-30"


def cdnow_published_summary() -> pd.DataFrame:
    """The published per-customer summary (x, t_x, T in weeks; z̄ the mean repeat spend)."""
    raw = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    return pd.DataFrame(
        {
            "customer_id": raw["ID"].astype("str"),
            "frequency": raw["x"].astype("int64"),
            "recency": raw["t_x"].astype("float64"),
            "T": raw["T"].astype("float64"),
            "monetary_value": raw["zbar"].astype("float64"),
        }
    )


def cdnow_orders() -> pd.DataFrame:
    """CDNOW transactions as a contract orders table (one row per transaction record)."""
    raw = pd.read_csv(
        DATA / "cdnow_sample_transactions.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "revenue"],
        dtype={"customer_id": "str", "date": "str"},
    )
    return pd.DataFrame(
        {
            "order_id": [f"T{i:05d}" for i in range(len(raw))],
            "customer_id": raw["customer_id"].str.lstrip("0").astype("str"),
            "ts": pd.to_datetime(raw["date"], format="%Y%m%d").dt.tz_localize("UTC") + pd.Timedelta(hours=12),
            "revenue": raw["revenue"].astype("float64"),
        }
    )


def random_orders(seed: int, n_customers: int = 30, n_orders: int = 150, days: int = 60) -> pd.DataFrame:
    """Small random orders with same-day repeats, several time zones of the day and channels."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01", tz="UTC")
    customer = rng.integers(0, n_customers, n_orders)
    seconds = rng.integers(0, days * 86_400, n_orders)
    return pd.DataFrame(
        {
            "order_id": [f"O{i:04d}" for i in range(n_orders)],
            "customer_id": [f"C{c:03d}" for c in customer],
            "ts": start + pd.to_timedelta(seconds, unit="s"),
            "revenue": np.round(rng.gamma(2.0, 20.0, n_orders), 2),
            "channel": rng.choice(["web", "app", "store"], n_orders),
        }
    )


def simulate_bgnbd(
    n: int, r: float, alpha: float, a: float, b: float, *, seed: int, max_days: int = 730
) -> pd.DataFrame:
    """Customers drawn from BG/NBD (weeks), with ages and purchase times in whole days."""
    rng = np.random.default_rng(seed)
    T_days = rng.integers(1, max_days + 1, n)
    T = T_days / 7.0
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    dropout_after = rng.geometric(p)
    arrivals = rng.poisson(lam * T)
    x = np.minimum(dropout_after, arrivals)
    # The x-th of `arrivals` uniform arrival times on (0, T) is T·Beta(x, arrivals − x + 1).
    last = np.where(x > 0, rng.beta(np.maximum(x, 1), arrivals - x + 1), 0.0)
    return pd.DataFrame(
        {
            "customer_id": [f"S{i:07d}" for i in range(n)],
            "frequency": x.astype("int64"),
            "recency": np.floor(last * T_days) / 7.0,
            "T": T,
        }
    )
