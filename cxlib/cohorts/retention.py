"""Retention matrices on acquisition cohorts: who comes back, period by period.

:func:`retention_matrix` counts, for every acquisition cohort and every age (periods since
acquisition), how many customers were retained and how many could have been observed, on
the user's backend; the small counts come back to pandas, where shares, the weighted
average curve and suppression of small cells are computed. The three kinds follow the
definitions of the analytics products (docs/methods.md, "Cohorts and retention"):
Amplitude's "Return On" (N-day) and "Return On or After" (unbounded) retention, and the
calendar cohort table.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from statsmodels.stats.proportion import proportion_confint

from cxlib._types import Frame
from cxlib.cohorts.activity import cohort_frame, prepare_activity
from cxlib.cohorts.counts import ALL, cohort_counts, count_retention
from cxlib.cohorts.periods import age_label
from cxlib.result import Display, ResultBase
from cxlib.viz.formats import format_interval, format_percent, plural

if TYPE_CHECKING:
    from cxlib.cohorts.comparison import RetentionComparison

__all__ = [
    "KINDS",
    "MAX_HEATMAP_AGES",
    "RetentionMatrix",
    "cohort_heatmap",
    "contrast_beyond_age_zero",
    "headline_age",
    "heatmap_ages",
    "retention_matrix",
    "weighted_curve",
]

Kind = Literal["on", "on_or_after", "rolling"]
KINDS: tuple[str, ...] = ("on", "on_or_after", "rolling")
#: The age quoted first in sentences, per period (month 3, week 4, ...).
HEADLINE_AGES: dict[str, int] = {"day": 7, "week": 4, "month": 3, "quarter": 2}

_ADJECTIVES = {"day": "daily", "week": "weekly", "month": "monthly", "quarter": "quarterly"}
#: Most age columns a cohort heatmap shows (readable at a phone's 390 px width).
MAX_HEATMAP_AGES = 8
_AGE_LADDERS: dict[str, tuple[int, ...]] = {
    "day": (1, 2, 3, 7, 14, 21, 30, 60, 90),
    "week": (1, 2, 3, 4, 6, 8, 12, 26, 52),
    "month": (1, 2, 3, 6, 9, 12, 18, 24, 36, 48),
    "quarter": (1, 2, 3, 4, 6, 8, 12, 16),
}

_KIND_WORDS = {
    "on": "active in period N (calendar periods)",
    "on_or_after": "active in period N or any later period (calendar periods)",
    "rolling": "active in window N, counted in fixed windows from each customer's first activity",
}


def cohort_heatmap(
    matrix: pd.DataFrame,
    *,
    period: str,
    title: str,
    x_title: str,
    sizes: pd.Series | None = None,
    ages: list[int] | None = None,
) -> go.Figure:
    """Annotated cohort heatmap that stays readable on a phone (390 px wide).

    One row per cohort (its label only; the cohort size goes into the hover), the ages of
    :func:`heatmap_ages` as columns, the value printed in each cell and no colour bar.
    The whole matrix belongs in a table (it scrolls sideways inside its box).

    Parameters
    ----------
    matrix : pandas.DataFrame
        Shares; index = cohort labels, columns = ages.
    period : str
        Age unit (chooses the ages).
    title, x_title : str
    sizes : pandas.Series, optional
        Customers per cohort (same order as the rows), shown in the hover.
    ages : list of int, optional
        Ages to show (default :func:`heatmap_ages`).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    from cxlib import viz

    max_age = int(max(matrix.columns)) if len(matrix.columns) else 0
    shown = heatmap_ages(period, max_age) if ages is None else ages
    every = shown == list(range(1, max_age + 1))
    part = matrix.loc[:, [a for a in shown if a in matrix.columns]]
    note = "" if every else " (selected ages)"
    fig = viz.heatmap(part, title=title, x_title=x_title + note, y_title="Cohort")
    counts = (
        ["fewer than the minimum" if pd.isna(n) else f"{int(n):,}" for n in sizes]
        if sizes is not None
        else [""] * len(part.index)
    )
    fig.update_traces(
        showscale=False,
        customdata=[[n] * len(part.columns) for n in counts],
        hovertemplate="Cohort %{y} (customers: %{customdata}) · age %{x}: %{z:.1%}<extra></extra>"
        if sizes is not None
        else "Cohort %{y} · age %{x}: %{z:.1%}<extra></extra>",
        textfont=dict(size=12),
    )
    fig.update_layout(margin=dict(l=8, r=8))
    return contrast_beyond_age_zero(fig, part)


