"""Retention counts on the user's backend: who was acquired, who is observable, who came back.

One query per matrix: the backend returns distinct customers per segment, cohort and age (or,
for "return on or after", customers by the oldest age they reached); pandas then builds the
complete cohort × age grid, with 0 where nobody came back and eligible = 0 where nobody can be
observed yet. The DuckDB fast path (:mod:`cxlib._duckdb.cohorts`) replaces the query for
calendar "return on" matrices and gives the same counts.
"""

from __future__ import annotations

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from cxlib._duckdb import cohorts as cohorts_sql
from cxlib.cohorts.activity import AGE, COHORT, COMPLETE, CUSTOMER, SEGMENT, TS, Activity
from cxlib.engine import to_pandas
from cxlib.errors import DataError

__all__ = ["ALL", "at_least", "cohort_counts", "count_retention"]

#: Segment label used when there is no breakdown.
ALL = "All customers"


def at_least(values: pd.DataFrame, key: list[str], value: str, weight: str, n_ages: int) -> pd.DataFrame:
    """Per group, for N = 0 … n_ages − 1, the total ``weight`` of rows with ``value > N``.

    Parameters
    ----------
    values : pandas.DataFrame
        Columns ``key``, ``value`` (integer) and ``weight``.
    key : list of str
        Group columns.
    value, weight : str
    n_ages : int

    Returns
    -------
    pandas.DataFrame
        Wide: index = groups, columns ``0 … n_ages − 1``.
    """
    clipped = values.assign(**{value: values[value].clip(lower=0, upper=n_ages)})
    hist = clipped.pivot_table(index=key, columns=value, values=weight, aggfunc="sum", fill_value=0)
    hist = hist.reindex(columns=range(n_ages + 1), fill_value=0)
    # Reverse cumulative sum: column v holds Σ_{u ≥ v}; "value > N" is column N + 1.
    tail = hist.iloc[:, ::-1].cumsum(axis=1).iloc[:, ::-1]
    out = tail.iloc[:, 1:]
    out.columns = pd.RangeIndex(n_ages, name="age")
    return out.astype("int64")


def _labelled(frame: pd.DataFrame, activity: Activity) -> pd.DataFrame:
    """Label segment values as text (missing ones included) before any pandas group-by.

    Without segments, every row gets the single segment :data:`ALL`.
    """
    frame["segment"] = activity.labels(frame["segment"]) if "segment" in frame.columns else ALL
    return frame


