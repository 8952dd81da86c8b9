"""Per-variant sufficient statistics of an experiment, aggregated where the data lives.

Every statistic in :mod:`cxlib.experiments` is a function of a few sums per variant and
metric (the layout GrowthBook's engine uses; docs/architecture.md §9): ``n``, ``sum``, ``sum_sq``; a
ratio metric adds ``den_sum``, ``den_sum_sq``, ``cross_sum`` (Σ numerator·denominator);
CUPED adds ``pre_sum``, ``pre_sum_sq``, ``pre_cross_sum`` (Σ outcome·covariate). The unit
table is reduced to those sums in one Narwhals group-by on the user's backend (pandas,
polars, DuckDB, Spark), so a hundred million units cost one scan; only the small summary
comes back to pandas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, cast

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from scipy import stats

from cxlib._types import Frame
from cxlib.engine import require_columns, to_narwhals, to_pandas
from cxlib.errors import DataError
from cxlib.experiments.metrics import Metric, MetricsLike, as_metrics
from cxlib.experiments.moments import arm_moments
from cxlib.result import Display, ResultBase

__all__ = [
    "KEY_COLUMNS",
    "STAT_COLUMNS",
    "ExperimentSummary",
    "as_summary",
    "resolve_summary",
    "summarize",
]

TABLE = "experiments"
#: Sufficient statistics per variant and metric, in table order.
STAT_COLUMNS: tuple[str, ...] = (
    "n",
    "sum",
    "sum_sq",
    "den_sum",
    "den_sum_sq",
    "cross_sum",
    "pre_sum",
    "pre_sum_sq",
    "pre_cross_sum",
)
#: Descriptive columns of a summary row besides the statistics.
KEY_COLUMNS: tuple[str, ...] = ("variant", "metric", "kind", "higher_is_better", "covariate")
_REQUIRED_SUMMARY = ("variant", "metric", "n", "sum", "sum_sq")


@dataclass(frozen=True)
class ExperimentSummary(ResultBase):
    """Sufficient statistics of one experiment, one row per (segment, period,) variant and metric.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns: the ``by`` columns (``period`` is a UTC timestamp), ``variant`` (str),
        ``metric`` (str), ``kind`` (``proportion``/``mean``/``ratio``),
        ``higher_is_better`` (bool), ``covariate`` (str or missing), ``n`` (int64) and
        ``sum, sum_sq, den_sum, den_sum_sq, cross_sum, pre_sum, pre_sum_sq,
        pre_cross_sum`` (float64; NaN where a statistic does not apply).
    experiment : str or None
        The experiment summarised, when the table named one.
    by : tuple of str
        Grouping columns besides ``variant`` and ``metric``.
    caps : dict
        Metric name → the cap applied to its outcome (from ``cap`` or ``cap_quantile``).
    """

    DISPLAY: ClassVar[Display] = Display(decimals=2)

    table: pd.DataFrame
    experiment: str | None = None
    by: tuple[str, ...] = ()
    caps: Mapping[str, float] = field(default_factory=dict)

    @property
    def variants(self) -> list[str]:
        """Variant names in first-seen order."""
        return list(dict.fromkeys(self.table["variant"].tolist()))

    @property
    def metrics(self) -> list[str]:
        """Metric names in first-seen order."""
        return list(dict.fromkeys(self.table["metric"].tolist()))

    def counts(self) -> pd.Series:
        """Units per variant (summed over segments and periods), indexed by variant."""
        first = self.table[self.table["metric"] == self.metrics[0]]
        return first.groupby("variant", sort=False)["n"].sum().astype("int64")

    def means(self, alpha: float = 0.05) -> pd.DataFrame:
        """Mean (or ratio) per row with its standard error and a normal confidence interval.

        Returns
        -------
        pandas.DataFrame
            The ``by`` columns, ``variant``, ``metric``, ``kind``, ``n`` and float
            ``mean``, ``se``, ``ci_low``, ``ci_high``. Ratio metrics use the delta method.
        """
        t = self.table
        mean, var_mean = arm_moments(t)
        se = np.sqrt(var_mean)
        z = stats.norm.ppf(1 - alpha / 2)
        out = t[[*self.by, "variant", "metric", "kind", "n"]].copy()
        out["mean"] = mean
        out["se"] = se
        out["ci_low"] = mean - z * se
        out["ci_high"] = mean + z * se
        return out.reset_index(drop=True)

    def collapse(self, *keys: str) -> ExperimentSummary:
        """Sum the statistics over grouping columns (e.g. ``"period"``), dropping them.

        Sufficient statistics add up, so the result equals summarising without those keys.
        """
        unknown = sorted(set(keys) - set(self.by))
        if unknown:
            raise ValueError(f"the summary is not split by {', '.join(unknown)}")
        rest = [b for b in self.by if b not in keys]
        t = self.table
        grouped = t.groupby([*rest, "variant", "metric"], sort=False)
        sums = grouped[list(STAT_COLUMNS)].sum(min_count=1).reset_index()
        meta = grouped[["kind", "higher_is_better", "covariate"]].first().reset_index()
        out = sums.merge(meta, on=[*rest, "variant", "metric"], how="left")
        order = {m: i for i, m in enumerate(self.metrics)}
        out = out.iloc[np.argsort(out["metric"].map(order).to_numpy(), kind="stable")]
        out["n"] = out["n"].astype("int64")
        return ExperimentSummary(
            out[[*rest, *KEY_COLUMNS, *STAT_COLUMNS]].reset_index(drop=True),
            self.experiment,
            tuple(rest),
            self.caps,
        )

    def cumulative(self) -> ExperimentSummary:
        """Accumulate running totals over ``period`` (the statistics of everyone exposed so far).

        Periods in which a variant had no units are filled with zero sums, so every
        variant and metric has one row per period.

        Raises
        ------
        ValueError
            The summary was not made with ``period=``.
        """
        if "period" not in self.by:
            raise ValueError("cumulative() needs a summary made with period='day'")
        t = self.table
        keys = [*[b for b in self.by if b != "period"], "variant", "metric"]
        grid_parts = [t[k].drop_duplicates().tolist() for k in keys]
        periods = sorted(t["period"].drop_duplicates().tolist())
        index = pd.MultiIndex.from_product([*grid_parts, periods], names=[*keys, "period"])
        stats_cols = list(STAT_COLUMNS)
        full = t.set_index([*keys, "period"])[stats_cols].reindex(index)
        applies = t.groupby("metric", sort=False)[stats_cols].apply(lambda g: g.notna().any())
        present = applies.reindex(full.index.get_level_values("metric")).to_numpy()
        values = full.to_numpy(dtype="float64", na_value=np.nan)
        values = np.where(present & np.isnan(values), 0.0, values)
        full = pd.DataFrame(values, index=full.index, columns=stats_cols)
        full = full.groupby(level=list(range(len(keys))), sort=False).cumsum()
        out = full.reset_index()
        meta = t.drop_duplicates("metric").set_index("metric")[["kind", "higher_is_better", "covariate"]]
        for column in meta.columns:
            out[column] = out["metric"].map(meta[column])
        out["n"] = out["n"].astype("int64")
        ordered = [*self.by, *KEY_COLUMNS, *STAT_COLUMNS]
        # Same row order as summarize(): metric blocks, then segments, period and variant.
        order = {m: i for i, m in enumerate(self.metrics)}
        out = out.assign(__metric_order=out["metric"].map(order))
        out = out.sort_values(
            ["__metric_order", *[b for b in self.by if b != "period"], "period", "variant"], kind="stable"
        )
        return ExperimentSummary(out[ordered].reset_index(drop=True), self.experiment, self.by, self.caps)

    def figure(self, alpha: float = 0.05) -> go.Figure:
        """Mean of each metric by variant, with confidence intervals (one panel per metric)."""
        from plotly.subplots import make_subplots

        from cxlib import viz

        means = self.means(alpha)
        if self.by:
            means = means.groupby(["variant", "metric"], sort=False).first().reset_index()
        metrics = self.metrics
        fig = make_subplots(rows=1, cols=len(metrics), subplot_titles=metrics)
        for i, metric in enumerate(metrics, start=1):
            part = means[means["metric"] == metric]
            fig.add_trace(
                go.Bar(
                    x=part["variant"],
                    y=part["mean"],
                    showlegend=False,
                    marker=dict(color=[viz.PALETTE[k % len(viz.PALETTE)] for k in range(len(part))]),
                    error_y=dict(
                        type="data",
                        symmetric=False,
                        array=part["ci_high"] - part["mean"],
                        arrayminus=part["mean"] - part["ci_low"],
                    ),
                    hovertemplate="%{x}: %{y:.4g}<extra>" + metric + "</extra>",
                ),
                row=1,
                col=i,
            )
            if (part["kind"] == "proportion").all():
                fig.update_yaxes(tickformat=".1%", row=1, col=i)
        level = round(100 * (1 - alpha))
        fig.update_layout(
            template="cxlab",
            title=dict(text=f"Mean per unit by variant ({level}% CI)"),
            hovermode="closest",
            height=360,
        )
        return fig

    def summary(self) -> list[str]:
        """Units per variant and the metrics summarised, in plain sentences."""
        if self.table.empty:
            return ["The experiment has no units."]
        counts = self.counts()
        name = f"Experiment {self.experiment}" if self.experiment else "The experiment"
        split = ", ".join(f"{variant} {int(n):,}" for variant, n in counts.items())
        return [
            f"{name} has {int(counts.sum()):,} units in {len(counts)} variants ({split}).",
            f"Metrics summarised: {', '.join(self.metrics)}.",
        ]


# --------------------------------------------------------------------------- building summaries


def _lazy(table: Frame) -> nw.LazyFrame[Any]:
    frame = to_narwhals(table)
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def _resolve_kind(metric: Metric, dtype: Any) -> str:
    if metric.denominator is not None:
        return "ratio"
    if metric.kind != "auto":
        return metric.kind
    return "proportion" if isinstance(dtype, nw.Boolean) else "mean"


def _check_type(column: str, dtype: Any, purpose: str) -> None:
    if isinstance(dtype, nw.Boolean) or dtype.is_numeric():
        return
    raise DataError(
        f"must be numeric or boolean to be used as {purpose}; found {dtype}",
        table=TABLE,
        column=column,
        rule="wrong_type",
    )


class _Columns:
    """Engine columns a summary needs, each computed once even when metrics share it."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self.schema = schema
        self.values: dict[tuple[str, float | None], tuple[str, nw.Expr]] = {}
        self.products: dict[tuple[str, str], tuple[str, nw.Expr]] = {}
        self.sources: dict[str, str] = {}

    def value(self, column: str, cap: float | None = None) -> str:
        key = (column, cap)
        if key not in self.values:
            dtype = self.schema[column]
            expr = nw.col(column).cast(nw.Float64)
            if isinstance(dtype, (nw.Float32, nw.Float64)):
                expr = expr.fill_nan(None)
            if cap is not None:
                expr = expr.clip(upper_bound=cap)
            self.values[key] = (f"__cx_v{len(self.values)}", expr)
            self.sources.setdefault(column, f"__cx_null{len(self.sources)}")
        return self.values[key][0]

    def product(self, a: str, b: str) -> str:
        key = (a, b) if a <= b else (b, a)
        if key not in self.products:
            self.products[key] = (f"__cx_p{len(self.products)}", nw.col(a) * nw.col(b))
        return self.products[key][0]

    def null_exprs(self) -> list[nw.Expr]:
        out = []
        for column, name in self.sources.items():
            expr = nw.col(column)
            if isinstance(self.schema[column], (nw.Float32, nw.Float64)):
                expr = expr.fill_nan(None)
            out.append(expr.is_null().cast(nw.Float64).alias(name))
        return out


