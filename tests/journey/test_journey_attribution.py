"""Attribution: exact heuristics, exact Markov removal effects, paths built from events."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_journey_reference import channel_paths_reference, heuristic_reference, markov_reference

import cxlib
from cxlib import DataError
from cxlib.journey import attribution
from cxlib.sample.truth import TRUTH

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_markov_hand_checked_example():
    # a > b: 2 conversions; b: 1 null; a: 1 conversion, 1 null. Transition counts:
    # start→a 4, start→b 1; a→b 2, a→conv 1, a→null 1; b→conv 2, b→null 1.
    # P(conv | b) = 2/3; P(conv | a) = 1/4 + 1/2·2/3 = 7/12; P(conv) = 4/5·7/12 + 1/5·2/3 = 3/5.
    # Without a: 1/5·2/3 = 2/15 → RE_a = 1 − (2/15)/(3/5) = 7/9.
    # Without b: 4/5·1/4 = 1/5 → RE_b = 2/3. Credits: 3·(7/9)/(13/9) = 21/13, 3·(2/3)/(13/9) = 18/13.
    # Values: b converts with mean 100/2 = 50, a with 30/1 = 30. E[value] = 4/5·1/4·30 + 4/5·1/2·2/3·50
    # + 1/5·2/3·50 = 6 + 40/3 + 20/3 = 26; without a: 20/3 → 29/39; without b: 6 → 10/13 = 30/39.
    # Value credits: 130·29/59 = 3770/59 and 130·30/59 = 3900/59.
    table = pd.DataFrame(
        {
            "path": ["a > b", "b", "a"],
            "conversions": [2, 0, 1],
            "value": [100.0, 0.0, 30.0],
            "nulls": [0, 1, 1],
        }
    )
    result = attribution(table, "markov")
    got = result.table.set_index("channel")
    assert got.loc["a", "removal_effect"] == pytest.approx(7 / 9, abs=1e-12)
    assert got.loc["b", "removal_effect"] == pytest.approx(2 / 3, abs=1e-12)
    assert got.loc["a", "markov_conversions"] == pytest.approx(21 / 13, abs=1e-9)
    assert got.loc["b", "markov_conversions"] == pytest.approx(18 / 13, abs=1e-9)
    assert got.loc["a", "removal_effect_value"] == pytest.approx(29 / 39, abs=1e-12)
    assert got.loc["b", "removal_effect_value"] == pytest.approx(30 / 39, abs=1e-12)
    assert got.loc["a", "markov_value"] == pytest.approx(3770 / 59, abs=1e-9)
    assert got.loc["b", "markov_value"] == pytest.approx(3900 / 59, abs=1e-9)
    assert result.conversion_probability == pytest.approx(3 / 5, abs=1e-12)
    probs = result.transition_matrix.set_index(["from", "to"])["probability"]
    assert probs[("(start)", "a")] == pytest.approx(0.8) and probs[("a", "(conversion)")] == pytest.approx(
        0.25
    )


def test_markov_matches_published_channelattribution_example():
    # pychattr README (ChannelAttribution port): three converting paths, 10,000 simulations give
    # A 1.991106, B 1.008894. The exact chain: removing B leaves P = 1/2, removing A leaves 0,
    # so the shares are 1 : 1/2, i.e. A = 2, B = 1.
    table = pd.DataFrame(
        {
            "path": ["A > B > A > B > B > A", "A > B > B > A > A", "A > A"],
            "conversions": [1, 1, 1],
            "value": [1.0, 1.0, 1.0],
        }
    )
    got = attribution(table, "markov").table.set_index("channel")["markov_conversions"]
    assert got["A"] == pytest.approx(2.0, abs=1e-12) and got["B"] == pytest.approx(1.0, abs=1e-12)
    assert abs(got["A"] - 1.991106) < 0.02 and abs(got["B"] - 1.008894) < 0.02


path_tables = st.lists(
    st.tuples(
        st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=5),
        st.integers(0, 3),
        st.integers(0, 3),
        st.integers(1, 100),
    ),
    min_size=1,
    max_size=8,
)


def _table(rows):
    return pd.DataFrame(
        {
            "path": [" > ".join(p) for p, *_ in rows],
            "conversions": [c for _, c, _, _ in rows],
            "value": [float(v) if c else 0.0 for _, c, _, v in rows],
            "nulls": [n for _, _, n, _ in rows],
        }
    )


@FAST
@given(rows=path_tables, order=st.sampled_from([1, 2]))
def test_markov_removal_effects_match_exact_rational_solution(rows, order):
    table = _table(rows)
    result = attribution(table, "markov", order=order)
    paths = [p for p, *_ in rows]
    effects, value_effects, p, _e = markov_reference(
        paths, table["conversions"], table["nulls"], [Fraction(v) for v in table["value"]], order=order
    )
    got = result.table.set_index("channel")
    for ch, re in effects.items():
        assert got.loc[ch, "removal_effect"] == pytest.approx(float(re), abs=1e-9)
        assert got.loc[ch, "removal_effect_value"] == pytest.approx(float(value_effects[ch]), abs=1e-9)
    assert result.conversion_probability == pytest.approx(float(p), abs=1e-12)
    total = float(table["conversions"].sum())
    assert got["markov_conversions"].sum() == pytest.approx(total if p else 0.0, abs=1e-9)
    if p:
        share = {ch: float(re / sum(effects.values())) for ch, re in effects.items()}
        for ch, s in share.items():
            assert got.loc[ch, "markov_conversions"] == pytest.approx(total * s, abs=1e-9)


@FAST
@given(
    rows=path_tables,
    weights=st.sampled_from([(0.4, 0.2, 0.4), (0.3, 0.3, 0.4), (0.5, 0.0, 0.5)]),
    half_life=st.sampled_from([0.5, 1.0, 3.0]),
)
def test_heuristics_are_exact_and_sum_to_totals(rows, weights, half_life):
    table = _table(rows)
    result = attribution(table, "all", position_weights=weights, half_life=half_life)
    got = result.table.set_index("channel")
    paths = [p for p, *_ in rows]
    for method in ("first", "last", "linear", "position", "time_decay"):
        conv, val = heuristic_reference(
            paths, table["conversions"], table["value"], method, weights, half_life
        )
        for ch in got.index:
            assert got.loc[ch, f"{method}_conversions"] == pytest.approx(conv.get(ch, 0.0), abs=1e-9)
            assert got.loc[ch, f"{method}_value"] == pytest.approx(val.get(ch, 0.0), abs=1e-9)
        assert got[f"{method}_conversions"].sum() == pytest.approx(table["conversions"].sum(), abs=1e-9)
        assert got[f"{method}_value"].sum() == pytest.approx(table["value"].sum(), abs=1e-6)


T0 = pd.Timestamp("2024-05-01", tz="UTC")
event_rows = st.lists(
    st.tuples(
        st.sampled_from(["c1", "c2"]),
        st.integers(0, 5),  # session
        st.integers(0, 40),  # day
        st.sampled_from(["view", "view", "purchase"]),
        st.sampled_from([None, "email", "search", "social"]),
        st.integers(1, 90),
    ),
    max_size=25,
)


def _events(rows):
    df = pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "session_id": [f"s{r[1]}" for r in rows],
            "ts": [T0 + pd.Timedelta(days=r[2]) for r in rows],
            "event": [r[3] for r in rows],
            "source": [r[4] for r in rows],
            "revenue": [float(r[5]) if r[3] == "purchase" else None for r in rows],
        },
        columns=["customer_id", "session_id", "ts", "event", "source", "revenue"],
    )
    return df.astype({"ts": "datetime64[us, UTC]", "source": "object", "revenue": "float64"})


@pytest.mark.slow  # a property test over many random shops; `make test` runs it
@FAST
@given(rows=event_rows, lookback=st.sampled_from([3, 10, 30]), cap=st.sampled_from([2, 20]))
def test_paths_from_events_match_brute_force(rows, lookback, cap):
    df = _events(rows)
    want, decay = channel_paths_reference(
        df, pd.Timedelta(days=lookback), cap, half_life=pd.Timedelta(days=7)
    )
    result = attribution(df, ["last", "time_decay"], lookback=f"{lookback}D", max_touchpoints=cap)
    got = {p: [c, v, n] for p, c, v, n in result.paths.itertuples(index=False)}
    assert set(got) == set(want)
    for path, (c, v, n) in want.items():
        assert got[path][0] == c and got[path][2] == n
        assert got[path][1] == pytest.approx(v)
    purchases = df[df["event"] == "purchase"]
    assert result.total_conversions + result.unattributed_conversions == len(purchases)
    assert result.total_value + result.unattributed_value == pytest.approx(purchases["revenue"].sum())
    credited = result.table.set_index("channel")
    for ch, (c, v) in decay.items():
        assert credited.loc[ch, "time_decay_conversions"] == pytest.approx(c, abs=1e-9)
        assert credited.loc[ch, "time_decay_value"] == pytest.approx(v, abs=1e-6)


def test_lookback_sessions_and_null_paths_by_hand():
    df = _events(
        [
            ("c1", 1, 0, "view", "email", 1),
            ("c1", 1, 0, "view", "email", 1),  # one touch per session
            ("c1", 2, 5, "view", "search", 1),
            ("c1", 2, 5, "purchase", "search", 50),
            ("c1", 3, 6, "view", "social", 1),
            ("c1", 4, 20, "purchase", None, 20),  # within 30 days of day 6
            ("c1", 5, 25, "view", "email", 1),  # after the last purchase: null path
            ("c2", 1, 0, "view", "search", 1),
            ("c2", 2, 40, "purchase", None, 10),  # touch too old
        ]
    )
    result = attribution(df, "all", lookback="30D")
    assert dict(
        zip(
            result.paths["path"],
            zip(result.paths["conversions"], result.paths["nulls"], strict=True),
            strict=True,
        )
    ) == {
        "email > search": (1, 0),
        "social": (1, 0),
        "email": (0, 1),
    }
    assert result.unattributed_conversions == 1 and result.unattributed_value == 10.0
    got = result.table.set_index("channel")
    assert got.loc["email", "first_conversions"] == 1 and got.loc["search", "last_value"] == 50.0
    assert got.loc["social", "linear_conversions"] == 1


def test_last_touch_recovers_the_planted_source_mix():
    if not (SAMPLE / "events.parquet").exists():
        pytest.skip("no sample shop")
    shop = cxlib.open_shop(SAMPLE)
    online = nw.from_native(shop.events).filter(nw.col("channel") != "store").to_native()
    result = attribution(online, ["last", "markov"])
    e = TRUTH.events
    weights = {s: e.source_share[s] * e.source_conversion[s] for s in e.source_share}
    total = sum(weights.values())
    last = result.table.set_index("channel")["last_conversions"] / result.total_conversions
    for source, w in weights.items():
        assert abs(last[source] - w / total) < 0.012, (source, last[source], w / total)
    assert result.unattributed_conversions <= 5  # every online purchase session is a touchpoint
    markov = result.table.set_index("channel")["markov_conversions"]
    assert markov.sum() == pytest.approx(result.total_conversions, rel=1e-12)


def test_bad_inputs():
    with pytest.raises(DataError, match="conversions"):
        attribution(pd.DataFrame({"path": ["a"], "conversions": [-1]}))
    with pytest.raises(DataError, match="source"):
        attribution(pd.DataFrame({"customer_id": ["c"], "ts": [T0], "event": ["purchase"]}))
    with pytest.raises(ValueError, match="method"):
        attribution(pd.DataFrame({"path": ["a"], "conversions": [1]}), "shapley")
    with pytest.raises(ValueError, match="position_weights"):
        attribution(
            pd.DataFrame({"path": ["a"], "conversions": [1]}), "position", position_weights=(0.5, 0.5, 0.5)
        )
    with pytest.raises(ValueError, match="steps"):
        attribution(pd.DataFrame({"path": ["a"], "conversions": [1]}), "time_decay", half_life="7D")


def test_figure_and_summary():
    table = pd.DataFrame(
        {
            "path": ["email > web", "web", "social > email"],
            "conversions": [3, 1, 2],
            "value": [300.0, 50.0, 80.0],
            "nulls": [2, 5, 4],
        }
    )
    result = attribution(table, "all")
    fig = result.figure()
    assert len(fig.data) == 6 and math.isclose(sum(sum(t.y) for t in fig.data), 6.0)
    assert result.figure("value").data
    assert all(isinstance(s, str) for s in result.summary())
    long = result.long()
    assert np.allclose(long.groupby("method")["share"].sum(), 1.0)