def contrast_beyond_age_zero(fig: go.Figure, matrix: pd.DataFrame) -> go.Figure:
    """Scale a cohort heatmap's colours to the ages after acquisition.

    Age 0 is 100 % or 1 by definition and would wash out every other cell.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The heatmap.
    matrix : pandas.DataFrame
        Its values (columns = ages).

    Returns
    -------
    plotly.graph_objects.Figure
        The same figure.
    """
    later = matrix.loc[:, [c for c in matrix.columns if c != 0]].to_numpy(dtype="float64", na_value=np.nan)
    if later.size and not np.isnan(later).all():
        fig.update_traces(zmin=0.0, zmax=float(np.nanmax(later)))
    return fig


def heatmap_ages(period: str, max_age: int, most: int = MAX_HEATMAP_AGES) -> list[int]:
    """Choose the ages a cohort heatmap shows, so that it stays readable on a phone.

    Age 0 is left out (100 % by definition). Up to ``most`` ages every age is shown
    (1, 2, 3 ...); beyond, the ages analysts quote for the period (months 1, 2, 3, 6, 9,
    12, 18, 24 ...; weeks 1, 2, 3, 4, 6, 8, 12, 26, 52; days 1, 2, 3, 7, 14, 21, 30 ...),
    at most ``most`` of them.

    Parameters
    ----------
    period : {"day", "week", "month", "quarter"}
    max_age : int
        Oldest observed age.
    most : int, default 8
        Most columns.

    Returns
    -------
    list of int
        Increasing ages in ``1..max_age`` (empty when ``max_age`` is 0).
    """
    if max_age <= most:
        return list(range(1, max_age + 1))
    ladder = [age for age in _AGE_LADDERS[period] if age <= max_age]
    return ladder[:most]


def headline_age(period: str, max_age: int) -> int:
    """Choose the age sentences quote first: month 3, week 4, day 7, quarter 2 (or the oldest).

    Parameters
    ----------
    period : str
    max_age : int

    Returns
    -------
    int
    """
    return max(0, min(HEADLINE_AGES[period], max_age))


def weighted_curve(long: pd.DataFrame, keys: list[str], alpha: float, min_n: int) -> pd.DataFrame:
    """Retention by age pooled over the cohorts that have reached it, with Wilson intervals.

    share(N) = Σ_c retained(c, N) / Σ_c eligible(c, N) over cohorts c observed at age N: the
    average of the cohorts' shares weighted by their observed customers. The interval is
    Wilson's score interval for a binomial proportion (customers are independent).

    Parameters
    ----------
    long : pandas.DataFrame
        Cohort × age rows with ``eligible`` and ``retained_all``.
    keys : list of str
        Grouping keys besides age.
    alpha : float
    min_n : int
        Ages with fewer eligible customers are left out.

    Returns
    -------
    pandas.DataFrame
    """
    observed = long[long["eligible"] > 0]
    curve = (
        observed.groupby([*keys, "age"], sort=True)
        .agg(cohorts=("eligible", "size"), eligible=("eligible", "sum"), retained=("retained_all", "sum"))
        .reset_index()
    )
    curve["share"] = curve["retained"] / curve["eligible"]
    low, high = proportion_confint(
        curve["retained"].to_numpy(), curve["eligible"].to_numpy(), alpha=alpha, method="wilson"
    )
    curve["ci_low"], curve["ci_high"] = np.asarray(low, dtype="float64"), np.asarray(high, dtype="float64")
    small = curve["eligible"] < min_n
    curve["suppressed"] = small
    curve.loc[small, ["share", "ci_low", "ci_high"]] = np.nan
    curve["retained"] = curve["retained"].astype("Int64").mask(small)
    return curve.astype({"cohorts": "int64", "eligible": "int64"})


