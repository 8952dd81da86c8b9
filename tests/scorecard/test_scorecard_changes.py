"""What changed, omnichannel consistency and small-cell suppression."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests

from cxlib import DataError
from cxlib.scorecard import consistency, scorecard
from cxlib.scorecard.charts import TOO_FEW
from tests.scorecard.shops import random_shop


def nps_answers(plan: dict[tuple[str, str], tuple[int, float, float]], seed: int = 1) -> pd.DataFrame:
    """NPS answers: (month, channel) → (n, share of promoters, share of detractors)."""
    rng = np.random.default_rng(seed)
    frames = []
    for (month, channel), (n, promoters, detractors) in plan.items():
        kind = rng.choice([10, 8, 3], n, p=[promoters, 1 - promoters - detractors, detractors])
        ts = pd.Timestamp(f"{month}-01", tz="UTC") + pd.to_timedelta(
            rng.integers(0, 27 * 86_400, n), unit="s"
        )
        frames.append(pd.DataFrame({"ts": ts, "metric": "nps", "score": kind, "channel": channel}))
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "response_id", [f"R{i}" for i in range(len(out))])
    return out


PLAN = {
    **{(m, "web"): (400, 0.5, 0.2) for m in ("2024-01", "2024-02", "2024-03")},
    **{(m, "marketplace"): (400, 0.5, 0.2) for m in ("2024-01", "2024-02")},
    ("2024-03", "marketplace"): (400, 0.25, 0.45),  # planted drop: NPS 30 → −20
    **{(m, "app"): (20, 0.5, 0.2) for m in ("2024-01", "2024-02", "2024-03")},  # too few answers
}


def test_a_planted_drop_is_flagged_and_explained() -> None:
    card = scorecard({"surveys": nps_answers(PLAN)}, by="channel", period="month", complete_periods=False)
    changes = card.changes()
    march = changes[changes["period"] == "2024-03"].set_index("channel")
    assert march.loc["marketplace", "significant"] and march.loc["marketplace", "change"] == "worse"
    assert march.loc["All", "significant"] and march.loc["All", "difference"] < 0
    assert not march.loc["web", "significant"]
    assert "app" not in march.index  # suppressed cells are never compared
    # the NPS difference test on the table's own numbers
    t = card.table.set_index(["channel", "period"])
    a, b = t.loc[("marketplace", "2024-02")], t.loc[("marketplace", "2024-03")]
    z = (b["value"] - a["value"]) / np.hypot(a["se"], b["se"])
    assert march.loc["marketplace", "p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)))
    sentence = card.summary(["nps"])[0]
    assert sentence.startswith("NPS ") and "in 2024-03, down" in sentence and "significant" in sentence
    assert "the largest move is in marketplace" in sentence
    fig = card.figure("nps")
    market = next(tr for tr in fig.data if tr.name == "marketplace")
    assert list(market.marker.symbol) == ["circle", "circle", "triangle-down"]
    assert "app (too few answers)" in [tr.name for tr in fig.data]


def test_q_values_are_benjamini_hochberg_over_the_table() -> None:
    card = scorecard(random_shop(21), by="channel", period="month", min_n=5)
    changes = card.changes()
    expected = multipletests(changes["p_value"].dropna(), method="fdr_bh")[1]
    assert changes["q_value"].dropna().to_numpy() == pytest.approx(expected)
    assert (changes["significant"] == (changes["q_value"].fillna(1) < card.alpha)).all()


def test_consistency_names_the_largest_gap() -> None:
    card = scorecard({"surveys": nps_answers(PLAN)}, by="channel", period="month", complete_periods=False)
    result = consistency(card)
    row = result.table.set_index("metric").loc["nps"]
    assert row["period"] == "2024-03" and row["segments"] == 2  # app suppressed
    assert (row["best_segment"], row["worst_segment"]) == ("web", "marketplace")
    values = card.table.query("period == '2024-03'").set_index("channel")["value"]
    assert row["gap"] == pytest.approx(values["web"] - values["marketplace"])
    assert row["significant"] and row["test"] == "Cochran's Q"
    sentence = result.summary()[0]
    assert sentence.startswith("NPS differs across channels") and "best web" in sentence
    assert "worst marketplace" in sentence and "points" in sentence
    earlier = consistency(card, period="2024-01").table.set_index("metric").loc["nps"]
    assert not earlier["significant"]
    fig = result.figure("nps")
    assert any(a.text == TOO_FEW for a in fig.layout.annotations)
    assert result.formatted().loc[0, "Best"].startswith("web ")
    with pytest.raises(DataError):
        consistency(scorecard({"surveys": nps_answers(PLAN)}, period="month", complete_periods=False))
    with pytest.raises(DataError):
        consistency(card, period="1999-01")


def _check_no_small_cell_leaks(shop: dict, min_n: int, period: str | None) -> None:
    full = scorecard(shop, by="channel", period=period, min_n=1)
    card = scorecard(shop, by="channel", period=period, min_n=min_n)
    t, f = card.table, full.table
    assert (t["suppressed"].to_numpy() == (f["n"] < min_n).to_numpy()).all()
    small = t[t["suppressed"]]
    assert small["n"].isna().all()
    assert small[["value", "ci_low", "ci_high", "se"]].isna().all().all()
    shown = t[~t["suppressed"]]
    assert (shown["n"] >= min_n).all()
    pd.testing.assert_frame_equal(
        shown.drop(columns="suppressed"), f[~t["suppressed"]].drop(columns="suppressed")
    )
    # invariants of the shown values
    nps = shown[shown["kind"] == "nps"]
    assert (
        nps["value"].between(-100, 100).all()
        and nps["ci_low"].ge(-100).all()
        and nps["ci_high"].le(100).all()
    )
    shares = shown[shown["kind"] == "proportion"]
    assert (
        shares["value"].between(0, 1).all() and shares["ci_low"].ge(0).all() and shares["ci_high"].le(1).all()
    )
    # an interval may be undefined (a mean of one unit, a ratio over one customer), never inverted
    assert ((shown["ci_low"] <= shown["value"] + 1e-9) | shown["ci_low"].isna()).all()
    assert ((shown["value"] <= shown["ci_high"] + 1e-9) | shown["ci_high"].isna()).all()
    # nothing downstream shows a suppressed cell as a number
    keys = set(zip(small["metric"], small["channel"], small["period"], strict=True))
    changes = card.changes()
    assert not keys & set(zip(changes["metric"], changes["channel"], changes["period"], strict=True))
    assert not keys & set(zip(changes["metric"], changes["channel"], changes["previous_period"], strict=True))
    view = card.formatted()
    assert view.drop(columns="period").map(lambda v: v == TOO_FEW or not v.startswith("nan")).all().all()
    for metric in sorted(set(small["metric"]))[:1]:
        fig = card.figure(metric)
        for trace in fig.data:
            y = np.asarray(trace.y, dtype=float)
            hover = list(trace.hovertext)
            for value, text in zip(y, hover, strict=True):
                assert (TOO_FEW in text) == bool(np.isnan(value))
    if len(set(t["channel"])) > 2:
        across = consistency(card)
        used = across.cells[~across.cells["suppressed"]]
        assert (used["n"] >= min_n).all()
        assert across.cells.loc[across.cells["suppressed"], "value"].isna().all()


@pytest.mark.slow  # a property test over many random shops; `make test` runs it
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    min_n=st.integers(2, 60),
    period=st.sampled_from(["month", "week", "quarter", None]),
    orders=st.integers(30, 300),
)
def test_suppression_never_leaks_a_small_cell(seed: int, min_n: int, period: str | None, orders: int) -> None:
    shop = random_shop(seed, orders=orders, answers=orders, sessions=orders // 2, days=200)
    _check_no_small_cell_leaks(shop, min_n, period)


def test_an_empty_scorecard_still_reports() -> None:
    shop = random_shop(0, orders=31, answers=31, sessions=15, days=60, start="2024-01-05")
    card = scorecard(shop, by="channel", period="quarter")  # every quarter is partial
    assert card.table.empty and card.changes().empty and card.formatted().empty
    assert any("Partial quarters" in s for s in card.summary())
    assert card.formatted_changes().empty


def test_suppressed_cells_read_too_few_answers() -> None:
    card = scorecard({"surveys": nps_answers(PLAN)}, by="channel", period="month", complete_periods=False)
    view = card.formatted("2024-03")
    assert view.loc[view.index[0], "app"] == TOO_FEW
    assert view.loc[view.index[0], "web"].endswith("n=400")
    assert any("too few answers" in s for s in card.summary())


def test_consistency_adjusts_for_the_number_of_metrics() -> None:
    card = scorecard(
        random_shop(22, orders=800, answers=800, sessions=400), by="channel", period=None, min_n=5
    )
    table = consistency(card).table
    tested = table["p_value"].notna()
    expected = multipletests(table.loc[tested, "p_value"], method="fdr_bh")[1]
    assert table.loc[tested, "q_value"].to_numpy() == pytest.approx(expected)
    assert (table["significant"] == (table["q_value"].fillna(1) < 0.05)).all()
