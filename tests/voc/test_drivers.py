"""Key-driver analysis: relative weights against closed forms and a second implementation,
regressions against numpy and planted coefficients, and the sample shop's planted NPS drivers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxlib import DataError, voc
from cxlib.sample.truth import TRUTH
from cxlib.voc.drivers import relative_weights


def test_uncorrelated_predictors_get_their_squared_correlation():
    """Closed form: with orthogonal predictors each weight is r_jy²."""
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.normal(size=(500, 3)) - 0)
    X = Q - Q.mean(0)
    X, _ = np.linalg.qr(X)  # exactly uncorrelated, centred columns
    X = X - X.mean(0)
    y = X @ np.array([3.0, -1.0, 0.5]) + rng.normal(scale=0.05, size=500)
    r = np.array([np.corrcoef(X[:, j], y)[0, 1] for j in range(3)])
    C = np.corrcoef(X, rowvar=False)
    assert np.abs(C - np.eye(3)).max() < 0.05
    w = relative_weights(X, y)
    # Exactly r² only for exactly orthogonal columns; here correlations are tiny.
    assert w == pytest.approx(r**2, abs=5e-3)


def _svd_relative_weights(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Second implementation from the data: Z = U Vᵀ (closest orthonormal matrix to the
    standardised X), regress y on Z, and Λ_jk = corr(x_j, z_k).
    """
    Xs = (X - X.mean(0)) / X.std(0)
    ys = (y - y.mean()) / y.std()
    U, _, Vt = np.linalg.svd(Xs, full_matrices=False)
    Z = U @ Vt * np.sqrt(len(y))
    beta = np.linalg.lstsq(Z, ys, rcond=None)[0]
    lam = np.array(
        [[np.corrcoef(Xs[:, j], Z[:, k])[0, 1] for k in range(X.shape[1])] for j in range(X.shape[1])]
    )
    return (lam**2) @ (beta**2)


def test_relative_weights_match_a_second_implementation_and_sum_to_r2():
    rng = np.random.default_rng(1)
    n = 800
    a = rng.normal(size=n)
    b = 0.6 * a + rng.normal(size=n)
    c = rng.binomial(1, 0.3, n).astype(float) + 0.3 * b
    X = np.column_stack([a, b, c])
    y = 1.0 * a - 0.5 * b + 2.0 * c + rng.normal(size=n)
    w = relative_weights(X, y)
    assert w == pytest.approx(_svd_relative_weights(X, y), rel=1e-8)
    design = np.column_stack([np.ones(n), X])
    fitted = design @ np.linalg.lstsq(design, y, rcond=None)[0]
    r2 = 1 - ((y - fitted) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert w.sum() == pytest.approx(r2, rel=1e-10)


@settings(max_examples=30, deadline=None)
@given(st.floats(0.1, 100), st.floats(-50, 50), st.integers(0, 10_000))
def test_relative_weights_ignore_units(scale, shift, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, 3))
    y = X @ np.array([1.0, 0.5, -0.2]) + rng.normal(size=60)
    w = relative_weights(X, y)
    assert relative_weights(X * scale + shift, y * 2 - 1) == pytest.approx(w, rel=1e-8, abs=1e-12)
    assert (w >= -1e-12).all()


def test_ols_and_ordered_probit_recover_planted_coefficients():
    rng = np.random.default_rng(5)
    n = 4000
    data = pd.DataFrame(
        {
            "late_days": rng.poisson(1.5, n).astype(float),
            "returned": rng.random(n) < 0.15,
            "noise": rng.normal(size=n),
        }
    )
    sigma = 1.9
    latent = 8.5 - 0.4 * data["late_days"] - 2.0 * data["returned"] + rng.normal(scale=sigma, size=n)
    data["score"] = np.clip(np.rint(latent), 0, 10).astype(int)
    result = voc.drivers(data, "score", ["late_days", "returned", "noise"], distr="probit", n_boot=50)
    t = result.table.set_index("driver")
    # Rounding and clipping a latent normal is exactly an ordered probit: coefficients are β/σ.
    for name, beta in (("late_days", -0.4), ("returned", -2.0)):
        assert t.loc[name, "ordinal_ci_low"] < beta / sigma < t.loc[name, "ordinal_ci_high"], name
    assert t.loc["noise", "ordinal_ci_low"] < 0 < t.loc["noise", "ordinal_ci_high"]
    X = np.column_stack([np.ones(n), data[["late_days", "returned", "noise"]].to_numpy(float)])
    coef = np.linalg.lstsq(X, data["score"].to_numpy(float), rcond=None)[0]
    assert t.loc[["late_days", "returned", "noise"], "ols_coef"].to_numpy() == pytest.approx(
        coef[1:], rel=1e-9
    )
    assert t["importance"].sum() == pytest.approx(1.0)
    assert t.loc["noise", "rank"] == 3
    assert (t["weight_ci_low"] <= t["weight"]).all() and (t["weight"] <= t["weight_ci_high"]).all()
    assert len(result.figure().data) == 1 and len(result.importance_figure().data) == 1