def _quantile_caps(
    frame: nw.LazyFrame[Any], metrics: Sequence[Metric], schema: Mapping[str, Any]
) -> dict[str, float]:
    wanted = [(m, m.cap_quantile) for m in metrics if m.cap_quantile is not None]
    if not wanted:
        return {}
    exprs = []
    for i, (m, _) in enumerate(wanted):
        value = nw.col(m.column).cast(nw.Float64)
        if isinstance(schema[m.column], (nw.Float32, nw.Float64)):
            value = value.fill_nan(None)
        exprs.append(value.alias(f"__cx_q{i}"))
    quantiles = [
        nw.col(f"__cx_q{i}").quantile(q, interpolation="linear").alias(f"__cx_q{i}")
        for i, (_, q) in enumerate(wanted)
    ]
    row = to_pandas(frame.with_columns(exprs).select(quantiles)).iloc[0]
    return {m.name: float(row[f"__cx_q{i}"]) for i, (m, _) in enumerate(wanted)}


def _experiments_present(frame: nw.LazyFrame[Any]) -> list[str]:
    found = to_pandas(frame.select("experiment").unique().sort("experiment"))
    return [str(v) for v in found["experiment"].tolist()]


def _period_day(column: str, dtype: Any) -> nw.Expr:
    """Exposure day (UTC) of each unit."""
    if not isinstance(dtype, nw.Datetime):
        raise DataError(
            f"must be a UTC timestamp to group by exposure day; found {dtype}. Read the table with "
            "cxlib.open_shop or open_table (they convert time zones to UTC) or convert it to UTC first",
            table=TABLE,
            column=column,
            rule="wrong_type",
        )
    expr = nw.col(column)
    zone = getattr(dtype, "time_zone", None)
    if zone and zone not in ("UTC", "Etc/UTC"):
        expr = expr.dt.convert_time_zone("UTC")
    return expr.dt.truncate("1d").alias("period")


