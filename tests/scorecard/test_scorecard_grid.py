"""The scorecard cells (issue 20): value, coloured direction-aware change, interval, n on hover, NPS bar.

Every number in the HTML is checked against an independent pandas computation on planted tables.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from cxlib.scorecard import metric_catalogue, parse_targets, scorecard
from cxlib.scorecard.grid import change_badge, nps_bar, target_status

CATALOGUE = metric_catalogue()


def _row(html: str, label_start: str) -> str:
    """The ``<tr>`` of the metric whose label starts with ``label_start``."""
    found = re.search(rf'<tr><th class="txt cxsc-metric">{re.escape(label_start)}.*?</tr>', html)
    assert found, label_start
    return found.group(0)


def _cells(row: str) -> list[str]:
    return re.findall(r'<td class="cxsc-cell".*?</td>', row)


def _carts(abandoned: dict[str, int], carts: int = 400) -> pd.DataFrame:
    """Events of full months: ``carts`` sessions with a cart each, ``abandoned[month]`` without purchase."""
    frames = []
    for month, lost in abandoned.items():
        start = pd.Timestamp(f"{month}-01", tz="UTC")
        days = pd.Period(month).days_in_month
        ts = start + pd.to_timedelta(np.arange(carts) % days, unit="D") + pd.Timedelta(hours=12)
        sessions = [f"{month}-{i}" for i in range(carts)]
        cart = pd.DataFrame(
            {"customer_id": sessions, "session_id": sessions, "ts": ts, "event": "add_to_cart"}
        )
        bought = cart.iloc[lost:].assign(event="purchase", ts=lambda f: f["ts"] + pd.Timedelta(minutes=5))
        frames += [cart, bought]
    return pd.concat(frames, ignore_index=True)


def test_lower_is_better_metric_falling_is_a_green_down_arrow() -> None:
    events = _carts({"2024-01": 320, "2024-02": 160})
    card = scorecard({"events": events}, period="month", min_n=30)
    html = card.grid().data
    (cell,) = _cells(_row(html, "Cart abandonment"))
    # independent truth: 160 of 400 carts abandoned in February, 320 of 400 in January
    assert '<div class="cxsc-value">40.0%</div>' in cell
    assert "cxsc-change cxsc-better" in cell and '▼ −40.0 pp<span class="cxsc-vs"> vs 2024-01</span>' in cell
    assert 'title="n = 400 sessions"' in cell and 'data-n="400"' in cell
    low, high = proportion_confint(160, 400, alpha=0.05, method="wilson")  # independent interval
    assert f'<span class="cxsc-ci">95% CI {100 * low:.1f}% to {100 * high:.1f}%</span>' in cell
    # the same fall in a higher-is-better metric (CSAT) is red, and a rise is green up
    assert 'cxsc-worse" title="worse than' in change_badge(
        CATALOGUE["csat"],
        {"difference": -0.4, "change": "worse", "previous_period": "2024-01", "q_value": 1e-9},
    )
    rise = change_badge(
        CATALOGUE["cart_abandonment"],
        {"difference": 0.4, "change": "worse", "previous_period": "2024-01", "q_value": 1e-9},
    )
    assert "▲ +40.0 pp" in rise and "cxsc-worse" in rise and "adjusted p &lt; 0.001" in rise
    flat = change_badge(
        CATALOGUE["ces"],
        {"difference": -0.05, "change": "no clear change", "previous_period": "Q1", "q_value": 0.4},
    )
    assert "cxsc-flat" in flat and "▼ −0.05<span" in flat and "no clear change from Q1" in flat


def test_change_colour_follows_the_verdict_for_every_cell() -> None:
    from tests.scorecard.shops import random_shop

    card = scorecard(random_shop(7, customers=300, orders=3000, answers=3000, sessions=2000), by="channel")
    html = card.grid().data
    changes = card.changes()
    latest = changes[changes["period_start"] == changes.groupby("metric")["period_start"].transform("max")]
    colours = re.findall(r'cxsc-change (cxsc-\w+)" title="[^"]*">([▲▼▶])', html)
    expected = [
        (
            {"better": "cxsc-better", "worse": "cxsc-worse"}.get(c, "cxsc-flat"),
            "▲" if d > 0 else "▼" if d < 0 else "▶",
        )
        for c, d in zip(latest["change"], latest["difference"], strict=True)
    ]
    assert sorted(colours) == sorted(expected) and len(colours) > 10


def _surveys() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 900
    return pd.DataFrame(
        {
            "ts": pd.Timestamp("2024-03-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 30 * 86_400, n), unit="s"),
            "metric": "nps",
            "score": rng.choice(np.arange(11), n, p=[0.04] * 7 + [0.12, 0.12, 0.24, 0.24]),
            "channel": rng.choice(["web", "app", "<b>shop</b>"], n),
        }
    )


def test_nps_bar_shares_sum_to_one_and_match_pandas() -> None:
    surveys = _surveys()
    card = scorecard({"surveys": surveys}, by="channel", period=None, min_n=30)
    rows = card.table[card.table["metric"] == "nps"].set_index("channel")
    passive = 1 - rows["promoter_share"] - rows["detractor_share"]
    assert (passive > 0).all()
    # independent: shares of 9–10 and 0–6 per channel with pandas
    truth = (
        surveys.assign(p=surveys["score"] >= 9, d=surveys["score"] <= 6).groupby("channel")[["p", "d"]].mean()
    )
    for channel, row in truth.iterrows():
        assert rows.loc[channel, "promoter_share"] == pytest.approx(row["p"], abs=1e-12)
        assert rows.loc[channel, "detractor_share"] == pytest.approx(row["d"], abs=1e-12)
        assert rows.loc[channel, "value"] == pytest.approx(100 * (row["p"] - row["d"]), abs=1e-9)
    assert rows.loc["All", "promoter_share"] == pytest.approx((surveys["score"] >= 9).mean(), abs=1e-12)
    html = card.grid().data
    widths = [
        [float(w) for w in re.findall(r"width:([\d.]+)%", bar)]
        for bar in re.findall(r'<div class="cxsc-bar".*?</div>', html)
    ]
    assert len(widths) == 4  # All and three channels
    for w in widths:
        assert sum(w) == pytest.approx(100, abs=0.02)
    counts = surveys["channel"].value_counts()
    for channel, count in counts.items():
        assert f'title="n = {count:,} answers"' in html, channel
    # the segment name is user data: escaped, never markup
    assert "<b>shop</b>" not in html and "&lt;b&gt;shop&lt;/b&gt;" in html
    assert nps_bar(np.nan, 0.2) == ""
    few = scorecard({"surveys": surveys}, by="channel", period=None, min_n=400).grid().data
    assert few.count('title="fewer than 400 answers: too few for a number"><span class="cxsc-few">') == 3
    assert 'title="n = 900 answers"' in few and "3 of 4 cells over all periods rest on fewer than 400" in few


def test_targets_column_is_direction_aware() -> None:
    events = _carts({"2024-01": 320, "2024-02": 160})
    card = scorecard({"events": events}, period="month", min_n=30)
    met = card.grid(parse_targets("cart_abandonment: 45%, nps: 40")).data
    assert '<th class="num">Target</th>' in met
    row = _row(met, "Cart abandonment")
    assert "45.0%" in _cells(row)[0] and "All: met" in _cells(row)[0]  # 40% at or below 45%
    assert "Targets for metrics not in this scorecard: nps." in met
    missed = card.grid(parse_targets("cart_abandonment: 0.35")).data
    assert "All: not met" in _cells(_row(missed, "Cart abandonment"))[0]
    assert "Target" not in card.grid().data
    assert target_status(CATALOGUE["nps"], 41.0, 40.0) == "met"
    assert target_status(CATALOGUE["ces"], 3.1, 3.0) == "not met"  # effort: lower is better
    assert target_status(CATALOGUE["nps"], np.nan, 40.0) == ""


def test_all_above_every_channel_is_explained_in_its_cell_and_a_footnote() -> None:
    # 40 customers order once on the web and once in the app; 20 order twice on the web
    both = pd.DataFrame({"customer_id": np.repeat(np.arange(40), 2), "channel": ["web", "app"] * 40})
    web = pd.DataFrame({"customer_id": np.repeat(np.arange(40, 60), 2), "channel": "web"})
    orders = pd.concat([both, web], ignore_index=True)
    orders["order_id"] = np.arange(len(orders))
    orders["ts"] = pd.Timestamp("2024-05-01", tz="UTC") + pd.to_timedelta(orders["order_id"] % 28, unit="D")
    orders["revenue"] = 10.0
    # independent truth: overall 60 of 60 repeat; web 20 of 60; app 0 of 40
    per_channel = orders.groupby(["channel", "customer_id"]).size().ge(2).groupby("channel").mean()
    assert per_channel.to_dict() == {"app": 0.0, "web": pytest.approx(1 / 3)}
    card = scorecard({"orders": orders}, by="channel", period=None, min_n=10)
    html = card.grid().data
    all_cell = _cells(_row(html, "Repeat purchase rate"))[0]
    assert '<div class="cxsc-value">100.0%<span class="cxsc-mark">*</span></div>' in all_cell
    assert "n = 60 customers. Repeat purchase rate of “All” (100.0%) is above every channel" in all_cell
    assert (
        '<p class="cxsc-foot">* Repeat purchase rate of “All” (100.0%) is above every channel (at most 33.3%)'
        in html
    )
