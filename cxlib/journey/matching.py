"""Matching funnel steps per unit, on the engine: the semantics behind :func:`~cxlib.journey.funnel`.

Each unit's first step-1 event anchors its attempt. Strict order is greedy earliest matching
(joins plus conditional minimums, one step at a time); when an event can fill two steps the
events are numbered in the tie order first. Direct order reads the anchor's successors in
one window pass. Any order takes the m-th occurrence of each step's events in the window.
See :func:`cxlib.journey.funnel` for the rules on windows and ties.
"""

from __future__ import annotations

from typing import Any

import narwhals.stable.v2 as nw

from cxlib._types import Frame
from cxlib.journey._frames import lazy, segment_expr, step_label, timed

__all__ = ["event_base", "match_steps"]


def event_base(events: Frame, keys: list[str], by: list[str]) -> nw.LazyFrame[Any]:
    """Select unit keys, ``event``, ``_t`` (µs) and, with ``by``, the segment key ``_seg``.

    Parameters
    ----------
    events : frame
    keys : list of str
        Unit keys (:func:`~cxlib.journey._frames.unit_keys`).
    by : list of str
        Segment columns.

    Returns
    -------
    narwhals.LazyFrame
    """
    frame = lazy(events)
    if "session_id" in keys:
        frame = frame.filter(~nw.col("session_id").is_null())
    cols = [nw.col(k) for k in keys] + [nw.col("event"), nw.col("ts")]
    if by:
        cols.append(segment_expr(by).alias("_seg"))
    return timed(frame.select(cols))


def match_steps(
    base: nw.LazyFrame[Any],
    sets: list[tuple[str, ...]],
    keys: list[str],
    *,
    order: str,
    window_us: int | None,
    with_segment: bool,
) -> nw.LazyFrame[Any]:
    """Per unit with a step-1 event: ``_t1`` and elapsed µs ``_d1.._dn`` (null = not reached).

    ``base`` comes from :func:`event_base`; the semantics are those of :func:`funnel`.

    Parameters
    ----------
    base : narwhals.LazyFrame
        From :func:`event_base`.
    sets : list of tuple of str
        Event names per step.
    keys : list of str
    order : {"strict", "direct", "any"}
    window_us : int or None
        Conversion window in microseconds.
    with_segment : bool
        Keep the segment key ``_seg``.

    Returns
    -------
    narwhals.LazyFrame
    """
    anchor = _anchor(base, sets[0], keys, with_segment)
    if order == "direct":
        per_unit = _direct(base, sets, keys, window_us)
        if with_segment:
            per_unit = per_unit.join(anchor.select(*keys, "_seg"), on=keys, how="left")
        return per_unit
    if order == "any":
        return _any_order(base, anchor, sets, keys, window_us)
    if _overlapping(sets):
        return _strict_by_position(base, anchor, sets, keys, window_us)
    return _strict_by_time(base, anchor, sets, keys, window_us)


def _in(step: tuple[str, ...]) -> nw.Expr:
    return nw.col("event").is_in(list(step))


def _anchor(
    base: nw.LazyFrame[Any], first: tuple[str, ...], keys: list[str], with_segment: bool
) -> nw.LazyFrame[Any]:
    """Per unit: time of the first step-1 event (``_t1``) and, with segments, its segment."""
    rows = base.filter(_in(first))
    anchor = rows.group_by(keys).agg(nw.col("_t").min().alias("_t1"))
    if not with_segment:
        return anchor
    return (
        rows.join(anchor, on=keys)
        .filter(nw.col("_t") == nw.col("_t1"))
        .group_by(keys)
        .agg(nw.col("_seg").min(), nw.col("_t1").min())
    )


def _overlapping(sets: list[tuple[str, ...]]) -> bool:
    return any(set(a) & set(b) for i, a in enumerate(sets) for b in sets[i + 1 :])