def count_retention(activity: Activity, kind: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregate on the backend (one query): who is retained and who is observable.

    Parameters
    ----------
    activity : Activity
    kind : str
        Retention kind (``on``, ``on_or_after``, ``rolling``).

    Returns
    -------
    acquired : pandas.DataFrame
        ``segment?, cohort_index, complete, customers``: customers acquired, by the number of
        their completely observed ages.
    retained : pandas.DataFrame
        ``on``/``rolling``: ``segment?, cohort_index, age, retained`` (distinct customers
        active at that age, counting only completely observed ages).
        ``on_or_after``: ``segment?, cohort_index, reach, retained`` where ``reach`` is the
        oldest observed age at which the customer was active at that age or later.
    """
    frame = activity.frame
    keys = activity.keys
    per_customer = activity.complete_per_customer
    rename = {SEGMENT: "segment", COHORT: "cohort_index", COMPLETE: "complete", AGE: "age"}
    key = ["segment", "cohort_index"]  # every frame is labelled with a segment below
    if kind == "on_or_after":
        customers = frame.group_by(CUSTOMER).agg(
            nw.col(AGE).max().alias("last_age"),
            nw.col(COHORT).min(),
            *([nw.col(COMPLETE).min()] if per_customer else []),
            *([nw.col(SEGMENT).min()] if activity.by else []),
        )
        hist_keys = keys + ([COMPLETE] if per_customer else []) + ["last_age"]
        hist = _labelled(
            to_pandas(customers.group_by(*hist_keys).agg(nw.len().alias("customers"))).rename(columns=rename),
            activity,
        )
        if not per_customer:
            hist["complete"] = activity.complete_of(hist["cohort_index"])
        acquired = hist.groupby([*key, "complete"], as_index=False)["customers"].sum()
        reach = np.minimum(hist["last_age"].to_numpy(), hist["complete"].to_numpy() - 1)
        retained = (
            hist.assign(reach=reach)
            .drop(columns=["last_age", "complete"])
            .rename(columns={"customers": "retained"})
        )
        return acquired, retained
    fast = cohorts_sql.on_cells_duckdb(activity) if kind == "on" else None
    if fast is not None:
        cells = fast
    elif per_customer:
        active = frame.filter((nw.col(AGE) < nw.col(COMPLETE)) | (nw.col(AGE) == 0))
        cells = to_pandas(active.group_by(*keys, COMPLETE, AGE).agg(nw.col(CUSTOMER).n_unique().alias("n")))
    else:
        cells = to_pandas(frame.group_by(*keys, AGE).agg(nw.col(CUSTOMER).n_unique().alias("n")))
    cells = _labelled(cells.rename(columns=rename), activity)
    if not per_customer:
        cells["complete"] = activity.complete_of(cells["cohort_index"])
    # Everyone is active at age 0 (their first row), so age 0 counts the acquired customers.
    acquired = cells[cells["age"] == 0].rename(columns={"n": "customers"})[[*key, "complete", "customers"]]
    observed = cells[cells["age"] < cells["complete"]]
    retained = observed.groupby([*key, "age"], as_index=False)["n"].sum().rename(columns={"n": "retained"})
    return acquired, retained


def cohort_counts(
    acquired: pd.DataFrame, retained: pd.DataFrame, kind: str, table: str | None = None
) -> pd.DataFrame:
    """Complete grid ``segment, cohort_index, age, customers, eligible, retained`` (ints).

    Cohorts run without gaps from the first to the last cohort with any observed customer;
    ages from 0 to the oldest observed age. ``eligible`` is 0 where nobody is observed.

    Parameters
    ----------
    acquired, retained : pandas.DataFrame
        From :func:`count_retention`.
    kind : str
        Retention kind.
    table : str, optional
        Table name for messages.

    Returns
    -------
    pandas.DataFrame
    """
    if acquired.empty:
        raise DataError(
            "no rows with a customer before the end of observation", table=table, column=TS, rule="no_rows"
        )
    acquired = acquired.astype({"cohort_index": "int64", "complete": "int64", "customers": "int64"})
    n_ages = int(acquired["complete"].max())
    observed = acquired[acquired["complete"] > 0]
    if n_ages <= 0 or observed.empty:
        raise DataError(
            "no cohort has a completely observed period yet; use a shorter period or a later observed_until",
            table=table,
            column=TS,
            rule="not_observable",
        )
    segments = sorted(acquired["segment"].unique(), key=lambda s: (s == ALL, str(s)))
    cohorts = np.arange(int(observed["cohort_index"].min()), int(observed["cohort_index"].max()) + 1)
    grid_index = pd.MultiIndex.from_product([segments, cohorts], names=["segment", "cohort_index"])
    key = ["segment", "cohort_index"]

    eligible = at_least(acquired, key, "complete", "customers", n_ages).reindex(grid_index, fill_value=0)
    if kind == "on_or_after":
        hits = at_least(retained.assign(reach=retained["reach"] + 1), key, "reach", "retained", n_ages)
        hits = hits.reindex(grid_index, fill_value=0)
    else:
        hits = retained.pivot_table(index=key, columns="age", values="retained", aggfunc="sum", fill_value=0)
        hits = hits.reindex(index=grid_index, columns=range(n_ages), fill_value=0)
    sizes = acquired.groupby(key)["customers"].sum().reindex(grid_index, fill_value=0)

    counts = eligible.stack().rename("eligible").to_frame()
    counts["retained"] = hits.to_numpy().ravel()
    counts = counts.reset_index()
    counts["customers"] = np.repeat(sizes.to_numpy(), n_ages)
    counts = counts[["segment", "cohort_index", "age", "customers", "eligible", "retained"]]
    return counts.astype({"age": "int64", "customers": "int64", "eligible": "int64", "retained": "int64"})