def summarize(
    experiments: Frame,
    metrics: MetricsLike,
    *,
    experiment: str | None = None,
    covariate: str | None = None,
    by: str | Sequence[str] | None = None,
    period: Literal["day"] | None = None,
    ts: str = "exposed_ts",
    missing: Literal["raise", "zero"] = "raise",
) -> ExperimentSummary:
    """Reduce a unit-level experiment table to per-variant sufficient statistics.

    One group-by on the table's own backend (pandas, polars, DuckDB, Spark); the result
    is small. Every analysis in :mod:`cxlib.experiments` accepts this summary in place of
    the unit table and gives the same numbers.

    Parameters
    ----------
    experiments : frame
        Unit-level table, one row per unit (any supported frame). Required columns:
        ``variant`` and each metric's columns; ``experiment`` when the table holds several
        experiments; the covariate for CUPED; ``ts`` with ``period``; the ``by`` columns.
    metrics : metric spec
        See :func:`~cxlib.experiments.metrics.as_metrics`: ``"converted"``,
        ``("revenue", "orders")``, ``{"aov": ("revenue", "orders")}`` or
        :class:`~cxlib.experiments.Metric` objects.
    experiment : str, optional
        Which experiment to summarise when the table has an ``experiment`` column with
        several experiments.
    covariate : str, optional
        Pre-period column (e.g. ``pre_revenue``) summarised for CUPED with every
        proportion and mean metric (a metric's own ``covariate`` wins).
    by : str or sequence of str, optional
        Segment columns to split by (e.g. ``device``).
    period : {"day"}, optional
        Also split by exposure day (UTC, from ``ts``); adds a ``period`` column. Running
        totals (:meth:`ExperimentSummary.cumulative`) feed the sequential analysis.
    ts : str, default "exposed_ts"
        Exposure timestamp column, used with ``period``.
    missing : {"raise", "zero"}, default "raise"
        What a missing (null/NaN) outcome, denominator or covariate means: an error
        naming the column, or zero (a unit that did nothing).

    Returns
    -------
    ExperimentSummary

    Raises
    ------
    DataError
        A column is missing or not numeric, the table holds several experiments and none
        was chosen, the chosen experiment or control is absent, values are missing with
        ``missing="raise"``, or a proportion metric has values other than 0/1.

    Examples
    --------
    >>> s = summarize(
    ...     shop.experiments,
    ...     {"conversion": "converted", "aov": ("revenue", "orders")},
    ...     experiment="checkout_redesign",
    ...     covariate="pre_revenue",
    ... )  # doctest: +SKIP
    >>> s.table[["variant", "metric", "n", "sum"]]  # doctest: +SKIP
    """
    metric_list = as_metrics(metrics)
    by_cols = [by] if isinstance(by, str) else list(by or [])
    if missing not in ("raise", "zero"):
        raise ValueError("missing must be 'raise' or 'zero'")
    if period not in (None, "day"):
        raise ValueError("period must be None or 'day'")
    covariates = {
        m.name: (m.covariate or (covariate if m.denominator is None else None)) for m in metric_list
    }
    needed = [
        "variant",
        *by_cols,
        *(c for m in metric_list for c in m.columns),
        *(c for c in covariates.values() if c),
        *([ts] if period else []),
    ]
    require_columns(experiments, list(dict.fromkeys(needed)), TABLE, purpose="the experiment summary")

    frame = _lazy(experiments)
    schema = dict(frame.collect_schema().items())
    if experiment is not None and "experiment" not in schema:
        raise DataError(
            "is needed to choose an experiment", table=TABLE, column="experiment", rule="missing_column"
        )
    for m in metric_list:
        for column in m.columns:
            _check_type(column, schema[column], f"metric {m.name!r}")
        covariate_column = covariates[m.name]
        if covariate_column:
            _check_type(covariate_column, schema[covariate_column], "a CUPED covariate")
    kinds = {m.name: _resolve_kind(m, schema[m.column]) for m in metric_list}

    keys = [*by_cols, "variant"]
    found_experiment = experiment
    if "experiment" in schema:
        if experiment is not None:
            frame = frame.filter(nw.col("experiment") == experiment)
        elif any(m.cap_quantile is not None for m in metric_list):  # the cap must come from one experiment
            found_experiment = _single_experiment(_experiments_present(frame))
        else:
            keys = ["experiment", *keys]
    if period is not None:
        keys = [*keys[:-1], "period", "variant"]

    caps = {m.name: float(m.cap) for m in metric_list if m.cap is not None}
    caps.update(_quantile_caps(frame, metric_list, schema))

    cols = _Columns(schema)
    plan: dict[str, dict[str, str]] = {}
    for m in metric_list:
        y = cols.value(m.column, caps.get(m.name))
        entry = {"sum": y}
        if m.denominator is not None:
            d = cols.value(m.denominator)
            entry |= {"den_sum": d, "den_sum_sq": cols.product(d, d), "cross_sum": cols.product(y, d)}
        cov = covariates[m.name]
        if cov:
            x = cols.value(cov)
            entry |= {"pre_sum": x, "pre_sum_sq": cols.product(x, x), "pre_cross_sum": cols.product(y, x)}
        entry["sum_sq"] = cols.product(y, y)
        plan[m.name] = entry

    step1 = [expr.alias(name) for name, expr in cols.values.values()]
    if missing == "zero":
        step1 = [expr.fill_null(0.0).alias(name) for name, expr in cols.values.values()]
    else:
        step1 += cols.null_exprs()
    if period is not None:
        step1.append(_period_day(ts, schema[ts]))
    work = frame.with_columns(step1)
    work = work.with_columns([expr.alias(name) for name, expr in cols.products.values()])
    sums = [name for name, _ in cols.values.values()] + [name for name, _ in cols.products.values()]
    if missing == "raise":
        sums += list(cols.sources.values())
    grouped = work.group_by(keys).agg([nw.len().alias("__cx_n"), *[nw.col(c).sum() for c in sums]]).sort(keys)
    agg = to_pandas(grouped)

    if "experiment" in keys:
        present = sorted(agg["experiment"].astype(str).unique().tolist())
        found_experiment = _single_experiment(present)
        agg = agg.drop(columns="experiment")
    if agg.empty:
        where = f"experiment {experiment!r}" if experiment is not None else "the table"
        available = ""
        if experiment is not None:
            available = "; experiments found: " + ", ".join(_experiments_present(_lazy(experiments)))
        raise DataError(f"{where} has no units{available}", table=TABLE, column="experiment", rule="no_units")
    if agg["variant"].isna().any():
        raise DataError(
            "has missing values; every unit needs a variant",
            table=TABLE,
            column="variant",
            rule="missing_value",
            n_rows=int(agg.loc[agg["variant"].isna(), "__cx_n"].sum()),
        )
    if missing == "raise":
        for column, name in cols.sources.items():
            n_null = int(pd.to_numeric(agg[name]).sum())
            if n_null:
                raise DataError(
                    f"has {n_null:,} missing value(s); fill them or pass missing='zero' if a missing value "
                    "means zero",
                    table=TABLE,
                    column=column,
                    rule="missing_value",
                    n_rows=n_null,
                )

    if period is not None:
        agg["period"] = agg["period"].dt.tz_convert("UTC").astype("datetime64[us, UTC]")
    out = _long_table(agg, [k for k in keys if k != "experiment"], metric_list, plan, kinds, covariates)
    _check_binary(out)
    by_out = (*by_cols, *(["period"] if period else []))
    return ExperimentSummary(out, found_experiment, by_out, caps)