@dataclass(frozen=True)
class RetentionMatrix(ResultBase):
    """A cohort retention matrix (result of :func:`retention_matrix`).

    Attributes
    ----------
    table : pandas.DataFrame
        The matrix of shares (float64): index = cohort label (``2024-01``; with ``by`` a
        MultiIndex ``(segment, cohort)``), columns ``0, 1, 2 …`` = ages (periods or windows
        since acquisition). Cells that cannot be observed yet (censored) or that are based on
        fewer than ``min_n`` customers are NaN, never 0.
    long : pandas.DataFrame
        One row per segment, cohort and age: ``segment`` (with ``by``), ``cohort`` (str),
        ``cohort_start`` (datetime64[us, UTC]), ``age`` (int64), ``customers`` (cohort
        size, Int64), ``eligible`` (customers whose age N is completely observed, int64),
        ``retained`` (Int64; <NA> when censored or suppressed), ``share`` (float64),
        ``suppressed`` (bool).
    curve : pandas.DataFrame
        Weighted average retention curve: ``segment`` (with ``by``), ``age``, ``cohorts``
        (cohorts observed at that age), ``eligible``, ``retained``, ``share``, ``ci_low``,
        ``ci_high`` (Wilson interval at level ``1 − alpha``), ``suppressed``.
    cohorts : pandas.DataFrame
        ``segment`` (with ``by``), ``cohort``, ``cohort_start``, ``customers`` (Int64;
        <NA> when fewer than ``min_n``).
    kind, period, cohort_period : str
    by : str or None
    observed_until : pandas.Timestamp
        End of observation (exclusive, UTC).
    alpha : float
    min_n : int
    first_activity : pandas.Timestamp
        Earliest row taken into account (UTC).
    """

    table: pd.DataFrame
    long: pd.DataFrame
    curve: pd.DataFrame
    cohorts: pd.DataFrame
    kind: str
    period: str
    cohort_period: str
    by: str | None
    observed_until: pd.Timestamp
    alpha: float = 0.05
    min_n: int = 0
    first_activity: pd.Timestamp | None = None
    _counts: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    # ----------------------------------------------------------------------------- views

    def display_settings(self) -> Display:
        """Cohorts as rows, ages as percentage columns."""
        return Display(index=True, percent_cols=tuple(self.table.columns), max_rows=None)

    @property
    def segments(self) -> list[str]:
        """Segment labels (``["All customers"]`` without ``by``)."""
        return list(dict.fromkeys(self._counts["segment"])) if len(self._counts) else []

    @property
    def max_age(self) -> int:
        """Oldest age with any observed cohort."""
        return int(self.long["age"].max()) if len(self.long) else 0

    def age_words(self, age: int) -> str:
        """``month 3`` or, for rolling windows, ``days 90–119``."""
        return age_label(age, self.period, rolling=self.kind == "rolling")

    def matrix(
        self, value: Literal["share", "retained", "eligible"] = "share", segment: str | None = None
    ) -> pd.DataFrame:
        """Return the matrix of one value, for one segment (default: all segments as in ``table``).

        Parameters
        ----------
        value : {"share", "retained", "eligible"}
        segment : str, optional
            A segment label; without ``by`` use ``None``.

        Returns
        -------
        pandas.DataFrame
            Index = cohort label, columns = ages.
        """
        if value not in ("share", "retained", "eligible"):
            raise ValueError(f"value must be share, retained or eligible; got {value!r}")
        long = self.long
        index: list[str] = ["cohort"]
        if self.by is not None:
            if segment is None:
                index = ["segment", "cohort"]
            else:
                if segment not in set(long["segment"]):
                    raise ValueError(f"unknown segment {segment!r}; segments: {', '.join(self.segments)}")
                long = long[long["segment"] == segment]
        wide = long.pivot(index=index, columns="age", values=value)
        order = long[index].drop_duplicates()
        wide = wide.reindex(
            pd.MultiIndex.from_frame(order) if len(index) > 1 else pd.Index(order["cohort"], name="cohort")
        )
        wide.columns = pd.Index(wide.columns.astype("int64"), name="age")
        return wide

    def overall(self) -> RetentionMatrix:
        """Return the same matrix for all customers together (segments summed; counts are additive)."""
        if self.by is None:
            return self
        counts = (
            self._counts.groupby(["cohort_index", "age"], sort=True)[["customers", "eligible", "retained"]]
            .sum()
            .reset_index()
            .assign(segment=ALL)
        )
        result = _assemble(
            counts,
            kind=self.kind,
            period=self.period,
            cohort_period=self.cohort_period,
            by=None,
            observed_until=self.observed_until,
            alpha=self.alpha,
            min_n=self.min_n,
        )
        return replace(result, first_activity=self.first_activity)

    # ----------------------------------------------------------------------------- statistics

    def compare(self, age: int | None = None, reference: str | None = None) -> RetentionComparison:
        """Compare the segments' retention at one age (needs ``by``).

        A chi-square test over all segments, and each segment against ``reference``
        (difference, relative difference, z-test, Cochran–Mantel–Haenszel test within
        cohorts).

        Parameters
        ----------
        age : int, optional
            Default: month 3, week 4, day 7, quarter 2 (or the oldest observed age).
        reference : str, optional
            Default: the segment with most customers observed at that age.

        Returns
        -------
        RetentionComparison
            See :func:`cxlib.cohorts.comparison.compare_segments`.
        """
        from cxlib.cohorts.comparison import compare_segments

        return compare_segments(self, age=age, reference=reference)

    # ----------------------------------------------------------------------------- charts

    def figure(
        self,
        view: Literal["heatmap", "curve"] = "heatmap",
        segment: str | None = None,
        ages: list[int] | None = None,
    ) -> go.Figure:
        """Annotated cohort heatmap or retention curves.

        Parameters
        ----------
        view : {"heatmap", "curve"}
            ``heatmap``: one row per cohort (its size in the hover), one column per age
            after acquisition, cells annotated with the share; with many ages a selection
            (:func:`heatmap_ages`: months 1, 2, 3, 6, 9, 12, 18, 24 ...) so that it reads on
            a phone (``.table`` holds every age). ``curve``: weighted average curve (one line
            per segment with ``by``) with its confidence interval.
        segment : str, optional
            Heatmap of one segment; default all customers.
        ages : list of int, optional
            Heatmap: the ages to show instead of the selection.
        """
        from cxlib import viz

        unit = "window" if self.kind == "rolling" else self.period
        if view == "heatmap":
            source = self if (self.by is None or segment is not None) else self.overall()
            shares = source.matrix("share", segment=segment)
            sizes = (
                source.cohorts if segment is None else source.cohorts[source.cohorts["segment"] == segment]
            )
            who = f" · {self.by} = {segment}" if segment is not None else ""
            return cohort_heatmap(
                shares,
                period=self.period,
                title=f"Retention by {self.cohort_period} cohort ({self._kind_title()}){who}",
                x_title=f"{unit.capitalize()}s since acquisition",
                sizes=sizes["customers"].reset_index(drop=True),
                ages=ages,
            )
        if view != "curve":
            raise ValueError(f"view must be 'heatmap' or 'curve'; got {view!r}")
        curve = self.curve[self.curve["age"] >= 1]  # age 0 is 100 % by definition
        color = "segment" if self.by is not None else None
        fig = viz.line(
            curve,
            x="age",
            y="share",
            color=color,
            percent=True,
            markers=True,
            title=f"Retention curve ({self._kind_title()}), weighted over cohorts; age 0 = 100 %",
            labels={"age": f"{unit.capitalize()}s since acquisition", "share": "Customers retained"},
        )
        groups = curve.groupby("segment", sort=False) if color else [(None, curve)]
        for trace, (_, part) in zip(fig.data, groups, strict=False):  # a trace per segment, in order
            trace.update(
                error_y=dict(
                    type="data",
                    symmetric=False,
                    array=(part["ci_high"] - part["share"]).to_numpy(),
                    arrayminus=(part["share"] - part["ci_low"]).to_numpy(),
                    thickness=1,
                    width=0,
                ),
                customdata=np.stack([part["eligible"].to_numpy(), part["cohorts"].to_numpy()], axis=-1),
                hovertemplate="%{y:.1%} of %{customdata[0]:,} customers (%{customdata[1]} "
                "cohorts)<extra>%{fullData.name}</extra>",
            )
        fig.update_xaxes(dtick=1 if self.max_age <= 24 else None)
        return fig

    def _kind_title(self) -> str:
        return {"on": "return on", "on_or_after": "return on or after", "rolling": "rolling windows"}[
            self.kind
        ]

    # ----------------------------------------------------------------------------- words

    def summary(self) -> list[str]:
        """Plain-language sentences with the key numbers."""
        overall = self.overall()
        sizes = overall.cohorts
        total = int(self._counts.drop_duplicates(["segment", "cohort_index"])["customers"].sum())
        first, last = sizes["cohort"].iloc[0], sizes["cohort"].iloc[-1]
        span = first if first == last else f"{first} to {last}"
        out = [
            f"{plural(total, 'customer')} in "
            f"{plural(len(sizes), _ADJECTIVES[self.cohort_period] + ' cohort')} "
            f"({span}); a "
            "customer counts "
            f"as retained at age N when {_KIND_WORDS[self.kind]}."
        ]
        curve = overall.curve.set_index("age")
        ages = [
            a for a in dict.fromkeys([1, headline_age(self.period, self.max_age)]) if 0 < a <= self.max_age
        ]
        level = 1 - self.alpha
        parts = [
            f"{curve.at[a, 'share']:.1%} in {self.age_words(a)} "
            f"({format_interval(curve.at[a, 'ci_low'], curve.at[a, 'ci_high'], format_percent, level=level)})"
            for a in ages
            if not pd.isna(curve.at[a, "share"])
        ]
        if parts:
            out.append(
                "Customers retained, weighted over the cohorts that reached each age: "
                + "; ".join(parts)
                + "."
            )
        age = headline_age(self.period, self.max_age)
        at_age = overall.long[(overall.long["age"] == age) & overall.long["share"].notna()]
        if len(at_age) >= 3 and age > 0:
            best = at_age.loc[at_age["share"].idxmax()]
            worst = at_age.loc[at_age["share"].idxmin()]
            out.append(
                f"At {self.age_words(age)} the {best['cohort']} cohort kept the most customers "
                f"({best['share']:.1%}), "
                f"the {worst['cohort']} cohort the fewest ({worst['share']:.1%})."
            )
        if self.by is not None and len(self.segments) > 1 and age > 0:
            out.extend(self.compare(age).summary())
        return out