def _rank_expr(sets: list[tuple[str, ...]]) -> nw.Expr:
    """Tie-break key: the first step an event can fill; events outside the funnel last."""
    expr = nw.when(_in(sets[0])).then(nw.lit(0))
    for i, step in enumerate(sets[1:], start=1):
        expr = expr.when(_in(step)).then(nw.lit(i))
    return expr.otherwise(nw.lit(len(sets)))


def _within(column: str, window_us: int | None) -> nw.Expr:
    if window_us is None:
        return nw.lit(True)
    return nw.col(column) <= nw.col("_t1") + nw.lit(window_us)


def _finish(state: nw.LazyFrame[Any], n: int) -> nw.LazyFrame[Any]:
    """Per-unit elapsed microseconds ``_d1..._dn`` from the step times ``_s1..._sn``."""
    return state.with_columns(*[(nw.col(f"_s{k}") - nw.col("_t1")).alias(f"_d{k}") for k in range(1, n + 1)])


def _carried(state: nw.LazyFrame[Any], keys: list[str]) -> list[nw.Expr]:
    return [nw.col(c).min() for c in state.collect_schema().names() if c not in keys]


def _strict_by_time(
    base: nw.LazyFrame[Any],
    anchor: nw.LazyFrame[Any],
    sets: list[tuple[str, ...]],
    keys: list[str],
    window_us: int | None,
) -> nw.LazyFrame[Any]:
    """Strict order when no event can fill two steps: a later step only needs ``ts >=``."""
    state = anchor.with_columns(_s1=nw.col("_t1"))
    for k in range(2, len(sets) + 1):
        cand = base.filter(_in(sets[k - 1])).select(*keys, nw.col("_t").alias("_c"))
        ok = (nw.col("_c") >= nw.col(f"_s{k - 1}")) & _within("_c", window_us)
        joined = state.join(cand, on=keys, how="left").with_columns(_c=nw.when(ok).then(nw.col("_c")))
        state = joined.group_by(keys).agg(*_carried(state, keys), nw.col("_c").min().alias(f"_s{k}"))
    return _finish(state, len(sets))


def _strict_by_position(
    base: nw.LazyFrame[Any],
    anchor: nw.LazyFrame[Any],
    sets: list[tuple[str, ...]],
    keys: list[str],
    window_us: int | None,
) -> nw.LazyFrame[Any]:
    """Strict order with repeated/overlapping steps: events are numbered in the tie order."""
    names = sorted(set().union(*sets))
    numbered = (
        base.filter(nw.col("event").is_in(names))
        .with_columns(_rank=_rank_expr(sets), _one=nw.lit(1))
        .with_columns(_i=nw.col("_one").cum_sum().over(*keys, order_by=["_t", "_rank", "event"]))
    )
    first = numbered.filter(_in(sets[0])).group_by(keys).agg(nw.col("_i").min().alias("_p1"))
    state = anchor.join(first, on=keys).with_columns(_s1=nw.col("_t1"))
    for k in range(2, len(sets) + 1):
        cand = numbered.filter(_in(sets[k - 1])).select(
            *keys, nw.col("_t").alias("_c"), nw.col("_i").alias("_ci")
        )
        ok = (nw.col("_ci") > nw.col(f"_p{k - 1}")) & _within("_c", window_us)
        joined = state.join(cand, on=keys, how="left").with_columns(
            _c=nw.when(ok).then(nw.col("_c")), _ci=nw.when(ok).then(nw.col("_ci"))
        )
        state = joined.group_by(keys).agg(
            *_carried(state, keys), nw.col("_c").min().alias(f"_s{k}"), nw.col("_ci").min().alias(f"_p{k}")
        )
    return _finish(state, len(sets))


