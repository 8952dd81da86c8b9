"""Experiment health checks, run before reading any result: SRM, exposure, pre-period balance.

* **Sample-ratio mismatch** — a chi-square goodness-of-fit test of the units per variant
  against the planned split; alert at p < 0.001 (Fabijan et al., KDD 2019, "Diagnosing
  sample ratio mismatch in online controlled experiments"). An SRM means assignment or
  logging is broken, and every metric of the experiment is suspect.
* **Exposure over time** — units per day and variant, with the cumulative split, so a
  variant that stopped receiving traffic or a ramp-up shows at a glance.
* **Pre-period balance** — Welch tests and standardised mean differences of pre-period
  covariates between arms; randomisation should leave them equal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, TypeAlias, cast

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import stats

from cxlib._types import Frame
from cxlib.engine import require_columns, to_narwhals, to_pandas
from cxlib.errors import DataError
from cxlib.experiments.moments import effects
from cxlib.experiments.summary import TABLE, ExperimentSummary, _period_day, as_summary, summarize
from cxlib.result import Display, ResultBase
from cxlib.two_groups import interval, p_value
from cxlib.viz.formats import format_p, plural

__all__ = ["SRM", "Balance", "Exposure", "balance", "exposure", "srm"]

SharesLike = Mapping[str, float] | Sequence[float] | str | None
#: Units per variant given directly: a pandas Series or a mapping of variant to count.
CountsLike: TypeAlias = pd.Series | Mapping[str, int]


def _shares(variants: Sequence[str], expected: SharesLike) -> np.ndarray:
    """Planned share per variant (in ``variants`` order), normalised to sum to 1."""
    if expected is None or (isinstance(expected, str) and not expected.strip()):
        values = np.ones(len(variants))
    elif isinstance(expected, str):
        try:
            values = np.array([float(v) for v in expected.replace(",", "/").split("/")])
        except ValueError as exc:
            raise ValueError(f"cannot read the planned split {expected!r}; write it like '50/50'") from exc
    elif isinstance(expected, Mapping):
        unknown = sorted(set(variants) - set(expected))
        if unknown:
            raise ValueError(f"expected_shares has no share for variant(s) {', '.join(unknown)}")
        values = np.array([float(expected[v]) for v in variants])
    else:
        values = np.asarray(list(expected), dtype="float64")
    if len(values) != len(variants):
        raise ValueError(
            f"{len(values)} planned shares given for {len(variants)} variants ({', '.join(variants)})"
        )
    if (values <= 0).any() or not np.isfinite(values).all():
        raise ValueError("planned shares must be positive numbers")
    return values / values.sum()


def _variant_order(variants: Sequence[str], control: str | None) -> list[str]:
    ordered = sorted(str(v) for v in variants)
    if control is not None and control in ordered:
        ordered.remove(control)
        ordered.insert(0, control)
    return ordered


@dataclass(frozen=True)
class SRM(ResultBase):
    """Result of the sample-ratio-mismatch test.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per variant: ``variant`` (str), ``units`` (int64), ``share``,
        ``expected_share``, ``expected_units`` (float64).
    chi2 : float
        Pearson chi-square statistic (k − 1 degrees of freedom).
    p_value : float
    threshold : float
        Alert level (default 0.001).
    """

    DISPLAY: ClassVar[Display] = Display(
        percent_cols=("share", "expected_share"),
        decimals={"expected_units": 0},
        labels={
            "variant": "Variant",
            "units": "Units",
            "share": "Share",
            "expected_share": "Planned share",
            "expected_units": "Planned units",
        },
    )

    table: pd.DataFrame
    chi2: float
    p_value: float
    threshold: float

    @property
    def mismatch(self) -> bool:
        """True when p < threshold: the split differs from the plan."""
        return bool(self.p_value < self.threshold)

    def figure(self) -> go.Figure:
        """Observed against planned share of units per variant."""
        long = pd.concat(
            [
                self.table.assign(kind="observed", value=self.table["share"]),
                self.table.assign(kind="planned", value=self.table["expected_share"]),
            ]
        )
        from cxlib import viz

        return viz.bar(
            long,
            "variant",
            "value",
            color="kind",
            percent=True,
            title="Share of units per variant: observed vs planned",
            labels={"variant": "variant", "value": "share of units"},
        )

    def summary(self) -> list[str]:
        """Say the verdict in words."""
        shares = ", ".join(
            f"{r.variant} {r.share:.2%} (planned {r.expected_share:.0%})" for r in self.table.itertuples()
        )
        if self.mismatch:
            return [
                f"Sample-ratio mismatch: {shares} (chi-square {format_p(self.p_value)}, alert below "
                f"{self.threshold:g}). "
                "Assignment or logging is broken, so no metric of this experiment can be trusted "
                "until the cause is found."
            ]
        return [f"No sample-ratio mismatch: {shares} (chi-square {format_p(self.p_value)})."]


def _unit_counts(data: Frame | ExperimentSummary | CountsLike, experiment: str | None) -> pd.Series:
    summary = as_summary(data)
    if summary is not None:
        return summary.counts()
    if isinstance(data, pd.Series):
        return data.astype("int64")
    if isinstance(data, Mapping):
        return pd.Series({str(k): int(v) for k, v in data.items()}, dtype="int64")
    require_columns(data, ["variant"], TABLE, purpose="the sample-ratio check")
    frame = to_narwhals(data)
    if "experiment" in frame.columns and experiment is not None:
        frame = frame.filter(nw.col("experiment") == experiment)
    keys = ["experiment", "variant"] if "experiment" in frame.columns and experiment is None else ["variant"]
    counted = to_pandas(frame.group_by(keys).agg(nw.len().alias("units")).sort(keys))
    if "experiment" in keys and counted["experiment"].nunique() > 1:
        raise DataError(
            "holds several experiments; choose one with experiment=...",
            table=TABLE,
            column="experiment",
            rule="several_experiments",
        )
    return counted.set_index(counted["variant"].astype(str))["units"].astype("int64")


def srm(
    counts: Frame | ExperimentSummary | CountsLike,
    expected_shares: SharesLike = None,
    *,
    control: str | None = "control",
    threshold: float = 0.001,
    experiment: str | None = None,
) -> SRM:
    """Sample-ratio mismatch: chi-square test of units per variant against the planned split.

    Parameters
    ----------
    counts : mapping, pandas.Series, ExperimentSummary or frame
        Units per variant (``{"control": 20_072, "treatment": 19_928}``), a summary, or a
        unit-level table (required column ``variant``; ``experiment`` to choose one).
    expected_shares : mapping, sequence or str, optional
        Planned share per variant (mapping by name, a sequence in the order control first
        then the others alphabetically, or text like ``"50/50"``); normalised to sum 1.
        Default: an equal split.
    control : str, optional
        Listed first.
    threshold : float, default 0.001
        Alert level (Fabijan et al. 2019).
    experiment : str, optional
        Experiment to check in a unit table holding several.

    Returns
    -------
    SRM

    Examples
    --------
    >>> srm({"control": 15_653, "treatment": 14_347}).mismatch
    True
    """
    observed = _unit_counts(counts, experiment)
    if len(observed) < 2:
        raise DataError(
            "has fewer than two variants; nothing to compare",
            table=TABLE,
            column="variant",
            rule="single_variant",
        )
    order = _variant_order(observed.index.tolist(), control)
    units = observed.reindex(order).to_numpy(dtype="float64")
    shares = _shares(order, expected_shares)
    expected = shares * units.sum()
    chi2, p = stats.chisquare(units, expected)
    table = pd.DataFrame(
        {
            "variant": pd.Series(order, dtype="str"),
            "units": units.astype("int64"),
            "share": units / units.sum(),
            "expected_share": shares,
            "expected_units": expected,
        }
    )
    return SRM(table, float(chi2), float(p), threshold)


@dataclass(frozen=True)
class Exposure(ResultBase):
    """Units exposed per day and variant.

    Attributes
    ----------
    table : pandas.DataFrame
        ``period`` (UTC day), ``variant``, ``units`` (int64), ``cumulative_units``
        (int64), ``share`` (cumulative share of units so far, float64),
        ``expected_share`` and ``srm_p_value`` (chi-square p of the cumulative split;
        for monitoring only, not adjusted for daily looks).
    """

    DISPLAY: ClassVar[Display] = Display(
        percent_cols=("share", "expected_share"), decimals={"srm_p_value": 3}
    )

    table: pd.DataFrame

    def figure(self) -> go.Figure:
        """Units exposed per day, one line per variant."""
        from cxlib import viz

        return viz.line(
            self.table,
            "period",
            "units",
            color="variant",
            markers=True,
            title="Units exposed per day",
            labels={"period": "exposure day (UTC)", "units": "units"},
        )

    def share_figure(self) -> go.Figure:
        """Cumulative share of units per variant against the planned share."""
        from cxlib import viz

        fig = viz.line(
            self.table,
            "period",
            "share",
            color="variant",
            percent=True,
            title="Cumulative share of units per variant (dashed: planned)",
            labels={"period": "exposure day (UTC)", "share": "share of units so far"},
        )
        for i, (_, rows) in enumerate(self.table.groupby("variant", sort=False)):
            fig.add_hline(
                y=float(rows["expected_share"].iloc[0]),
                line=dict(color=viz.PALETTE[i % len(viz.PALETTE)], dash="dash", width=1),
            )
        return fig

    def summary(self) -> list[str]:
        """Period covered, and days without units in some variant."""
        t = self.table
        days = t["period"].nunique()
        pivot = t.pivot_table(index="period", columns="variant", values="units", aggfunc="sum", fill_value=0)
        empty = int((pivot == 0).any(axis=1).sum())
        first, last = t["period"].min(), t["period"].max()
        text = f"Units were exposed on {plural(days, 'day')}, {first:%Y-%m-%d} to {last:%Y-%m-%d}."
        if empty:
            text += (
                f" On {plural(empty, 'day')} at least one variant received no units: check the assignment."
            )
        return [text]


def exposure(
    experiments: Frame,
    *,
    experiment: str | None = None,
    ts: str = "exposed_ts",
    expected_shares: SharesLike = None,
    control: str | None = "control",
) -> Exposure:
    """Units exposed per day and variant, with the cumulative split and its SRM p-value.

    Parameters
    ----------
    experiments : frame
        Unit-level table. Required columns: ``variant``, ``ts``; ``experiment`` when it
        holds several experiments.
    experiment : str, optional
    ts : str, default "exposed_ts"
    expected_shares : mapping, sequence or str, optional
        Planned split (see :func:`srm`).
    control : str, optional

    Returns
    -------
    Exposure

    Examples
    --------
    >>> exposure(shop.experiments, experiment="checkout_redesign").figure()  # doctest: +SKIP
    """
    require_columns(experiments, ["variant", ts], TABLE, purpose="exposure over time")
    frame = to_narwhals(experiments)
    frame = frame.lazy() if isinstance(frame, nw.DataFrame) else frame
    schema = dict(frame.collect_schema().items())
    keys = ["period", "variant"]
    if "experiment" in schema:
        if experiment is not None:
            frame = frame.filter(nw.col("experiment") == experiment)
        else:
            keys = ["experiment", *keys]
    counted = to_pandas(
        frame.with_columns(_period_day(ts, schema[ts])).group_by(keys).agg(nw.len().alias("units")).sort(keys)
    )
    if "experiment" in keys:
        if counted["experiment"].nunique() > 1:
            raise DataError(
                "holds several experiments; choose one with experiment=...",
                table=TABLE,
                column="experiment",
                rule="several_experiments",
            )
        counted = counted.drop(columns="experiment")
    if counted.empty:
        raise DataError("has no units for this experiment", table=TABLE, column="variant", rule="no_units")
    counted["variant"] = counted["variant"].astype(str)
    order = _variant_order(counted["variant"].unique().tolist(), control)
    wide = counted.pivot_table(index="period", columns="variant", values="units", aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=order).sort_index()
    cumulative = wide.cumsum()
    shares = _shares(order, expected_shares)
    totals = cumulative.sum(axis=1).to_numpy(dtype="float64")
    observed = cumulative.to_numpy(dtype="float64")
    expected = totals[:, None] * shares[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = ((observed - expected) ** 2 / expected).sum(axis=1)
    p = stats.chi2.sf(chi2, len(order) - 1)
    long = wide.stack().rename("units").reset_index()
    long["cumulative_units"] = cumulative.stack().to_numpy()
    long["share"] = (cumulative.div(cumulative.sum(axis=1), axis=0)).stack().to_numpy()
    long["expected_share"] = np.tile(shares, len(wide))
    long["srm_p_value"] = np.repeat(p, len(order))
    long["units"] = long["units"].astype("int64")
    long["cumulative_units"] = long["cumulative_units"].astype("int64")
    long["variant"] = long["variant"].astype("str")
    return Exposure(
        long[["period", "variant", "units", "cumulative_units", "share", "expected_share", "srm_p_value"]]
    )


@dataclass(frozen=True)
class Balance(ResultBase):
    """Pre-period balance between each variant and the control.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per covariate and variant: ``covariate``, ``variant``, ``control_mean``,
        ``variant_mean``, ``difference``, ``ci_low``, ``ci_high`` (Welch), ``smd``
        (standardised mean difference, difference / sqrt((s_C² + s_T²)/2)),
        ``p_value`` (Welch t-test) and ``imbalanced`` (p < threshold).
    threshold : float
    """

    DISPLAY: ClassVar[Display] = Display(
        columns=(
            "covariate", "variant", "control_mean", "variant_mean", "difference", "ci_low", "ci_high", "smd",
            "p_value",
        ),
        decimals={"smd": 3, "p_value": 3},
        labels={
            "covariate": "Covariate",
            "variant": "Variant",
            "control_mean": "Control mean",
            "variant_mean": "Variant mean",
            "difference": "Difference",
            "ci_low": "CI low",
            "ci_high": "CI high",
            "smd": "Standardised difference",
            "p_value": "p-value",
        },
    )  # fmt: skip

    table: pd.DataFrame
    threshold: float

    @property
    def imbalanced(self) -> bool:
        """True when any covariate differs between arms at p < threshold."""
        return bool(self.table["imbalanced"].any())

    def figure(self) -> go.Figure:
        """Standardised mean difference of each covariate per variant (|SMD| < 0.1 is balanced)."""
        from cxlib import viz

        fig = viz.bar(
            self.table,
            "covariate",
            "smd",
            color="variant",
            horizontal=True,
            title="Pre-period balance: standardised mean difference",
            labels={"covariate": "covariate", "smd": "standardised mean difference"},
        )
        for x in (-0.1, 0.1):
            fig.add_vline(x=x, line=dict(color="#9aa5b1", dash="dash", width=1))
        return fig

    def summary(self) -> list[str]:
        """Say the balance verdict in words."""
        worst = self.table.iloc[self.table["smd"].abs().argmax()]
        if self.imbalanced:
            return [
                f"Pre-period imbalance: {worst['covariate']} differs between {worst['variant']} and control "
                f"(standardised difference {worst['smd']:+.3f}, {format_p(worst['p_value'])}); randomisation "
                "may be broken, or the covariate was measured after exposure."
            ]
        return [
            f"Pre-period covariates are balanced (largest standardised difference {worst['smd']:+.3f}, "
            f"{worst['covariate']})."
        ]


def balance(
    data: Frame | ExperimentSummary,
    covariates: str | Sequence[str] | None = None,
    *,
    control: str = "control",
    experiment: str | None = None,
    threshold: float = 0.001,
    alpha: float = 0.05,
) -> Balance:
    """Compare pre-period covariates between each variant and the control.

    Parameters
    ----------
    data : frame or ExperimentSummary
        A unit-level table (required columns ``variant`` and the covariates) or a summary
        whose metrics carry covariate statistics (``pre_sum``, ``pre_sum_sq``).
    covariates : str or sequence of str, optional
        Covariate columns of a unit table (e.g. ``"pre_revenue"``). With a summary,
        default all covariates it carries.
    control : str, default "control"
    experiment : str, optional
    threshold : float, default 0.001
        Flag a covariate as imbalanced below this p-value (the SRM convention).
    alpha : float, default 0.05
        Level of the difference intervals.

    Returns
    -------
    Balance
    """
    summary = as_summary(data)
    if summary is None:
        if covariates is None:
            raise ValueError("name the pre-period covariate column(s), e.g. covariates='pre_revenue'")
        cols = [covariates] if isinstance(covariates, str) else list(covariates)
        from cxlib.experiments.metrics import Metric

        metrics = [Metric(c, c, kind="mean") for c in cols]
        summary = summarize(cast("Frame", data), metrics, experiment=experiment)
        pre = summary.table
    else:
        t = summary.table[summary.table["covariate"].notna() & summary.table["pre_sum"].notna()]
        if covariates is not None:
            wanted = [covariates] if isinstance(covariates, str) else list(covariates)
            t = t[t["covariate"].isin(wanted)]
        if t.empty:
            raise DataError(
                "the summary carries no covariate statistics; summarise with covariate=...",
                table=TABLE,
                column="covariate",
                rule="missing_covariate",
            )
        t = t.drop_duplicates([*summary.by, "variant", "covariate"])
        pre = t.assign(metric=t["covariate"], kind="mean", sum=t["pre_sum"], sum_sq=t["pre_sum_sq"])
        pre = pre.groupby(["variant", "metric"], sort=False, as_index=False)[["n", "sum", "sum_sq"]].sum()
        pre = pre.assign(
            kind="mean",
            higher_is_better=True,
            covariate=None,
            den_sum=np.nan,
            den_sum_sq=np.nan,
            cross_sum=np.nan,
            pre_sum=np.nan,
            pre_sum_sq=np.nan,
            pre_cross_sum=np.nan,
        )
    eff = effects(pre, control, relative=False)
    lo, hi = interval(eff["estimate"].to_numpy(), eff["se"].to_numpy(), eff["df"].to_numpy(), alpha)
    p = p_value(eff["estimate"].to_numpy(), eff["se"].to_numpy(), eff["df"].to_numpy())
    sd = _pooled_sd(pre, control, eff)
    with np.errstate(divide="ignore", invalid="ignore"):
        smd = eff["estimate"].to_numpy() / sd
    table = pd.DataFrame(
        {
            "covariate": eff["metric"].astype("str"),
            "variant": eff["variant"].astype("str"),
            "control_mean": eff["control_mean"],
            "variant_mean": eff["variant_mean"],
            "difference": eff["estimate"],
            "ci_low": lo,
            "ci_high": hi,
            "smd": smd,
            "p_value": p,
            "imbalanced": p < threshold,
        }
    )
    return Balance(table, threshold)


def _pooled_sd(pre: pd.DataFrame, control: str, eff: pd.DataFrame) -> np.ndarray:
    """sqrt((s_C² + s_T²)/2) for each effects row."""
    var = (pre["sum_sq"] - pre["sum"] ** 2 / pre["n"]) / (pre["n"] - 1)
    lookup = dict(
        zip(zip(pre["variant"].astype(str), pre["metric"].astype(str), strict=True), var, strict=True)
    )
    v_c = np.array([lookup[(control, m)] for m in eff["metric"]])
    v_t = np.array([lookup[(v, m)] for v, m in zip(eff["variant"], eff["metric"], strict=True)])
    return np.sqrt((v_c + v_t) / 2.0)