def _single_experiment(present: Sequence[str]) -> str | None:
    if len(present) > 1:
        raise DataError(
            f"holds {len(present)} experiments ({', '.join(present[:10])}); choose one with experiment=...",
            table=TABLE,
            column="experiment",
            rule="several_experiments",
        )
    return present[0] if present else None


def _long_table(
    agg: pd.DataFrame,
    keys: Sequence[str],
    metrics: Sequence[Metric],
    plan: Mapping[str, Mapping[str, str]],
    kinds: Mapping[str, str],
    covariates: Mapping[str, str | None],
) -> pd.DataFrame:
    parts = []
    for m in metrics:
        part = agg[list(keys)].copy()
        part["variant"] = part["variant"].astype(str)
        part["metric"] = m.name
        part["kind"] = kinds[m.name]
        part["higher_is_better"] = bool(m.higher_is_better)
        part["covariate"] = covariates[m.name]
        part["n"] = pd.to_numeric(agg["__cx_n"]).astype("int64")
        for stat in STAT_COLUMNS[1:]:
            source = plan[m.name].get(stat)
            part[stat] = pd.to_numeric(agg[source]).astype("float64") if source else np.nan
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    ordered = [*[k for k in keys if k != "variant"], *KEY_COLUMNS, *STAT_COLUMNS]
    out["covariate"] = out["covariate"].astype("str").where(out["covariate"].notna(), None)
    return out[ordered].reset_index(drop=True)


