"""The three retention definitions side by side (notebook 03's appendix), on a closed-form case."""

from __future__ import annotations

import pandas as pd
import pytest

from cxlib.cohorts import KINDS, compare_definitions, retention_matrix

FIRST = pd.Timestamp("2024-01-10 12:00", tz="UTC")


def _every_other_month(customers: int = 30, months: tuple[int, ...] = (0, 2)) -> pd.DataFrame:
    """Every customer orders on 10 January and again on 10 March (60 days later)."""
    return pd.DataFrame(
        [
            {"customer_id": f"c{i:02d}", "ts": FIRST + pd.DateOffset(months=m) + pd.Timedelta(minutes=i)}
            for i in range(customers)
            for m in months
        ]
    )


def _views(orders: pd.DataFrame, until: str) -> dict:
    return {k: retention_matrix(orders, kind=k, observed_until=until, fast_path=False) for k in KINDS}


def test_definitions_differ_as_their_meaning_says() -> None:
    kinds = compare_definitions(_views(_every_other_month(), "2024-03-31"))
    # month 1 (February): nobody ordered in it, everybody ordered in it or later (March);
    # the first 30-day window [day 30, day 60) is empty too (the order is on day 60)
    table = kinds.table.set_index("definition")
    assert list(table.columns) == [1]
    assert table[1].to_dict() == {"Return on": 0.0, "Return on or after": 1.0, "Rolling windows": 0.0}
    assert kinds.summary() == [
        "At month 1, 0.0% of customers ordered in that very month, but 100.0% ordered in it or later: "
        "most returning customers skip months."
    ]
    curves = kinds.curves.pivot(index="age", columns="kind", values="share")
    assert curves.loc[2, "on"] == 1.0 and curves.loc[2, "on_or_after"] == 1.0
    assert pd.isna(curves.loc[2, "rolling"])  # window [day 60, day 90) ends on 9 April: not observed yet
    fig = kinds.figure()
    assert {t.name for t in fig.data} == {"Return on", "Return on or after", "Rolling windows"}
    page = kinds._repr_html_()
    assert "month 1" in page and "100.0%" in page


def test_quoted_ages_and_a_single_period() -> None:
    kinds = compare_definitions(_views(_every_other_month(months=(0, 2, 7)), "2024-12-31"))
    assert [c for c in kinds.table.columns if c != "definition"] == [1, 3, 6]  # observed to month 11
    assert "At month 3, 0.0% of customers ordered in that very month, but 100.0%" in kinds.summary()[0]
    january = {  # only age 0 is observed (a rolling window of 30 days would not be complete)
        k: retention_matrix(_every_other_month(), kind=k, observed_until="2024-01-31", fast_path=False)
        for k in ("on", "on_or_after")
    }
    single = compare_definitions(january)
    assert single.curves.empty and list(single.table.columns) == ["definition"]
    assert single.summary() == [
        "The data cover a single month: no customer could come back in a later month yet."
    ]
    with pytest.raises(ValueError, match="one period"):
        weekly = retention_matrix(_every_other_month(), period="week", fast_path=False)
        compare_definitions({**_views(_every_other_month(), "2024-03-31"), "on": weekly})
