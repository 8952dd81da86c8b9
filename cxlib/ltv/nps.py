"""Linking value to experience: predicted CLV of promoters, passives and detractors.

Each customer's latest NPS answer (0–10; promoters 9–10, passives 7–8, detractors 0–6, see
docs/methods.md) is joined to her predicted CLV; customers without an answer form their own
group, the baseline. The survey join runs on the surveys' backend; only one row per
answering customer comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import stats

from cxlib import two_groups, viz
from cxlib._types import Frame
from cxlib.engine import require_columns, to_narwhals, to_pandas
from cxlib.estimate import Estimate
from cxlib.privacy import suppress_small
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import format_count, format_interval, format_money

if TYPE_CHECKING:
    from cxlib.ltv.clv import CLVResult

__all__ = ["GROUPS", "NPSValue", "clv_by_nps", "latest_nps"]

#: NPS groups in report order; ``no answer`` are customers without an NPS response.
GROUPS: tuple[str, ...] = ("promoter", "passive", "detractor", "no answer")


def latest_nps(surveys: Frame) -> pd.DataFrame:
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
        ``se`` (standard error of the mean), ``clv_total``, ``share_of_customers`` (of those
        with an answer; NaN for ``no answer``), ``suppressed`` (bool).
    alpha : float
    currency : str
    """

    DISPLAY: ClassVar[Display] = Display(
        columns=("group", "customers", "clv_mean", "ci_low", "ci_high", "clv_total", "share_of_customers"),
        currency_cols=("clv_mean", "ci_low", "ci_high", "clv_total"),
        percent_cols=("share_of_customers",),
        decimals={"clv_total": 0},
        labels={
            "group": "NPS group",
            "customers": "Customers",
            "clv_mean": "CLV per customer",
            "ci_low": "95% CI from",
            "ci_high": "to",
            "clv_total": "Total CLV",
            "share_of_customers": "Share of those who answered",
        },
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

    def ratio(self) -> Estimate:
        """Promoters' mean CLV over detractors', with its interval (NaN when either is suppressed).

        The interval is the delta-method interval of the relative difference of two
        independent means (:func:`cxlib.two_groups.difference` with ``relative=True``, the core
        the scorecard and the experiments share), shifted by 1.
        """
        t = self.table.set_index("group")
        ok = t[~t["suppressed"]]
        if not {"promoter", "detractor"} <= set(ok.index):
            return Estimate(float("nan"), float("nan"), float("nan"), 0, self.alpha)
        p, d = ok.loc["promoter"], ok.loc["detractor"]
        diff = two_groups.difference(
            "mean",
            d["customers"],
            d["clv_mean"],
            d["se"] ** 2,
            p["customers"],
            p["clv_mean"],
            p["se"] ** 2,
            alpha=self.alpha,
            relative=True,
        )
        return Estimate(
            1.0 + float(diff["estimate"][0]),
            1.0 + float(diff["ci_low"][0]),
            1.0 + float(diff["ci_high"][0]),
            int(p["customers"] + d["customers"]),
            self.alpha,
        )

    def summary(self) -> list[str]:
        """Promoters against detractors, in words: a difference only when its interval excludes 1."""
        t = self.table.set_index("group")
        ok = t[~t["suppressed"]]
        if not {"promoter", "detractor"} <= set(ok.index):
            return ["Too few promoters or detractors to compare their value."]
        p, d = ok.loc["promoter"], ok.loc["detractor"]
        ratio = self.ratio()
        level = 1 - self.alpha

        def money(amount: float) -> str:
            return format_money(amount, self.currency)

        stats = format_interval(ratio.ci_low, ratio.ci_high, lambda v: f"{v:.2f}", level=level)
        if np.isfinite(ratio.ci_low) and (ratio.ci_low > 1 or ratio.ci_high < 1):
            gap = float(p["clv_mean"] - d["clv_mean"])
            size = abs(gap) * int(d["customers"])
            if gap > 0:
                out = [
                    f"Promoters are predicted to be worth {ratio.value:.2f} times as much as detractors: "
                    f"{money(p['clv_mean'])} against {money(d['clv_mean'])} per customer "
                    f"({stats} times). Across the {format_count(d['customers'])} detractors the gap is "
                    f"{money(size)}; what detractors complain about (Voice of Customer report) is the "
                    "place to look next."
                ]
            else:
                out = [
                    f"Detractors are predicted to be worth more than promoters: {money(d['clv_mean'])} "
                    f"against {money(p['clv_mean'])} per customer ({stats} for the ratio promoters to "
                    "detractors); unhappy customers here are often the frequent buyers, so their "
                    "complaints deserve a look first."
                ]
        else:
            out = [
                "The data show no clear difference between the predicted value of promoters "
                f"({money(p['clv_mean'])} per customer) and of detractors ({money(d['clv_mean'])}) "
                f"({stats} for the ratio promoters to detractors, which includes 1)."
            ]
        if "no answer" in ok.index:
            none = ok.loc["no answer"]
            out.append(
                f"The {format_count(none['customers'])} customers who never answered are predicted to be "
                f"worth {money(none['clv_mean'])} each."
            )
        return out


def clv_by_nps(
    value: CLVResult | Frame, surveys: Frame, *, min_n: int = 30, alpha: float = 0.05, currency: str = ""
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
    table = to_pandas(getattr(value, "table", value))
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
        se = clv.std(ddof=1) / np.sqrt(n) if n > 1 else float("nan")
        half = stats.t.ppf(1 - alpha / 2, n - 1) * se if n > 1 else float("nan")
        share = n / answered if group != "no answer" and answered else float("nan")
        rows.append((group, n, mean, mean - half, mean + half, se, float(clv.sum()), share))
    out = pd.DataFrame(
        rows,
        columns=[
            "group",
            "customers",
            "clv_mean",
            "ci_low",
            "ci_high",
            "se",
            "clv_total",
            "share_of_customers",
        ],
    )
    out["group"] = out["group"].astype("str")
    out["customers"] = out["customers"].astype("int64")
    return NPSValue(suppress_small(out, "customers", min_n), alpha, currency)
