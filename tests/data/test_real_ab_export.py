"""A real A/B export without experiment, user id or exposure columns, read with a mapping alone.

The sample is 500 rows of the Criteo Uplift Prediction dataset (one row per user: a 0/1
treatment flag and 0/1 outcomes; CC BY-NC-SA 4.0; source and how the rows were drawn in
tests/data/real/criteo_uplift/README.md). Its ``mapping.yaml`` derives the arm, a unit id and
the conversion (a site visit). The conversion per arm, the difference, the relative lift and
their intervals are checked against an independent computation from the CSV with pandas and
the normal quantile of the standard library.
"""

from __future__ import annotations

from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from cxlib import experiments as ab
from cxlib import open_shop
from cxlib.data.check_report import check_source
from cxlib.engine import to_pandas
from cxlib.reports import run

CRITEO = Path(__file__).with_name("real") / "criteo_uplift"
Z = NormalDist().inv_cdf(0.975)


def _arms() -> pd.DataFrame:
    """Users and site visits per arm, straight from the file (1 = treated)."""
    raw = pd.read_csv(CRITEO / "criteo_uplift.csv")
    arms = raw.groupby("treatment")["visit"].agg(n="count", x="sum")
    arms.index = arms.index.map({0: "control", 1: "treatment"})
    arms["p"] = arms["x"] / arms["n"]
    arms["var"] = arms["p"] * (1 - arms["p"]) / arms["n"]  # Wald variance of a proportion
    return arms


def test_the_sample_is_what_its_readme_says():
    arms = _arms()
    assert arms.loc["control", ["n", "x"]].tolist() == [137, 3]
    assert arms.loc["treatment", ["n", "x"]].tolist() == [363, 13]
    raw = pd.read_csv(CRITEO / "criteo_uplift.csv")
    assert raw.groupby("treatment")["conversion"].sum().tolist() == [0, 2]
    assert (CRITEO / "criteo_uplift.csv").read_bytes().count(b"\r\n") == 501  # CRLF as published


def test_mapping_alone_reads_one_unnamed_experiment():
    shop = open_shop(CRITEO)  # the folder's mapping.yaml
    units = to_pandas(shop.experiments)
    raw = pd.read_csv(CRITEO / "criteo_uplift.csv")
    assert len(units) == len(raw) == 500
    assert units["unit_id"].is_unique and units["unit_id"].notna().all()
    assert set(units["experiment"]) == {"criteo_uplift"}  # named after its file
    assert "exposed_ts" not in units.columns
    expected = raw["treatment"].map({0: "control", 1: "treatment"}).value_counts().sort_index()
    assert units["variant"].value_counts().sort_index().tolist() == expected.tolist()
    assert units["converted"].astype(int).sum() == raw["visit"].sum() == 16
    assert units["conversion"].tolist() == raw["conversion"].tolist()  # an extra column keeps its type
    (coverage,) = shop.coverage
    assert (coverage.rows_read, coverage.rows_kept, coverage.left_out) == (500, 500, ())
    assert check_source(CRITEO).exit_code == 0


def _compare(relative: bool) -> pd.Series:
    shop = open_shop(CRITEO)
    metrics = ab.commerce_metrics(conversion="converted", revenue=None, orders=None)
    summary = ab.summarize(shop.experiments, metrics)
    result = ab.compare(summary, control="control", relative=relative, alpha=0.05)
    (row,) = result.table.to_dict("records")
    return pd.Series(row)


def test_conversion_difference_matches_an_independent_wald_interval():
    arms = _arms()
    got = _compare(relative=False)
    assert (got["n_control"], got["n_variant"]) == (137, 363)
    assert got["control_mean"] == pytest.approx(3 / 137, rel=1e-12)
    assert got["variant_mean"] == pytest.approx(13 / 363, rel=1e-12)
    diff = arms.loc["treatment", "p"] - arms.loc["control", "p"]
    se = np.sqrt(arms["var"].sum())
    assert got["estimate"] == pytest.approx(diff, rel=1e-12)
    assert got["se"] == pytest.approx(se, rel=1e-9)
    assert got["ci_low"] == pytest.approx(diff - Z * se, rel=1e-9)
    assert got["ci_high"] == pytest.approx(diff + Z * se, rel=1e-9)
    p = 2 * (1 - NormalDist().cdf(abs(diff) / se))
    assert got["p_value"] == pytest.approx(p, rel=1e-6)
    assert got["ci_low"] < 0 < got["ci_high"] and got["outcome"] == "inconclusive"
    assert (got["estimate"], got["ci_low"], got["ci_high"]) == pytest.approx(
        (0.01392, -0.01717, 0.04500), abs=1e-5
    )


def test_relative_lift_matches_an_independent_delta_method():
    arms = _arms()
    got = _compare(relative=True)
    pc, pt = arms.loc["control", "p"], arms.loc["treatment", "p"]
    vc, vt = arms.loc["control", "var"], arms.loc["treatment", "var"]
    lift = pt / pc - 1
    se = np.sqrt(vt / pc**2 + pt**2 * vc / pc**4)
    assert got["estimate"] == pytest.approx(lift, rel=1e-12)
    assert got["ci_low"] == pytest.approx(lift - Z * se, rel=1e-9)
    assert got["ci_high"] == pytest.approx(lift + Z * se, rel=1e-9)


@pytest.mark.notebooks
@pytest.mark.slow
def test_ab_notebook_ends_ok_on_the_mapping_alone(tmp_path):
    out = tmp_path / "reports"
    summary = run(["06_ab_test"], data=CRITEO, out=out, progress=False, jobs=1)
    (result,) = summary.results
    assert result.status == "ok", result.record
    assert summary.exit_code == 0
    page = (out / "06_ab_test.html").read_text(encoding="utf-8")
    assert "no exposed_ts column" in page
    assert "experiments: 500 rows read" in page