def _check_binary(table: pd.DataFrame) -> None:
    prop = table[table["kind"] == "proportion"]
    bad = (
        ~np.isclose(prop["sum_sq"], prop["sum"], rtol=1e-9, atol=1e-9)
        | (prop["sum"] < 0)
        | (prop["sum"] > prop["n"])
    )
    if bad.any():
        metric = str(prop.loc[bad, "metric"].iloc[0])
        raise DataError(
            f"metric {metric!r} is a proportion but its values are not all 0 or 1; use kind='mean'",
            table=TABLE,
            column=metric,
            rule="not_binary",
        )


# --------------------------------------------------------------------------- reading summaries


def as_summary(data: Frame | ExperimentSummary | object) -> ExperimentSummary | None:
    """Read a summary given by a user, or ``None`` when ``data`` is a unit-level table.

    Parameters
    ----------
    data : ExperimentSummary, pandas.DataFrame or frame
        An :class:`ExperimentSummary`; a pandas frame with at least ``variant, metric, n,
        sum, sum_sq`` (other statistic columns optional; ``kind`` is inferred when absent:
        ``ratio`` if ``den_sum`` is given, ``proportion`` if ``sum_sq == sum``, else
        ``mean``); anything else is taken as a unit-level table.

    Returns
    -------
    ExperimentSummary or None

    Raises
    ------
    DataError
        A summary column is not numeric, ``n`` is not a positive whole number, or a
        variant/metric pair repeats.
    """
    if isinstance(data, ExperimentSummary):
        return data
    if not isinstance(data, pd.DataFrame) or not set(_REQUIRED_SUMMARY) <= set(data.columns):
        return None
    t = data.copy()
    by = tuple(c for c in t.columns if c not in (*KEY_COLUMNS, *STAT_COLUMNS))
    for stat in STAT_COLUMNS:
        if stat not in t.columns:
            t[stat] = np.nan
        if not pd.api.types.is_numeric_dtype(t[stat]) and not t[stat].isna().all():
            raise DataError("must be numeric", table="summary", column=stat, rule="wrong_type")
        t[stat] = pd.to_numeric(t[stat]).astype("float64")
    n = t["n"].to_numpy()
    if np.isnan(n).any() or (n <= 0).any() or (n != np.round(n)).any():
        raise DataError("must hold positive whole unit counts", table="summary", column="n", rule="bad_count")
    t["n"] = t["n"].astype("int64")
    t["variant"] = t["variant"].astype(str)
    t["metric"] = t["metric"].astype(str)
    if "kind" not in t.columns:
        binary = np.isclose(t["sum_sq"], t["sum"]) & (t["sum"] >= 0) & (t["sum"] <= t["n"])
        proportion = binary.groupby(t["metric"]).transform("all")
        t["kind"] = np.where(t["den_sum"].notna(), "ratio", np.where(proportion, "proportion", "mean"))
    if "higher_is_better" not in t.columns:
        t["higher_is_better"] = True
    if "covariate" not in t.columns:
        t["covariate"] = None
    if t.duplicated([*by, "variant", "metric"]).any():
        raise DataError(
            "repeats a variant and metric; give one row per variant and metric",
            table="summary",
            column="variant",
            rule="duplicate_rows",
        )
    _check_binary(t)
    return ExperimentSummary(t[[*by, *KEY_COLUMNS, *STAT_COLUMNS]].reset_index(drop=True), None, by)


