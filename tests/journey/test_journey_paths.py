"""Paths, the Sankey links, the step matrix and the transition matrix against brute force."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_journey_funnel import events_frame, row_strategy
from test_journey_reference import paths_reference, sequences_reference, transitions_reference

from cxlib.journey import paths, step_matrix, transitions

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(
    rows=st.lists(row_strategy, min_size=1, max_size=30),
    anchor=st.sampled_from([None, ("start", "a"), ("end", "b")]),
    steps=st.integers(1, 4),
    collapse=st.booleans(),
    count=st.sampled_from(["customers", "sessions"]),
)
def test_paths_match_brute_force(rows, anchor, steps, collapse, count):
    df = events_frame(rows)
    kwargs = {anchor[0]: anchor[1]} if anchor else {}
    result = paths(df, steps=steps, collapse_repeats=collapse, count=count, top=1000, **kwargs)
    want = paths_reference(df, steps=steps, collapse=collapse, count=count, **kwargs)
    got = Counter(
        {
            tuple(p.split(" > ")): int(u)
            for p, u in zip(result.all_paths["path"], result.all_paths["units"], strict=True)
        }
    )
    assert got == want
    assert result.units == sum(want.values())
    if result.units:
        assert result.all_paths["share"].sum() == pytest.approx(1.0)
    # the Sankey keeps every unit: flows out of the first step add up to the units that have one
    first = result.links[result.links["step"] == 1]
    if end := kwargs.get("end"):
        assert first["units"].sum() <= result.units
        assert end in set(result.links["target"]) or steps == 1 or result.units == 0
    else:  # every path has a first step, and goes on to a second one or to "(end)"
        assert first["units"].sum() == (sum(want.values()) if steps > 1 else 0)


@FAST
@given(
    rows=st.lists(row_strategy, min_size=0, max_size=30),
    collapse=st.booleans(),
    include_ends=st.booleans(),
    count=st.sampled_from(["customers", "sessions"]),
)
def test_transitions_match_brute_force(rows, collapse, include_ends, count):
    df = events_frame(rows)
    result = transitions(df, count=count, collapse_repeats=collapse, include_ends=include_ends)
    want = transitions_reference(df, count=count, collapse=collapse, include_ends=include_ends)
    got = Counter(
        {
            (a, b): int(c)
            for a, b, c in zip(result.table["from"], result.table["to"], result.table["count"], strict=True)
        }
    )
    assert got == want
    if not result.table.empty:
        sums = result.table.groupby("from")["probability"].sum()
        np.testing.assert_allclose(sums.to_numpy(), 1.0)
        assert (result.matrix("count").to_numpy().sum()) == sum(want.values())


@FAST
@given(
    rows=st.lists(row_strategy, min_size=1, max_size=30),
    steps=st.integers(1, 5),
    count=st.sampled_from(["customers", "sessions"]),
)
def test_step_matrix_matches_brute_force(rows, steps, count):
    df = events_frame(rows)
    result = step_matrix(df, steps=steps, count=count)
    seqs = sequences_reference(df, count, False)
    assert result.units == len(seqs)
    for k in range(1, steps + 1):
        want = Counter(s[k - 1] if len(s) >= k else "(ended)" for s in seqs)
        got = {e: int(n) for e, n in result.counts[k].items() if n}
        assert got == dict(want)
    np.testing.assert_allclose(result.table.sum(axis=0).to_numpy(), 1.0)


def test_sankey_groups_rare_events_and_marks_ends():
    rows = []
    for i in range(6):  # 6 customers: start > view > cart
        rows += [
            (f"v{i}", "s", 0, "start", "m"),
            (f"v{i}", "s", 1, "view", "m"),
            (f"v{i}", "s", 2, "cart", "m"),
        ]
    for i in range(3):  # 3 customers: start > search (then nothing)
        rows += [(f"s{i}", "s", 0, "start", "m"), (f"s{i}", "s", 1, "search", "m")]
    rows += [("x", "s", 0, "start", "m"), ("x", "s", 1, "wishlist", "m")]  # rare second step
    result = paths(events_frame(rows), steps=3, nodes_per_step=2)
    links = {(r.step, r.source, r.target): r.units for r in result.links.itertuples()}
    assert links == {
        (1, "start", "view"): 6,
        (1, "start", "search"): 3,
        (1, "start", "other"): 1,
        (2, "view", "cart"): 6,
        (2, "search", "(end)"): 3,
        (2, "other", "(end)"): 1,
    }
    assert result.table["path"].tolist()[:2] == ["start > view > cart", "start > search"]
    fig = result.figure()
    assert fig.data[0].type == "sankey" and sum(fig.data[0].link.value) == 20


def test_paths_to_an_end_event_are_right_aligned():
    rows = [
        ("a", "s", 0, "view", "m"),
        ("a", "s", 1, "cart", "m"),
        ("a", "s", 2, "buy", "m"),
        ("b", "s", 0, "buy", "m"),
    ]
    result = paths(events_frame(rows), end="buy", steps=3)
    assert dict(zip(result.table["path"], result.table["units"], strict=True)) == {
        "view > cart > buy": 1,
        "buy": 1,
    }
    links = {(r.step, r.source, r.target): r.units for r in result.links.itertuples()}
    assert links == {(1, "view", "cart"): 1, (2, "cart", "buy"): 1, (2, "(start)", "buy"): 1}


def test_ties_are_ordered_by_event_name():
    rows = [("a", "s", 0, "b", "m"), ("a", "s", 0, "a", "m"), ("a", "s", 1, "a", "m")]
    t = transitions(events_frame(rows))
    assert set(zip(t.table["from"], t.table["to"], strict=True)) == {
        ("(start)", "a"),
        ("a", "b"),
        ("b", "a"),
        ("a", "(end)"),
    }
    m = t.matrix()
    assert next(iter(m.index)) == "(start)" and list(m.columns)[-1] == "(end)"
    assert m.loc["a", "b"] == 0.5 and m.loc["a", "(end)"] == 0.5


def test_results_render():
    df = events_frame([(f"c{i % 4}", "s", i, "abcd"[i % 3], "m") for i in range(20)])
    for result in (paths(df), step_matrix(df, steps=3), transitions(df)):
        assert result.figure().data
        assert all(isinstance(s, str) and s for s in result.summary())
    assert paths(df).bar_figure().data
    with pytest.raises(ValueError, match="start or end"):
        paths(df, start="a", end="b")
    pd.testing.assert_frame_equal(
        df, events_frame([(f"c{i % 4}", "s", i, "abcd"[i % 3], "m") for i in range(20)])
    )
