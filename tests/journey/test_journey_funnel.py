"""Funnel semantics against a brute-force reference (tests/journey/test_journey_reference.py).

Random event logs with many ties (minute resolution, few event names), repeated and
overlapping steps, windows, the three order modes, customers and sessions, segments.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_journey_reference import funnel_reference

from cxlib import DataError
from cxlib.journey import funnel

T0 = pd.Timestamp("2024-03-01", tz="UTC")


def events_frame(rows: list[tuple[str, str, int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "session_id": [r[1] for r in rows],
            "ts": [T0 + pd.Timedelta(minutes=r[2]) for r in rows],
            "event": [r[3] for r in rows],
            "device": [r[4] for r in rows],
        },
        columns=["customer_id", "session_id", "ts", "event", "device"],
    ).astype({"ts": "datetime64[us, UTC]"})


def compare(df, steps, *, window, order, count, by):
    result = funnel(df, steps, window=window, order=order, count=count, by=by, next_events=1000)
    stats, nexts = funnel_reference(df, steps, window=window, order=order, count=count, by=by)
    got = {}
    for row in result.table.to_dict("records"):
        segment = row[by] if by else "all"
        if row["entrants"] > 0:
            got[(segment, row["step"])] = row
    assert set(got) == set(stats), set(got) ^ set(stats)
    for key, want in stats.items():
        row = got[key]
        assert row["entrants"] == want["entrants"], key
        for col, ref in [("time_q1_s", "q1"), ("time_median_s", "median"), ("time_q3_s", "q3")]:
            assert math.isclose(row[col], want[ref], abs_tol=1e-6), (key, col, row[col], want[ref])
    got_next = {(r["step"], r["next_event"]): r["units"] for r in result.next_events.to_dict("records")}
    assert got_next == nexts
    # invariants: counts never increase along the funnel; conversion shares in [0, 1]
    for _, part in result.table.groupby(by or (lambda _: 0)):
        assert (np.diff(part["entrants"].to_numpy()) <= 0).all()
        assert part["conversion_from_start"].dropna().between(0, 1).all()


row_strategy = st.tuples(
    st.sampled_from(["c1", "c2", "c3"]),
    st.sampled_from(["s1", "s2"]),
    st.integers(0, 12),
    st.sampled_from(["a", "b", "c", "d"]),
    st.sampled_from(["mobile", "desktop"]),
)
step_strategy = st.one_of(
    st.sampled_from(["a", "b", "c", "d"]),
    st.sets(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=2).map(sorted),
)


@pytest.mark.slow  # a property test over many random shops; `make test` runs it
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(row_strategy, min_size=0, max_size=30),
    steps=st.lists(step_strategy, min_size=1, max_size=4),
    order=st.sampled_from(["strict", "direct", "any"]),
    window=st.sampled_from([None, 0, 2, 5]),
    count=st.sampled_from(["customers", "sessions"]),
    by=st.sampled_from([None, "device"]),
)
def test_funnel_matches_brute_force(rows, steps, order, window, count, by):
    df = events_frame(rows)
    window = None if window is None else pd.Timedelta(minutes=window)
    sets = [frozenset([s]) if isinstance(s, str) else frozenset(s) for s in steps]
    partial_overlap = any(a != b and a & b for a in sets for b in sets)
    if order == "any" and partial_overlap:
        with pytest.raises(ValueError, match="identical or share no event"):
            funnel(df, steps, order=order)
        return
    compare(df, steps, window=window, order=order, count=count, by=by)


def test_hand_example_ties_window_and_repeats():
    # c1: view@0, cart@0 (tie: cart may share view's timestamp), pay@5
    # c2: view@0, view@1, cart@20 (outside a 10-minute window)
    # c3: cart@0, view@3 (cart before view does not count in strict order), cart@4
    df = events_frame(
        [
            ("c1", "s", 0, "cart", "m"),
            ("c1", "s", 0, "view", "m"),
            ("c1", "s", 5, "pay", "m"),
            ("c2", "s", 0, "view", "d"),
            ("c2", "s", 1, "view", "d"),
            ("c2", "s", 20, "cart", "d"),
            ("c3", "s", 0, "cart", "d"),
            ("c3", "s", 3, "view", "d"),
            ("c3", "s", 4, "cart", "d"),
        ]
    )
    f = funnel(df, ["view", "cart", "pay"], window="10min")
    assert f.table["entrants"].tolist() == [3, 2, 1]
    assert f.table["time_median_s"].tolist() == [0.0, 30.0, 300.0]  # c1 0 s and c3 60 s
    assert f.table["conversion_from_start"].tolist() == pytest.approx([1, 2 / 3, 1 / 3])
    # repeated step: two distinct views needed
    assert funnel(df, ["view", "view"]).table["entrants"].tolist() == [3, 1]
    # direct: c1's view is directly followed by cart at the same timestamp
    assert funnel(df, ["view", "cart"], order="direct").table["entrants"].tolist() == [3, 2]
    # any order: c3 has view then cart within the window; c1 too; c2's cart is too late
    assert funnel(df, ["view", "cart"], order="any", window="10min").table["entrants"].tolist() == [3, 2]
    nexts = funnel(df, ["view", "cart", "pay"], window="10min").next_events
    got = set(zip(nexts["step"], nexts["next_event"], nexts["units"], strict=True))
    assert got == {(1, "view", 1), (2, "(no further events)", 1)}


def test_wilson_interval_and_suppression():
    df = events_frame(
        [(f"c{i}", "s", 0, "a", "m" if i < 3 else "d") for i in range(20)]
        + [(f"c{i}", "s", 1, "b", "d") for i in range(3, 13)]
    )
    f = funnel(df, ["a", "b"], by="device", min_n=5)
    desktop = f.table[f.table["device"] == "d"].set_index("step")
    # Wilson interval for 10/17 at 95 %: closed form
    p, n, z = 10 / 17, 17, 1.959963984540054
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    assert desktop.loc[2, "conversion_ci_low"] == pytest.approx(centre - half, abs=1e-12)
    assert desktop.loc[2, "conversion_ci_high"] == pytest.approx(centre + half, abs=1e-12)
    mobile = f.table[f.table["device"] == "m"]
    assert mobile["suppressed"].all() and mobile["entrants"].isna().all()
    assert not desktop["suppressed"].any()


def test_bad_input_names_table_and_column():
    df = events_frame([("c1", "s", 0, "a", "m")])
    with pytest.raises(DataError, match=r"'events'.*'session_id'|session_id"):
        funnel(df.drop(columns="session_id"), ["a"], count="sessions")
    with pytest.raises(DataError, match="timestamp_type"):
        funnel(df.assign(ts=df["ts"].dt.tz_localize(None)), ["a"])
    with pytest.raises(ValueError, match="order"):
        funnel(df, ["a"], order="sideways")
    with pytest.raises(ValueError, match="duration"):
        funnel(df, ["a"], window="soon")
    before = df.copy()
    funnel(df, ["a", "b"], by="device")
    pd.testing.assert_frame_equal(df, before)
