"""Which experiments a shop holds: names, exposure dates and units per arm.

``cxlab run`` reads this before any kernel starts, so that the A/B report can be written
once per experiment (one page each, listed on the index with its dates and units per arm).
The counts are one grouped query on the table's own engine (DuckDB for files): no unit-level
rows are collected.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import narwhals.stable.v2 as nw
import pandas as pd

from cxlib._types import Frame
from cxlib.engine import to_narwhals, to_pandas

__all__ = [
    "ChosenExperiment",
    "ExperimentInfo",
    "choose_experiment",
    "experiment_catalogue",
    "experiment_slugs",
    "read_experiments",
]


@dataclass(frozen=True)
class ExperimentInfo:
    """One experiment of the ``experiments`` table.

    Attributes
    ----------
    name : str
        The experiment's name as the table writes it (customer text: escape it when shown).
    first_exposure, last_exposure : str or None
        First and last exposure day (UTC, ``YYYY-MM-DD``); ``None`` without ``exposed_ts``.
    units : dict
        Units per variant (arm), largest first.
    """

    name: str
    first_exposure: str | None
    last_exposure: str | None
    units: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Return the plain mapping kept in the run record (``name``, dates, ``units``)."""
        return {
            "name": self.name,
            "first_exposure": self.first_exposure,
            "last_exposure": self.last_exposure,
            "units": dict(self.units),
        }


def _day(value: Any) -> str | None:
    if value is None or pd.isna(value):
        return None
    return f"{pd.Timestamp(value):%Y-%m-%d}"


def experiment_catalogue(experiments: Frame) -> list[ExperimentInfo]:
    """List the experiments of a unit-level table with their dates and units per arm.

    Parameters
    ----------
    experiments : frame
        The validated ``experiments`` table (any backend Narwhals wraps). Required columns:
        ``experiment``, ``variant``; optional ``exposed_ts`` (for the dates).

    Returns
    -------
    list of ExperimentInfo
        Sorted by name; units are rows per experiment and variant (one row per unit in a
        valid table).
    """
    frame = to_narwhals(experiments)
    timed = "exposed_ts" in frame.columns
    aggregates = [nw.len().alias("units")]
    if timed:
        aggregates += [nw.col("exposed_ts").min().alias("first"), nw.col("exposed_ts").max().alias("last")]
    counts = to_pandas(frame.group_by("experiment", "variant").agg(*aggregates).to_native())
    out = []
    for name, rows in counts.groupby(counts["experiment"].astype(str), sort=True):
        rows = rows.sort_values(["units", "variant"], ascending=[False, True])
        units = {str(v): int(n) for v, n in zip(rows["variant"], rows["units"], strict=True)}
        first = _day(rows["first"].min()) if timed else None
        last = _day(rows["last"].max()) if timed else None
        out.append(ExperimentInfo(str(name), first, last, units))
    return out


def read_experiments(source: str | os.PathLike[str]) -> list[ExperimentInfo]:
    """Open only the ``experiments`` table of a data source and list its experiments.

    The table is read and validated as :func:`cxlib.open_shop` does (a folder's
    ``mapping.yaml`` applies; rows that break a rule are left out, as in the reports).

    Parameters
    ----------
    source : str or path
        Folder, file or DuckDB database with the shop's tables.

    Returns
    -------
    list of ExperimentInfo
        Empty when the source has no ``experiments`` table.
    """
    import warnings

    from cxlib.data import load_mapping, open_table
    from cxlib.data.mapping import folder_mapping
    from cxlib.data.shop import resolve_sources

    mapping = load_mapping(folder_mapping(source))
    sources, _ = resolve_sources(source, mapping)
    if "experiments" not in sources:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rows left out are reported by the notebook itself
        table = open_table(sources["experiments"], "experiments", mapping, on_error="drop")
    return experiment_catalogue(table)


_UNSAFE = re.compile(r"[^a-z0-9_-]+")


def experiment_slugs(names: Sequence[str]) -> Mapping[str, str]:
    """Give each experiment name a distinct part for a file name.

    Lower-case ASCII letters, digits, ``_`` and ``-`` only, at most 60 characters; a name
    with none of those gets ``experiment`` and a short hash; names that come out the same
    get ``-2``, ``-3`` ... in name order.

    Parameters
    ----------
    names : sequence of str

    Returns
    -------
    dict
        Slug by name.
    """
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(dict.fromkeys(names)):
        slug = _UNSAFE.sub("-", name.lower()).strip("-_")[:60].strip("-_")
        if not slug:
            slug = "experiment-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        candidate, k = slug, 2
        while candidate in taken:
            candidate, k = f"{slug}-{k}", k + 1
        taken.add(candidate)
        out[name] = candidate
    return out


@dataclass(frozen=True)
class ChosenExperiment:
    """The experiment a report analyses, its units, and what the reader should know.

    Attributes
    ----------
    name : str
    units : frame
        The rows of that experiment (same backend as the table).
    notes : tuple of str
        Sentences for the report (e.g. which experiment was taken when none was named).
    """

    name: str
    units: Any
    notes: tuple[str, ...] = ()


def choose_experiment(experiments: Frame, experiment: str = "") -> ChosenExperiment:
    """Pick one experiment of the ``experiments`` table to analyse.

    Parameters
    ----------
    experiments : frame
        Validated ``experiments`` table. Required column: ``experiment``.
    experiment : str, default ""
        The experiment's name; empty: the only one, or with several the first by name
        (``cxlab run`` writes one page per experiment instead, see
        :func:`experiment_catalogue`).

    Returns
    -------
    ChosenExperiment

    Raises
    ------
    DataError
        ``experiment`` is not in the table (the message lists the experiments found).
    """
    from cxlib.errors import DataError

    frame = to_narwhals(experiments)
    names = sorted(
        str(v) for v in to_pandas(frame.select("experiment").unique().to_native())["experiment"].dropna()
    )
    if not names:
        raise DataError(
            "has no experiment to analyse (no rows)", table="experiments", column="experiment", rule="empty"
        )
    notes: tuple[str, ...] = ()
    if experiment and experiment not in names:
        listed = ", ".join(names[:20]) + (", ..." if len(names) > 20 else "")
        raise DataError(
            f"has no experiment '{experiment}'; experiments found: {listed}",
            table="experiments",
            column="experiment",
            rule="unknown_experiment",
        )
    name = experiment or names[0]
    if not experiment and len(names) > 1:
        notes = (
            f"The experiments table holds {len(names)} experiments; this page analyses {name}. "
            "cxlab run writes one page per experiment.",
        )
    units = frame.filter(nw.col("experiment") == name).to_native()
    return ChosenExperiment(name, units, notes)
