"""Report sentences that must not contradict each other (issue 20).

A/B: a test can be significant at its planned end (fixed horizon) while the always-valid
bands, built to allow looking every day, never exclude zero. The sequential summary must
then not read as if the page's "ship" were unfounded: it names the fixed-horizon test.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxlib import experiments as ab


def _daily(rates: dict[str, float], days: int = 10, per_day: int = 500) -> pd.DataFrame:
    frames = []
    for variant, rate in rates.items():
        conversions = round(rate * per_day)
        frames.append(
            pd.DataFrame(
                {
                    "period": pd.date_range("2026-01-01", periods=days, tz="UTC"),
                    "variant": variant,
                    "metric": "conversion",
                    "n": per_day,
                    "sum": conversions,
                    "sum_sq": conversions,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_no_early_stop_is_not_worded_against_a_fixed_horizon_decision() -> None:
    table = _daily({"control": 0.100, "treatment": 0.115})
    # independent truth: the pooled two-proportion z test at the planned end is significant
    n = 5000
    p1, p2 = 0.100, 0.115
    pooled = (p1 + p2) / 2
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * 2 / n)
    assert 2 * stats.norm.sf(z) < 0.05
    seq = ab.effect_over_time(table, relative=False, n_star=10_000, adjust=None)
    assert seq.conclusive_at["first_conclusive"].isna().all()  # never conclusive at a look
    early, decides = seq.summary()
    assert "not conclusive" not in early + decides
    assert early.startswith("No early stop for conversion (treatment)")
    assert "planned sample (10,000 units) was reached" in decides and "fixed-horizon test" in decides
    decision = ab.compare(table, relative=False).decision()
    assert decision.verdict == "ship"  # the page decides "ship": the bands' sentence must not deny it
    late = ab.effect_over_time(table, relative=False, n_star=20_000, adjust=None).summary()
    assert "not reached yet (10,000 so far)" in late[-1] and "decides" not in " ".join(late)


def _metrics_daily(days: int = 10, per_day: int = 2000) -> pd.DataFrame:
    """Daily sums of three metrics, treatment better on each, none conclusive at a look."""
    frames = []
    for variant, lift in (("control", 1.0), ("treatment", 1.06)):
        for metric, mean, sd in (("conversion", 0.10, None), ("revenue", 10.0, 30.0), ("items", 1.0, 2.0)):
            m = mean * lift
            second = m if sd is None else sd**2 + m**2  # E[x^2] per unit (x^2 = x for 0/1)
            frames.append(
                pd.DataFrame(
                    {
                        "period": pd.date_range("2026-01-01", periods=days, tz="UTC"),
                        "variant": variant,
                        "metric": metric,
                        "n": per_day,
                        "sum": m * per_day,
                        "sum_sq": second * per_day,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def test_sequential_wording_is_said_once_per_page_not_per_metric() -> None:
    table = _metrics_daily()
    seq = ab.effect_over_time(table, n_star=40_000)
    assert seq.conclusive_at["first_conclusive"].isna().all()
    text = seq.summary()
    joined = " ".join(text)
    # one sentence for every result that never stopped early, one for which test decides
    assert sum("No early stop" in s for s in text) == 1
    assert sum("decides" in s for s in text) == 1
    assert all(f"{m} (treatment)" in joined for m in ("conversion", "revenue", "items"))
    assert "not conclusive" not in joined and "never excluded zero" in joined
    assert joined.count("never excluded zero") == 1


def test_scorecard_gaps_rank_by_customers_affected_not_by_p_value() -> None:
    from cxlib.scorecard.impact import rank_by_impact

    differences = pd.DataFrame(
        {
            "metric": ["cart_abandonment", "nps", "csat", "return_rate", "aov"],
            "best_value": [0.616, 62.5, 0.70, 0.054, 67.6],
            "worst_value": [0.731, -1.5, 0.333, 0.131, 65.6],
            "worst_segment": ["web", "marketplace", "marketplace", "marketplace", "web"],
            "gap": [0.115, 64.0, 0.367, 0.077, 2.0],
            "p_value": [6e-41, 5e-12, 4e-4, 9e-8, 0.87],
            "significant": [True, True, True, True, False],
        }
    )
    latest = pd.DataFrame(
        {
            "metric": ["nps", "csat", "cart_abandonment", "return_rate", "aov"]
            + ["repeat_rate"] * 2
            + ["purchase_frequency"],
            "channel": ["All", "All", "All", "All", "All", "marketplace", "web", "web"],
            "n": [1186, 190, 18735, 6115, 6115, 1227, 2273, 9999],
            "kind": ["nps", "proportion", "proportion", "ratio", "ratio", "proportion", "proportion", "mean"],
        }
    )
    ranked = rank_by_impact(differences, latest, "channel")
    # by hand: csat 0.367 x 1227 = 450; nps 64/200 x 1227 = 393; cart 0.115 x 2273 = 261;
    # return rate (a share) 0.077 x 1227 = 94; aov is not significant
    assert ranked["metric"].tolist() == ["csat", "nps", "cart_abandonment", "return_rate"]
    expected = [0.367 * 1227, 64 / 200 * 1227, 0.115 * 2273, 0.077 * 1227]
    assert ranked["impact"].tolist() == pytest.approx(expected)
    # the smallest p-value (cart abandonment) is not what comes first
    assert ranked["metric"].iloc[0] != differences.sort_values("p_value")["metric"].iloc[0]


def test_all_above_every_channel_is_explained_under_the_table() -> None:
    from cxlib.scorecard.footnotes import all_outside_segments

    # two customers: A orders once on web and once in the app (repeat overall, one-time in each
    # channel), B orders twice on the web; computed by hand, as the scorecard defines the rate
    orders = pd.DataFrame(
        {"customer": ["A", "A", "B", "B", "C"], "channel": ["web", "app", "web", "web", "app"]}
    )
    per_channel = orders.groupby(["channel", "customer"]).size().ge(2).groupby("channel").mean()
    overall = orders.groupby("customer").size().ge(2).mean()
    assert overall > per_channel.max()  # 2/3 against web 1/2, app 0/2
    label = "Repeat purchase rate (2+ orders in the period)"
    latest = pd.DataFrame(
        {
            "metric": ["repeat_rate"] * 3 + ["retention_rate"] * 2,
            "label": [label] * 3 + ["Customer retention rate"] * 2,
            "channel": ["All", "app", "web", "All", "web"],
            "value": [overall, per_channel["app"], per_channel["web"], 0.2, 0.3],
            "suppressed": [False] * 5,
        }
    )
    (note,) = all_outside_segments(latest, "channel")
    assert note.startswith("Repeat purchase rate of “All” (66.7%) is above every channel (at most 50.0%)")
    assert "one-time customer in each channel" in note
    assert all_outside_segments(latest[latest["metric"] == "retention_rate"], "channel") == []


# --- CLV (notebook 04) ------------------------------------------------------------------------


def _holdout(model: str, mae: float) -> Any:
    from cxlib.ltv import HoldoutValidation

    table = pd.DataFrame({"frequency": ["0"], "customers": [10], "actual": [1.0], "predicted": [1.1]})
    return HoldoutValidation(table, table, mae, mae * 2, 100.0, 100.0 * (1 + mae), model, 26.0, "W")


def _comparison(mae: dict[str, float], aic: dict[str, float]) -> Any:
    from cxlib.ltv import ModelComparison

    names = list(mae)
    table = pd.DataFrame(
        {
            "model": names,
            "parameters": [4] * len(names),
            "loglik": [-aic[m] / 2 + 4 for m in names],
            "aic": [aic[m] for m in names],
            "bic": [aic[m] + 10 for m in names],
            "holdout_mae": [mae[m] for m in names],
            "holdout_rmse": [2 * mae[m] for m in names],
            "predicted_total": [100.0] * len(names),
            "actual_total": [100.0] * len(names),
        }
    )
    return ModelComparison(table, tuple(_holdout(m, mae[m]) for m in names))


def _models_named(sentence: str) -> list[str]:
    return [m for m in ("BG/NBD", "Pareto/NBD") if m in sentence]


@pytest.mark.parametrize("order", [("BG/NBD", "Pareto/NBD"), ("Pareto/NBD", "BG/NBD")])
def test_the_best_model_is_the_one_the_statistics_favour_and_is_the_one_quoted(
    order: tuple[str, str],
) -> None:
    good, poor = order
    # holdout errors 10 % apart: a real winner, whatever the table order
    comparison = _comparison({poor: 0.50, good: 0.45}, {poor: 1000.0, good: 990.0})
    verdict = comparison.verdict()
    by_error = comparison.table.sort_values("holdout_mae")["model"].iloc[0]
    by_aic = comparison.table.sort_values("aic")["model"].iloc[0]
    assert verdict.winner == verdict.used == by_error == by_aic == good == comparison.best
    errors, said, quoted = comparison.summary()
    assert f"{good}: MAE 0.450" in errors and f"{poor}: MAE 0.500" in errors
    assert said.startswith(f"{good} forecasts the holdout better") and poor not in said
    # the sentence after the verdict quotes the same model, never the other one
    assert quoted.startswith(f"{good} predicted") and _models_named(quoted) == [good]


def test_a_better_fit_that_forecasts_worse_is_named_as_such() -> None:
    # AIC prefers BG/NBD, the holdout error Pareto/NBD (as on CDNOW): the verdict names both roles
    comparison = _comparison({"BG/NBD": 0.80, "Pareto/NBD": 0.70}, {"BG/NBD": 900.0, "Pareto/NBD": 950.0})
    verdict = comparison.verdict()
    assert verdict.winner == "Pareto/NBD"
    assert "BG/NBD fits the calibration period more closely (AIC 900.0 against 950.0)" in verdict.sentence
    assert "forecast of unseen purchases decides" in verdict.sentence
    assert comparison.summary()[2].startswith("Pareto/NBD predicted")


@pytest.mark.parametrize("gap", [0.0, 0.005, 0.019])
def test_models_within_two_percent_are_a_tie_and_none_is_called_best(gap: float) -> None:
    comparison = _comparison(
        {"BG/NBD": 0.445, "Pareto/NBD": 0.445 * (1 - gap)}, {"BG/NBD": 1.0, "Pareto/NBD": 2.0}
    )
    verdict = comparison.verdict()
    assert verdict.winner is None and comparison.best is None
    assert verdict.sentence.startswith("No difference between the models")
    for word in ("best", "better", "forecasts the holdout"):
        assert word not in verdict.sentence
    # the model used is named as used, and is the one quoted next
    assert verdict.used == "Pareto/NBD" if gap else verdict.used == "BG/NBD"
    assert f"the values below use {verdict.used}" in verdict.sentence
    assert comparison.summary()[2].startswith(f"{verdict.used} predicted")
    # just above the tolerance there is a winner again
    clear = _comparison({"BG/NBD": 0.445, "Pareto/NBD": 0.445 * 0.97}, {"BG/NBD": 1.0, "Pareto/NBD": 2.0})
    assert clear.verdict().winner == "Pareto/NBD"


def _nps_value(promoter_clv: np.ndarray, detractor_clv: np.ndarray) -> Any:
    from cxlib import ltv

    ids = [f"P{i}" for i in range(len(promoter_clv))] + [f"D{i}" for i in range(len(detractor_clv))]
    value = pd.DataFrame({"customer_id": ids, "clv": np.concatenate([promoter_clv, detractor_clv])})
    surveys = pd.DataFrame(
        {
            "customer_id": ids,
            "ts": pd.Timestamp("2026-01-01", tz="UTC"),
            "metric": "nps",
            "score": [10] * len(promoter_clv) + [2] * len(detractor_clv),
        }
    )
    return ltv.clv_by_nps(value, surveys, min_n=30, currency="EUR")


def _ratio_by_hand(p: np.ndarray, d: np.ndarray) -> tuple[float, float, float]:
    """Delta-method interval of mean(p)/mean(d), written out here."""
    mp, md = p.mean(), d.mean()
    vp, vd = p.var(ddof=1) / len(p), d.var(ddof=1) / len(d)
    se = math.sqrt(vp / md**2 + mp**2 * vd / md**4)
    z = stats.norm.ppf(0.975)
    return mp / md, mp / md - z * se, mp / md + z * se


@pytest.mark.parametrize("spread", [5.0, 80.0])
def test_promoter_value_ratio_is_a_difference_only_when_its_interval_excludes_one(spread: float) -> None:
    rng = np.random.default_rng(7)
    promoters = 109 + spread * rng.standard_normal(200)
    detractors = 100 + spread * rng.standard_normal(150)
    result = _nps_value(promoters, detractors)
    ratio, low, high = _ratio_by_hand(promoters, detractors)
    got = result.ratio()
    assert (got.value, got.ci_low, got.ci_high) == pytest.approx((ratio, low, high), rel=1e-9)
    # the scorecard's two-group test of the same data: Welch's t on the difference
    welch = stats.ttest_ind(promoters, detractors, equal_var=False)
    sentence = result.summary()[0]
    if low > 1:  # small spread: a clear difference, both ways of testing agree
        assert spread == 5.0 and welch.pvalue < 0.05
        assert sentence.startswith(
            f"Promoters are predicted to be worth {ratio:.2f} times as much as detractors"
        )
        assert "EUR" in sentence and "detractors the gap is" in sentence
    else:  # large spread: the interval includes 1, and no multiple is stated as a difference
        assert spread == 80.0 and low < 1 < high and welch.pvalue > 0.05
        assert sentence.startswith("The data show no clear difference")
        assert "times as much" not in sentence and f"{ratio:.2f}×" not in sentence


def test_a_model_whose_fit_failed_is_never_the_winner_anywhere_on_the_page() -> None:
    from cxlib.ltv import ModelComparison

    # BG/NBD has the smaller holdout error but its fit collapsed (not usable)
    base = _comparison({"BG/NBD": 0.30, "Pareto/NBD": 0.40}, {"BG/NBD": 1.0, "Pareto/NBD": 2.0})
    comparison = ModelComparison(base.table, base.validations, usable=("Pareto/NBD",))
    verdict = comparison.verdict()
    assert verdict.winner == verdict.used == comparison.best == "Pareto/NBD"
    assert verdict.sentence == "Only Pareto/NBD fitted the calibration data; it is used."
    # the appendix's sentences (summary) say the same as the key finding and quote Pareto/NBD
    _errors, said, quoted = comparison.summary()
    assert said == verdict.sentence and quoted.startswith("Pareto/NBD predicted")


# --- CLV: a number a sanity check flags is a warning, never a finding or a headline ----------


def _planted_rfm() -> pd.DataFrame:
    """600 customers observed 5 to 104 weeks: half bought once, half 1-3 times again.

    The one-time buyers with the longest silence fill RFM's hibernating segment (R 1-2, F 1-2).
    """
    rng = np.random.default_rng(19)
    n = 600
    T = np.linspace(5.0, 104.0, n)
    frequency = np.where(np.arange(n) % 2 == 0, 0, rng.integers(1, 4, n))
    recency = np.where(frequency > 0, T * rng.uniform(0.1, 1.0, n), 0.0)
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(n)],
            "frequency": frequency,
            "recency": recency,
            "T": T,
            "monetary_value": np.where(frequency > 0, rng.uniform(20.0, 80.0, n), 0.0),
        }
    )


def _models(a: float, b: float) -> tuple[Any, Any]:
    from cxlib.ltv import BGNBDModel, GammaGammaModel

    def model(cls: Any, params: dict[str, float]) -> Any:
        se = {k: 0.05 * v for k, v in params.items()}
        cov = np.diag([s**2 for s in se.values()])
        return cls(params, se, cov, -1000.0, 600, True, 20, "W", "converged")

    purchases = model(BGNBDModel, {"r": 0.5, "alpha": 5.0, "a": a, "b": b})
    return purchases, model(GammaGammaModel, {"p": 6.0, "q": 4.0, "v": 15.0})


def _p_alive_by_hand(rfm: pd.DataFrame, r: float, alpha: float, a: float, b: float) -> np.ndarray:
    """BG/NBD P(alive) (Fader, Hardie & Lee's note), written out: 1 without repeat purchases."""
    x, tx, T = (rfm[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T"))
    odds = a / np.maximum(b + x - 1, 1e-12) * ((alpha + T) / (alpha + tx)) ** (r + x)
    return np.where(x > 0, 1 / (1 + odds), 1.0)


def _clv_page(a: float, b: float, **options: Any) -> tuple[Any, list[str], list[Any], Any]:
    from cxlib import ltv
    from cxlib.ltv import checks
    from cxlib.reports.report_headlines import clv_headlines

    rfm = _planted_rfm()
    purchases, spend = _models(a, b)
    assert checks.fit_problems(purchases) == [] and checks.fit_problems(spend) == []  # fits that "worked"
    value = ltv.clv(purchases, spend, rfm, margin=0.3, currency="EUR", **options)
    segments = ltv.rfm_segments(rfm, clv=value, min_n=10)
    flags = checks.sanity_warnings(value, segments)
    return value, value.summary(flags), flags, clv_headlines(value, flags)


def _headline_text(cards: Any) -> str:
    return " ".join(f"{h.label} {h.value} {h.note or ''}" for h in cards.items)


def test_everyone_active_against_a_hibernating_third_is_a_warning_not_a_finding() -> None:
    from cxlib.ltv import checks
    from cxlib.viz.formats import format_money, format_percent

    # a dropout process that is nearly switched off (a small, b large) but not at a bound
    value, findings, flags, cards = _clv_page(a=0.01, b=50.0)
    alive = _p_alive_by_hand(_planted_rfm(), 0.5, 5.0, 0.01, 50.0)
    np.testing.assert_allclose(value.table["p_alive"], alive, rtol=1e-9)
    # RFM by hand: the 40 % longest silent (R 1-2, ties low) with at most 2 purchase days hibernate
    rfm = _planted_rfm()
    silent = pd.Series(-(rfm["T"] - rfm["recency"])).rank(method="min")
    asleep = ((np.floor(5 * (silent - 1) / 600) <= 1) & (rfm["frequency"] <= 1)).mean()
    assert asleep > 0.2 and (alive >= 0.3).mean() == 1.0
    assert f"RFM puts {format_percent(asleep, 0)} in the hibernating segment" in flags[0].sentence
    (flag,) = flags
    assert flag.quantity == checks.ACTIVITY
    # the warning states the flagged numbers, with the reason
    active, likely = format_percent((alive >= 0.3).mean(), 0), format_percent((alive >= 0.5).mean(), 0)
    assert f"puts {active} of customers" in flag.sentence and f"({likely} more likely active" in flag.sentence
    assert "almost nobody leaving" in flag.sentence
    # the key findings do not: they say in words that the activity estimate is not reliable
    page = " ".join(findings)
    for number in {active, likely}:
        assert f"{number} of customers" not in page and f"({number} more likely" not in page
    assert "more likely active" not in page
    assert "estimate of how many customers are still active is not reliable" in findings[1]
    # what is trustworthy stays: the value and its concentration
    total = value.table["clv"].sum()
    assert format_money(total, "EUR") in findings[0] and "95% CI" in findings[0]
    top = np.sort(value.table["clv"].to_numpy())[::-1][:60].sum() / total
    assert findings[1].startswith(f"The most valuable 10% of customers (60) hold {format_percent(top, 0)}")
    # the headlines are the value per customer and in total, never the flagged share
    headline_text = _headline_text(cards)
    assert [h.label for h in cards.items] == ["CLV per customer", "Predicted value"]
    assert active not in headline_text and likely not in headline_text and "activ" not in headline_text
    assert cards.items[0].value == format_money(total / 600, "EUR")


def test_a_model_that_sees_customers_leave_states_the_share_still_active() -> None:
    from cxlib.viz.formats import format_money, format_percent

    value, findings, flags, cards = _clv_page(a=0.8, b=2.5)
    alive = _p_alive_by_hand(_planted_rfm(), 0.5, 5.0, 0.8, 2.5)
    assert (alive < 0.3).mean() > 0.05  # many customers have probably left: nothing to flag
    assert flags == []
    likely = format_percent((alive >= 0.5).mean(), 0)
    assert f"; {likely} of customers are more likely active than not." in findings[1]
    assert "not reliable" not in " ".join(findings)
    total = value.table["clv"].sum()
    assert [h.value for h in cards.items] == [format_money(total / 600, "EUR"), format_money(total, "EUR")]


def test_an_interval_or_a_value_that_is_not_a_number_is_not_stated() -> None:
    from cxlib.ltv import checks

    # no intervals: the value is stated without one (never "95% CI — to —")
    value, findings, flags, cards = _clv_page(a=0.8, b=2.5, intervals=False)
    assert [f.quantity for f in flags] == [checks.INTERVAL]
    assert "CI" not in findings[0] and "—" not in findings[0] and "(BG/NBD, 1.0% monthly" in findings[0]
    assert [h.label for h in cards.items] == ["CLV per customer", "Predicted value"]
    # a predicted value that is not a number: no value in the findings, no value headline
    from cxlib.reports.report_headlines import clv_headlines

    broken = dataclasses.replace(value, table=value.table.assign(clv=np.r_[np.nan, value.table["clv"][1:]]))
    flags = checks.sanity_warnings(broken)
    assert [f.quantity for f in flags] == [checks.VALUE]
    (said,) = broken.summary(flags)
    assert "no value is stated" in said and "EUR" not in said and "nan" not in said.lower()
    (card,) = clv_headlines(broken, flags).items
    assert (card.value, card.verdict) == ("not estimated", "needs attention")
