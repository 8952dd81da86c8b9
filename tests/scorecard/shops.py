"""Small random shops for scorecard tests, and a naive scorecard written with plain Python loops.

The naive scorecard is the independent second implementation the engine code is checked
against: it walks the rows one by one with dicts and sets, using the definitions of
REFERENCES.md, and shares no code with :mod:`cxlib.scorecard`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd

CHANNELS = ["web", "app", "marketplace"]
DEVICES = ["desktop", "mobile"]


def random_shop(
    seed: int,
    *,
    customers: int = 40,
    orders: int = 400,
    answers: int = 300,
    sessions: int = 250,
    days: int = 200,
    start: str = "2024-01-01",
) -> dict[str, pd.DataFrame]:
    """Orders, surveys and events (pandas, UTC) with missing channels, NaN delivery days and nulls."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp(start, tz="UTC")

    def times(n: int) -> pd.Series:
        return pd.Series(t0 + pd.to_timedelta(rng.integers(0, days * 86_400, n), unit="s"))

    channel = rng.choice([*CHANNELS, None], orders, p=[0.45, 0.25, 0.2, 0.1])
    delivery = rng.poisson(2.0, orders).astype(float) + 1
    delivery[rng.random(orders) < 0.15] = np.nan
    order_table = pd.DataFrame(
        {
            "order_id": [f"O{i:05d}" for i in range(orders)],
            "customer_id": [f"C{c:03d}" for c in rng.integers(0, customers, orders)],
            "ts": times(orders),
            "revenue": np.round(rng.gamma(2.0, 30.0, orders), 2),
            "channel": pd.array(channel, dtype="str"),
            "device": pd.array(rng.choice(DEVICES, orders), dtype="str"),
            "returned": rng.random(orders) < 0.12,
            "delivery_days": delivery,
        }
    )
    metric = rng.choice(["nps", "csat", "ces"], answers, p=[0.5, 0.25, 0.25])
    high = np.select([metric == "nps", metric == "csat"], [10, 5], 7)
    low = np.where(metric == "nps", 0, 1)
    which = rng.integers(0, orders, answers)
    surveys = pd.DataFrame(
        {
            "response_id": [f"R{i:05d}" for i in range(answers)],
            "ts": times(answers),
            "metric": pd.array(metric, dtype="str"),
            "score": (low + rng.integers(0, 1_000, answers) % (high - low + 1)).astype("int64"),
            "customer_id": order_table["customer_id"].to_numpy()[which],
            "order_id": order_table["order_id"].to_numpy()[which],
            "channel": pd.array(rng.choice([*CHANNELS, None], answers, p=[0.4, 0.3, 0.2, 0.1]), dtype="str"),
        }
    )
    rows = []
    session_start = times(sessions)
    for s in range(sessions):
        customer = f"C{rng.integers(0, customers):03d}"
        ch, dev = rng.choice(CHANNELS), rng.choice(DEVICES)
        kinds = ["session_start"]
        if rng.random() < 0.7:
            kinds.append("add_to_cart")
            if rng.random() < 0.35:
                kinds.append("purchase")
        elif rng.random() < 0.1:
            kinds.append("purchase")  # a purchase without a cart event: not a cart
        for j, kind in enumerate(kinds):
            rows.append(
                (customer, session_start.iloc[s] + pd.Timedelta(seconds=30 * j), kind, f"S{s:04d}", ch, dev)
            )
    events = pd.DataFrame(rows, columns=["customer_id", "ts", "event", "session_id", "channel", "device"])
    events = events.astype(
        {"customer_id": "str", "event": "str", "session_id": "str", "channel": "str", "device": "str"}
    )
    return {"orders": order_table, "surveys": surveys, "events": events}


# ------------------------------------------------------------------------------------------ naive


def period_of(ts: pd.Timestamp, period: str | None) -> tuple[int, dt.date]:
    """(consecutive index, first day) of the calendar period of a UTC timestamp."""
    day = ts.date()
    if period is None:
        return 0, dt.date(1970, 1, 1)
    if period == "month":
        return day.year * 12 + day.month - 1, dt.date(day.year, day.month, 1)
    if period == "quarter":
        q = (day.month - 1) // 3
        return day.year * 4 + q, dt.date(day.year, 3 * q + 1, 1)
    monday = day - dt.timedelta(days=day.weekday())
    return (monday - dt.date(1970, 1, 5)).days // 7, monday


def _seg(value) -> str:
    return "unknown" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def naive_scorecard(shop: dict[str, pd.DataFrame], period: str | None, by: str = "channel") -> dict:
    """{(metric, period_index, segment): (n, value)} with plain loops; segment "All" = every segment."""
    out: dict[tuple[str, int, str], tuple[int, float]] = {}

    def put(metric: str, key: tuple[int, str], values: list[float], scale: float = 1.0) -> None:
        if values:
            out[(metric, *key)] = (len(values), scale * sum(values) / len(values))

    orders = shop["orders"].to_dict("records")
    cell_orders: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for o in orders:
        p, _ = period_of(o["ts"], period)
        for seg in (_seg(o.get(by)), "All"):
            cell_orders[(p, seg)].append(o)
    active: dict[int, set[str]] = defaultdict(set)
    for o in orders:
        active[period_of(o["ts"], period)[0]].add(o["customer_id"])
    last = max(active)
    for key, rows in cell_orders.items():
        put("aov", key, [r["revenue"] for r in rows])
        put("return_rate", key, [float(r["returned"]) for r in rows])
        put("delivery_days", key, [r["delivery_days"] for r in rows if not np.isnan(r["delivery_days"])])
        per_customer: dict[str, list[float]] = defaultdict(list)
        for r in rows:
            per_customer[r["customer_id"]].append(r["revenue"])
        put("purchase_frequency", key, [float(len(v)) for v in per_customer.values()])
        put("revenue_per_customer", key, [sum(v) for v in per_customer.values()])
        put("repeat_rate", key, [float(len(v) >= 2) for v in per_customer.values()])
        p, seg = key
        if period is not None and p + 1 <= last:
            put("retention_rate", (p + 1, seg), [float(c in active[p + 1]) for c in per_customer])

    cells: dict[tuple[str, int, str], list[float]] = defaultdict(list)
    for a in shop["surveys"].to_dict("records"):
        p, _ = period_of(a["ts"], period)
        s = a["score"]
        x = {"nps": (s >= 9) - (s <= 6), "csat": float(s >= 4), "ces": float(s)}[a["metric"]]
        for seg in (_seg(a.get(by)), "All"):
            cells[(a["metric"], p, seg)].append(float(x))
    for (metric, p, seg), values in cells.items():
        put(metric, (p, seg), values, 100.0 if metric == "nps" else 1.0)

    sessions: dict[str, dict] = {}
    for e in shop["events"].sort_values("ts").to_dict("records"):
        if e["event"] not in ("add_to_cart", "purchase"):
            continue  # a cart is dated by its first cart or purchase event
        s = sessions.setdefault(
            e["session_id"], {"ts": e["ts"], "cart": False, "buy": False, "seg": _seg(e.get(by))}
        )
        s["cart"] |= e["event"] == "add_to_cart"
        s["buy"] |= e["event"] == "purchase"
    carts: dict[tuple[int, str], list[float]] = defaultdict(list)
    for s in sessions.values():
        if s["cart"]:
            p, _ = period_of(s["ts"], period)
            for seg in (s["seg"], "All"):
                carts[(p, seg)].append(float(not s["buy"]))
    for key, values in carts.items():
        put("cart_abandonment", key, values)
    return out