def _assemble(
    counts: pd.DataFrame,
    *,
    kind: str,
    period: str,
    cohort_period: str,
    by: str | None,
    observed_until: pd.Timestamp,
    alpha: float,
    min_n: int,
) -> RetentionMatrix:
    """Shares, suppression, curve and the wide matrix from the complete count grid."""
    counts = counts.reset_index(drop=True)
    labels = cohort_frame(sorted(counts["cohort_index"].unique()), cohort_period)
    long = counts.merge(labels, on="cohort_index", how="left", validate="many_to_one")
    observed = long["eligible"] > 0
    small = observed & (long["eligible"] < min_n)
    long["retained_all"] = long["retained"]
    long["share"] = (long["retained"] / long["eligible"].where(observed)).where(~small)
    long["retained"] = long["retained"].astype("Int64").mask(~observed | small)
    long["suppressed"] = small
    keys = ["segment"] if by is not None else []
    curve = weighted_curve(long, keys, alpha, min_n)
    sizes = long.drop_duplicates(["segment", "cohort_index"])[
        ["segment", "cohort", "cohort_start", "customers"]
    ]
    sizes = sizes.assign(
        customers=sizes["customers"].astype("Int64").mask(sizes["customers"] < min_n)
    ).reset_index(drop=True)
    columns = [
        *keys,
        "cohort",
        "cohort_start",
        "age",
        "customers",
        "eligible",
        "retained",
        "share",
        "suppressed",
    ]
    long_out = long.assign(customers=long["customers"].astype("Int64").mask(long["customers"] < min_n))[
        columns
    ]
    if by is None:
        curve = curve.drop(columns=[c for c in ("segment",) if c in curve.columns])
        sizes = sizes.drop(columns="segment")
    result = RetentionMatrix(
        table=pd.DataFrame(),
        long=long_out.reset_index(drop=True),
        curve=curve.reset_index(drop=True),
        cohorts=sizes,
        kind=kind,
        period=period,
        cohort_period=cohort_period,
        by=by,
        observed_until=observed_until,
        alpha=alpha,
        min_n=min_n,
        _counts=counts,
    )
    return replace(result, table=result.matrix("share"))