def test_bad_input():
    frame = pd.DataFrame({"score": [1, 2, 3] * 5, "a": [0.0] * 15})
    with pytest.raises(DataError, match="at least 30"):
        voc.drivers(frame, "score", ["a"])
    with pytest.raises(DataError, match="no driver varies"):
        voc.drivers(frame, "score", ["a"], min_n=5)
    with pytest.raises(DataError) as err:
        voc.drivers(frame, "score", ["b"])
    assert err.value.column == "b"


def _nps_with_orders(shop) -> pd.DataFrame:
    from cxlib.engine import to_pandas

    surveys = to_pandas(shop.surveys)
    orders = to_pandas(shop.orders)[["order_id", "delivery_days", "returned", "channel"]]
    nps = surveys[surveys["metric"] == "nps"].merge(
        orders.rename(columns={"channel": "order_channel"}), on="order_id"
    )
    out = pd.DataFrame(
        {
            "score": nps["score"].astype(int),
            "delivery_days": nps["delivery_days"].fillna(0.0),  # store orders count 0 (as planted)
            "returned": nps["returned"].astype(float),
        }
    )
    for channel in ("app", "marketplace", "store"):
        out[channel] = (nps["order_channel"] == channel).astype(float).to_numpy()
    return out


def test_planted_nps_drivers_are_recovered_on_the_sample(sample_shop):
    """Planted: NPS = clip(round(9.4 − 0.30·delivery_days − 2.0·returned + channel + N(0, 1.9²))).
    The ordered probit recovers each β/σ (within its 99.9 % interval: five coefficients are
    checked at once), and the standardised effects |β|·sd(x) come out in the planted order.
    Delivery days (0.34) and returns (0.32) are planted 7 % apart, closer than the estimates'
    noise, so they share the first two places; marketplace, app and store follow in order.
    """
    data = _nps_with_orders(sample_shop)
    s = TRUTH.surveys
    planted = {
        "delivery_days": s.nps_delivery_day,
        "returned": s.nps_returned,
        **{c: s.nps_channel[c] for c in ("app", "marketplace", "store")},
    }
    result = voc.drivers(data, "score", list(planted), distr="probit", n_boot=0, alpha=0.001)
    t = result.table.set_index("driver")
    for name, beta in planted.items():
        assert t.loc[name, "ordinal_ci_low"] < beta / s.nps_sigma < t.loc[name, "ordinal_ci_high"], name
    sd = data[list(planted)].std()
    planted_order = sorted(planted, key=lambda k: -abs(planted[k]) * sd[k])
    found_order = sorted(planted, key=lambda k: -abs(t.loc[k, "ordinal_coef"]) * sd[k])
    assert set(found_order[:2]) == set(planted_order[:2]) == {"delivery_days", "returned"}
    assert found_order[2:] == planted_order[2:] == ["marketplace", "app", "store"]


def test_planted_drivers_lead_the_aspects_of_nps_comments(sample_shop):
    """Planted: NPS comments of unhappy customers talk about delivery when the order was late
    and about returns when it was returned. A return costs 2.0 latent NPS points, a late
    delivery 0.30 per day (≈ 3 days late, ≈ 0.9 points). So negative mentions of returns
    and delivery must be the two strongest drivers, in that order, ahead of every aspect
    that was not planted.
    """
    comments = voc.survey_comments(sample_shop.surveys, "nps")
    topics = voc.aspects(comments, text_col="comment", keep=["score"])
    result = topics.drivers("score", n_boot=100)
    t = result.table
    assert t["driver"].tolist()[:2] == ["returns", "delivery"]
    coef = t.set_index("driver")
    assert coef.loc["returns", "ols_coef"] < coef.loc["delivery", "ols_coef"] < 0
    assert coef.loc["returns", "ordinal_coef"] < coef.loc["delivery", "ordinal_coef"] < 0
    others = coef.drop(index=["returns", "delivery"])
    assert (others["importance"] < coef.loc["delivery", "importance"]).all()
    assert result.summary()[1].startswith("Returns & refunds")
