"""Linking value to experience: predicted CLV of promoters, passives and detractors.

Each customer's latest NPS answer (0–10; promoters 9–10, passives 7–8, detractors 0–6, see
docs/methods.md) is joined to her predicted CLV; customers without an answer form their own
group, the baseline. The survey join runs on the surveys' backend; only one row per
answering customer comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import stats

from cxlib import viz
from cxlib.engine import require_columns, to_narwhals, to_pandas
from cxlib.privacy import suppress_small
from cxlib.result import Display, ResultBase

__all__ = ["GROUPS", "NPSValue", "clv_by_nps", "latest_nps"]

#: NPS groups in report order; ``no answer`` are customers without an NPS response.
GROUPS: tuple[str, ...] = ("promoter", "passive", "detractor", "no answer")


def latest_nps(surveys: Any) -> pd.DataFrame:
    """Each customer's latest NPS score (mean of answers given at that same latest time).

    Parameters
    ----------
    surveys : frame
        Surveys table (any backend). Required columns: ``customer_id``, ``ts``, ``metric``,
        ``score``. Rows with another metric or without a customer are ignored.

    Returns
    -------
    pandas.DataFrame
        ``customer_id`` (str), ``score`` (float64), ``group`` (str: promoter 9–10,
        passive 7–8, detractor 0–6), sorted by ``customer_id``.
    """
    require_columns(
        surveys, ["customer_id", "ts", "metric", "score"], "surveys", purpose="NPS by customer value"
    )
    frame = to_narwhals(surveys)
    lazy = frame.lazy() if isinstance(frame, nw.DataFrame) else frame
    nps = lazy.filter((nw.col("metric") == "nps") & ~nw.col("customer_id").is_null()).select(
        "customer_id", "ts", nw.col("score").cast(nw.Float64()).alias("score")
    )
    latest = nps.group_by("customer_id").agg(nw.col("ts").max().alias("latest"))
    answers = (
        nps.join(latest, on="customer_id")
        .filter(nw.col("ts") == nw.col("latest"))
        .group_by("customer_id")
        .agg(nw.col("score").mean())
        .sort("customer_id")
    )
    out = to_pandas(answers)
    score = out["score"].to_numpy(dtype="float64")
    return pd.DataFrame(
        {
            "customer_id": out["customer_id"].astype("str").to_numpy(),
            "score": score,
            "group": np.where(score >= 9, "promoter", np.where(score >= 7, "passive", "detractor")).astype(
                object
            ),
        }
    ).astype({"group": "str"})


@dataclass(frozen=True)
class NPSValue(ResultBase):
    """Predicted CLV by NPS group (see :func:`clv_by_nps`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group in :data:`GROUPS` order: ``group`` (str), ``customers`` (int64),
        ``clv_mean``, ``ci_low``, ``ci_high`` (t interval of the mean across customers),
        ``clv_total``, ``share_of_customers`` (of those with an answer; NaN for
        ``no answer``), ``suppressed`` (bool).
    alpha : float
    currency : str
    """

    DISPLAY: ClassVar[Display] = Display(
        currency_cols=("clv_mean", "ci_low", "ci_high", "clv_total"), percent_cols=("share_of_customers",)
    )

    table: pd.DataFrame
    alpha: float
    currency: str

    def figure(self) -> go.Figure:
        """Mean predicted CLV per group with confidence intervals."""
        shown = self.table[~self.table["suppressed"]]
        cur = f" ({self.currency})" if self.currency else ""
        fig = viz.bar(
            shown,
            "group",
            "clv_mean",
            title="Mean predicted CLV by NPS group",
            labels={"group": "", "clv_mean": f"Mean CLV per customer{cur}"},
        )
        fig.update_traces(
            error_y=dict(
                type="data",
                symmetric=False,
                array=(shown["ci_high"] - shown["clv_mean"]).to_numpy(),
                arrayminus=(shown["clv_mean"] - shown["ci_low"]).to_numpy(),
            )
        )
        return fig

    def summary(self) -> list[str]:
        """Promoters against detractors, in words."""
        t = self.table.set_index("group")
        ok = t[~t["suppressed"]]
        if not {"promoter", "detractor"} <= set(ok.index):
            return ["Too few promoters or detractors to compare their value."]
        p, d = ok.loc["promoter"], ok.loc["detractor"]
        ratio = p["clv_mean"] / d["clv_mean"] if d["clv_mean"] > 0 else float("nan")
        cur = f" {self.currency}" if self.currency else ""
        out = [
            f"Promoters are predicted to be worth {p['clv_mean']:,.2f}{cur} each "
            f"({p['ci_low']:,.2f} to {p['ci_high']:,.2f}), detractors {d['clv_mean']:,.2f}{cur} "
            f"({d['ci_low']:,.2f} to {d['ci_high']:,.2f}): {ratio:.2f} times as much."
        ]
        if "no answer" in ok.index:
            none = ok.loc["no answer", "clv_mean"]
            out.append(f"Customers who never answered are predicted to be worth {none:,.2f}{cur} each.")
        return out


def clv_by_nps(
    value: Any, surveys: Any, *, min_n: int = 30, alpha: float = 0.05, currency: str = ""
) -> NPSValue:
    """Predicted CLV of promoters, passives, detractors and customers without an answer.

    Parameters
    ----------
    value : CLVResult or DataFrame
        Per-customer CLV (columns ``customer_id``, ``clv``), e.g. from :func:`~cxlib.ltv.clv`.
    surveys : frame
        Surveys table; see :func:`latest_nps`.
    min_n : int, default 30
        Groups with fewer customers are suppressed.
    alpha : float, default 0.05
        One minus the confidence level of the interval of each group's mean.
    currency : str
        Label.

    Returns
    -------
    NPSValue

    Notes
    -----
    The interval of a group's mean is the t interval across its customers' predicted CLVs;
    it reflects how CLV varies between customers, not the models' parameter uncertainty.
    This is an association: unhappy customers may also be the ones who buy less anyway.

    Examples
    --------
    >>> clv_by_nps(value, shop.surveys).table  # doctest: +SKIP
    """
    table = getattr(value, "table", value)
    customers = table[["customer_id", "clv"]].astype({"customer_id": "str"})
    answers = latest_nps(surveys)
    merged = customers.merge(answers[["customer_id", "group"]], on="customer_id", how="left")
    merged["group"] = merged["group"].fillna("no answer").astype("str")
    rows = []
    answered = int((merged["group"] != "no answer").sum())
    for group in GROUPS:
        clv = merged.loc[merged["group"] == group, "clv"].to_numpy(dtype="float64")
        n = len(clv)
        mean = float(clv.mean()) if n else float("nan")
        half = stats.t.ppf(1 - alpha / 2, n - 1) * clv.std(ddof=1) / np.sqrt(n) if n > 1 else float("nan")
        share = n / answered if group != "no answer" and answered else float("nan")
        rows.append((group, n, mean, mean - half, mean + half, float(clv.sum()), share))
    out = pd.DataFrame(
        rows,
        columns=["group", "customers", "clv_mean", "ci_low", "ci_high", "clv_total", "share_of_customers"],
    )
    out["group"] = out["group"].astype("str")
    out["customers"] = out["customers"].astype("int64")
    return NPSValue(suppress_small(out, "customers", min_n), alpha, currency)