# --------------------------------------------------------------------------------- public


def retention_matrix(
    table: Frame,
    period: str = "month",
    kind: Kind = "on",
    by: str | None = None,
    *,
    cohort_period: str | None = None,
    observed_until: Any = None,
    alpha: float = 0.05,
    min_n: int = 0,
    fast_path: bool = True,
) -> RetentionMatrix:
    """Cohort retention matrix: share of each acquisition cohort retained N periods later.

    A customer is acquired at their first row in ``table`` (first order, or first event) and
    belongs to the cohort of the calendar ``cohort_period`` that holds that moment. Their
    *age* at a later row is counted in ``period`` units, by ``kind``:

    ``kind="on"`` — **return on** (the classic calendar cohort table). Age N is the N-th
    calendar period after the acquisition period (age 0 = the acquisition period itself, so
    a January customer is at age 1 in February whatever the day). Retained at N = active in
    that calendar period. Share(c, N) = customers of cohort c active in period N / customers
    of c whose period N is completely observed.

    ``kind="on_or_after"`` — **return on or after** (Amplitude's "unbounded" retention).
    Same calendar ages; retained at N = active in period N *or any later period* observed
    before ``observed_until``. Non-increasing in N for every cohort. Counts can grow as more
    data arrives.

    ``kind="rolling"`` — **rolling windows** (Amplitude's N-day retention). Age N is the
    N-th fixed window measured from the customer's own first activity: 24 hours for
    ``period="day"``, 7 days for ``week``, 30 days for ``month`` and 90 days for
    ``quarter`` (window N = [first + N·L, first + (N+1)·L)). Retained at N = active in
    window N. Only customers whose window N has completely elapsed count in the denominator.

    For every kind, a customer counts in the denominator of age N only when age N is
    completely observed (its calendar period, or window, ends on or before
    ``observed_until``). Cells nobody can be observed in yet are censored: NaN, never 0. Ages
    are computed by arithmetic on period numbers, so periods without any activity keep
    their column (counts 0) and never shift later columns. Customers whose first record
    lies before the data starts look new: read the first cohort with care.

    Parameters
    ----------
    table : native frame
        Orders or events on any supported backend (pandas, polars, DuckDB, Spark).
        Required columns: ``customer_id``, ``ts`` (tz-aware) and ``by`` if given. Rows
        without a customer are ignored.
    period : {"day", "week", "month", "quarter"}, default "month"
        Unit of age. Weeks are ISO weeks (Monday to Sunday); all calendar periods are UTC.
    kind : {"on", "on_or_after", "rolling"}, default "on"
    by : str, optional
        Break down by a customer attribute, e.g. the acquisition channel: the value on the
        customer's first row (ties at the same time: the smallest). Missing values form the
        segment ``(missing)``.
    cohort_period : {"day", "week", "month", "quarter"}, optional
        Calendar period that groups customers into cohorts (rows). Default: ``period``.
        E.g. ``period="day", kind="rolling", cohort_period="month"`` gives day-N retention
        of monthly cohorts.
    observed_until : date or datetime, optional
        End of observation: a date includes that whole day, a date-time is exact. Rows at
        or after it are left out. Default: the day of the latest row is taken as complete.
    alpha : float, default 0.05
        One minus the confidence level of the intervals on the curve.
    min_n : int, default 0
        Cells, curve points and cohort sizes based on fewer customers are suppressed (NaN /
        <NA>, ``suppressed=True``).
    fast_path : bool, default True
        Use DuckDB where it is faster: a pandas frame is aggregated by DuckDB in-process,
        over its Arrow buffers without a copy (several times faster than pandas group-bys),
        and DuckDB input uses the hand-written SQL of :mod:`cxlib._duckdb.cohorts`
        where it applies. ``False`` runs the portable Narwhals code on the input's own
        backend. Same numbers (tested); other backends always run natively.

    Returns
    -------
    RetentionMatrix
        ``.table`` (shares; index cohort label, columns ages), ``.long``, ``.curve``,
        ``.cohorts``, ``.figure()``, ``.compare()``, ``.summary()``.

    Raises
    ------
    cxlib.DataError
        A required column is missing, ``ts`` has no time zone, or no period is completely
        observed yet.

    References
    ----------
    Amplitude, "Retention analysis" (Return On / Return On or After, N-day buckets of 24
    hours from each user's start); docs/methods.md, "Cohorts and retention". The curve's
    intervals: Wilson (1927), JASA 22(158).

    Examples
    --------
    >>> import cxlib
    >>> from cxlib.cohorts import retention_matrix
    >>> shop = cxlib.open_shop("data/sample")  # doctest: +SKIP
    >>> result = retention_matrix(shop.orders, period="month", kind="on", by="channel")  # doctest: +SKIP
    >>> result.overall().table.loc["2025-01", 3]  # doctest: +SKIP
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1; got {alpha!r}")
    activity = prepare_activity(
        table,
        purpose="retention",
        period=period,
        cohort_period=cohort_period,
        rolling=kind == "rolling",
        by=by,
        observed_until=observed_until,
        fast_path=fast_path,
    )
    acquired, retained = count_retention(activity, kind)
    counts = cohort_counts(acquired, retained, kind, table=activity.table)
    result = _assemble(
        counts,
        kind=kind,
        period=period,
        cohort_period=cohort_period or period,
        by=by,
        observed_until=activity.end,
        alpha=alpha,
        min_n=min_n,
    )
    return replace(result, first_activity=activity.first_ts)
