"""cxlib.ltv.checks: fits that did not work are named, ties are ties, contradictions are warnings."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from cxlib.ltv import checks, rfm_summary


def _model(
    name: str, params: dict, se: dict | None = None, converged: bool = True, message: str = "converged"
):
    return SimpleNamespace(
        NAME=name, params=params, se=se or dict.fromkeys(params, 0.1), converged=converged, message=message
    )


def test_fit_problems() -> None:
    fine = _model("BG/NBD", {"r": 0.8, "alpha": 10.0, "a": 0.6, "b": 2.5})
    assert checks.fit_problems(fine) == []
    collapsed = _model("BG/NBD", {"r": 0.8, "alpha": 10.0, "a": 1e-9, "b": 3.0})
    assert "collapsed (a = 1e-09)" in checks.fit_problems(collapsed)[0]
    huge_b = _model("BG/NBD", {"r": 0.8, "alpha": 10.0, "a": 0.5, "b": 1e8})
    assert "collapsed (b = 1e+08)" in checks.fit_problems(huge_b)[0]
    failed = _model(
        "Pareto/NBD", {"r": 1, "alpha": 1, "s": 1, "beta": 1}, converged=False, message="no optimum"
    )
    assert checks.fit_problems(failed) == ["The Pareto/NBD fit did not work: no optimum."]
    no_se = _model("Gamma-Gamma", {"p": 6.0, "q": 3.0, "v": 15.0}, se={"p": np.nan, "q": 1.0, "v": 1.0})
    assert checks.fit_problems(no_se) == [
        "The Gamma-Gamma fit has no standard errors, so its intervals are not shown."
    ]
    assert "q ≤ 1" in checks.fit_problems(_model("Gamma-Gamma", {"p": 6.0, "q": 0.9, "v": 15.0}))[0]


def test_model_verdict_ties_and_winners() -> None:
    table = pd.DataFrame({"model": ["BG/NBD", "Pareto/NBD"], "holdout_mae": [0.445, 0.442]})
    tie = checks.model_verdict(SimpleNamespace(table=table), ["BG/NBD", "Pareto/NBD"])  # 0.7 % apart
    assert tie.winner is None and tie.used == "Pareto/NBD"
    assert "better" not in tie.sentence and "the values below use Pareto/NBD" in tie.sentence
    clear = SimpleNamespace(table=table.assign(holdout_mae=[0.30, 0.40]))
    verdict = checks.model_verdict(clear, ["BG/NBD", "Pareto/NBD"])
    assert verdict.winner == verdict.used == "BG/NBD" and "25% smaller" in verdict.sentence  # 0.10 / 0.40
    assert checks.model_verdict(clear, ["Pareto/NBD"]).winner == "Pareto/NBD"  # BG/NBD's fit did not work
    assert checks.model_verdict(clear, []).used is None


def test_sanity_warnings_flag_contradictions() -> None:
    total = SimpleNamespace(ci_low=1.0, ci_high=2.0)
    # 100 customers: 95 near certain to be active, 5 at 0.4 (probably active, not more likely than not)
    alive = pd.DataFrame({"p_alive": [1.0] * 95 + [0.4] * 5, "clv": 1.0})
    value = SimpleNamespace(table=alive, total=lambda: total)
    segments = SimpleNamespace(
        table=pd.DataFrame({"segment": ["hibernating", "champions"], "share_of_customers": [0.33, 0.67]})
    )
    (found,) = checks.sanity_warnings(value, segments)
    assert found.quantity == checks.ACTIVITY
    # the warning carries the flagged numbers (P >= 0.3: 100/100; P >= 0.5: 95/100) and the reason
    assert found.sentence.startswith("The purchase model puts 100% of customers at a 30% or higher chance")
    assert "(95% more likely active than not)" in found.sentence and "RFM puts 33% in the hibernating" in (
        found.sentence
    )
    assert "not known" in found.sentence
    calm = SimpleNamespace(
        table=pd.DataFrame({"p_alive": [0.1] * 40 + [0.9] * 60, "clv": 1.0}), total=lambda: total
    )
    assert checks.sanity_warnings(calm, segments) == []
    # 98 % probably active is below the 99 % the check needs; 19 % hibernating below its 20 %
    almost = SimpleNamespace(table=alive.assign(p_alive=[1.0] * 98 + [0.1] * 2), total=lambda: total)
    assert checks.sanity_warnings(almost, segments) == []
    few_asleep = SimpleNamespace(table=segments.table.assign(share_of_customers=[0.19, 0.81]))
    assert checks.sanity_warnings(value, few_asleep) == []
    nan_total = SimpleNamespace(ci_low=np.nan, ci_high=np.nan)
    broken = SimpleNamespace(table=calm.table, total=lambda: nan_total)
    (interval,) = checks.sanity_warnings(broken)
    assert interval.quantity == checks.INTERVAL and "could not be computed" in interval.sentence
    not_a_number = SimpleNamespace(
        table=calm.table.assign(clv=[np.nan] + [1.0] * 99), total=lambda: nan_total
    )
    (missing,) = checks.sanity_warnings(not_a_number)  # the interval of a NaN total is not flagged again
    assert missing.quantity == checks.VALUE and "not a number" in missing.sentence


def _orders(repeat_every: int | None) -> pd.DataFrame:
    """60 customers buying once in 2024; with ``repeat_every`` each n-th buys again a month later."""
    first = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(np.arange(60) * 3, unit="D")
    rows = [(f"c{i}", ts) for i, ts in enumerate(first)]
    if repeat_every:
        rows += [(f"c{i}", first[i] + pd.Timedelta(days=30)) for i in range(0, 60, repeat_every)]
    frame = pd.DataFrame(rows, columns=["customer_id", "ts"])
    return frame.assign(order_id=[f"o{i}" for i in range(len(frame))], revenue=10.0)


def test_modelling_blocker_counts_repeat_buyers() -> None:
    assert "Nobody of the 60 customers" in checks.modelling_blocker(rfm_summary(_orders(None), "W"))
    few = checks.modelling_blocker(rfm_summary(_orders(6), "W"))  # 10 repeaters
    assert few.startswith("Only 10 of 60 customers")
    assert checks.modelling_blocker(rfm_summary(_orders(2), "W")) is None  # 30 repeaters
