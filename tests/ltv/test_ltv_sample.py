"""The sample shop's planted BG/NBD and Gamma-Gamma parameters are recovered.

The generator (cxlib.sample) draws repeat purchases from BG/NBD with r = 0.24 and
α = 9 (weeks) for everyone and (a, b) by acquisition channel, and order values from
Gamma-Gamma with p = 6, q = 4, v = 32.5 (cxlib.sample.truth.TRUTH). Fitting each
acquisition channel separately must give back those values within the standard errors.

The estimates are asymptotically normal on the log scale (the parameters are positive and
their likelihoods skewed at these sample sizes), so distances are measured there:
z = (ln θ̂ − ln θ)/(se/θ̂).
"""

from __future__ import annotations

import numpy as np
import pytest
from ltv_data import SAMPLE
from scipy import stats

import cxlib
from cxlib.ltv import fit_bgnbd, fit_gamma_gamma, rfm_summary
from cxlib.sample.truth import TRUTH

pytestmark = pytest.mark.skipif(not (SAMPLE / "orders.parquet").exists(), reason="sample shop not generated")


@pytest.fixture(scope="module")
def sample_rfm():
    orders = cxlib.open_table(SAMPLE / "orders.parquet", "orders")
    return rfm_summary(orders, "W", by="channel")


def _log_z(model, truth: dict[str, float]) -> tuple[np.ndarray, float]:
    theta = model.theta
    truth_arr = np.array([truth[k] for k in model.PARAMS])
    diff = np.log(theta) - np.log(truth_arr)
    cov_log = model.cov / np.outer(theta, theta)
    z = diff / np.sqrt(np.diag(cov_log))
    wald = float(diff @ np.linalg.solve(cov_log, diff))
    return z, wald


@pytest.mark.parametrize("channel", ["web", "app", "marketplace", "store"])
def test_bgnbd_planted_parameters_per_acquisition_channel(sample_rfm, channel):
    part = sample_rfm.table[sample_rfm.table["channel"] == channel]
    model = fit_bgnbd(part, unit="W")
    a, b = TRUTH.orders.bgnbd_ab[channel]
    truth = {"r": TRUTH.orders.bgnbd_r, "alpha": TRUTH.orders.bgnbd_alpha, "a": a, "b": b}
    z, wald = _log_z(model, truth)
    assert model.converged
    # Every parameter within 2.5 standard errors, and jointly not rejected at the 1 % level.
    assert np.all(np.abs(z) < 2.5), dict(zip(model.PARAMS, np.round(z, 2), strict=True))
    assert stats.chi2.sf(wald, 4) > 0.01


def test_gamma_gamma_planted_parameters(sample_rfm):
    model = fit_gamma_gamma(sample_rfm)
    truth = {"p": TRUTH.orders.gg_p, "q": TRUTH.orders.gg_q, "v": TRUTH.orders.gg_v}
    z, wald = _log_z(model, truth)
    assert model.converged
    assert np.all(np.abs(z) < 2.0), dict(zip(model.PARAMS, np.round(z, 2), strict=True))
    assert stats.chi2.sf(wald, 3) > 0.01
    # The population mean spend per purchase p·v/(q−1).
    assert model.mean_value == pytest.approx(TRUTH.gamma_gamma_mean, rel=0.05)
    # Spend is independent of frequency in the generator.
    assert abs(model.frequency_value_correlation) < 0.05
