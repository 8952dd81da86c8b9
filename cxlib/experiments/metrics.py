"""What an experiment measures: :class:`Metric` and the shorthands that name metrics.

A metric is one of three kinds, each summarised by the sufficient statistics of
docs/architecture.md §9:

* ``proportion`` — the mean of a 0/1 outcome per unit (conversion);
* ``mean`` — the mean of a numeric outcome per unit (revenue per visitor);
* ``ratio`` — Σ numerator / Σ denominator over units (average order value =
  revenue / orders), analysed with the delta method.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, TypeAlias

__all__ = ["KINDS", "Metric", "MetricKind", "MetricsLike", "as_metrics", "commerce_metrics"]

MetricKind: TypeAlias = Literal["proportion", "mean", "ratio"]
#: Metric kinds in the order reports list them.
KINDS: tuple[str, ...] = ("proportion", "mean", "ratio")


@dataclass(frozen=True)
class Metric:
    """One experiment metric.

    Parameters
    ----------
    name : str
        Name shown in tables and charts (e.g. ``"conversion"``).
    column : str
        Unit-level outcome column (the numerator of a ratio metric).
    denominator : str, optional
        Unit-level denominator column; makes this a ratio metric.
    kind : {"auto", "proportion", "mean", "ratio"}, default "auto"
        ``auto``: ``ratio`` when a denominator is given, ``proportion`` for a boolean
        column, ``mean`` otherwise. A 0/1 integer column needs ``kind="proportion"``.
    covariate : str, optional
        Pre-period column for CUPED; overrides the ``covariate`` given to
        :func:`~cxlib.experiments.summarize`. Not available for ratio metrics.
    cap : float, optional
        Cap (winsorise) the outcome at this value before summing.
    cap_quantile : float, optional
        Cap the outcome at this quantile of all units of the experiment (both arms pooled,
        so capping cannot favour one arm), e.g. ``0.99``.
    higher_is_better : bool, default True
        Direction of a win (``False`` for returns, bounce rate, load time ...).

    Examples
    --------
    >>> Metric("aov", "revenue", denominator="orders").kind
    'ratio'
    """

    name: str
    column: str
    denominator: str | None = None
    kind: Literal["auto", "proportion", "mean", "ratio"] = "auto"
    covariate: str | None = None
    cap: float | None = None
    cap_quantile: float | None = None
    higher_is_better: bool = True

    def __post_init__(self) -> None:
        if not self.name or not self.column:
            raise ValueError("a metric needs a name and a column")
        if self.kind not in ("auto", *KINDS):
            raise ValueError(
                f"metric {self.name!r}: kind must be auto, {', '.join(KINDS)}; got {self.kind!r}"
            )
        if self.kind == "ratio" and self.denominator is None:
            raise ValueError(f"metric {self.name!r}: a ratio metric needs a denominator column")
        if self.denominator is not None and self.kind in ("proportion", "mean"):
            raise ValueError(f"metric {self.name!r}: a {self.kind} metric takes no denominator")
        if self.denominator is not None:
            object.__setattr__(self, "kind", "ratio")
        if self.denominator is not None and self.covariate is not None:
            raise ValueError(f"metric {self.name!r}: CUPED is not available for ratio metrics")
        if self.cap is not None and self.cap_quantile is not None:
            raise ValueError(f"metric {self.name!r}: give cap or cap_quantile, not both")
        if self.cap is not None and not math.isfinite(self.cap):
            raise ValueError(f"metric {self.name!r}: cap must be a finite number")
        if self.cap_quantile is not None and not 0.0 < self.cap_quantile < 1.0:
            raise ValueError(f"metric {self.name!r}: cap_quantile must lie in (0, 1)")

    @property
    def columns(self) -> tuple[str, ...]:
        """Unit-level columns this metric reads (without the covariate)."""
        return (self.column,) if self.denominator is None else (self.column, self.denominator)

    @property
    def capped(self) -> bool:
        """Whether the outcome is capped."""
        return self.cap is not None or self.cap_quantile is not None


MetricSpec: TypeAlias = str | tuple[str, str] | Metric
MetricsLike: TypeAlias = MetricSpec | Sequence[MetricSpec] | Mapping[str, MetricSpec]


def _one(spec: MetricSpec, name: str | None = None) -> Metric:
    if isinstance(spec, Metric):
        return spec if name is None or name == spec.name else replace(spec, name=name)
    if isinstance(spec, str):
        return Metric(name or spec, spec)
    if isinstance(spec, tuple) and len(spec) == 2 and all(isinstance(s, str) for s in spec):
        return Metric(name or f"{spec[0]}/{spec[1]}", spec[0], denominator=spec[1])
    raise TypeError(
        f"cannot read metric {spec!r}: give a column name, a (numerator, denominator) tuple or a Metric"
    )


def as_metrics(metrics: MetricsLike) -> tuple[Metric, ...]:
    """Read metric shorthands into :class:`Metric` objects.

    Parameters
    ----------
    metrics : str, tuple, Metric, sequence of them, or mapping name → spec
        A column name (``"converted"``), a ``(numerator, denominator)`` tuple for a ratio
        metric, a :class:`Metric`, a list of those, or a dict naming them
        (``{"aov": ("revenue", "orders")}``).

    Returns
    -------
    tuple of Metric
        In the order given; names are unique.

    Examples
    --------
    >>> [m.name for m in as_metrics({"conversion": "converted", "aov": ("revenue", "orders")})]
    ['conversion', 'aov']
    """
    if isinstance(metrics, Mapping):
        out = tuple(_one(spec, str(name)) for name, spec in metrics.items())
    elif isinstance(metrics, (str, Metric)):
        out = (_one(metrics),)
    elif isinstance(metrics, tuple) and len(metrics) == 2 and all(isinstance(s, str) for s in metrics):
        out = (_one((str(metrics[0]), str(metrics[1]))),)
    else:
        out = tuple(_one(spec) for spec in metrics)
    if not out:
        raise ValueError("no metrics given")
    names = [m.name for m in out]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ValueError(f"metric names must be unique; repeated: {', '.join(duplicated)}")
    return out


def commerce_metrics(
    *,
    conversion: str | None = "converted",
    revenue: str | None = "revenue",
    orders: str | None = "orders",
    cap_quantile: float | None = None,
) -> tuple[Metric, ...]:
    """Define the usual e-commerce experiment metrics, for the columns a table has.

    Parameters
    ----------
    conversion : str or None, default "converted"
        0/1 outcome column → ``conversion`` (a proportion). None or "" skips it.
    revenue : str or None, default "revenue"
        Revenue per unit → ``revenue per visitor`` (a mean, capped at ``cap_quantile``).
    orders : str or None, default "orders"
        Orders per unit → with ``revenue``, ``average order value`` (revenue/orders, a
        ratio metric, uncapped).
    cap_quantile : float, optional
        Cap revenue per visitor at this quantile of all units (e.g. 0.99); None or 0
        keeps it uncapped.

    Returns
    -------
    tuple of Metric

    Examples
    --------
    >>> [m.name for m in commerce_metrics()]
    ['conversion', 'revenue per visitor', 'average order value']
    """
    out = []
    if conversion:
        out.append(Metric("conversion", conversion, kind="proportion"))
    if revenue:
        out.append(Metric("revenue per visitor", revenue, kind="mean", cap_quantile=cap_quantile or None))
        if orders:
            out.append(Metric("average order value", revenue, denominator=orders))
    if not out:
        raise ValueError("no metric columns given")
    return tuple(out)
