"""Cart abandonment: planted sample truths, a brute-force count, steps and last events."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_journey_funnel import events_frame

import cxlib
from cxlib.journey import cart_abandonment
from cxlib.sample.truth import TRUTH

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def sample_result():
    if not (SAMPLE / "events.parquet").exists():
        pytest.skip("no sample shop in data/sample")
    shop = cxlib.open_shop(SAMPLE)
    return cart_abandonment(shop.events, by=["device", "channel", ("channel", "device")])


def test_planted_abandonment_by_channel_and_device_is_recovered(sample_result):
    table = sample_result.table
    crossed = table[table["dimension"] == "channel × device"].set_index("segment")
    planted = TRUTH.events.cart_abandonment
    assert set(crossed.index) == {k.replace("/", " / ") for k in planted}
    for key, rate in planted.items():
        row = crossed.loc[key.replace("/", " / ")]
        se = np.sqrt(rate * (1 - rate) / row["carts"])
        assert abs(row["rate"] - rate) < 4 * se, (key, row["rate"], rate)
        assert row["ci_low"] < row["rate"] < row["ci_high"]
    # the planted differences: mobile worse than desktop, web worst and app best among channels
    device = table[table["dimension"] == "device"].set_index("segment")
    assert device.loc["mobile", "ci_low"] > device.loc["desktop", "ci_high"]
    channel = table[table["dimension"] == "channel"].set_index("segment")
    assert channel.loc["web", "ci_low"] > channel.loc["marketplace", "ci_high"] > 0
    assert channel.loc["marketplace", "ci_low"] > channel.loc["app", "ci_high"]


def test_planted_abandonment_stages_are_recovered(sample_result):
    steps = sample_result.steps.set_index("step_name")
    for stage, share in TRUTH.events.abandon_stage.items():
        assert abs(steps.loc[stage, "share_of_abandoned"] - share) < 0.01, stage
    last = sample_result.last_events.set_index("event")["share"]
    for stage, share in TRUTH.events.abandon_stage.items():  # abandoned sessions end at their stage
        assert abs(last[stage] - share) < 0.01, stage


def test_sample_counts_match_a_plain_pandas_count(sample_result):
    events = pd.read_parquet(SAMPLE / "events.parquet", columns=["session_id", "ts", "event", "device"])
    cart = events[events["event"] == "add_to_cart"].groupby("session_id")["ts"].min().rename("cart")
    buys = events[events["event"] == "purchase"].merge(cart, left_on="session_id", right_index=True)
    bought = set(buys.loc[buys["ts"] >= buys["cart"], "session_id"])
    device = events.drop_duplicates("session_id").set_index("session_id")["device"]
    frame = pd.DataFrame({"device": device.reindex(cart.index), "bought": cart.index.isin(list(bought))})
    expected = (~frame["bought"]).groupby(frame["device"]).agg(["size", "sum"])
    got = sample_result.table[sample_result.table["dimension"] == "device"].set_index("segment")
    for dev, (carts, abandoned) in expected.iterrows():
        assert (got.loc[dev, "carts"], got.loc[dev, "abandoned"]) == (carts, abandoned)
    assert sample_result.overall.n == len(cart)


@pytest.mark.slow  # a property test over many random shops; `make test` runs it
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["c1", "c2"]),
            st.sampled_from(["s1", "s2"]),
            st.integers(0, 6),
            st.sampled_from(["cart", "checkout", "buy", "view"]),
            st.sampled_from(["mobile", "desktop"]),
        ),
        max_size=20,
    ),
    window=st.sampled_from([None, 2]),
)
def test_counts_match_brute_force(rows, window):
    df = events_frame(rows)
    result = cart_abandonment(
        df,
        by="device",
        cart_event="cart",
        purchase_event="buy",
        checkout_steps=["cart", "checkout"],
        count="customers",
        window=None if window is None else f"{window}min",
    )
    carts = abandoned = 0
    depth_lost = {1: 0, 2: 0}
    for _, g in df.groupby("customer_id"):
        g = g.sort_values(["ts", "event"])
        cart_ts = g.loc[g["event"] == "cart", "ts"]
        if cart_ts.empty:
            continue
        t1 = cart_ts.min()
        limit = pd.Timestamp.max.tz_localize("UTC") if window is None else t1 + pd.Timedelta(minutes=window)
        carts += 1
        bought = ((g["event"] == "buy") & (g["ts"] >= t1) & (g["ts"] <= limit)).any()
        went_on = ((g["event"] == "checkout") & (g["ts"] >= t1) & (g["ts"] <= limit)).any()
        if not bought:
            abandoned += 1
            depth_lost[2 if went_on else 1] += 1
    assert result.overall.n == carts
    assert (result.overall.value * carts if carts else 0) == pytest.approx(abandoned)
    assert result.steps["stopped_here"].tolist() == [depth_lost[1], depth_lost[2]]
    assert result.table["carts"].sum() == carts and result.table["abandoned"].sum() == abandoned


def test_suppression_figures_and_summary():
    rows = [(f"c{i}", "s", 0, "cart", "mobile" if i < 3 else "desktop") for i in range(12)]
    rows += [(f"c{i}", "s", 1, "buy", "desktop") for i in range(3, 6)]
    result = cart_abandonment(
        events_frame(rows),
        by="device",
        cart_event="cart",
        purchase_event="buy",
        checkout_steps=["cart"],
        min_n=5,
    )
    table = result.table.set_index("segment")
    assert table.loc["mobile", "suppressed"] and pd.isna(table.loc["mobile", "rate"])
    assert table.loc["desktop", "rate"] == pytest.approx(6 / 9)
    assert result.overall.value == pytest.approx(9 / 12)
    assert result.figure().data and result.steps_figure().data
    assert "mobile" not in " ".join(result.summary())