def _direct(
    base: nw.LazyFrame[Any], sets: list[tuple[str, ...]], keys: list[str], window_us: int | None
) -> nw.LazyFrame[Any]:
    """Exact order: the k-th step is the (k−1)-th successor of the anchoring event."""
    n = len(sets)
    order_by = ["_t", "_rank", "event"]
    marked = base.with_columns(_rank=_rank_expr(sets), _one=_in(sets[0]).cast(nw.Int64))
    following = []
    for j in range(1, n):
        following += [
            nw.col("event").shift(-j).over(*keys, order_by=order_by).alias(f"_e{j}"),
            nw.col("_t").shift(-j).over(*keys, order_by=order_by).alias(f"_n{j}"),
        ]
    rows = marked.with_columns(
        nw.col("_one").cum_sum().over(*keys, order_by=order_by).alias("_c"), *following
    )
    state = rows.filter((nw.col("_one") == 1) & (nw.col("_c") == 1)).select(
        *keys, nw.col("_t").alias("_t1"), *[f"_e{j}" for j in range(1, n)], *[f"_n{j}" for j in range(1, n)]
    )
    state = state.with_columns(_s1=nw.col("_t1"), _ok1=nw.lit(True))
    for k in range(2, n + 1):
        ok = (
            nw.col(f"_ok{k - 1}")
            & nw.col(f"_e{k - 1}").is_in(list(sets[k - 1]))
            & _within(f"_n{k - 1}", window_us)
        )
        state = state.with_columns(ok.fill_null(False).alias(f"_ok{k}"))
        state = state.with_columns(nw.when(nw.col(f"_ok{k}")).then(nw.col(f"_n{k - 1}")).alias(f"_s{k}"))
    state = state.select(*keys, "_t1", *[f"_s{k}" for k in range(1, n + 1)])
    return _finish(state, n)


def _any_order(
    base: nw.LazyFrame[Any],
    anchor: nw.LazyFrame[Any],
    sets: list[tuple[str, ...]],
    keys: list[str],
    window_us: int | None,
) -> nw.LazyFrame[Any]:
    """Any order after the anchor: step k's time is the m-th occurrence of its event set."""
    distinct: list[tuple[str, ...]] = []
    for step in sets:
        if step not in distinct:
            if any(set(step) & set(d) for d in distinct):
                raise ValueError(
                    'order="any" needs steps that are identical or share no event; '
                    f"{step_label(step)!r} overlaps another step"
                )
            distinct.append(step)
    set_id = [distinct.index(s) for s in sets]
    need = [set_id[: j + 1].count(set_id[j]) for j in range(len(sets))]  # m-th occurrence
    set_expr = nw.when(_in(distinct[0])).then(nw.lit(0))
    for i, step in enumerate(distinct[1:], start=1):
        set_expr = set_expr.when(_in(step)).then(nw.lit(i))
    names = sorted(set().union(*sets))
    rows = (
        base.filter(nw.col("event").is_in(names))
        .select(*keys, "_t", _set=set_expr)
        .join(anchor, on=keys)
        .filter((nw.col("_t") >= nw.col("_t1")) & _within("_t", window_us))
    )
    if max(need) > 1:
        rows = rows.with_columns(_r=nw.col("_t").rank("ordinal").over(*keys, "_set"))
    occurrences = []
    for j, (sid, m) in enumerate(zip(set_id, need, strict=True), start=1):
        hit = nw.col("_set") == sid
        if max(need) > 1:
            hit = hit & (nw.col("_r") == m)
        occurrences.append(nw.when(hit).then(nw.col("_t")).alias(f"_o{j}"))
    rows = rows.with_columns(*occurrences)
    extra = [nw.col("_seg").min()] if "_seg" in anchor.collect_schema().names() else []
    state = rows.group_by(keys).agg(
        nw.col("_t1").min(), *extra, *[nw.col(f"_o{j}").min() for j in range(1, len(sets) + 1)]
    )
    done = []
    for k in range(1, len(sets) + 1):
        cols = [f"_o{j}" for j in range(1, k + 1)]
        reached = nw.all_horizontal(*[~nw.col(c).is_null() for c in cols], ignore_nulls=False)
        latest = nw.max_horizontal(*cols) if len(cols) > 1 else nw.col(cols[0])  # Spark's greatest needs two
        done.append(nw.when(reached).then(latest).alias(f"_s{k}"))
    return _finish(state.with_columns(*done), len(sets))