def resolve_summary(
    data: Frame | ExperimentSummary,
    metrics: MetricsLike | None,
    *,
    experiment: str | None,
    covariate: str | None,
    missing: Literal["raise", "zero"],
    by: list[str] | None = None,
    period: Literal["day"] | None = None,
    ts: str = "exposed_ts",
) -> ExperimentSummary:
    """Resolve the summary of ``data``: given, or computed from a unit table with ``metrics``.

    Parameters
    ----------
    data : ExperimentSummary, summary frame or unit-level table
    metrics : metrics, optional
        Needed for a unit-level table (see :func:`summarize`).
    experiment, covariate, missing, by, period, ts
        As in :func:`summarize`.

    Returns
    -------
    ExperimentSummary
    """
    summary = as_summary(data)
    if summary is None:
        if metrics is None:
            raise ValueError("a unit-level table needs metrics=... (e.g. {'conversion': 'converted'})")
        return summarize(
            cast("Frame", data),
            metrics,
            experiment=experiment,
            covariate=covariate,
            by=by,
            period=period,
            ts=ts,
            missing=missing,
        )
    if metrics is not None:
        wanted = [m.name for m in as_metrics(metrics)]
        unknown = sorted(set(wanted) - set(summary.metrics))
        if unknown:
            raise ValueError(f"metric(s) not in the summary: {', '.join(unknown)}")
        t = summary.table[summary.table["metric"].isin(wanted)]
        order = {m: i for i, m in enumerate(wanted)}
        t = t.iloc[np.argsort(t["metric"].map(order).to_numpy(), kind="stable")].reset_index(drop=True)
        summary = ExperimentSummary(t, summary.experiment, summary.by, summary.caps)
    return summary
