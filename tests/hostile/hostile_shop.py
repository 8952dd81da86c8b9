"""A small hostile copy of the sample shop: personal data and markup in ids, segments and texts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .pii import CARDS, EMAILS, IBANS, PHONES, planted_texts

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
XSS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    '"><svg onload=window.__pwned=3>',
    "javascript:window.__pwned=4",
]
#: Planted personal values, each also used as a segment value or id.
PERSONAL = EMAILS + PHONES


def _plant(series: pd.Series, values: list[str], every: int, offset: int = 0) -> pd.Series:
    """Every ``every``-th row (from ``offset``) gets the next planted value, in turn."""
    out = series.astype("object").copy()
    rows = np.arange(offset, len(out), every)
    out.iloc[rows] = [values[i % len(values)] for i in range(len(rows))]
    return out.astype("str")


def build(target: Path, keep_every: int = 5) -> Path:
    """Write the hostile shop into ``target`` (Parquet) and return it.

    One customer in ``keep_every`` of the sample is kept (with all her rows). Planted:
    e-mail addresses and phone numbers (several spellings) as customer ids of 15 customers,
    as segment values (channel, device, source, country, touchpoint) in blocks big enough
    to be shown, and with IBANs, card numbers and markup in review texts and survey
    comments; markup in every free-text or segment column.
    """
    target.mkdir(parents=True, exist_ok=True)
    tables = {
        name: pd.read_parquet(SAMPLE / f"{name}.parquet")
        for name in ("events", "orders", "surveys", "feedback")
    }
    customers = pd.Index(sorted(tables["orders"]["customer_id"].unique()))[::keep_every]
    renamed = dict(zip(customers[: len(PERSONAL)], PERSONAL, strict=True))
    for name, frame in tables.items():
        frame = frame[frame["customer_id"].isin(customers) | frame["customer_id"].isna()].reset_index(
            drop=True
        )
        frame["customer_id"] = frame["customer_id"].map(lambda c: renamed.get(c, c))
        tables[name] = frame
    events, orders, surveys, feedback = (tables[n] for n in ("events", "orders", "surveys", "feedback"))
    texts = planted_texts() + [f"{x} {p}" for x, p in zip(XSS, PERSONAL, strict=False)]
    orders["channel"] = _plant(orders["channel"], [EMAILS[0]], every=9)
    orders["device"] = _plant(orders["device"], [PHONES[0], XSS[0]], every=11)
    orders["country"] = _plant(orders["country"], [EMAILS[2], XSS[1]], every=13)
    events["device"] = _plant(events["device"], [PHONES[1]], every=10)
    events["channel"] = _plant(events["channel"], [EMAILS[3], XSS[2]], every=12)
    events["source"] = _plant(events["source"], [PHONES[2], EMAILS[4], XSS[3]], every=7)
    surveys["channel"] = _plant(surveys["channel"], [EMAILS[1], PHONES[3]], every=8)
    surveys["touchpoint"] = _plant(surveys["touchpoint"], [PHONES[4], XSS[0]], every=9)
    surveys["comment"] = _plant(surveys["comment"], texts, every=5)
    feedback["text"] = _plant(feedback["text"], [*texts, f"IBAN {IBANS[0]} card {CARDS[0]}"], every=4)
    feedback["channel"] = _plant(feedback["channel"], [EMAILS[0], XSS[1], EMAILS[6]], every=9)
    experiments = pd.read_parquet(SAMPLE / "experiments.parquet").iloc[::3].reset_index(drop=True)
    for name, frame in {**tables, "experiments": experiments}.items():
        frame.to_parquet(target / f"{name}.parquet", index=False)
    return target
