"""Independent reference implementations of the journey statistics, for the tests (no tests here).

Plain Python loops over each unit's sorted events, written from the documented semantics
and sharing no code with :mod:`cxlib.journey`. Slow, obvious, and only for small frames.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd


def _sets(steps: list[Any]) -> list[set[str]]:
    return [{s} if isinstance(s, str) else set(s) for s in steps]


def _units(df: pd.DataFrame, count: str) -> dict[tuple, list[dict]]:
    keys = ["customer_id"] if count == "customers" else ["customer_id", "session_id"]
    out: dict[tuple, list[dict]] = defaultdict(list)
    for row in df.to_dict("records"):
        if count == "sessions" and row.get("session_id") is None:
            continue
        out[tuple(row[k] for k in keys)].append(row)
    return out


def funnel_reference(
    df: pd.DataFrame,
    steps: list[Any],
    *,
    window: pd.Timedelta | None = None,
    order: str = "strict",
    count: str = "customers",
    by: str | None = None,
) -> tuple[dict[tuple[str, int], dict[str, float]], dict[tuple[int, str], int]]:
    """Funnel by brute force.

    Returns
    -------
    stats : dict
        ``(segment, step) -> {"entrants", "q1", "median", "q3"}`` (times in seconds).
    next_events : dict
        ``(last step reached, next event) -> units`` for units that did not finish.
    """
    sets = _sets(steps)
    n = len(sets)

    def rank(event: str) -> int:
        return next((i for i, s in enumerate(sets) if event in s), n)

    times: dict[tuple[str, int], list[float]] = defaultdict(list)
    nexts: Counter = Counter()
    for rows in _units(df, count).values():
        rows = sorted(rows, key=lambda r: (r["ts"], rank(r["event"]), r["event"]))
        firsts = [i for i, r in enumerate(rows) if r["event"] in sets[0]]
        if not firsts:
            continue
        a = firsts[0]
        t1 = rows[a]["ts"]
        segment = min(str(r[by]) for r in rows if r["event"] in sets[0] and r["ts"] == t1) if by else "all"

        def inside(t: pd.Timestamp, t1: pd.Timestamp = t1) -> bool:
            return window is None or t - t1 <= window

        reached = [t1]
        if order == "strict":
            cur = a
            for k in range(1, n):
                hit = next((j for j in range(cur + 1, len(rows)) if rows[j]["event"] in sets[k]), None)
                if hit is None or not inside(rows[hit]["ts"]):
                    break
                reached.append(rows[hit]["ts"])
                cur = hit
        elif order == "direct":
            cur = a
            for k in range(1, n):
                j = cur + 1
                if j >= len(rows) or rows[j]["event"] not in sets[k] or not inside(rows[j]["ts"]):
                    break
                reached.append(rows[j]["ts"])
                cur = j
        else:  # any order: the m-th occurrence of each step's set inside the window
            seen: Counter = Counter()
            done = t1
            for k in range(n):
                key = frozenset(sets[k])
                seen[key] += 1
                occ = sorted(
                    r["ts"] for r in rows if r["event"] in sets[k] and r["ts"] >= t1 and inside(r["ts"])
                )
                if len(occ) < seen[key]:
                    break
                done = max(done, occ[seen[key] - 1])
                if k > 0:
                    reached.append(done)
        for k, t in enumerate(reached, start=1):
            times[(segment, k)].append((t - t1).total_seconds())
        if len(reached) < n:
            last = reached[-1]
            later = [r for r in rows if r["ts"] > last]
            if later:
                t_next = min(r["ts"] for r in later)
                event = min(r["event"] for r in later if r["ts"] == t_next)
            else:
                event = "(no further events)"
            nexts[(len(reached), event)] += 1
    stats = {}
    for key, values in times.items():
        arr = np.asarray(values, dtype=float)
        stats[key] = {
            "entrants": len(values),
            "q1": float(np.quantile(arr, 0.25)),
            "median": float(np.quantile(arr, 0.5)),
            "q3": float(np.quantile(arr, 0.75)),
        }
    return stats, dict(nexts)


def sequences_reference(df: pd.DataFrame, count: str, collapse: bool) -> list[list[str]]:
    """Each unit's events in time order (same timestamp: by event name), runs merged if asked."""
    out = []
    for rows in _units(df, count).values():
        seq = [r["event"] for r in sorted(rows, key=lambda r: (r["ts"], r["event"]))]
        if collapse:
            seq = [e for i, e in enumerate(seq) if i == 0 or e != seq[i - 1]]
        out.append(seq)
    return out


def paths_reference(df, *, start=None, end=None, steps=5, collapse=True, count="customers") -> Counter:
    """Counter of path tuples, as documented in :func:`cxlib.journey.paths`."""
    counts: Counter = Counter()
    for seq in sequences_reference(df, count, collapse):
        if start is not None:
            if start not in seq:
                continue
            i = seq.index(start)
            counts[tuple(seq[i : i + steps])] += 1
        elif end is not None:
            if end not in seq:
                continue
            i = seq.index(end)
            counts[tuple(seq[max(0, i - steps + 1) : i + 1])] += 1
        else:
            counts[tuple(seq[:steps])] += 1
    return counts


def transitions_reference(df, *, count="customers", collapse=False, include_ends=True) -> Counter:
    """Counter of (from, to) directly-follows pairs."""
    counts: Counter = Counter()
    for seq in sequences_reference(df, count, collapse):
        if include_ends:
            seq = ["(start)", *seq, "(end)"]
        for a, b in itertools.pairwise(seq):
            counts[(a, b)] += 1
    return counts


# --------------------------------------------------------------------------- attribution


def heuristic_reference(
    paths: list[list[str]], conversions, values, method, weights=(0.4, 0.2, 0.4), half_life=1.0
):
    """Credits per channel by an explicit loop over paths and touchpoints."""
    conv: dict[str, float] = defaultdict(float)
    val: dict[str, float] = defaultdict(float)
    for path, c, v in zip(paths, conversions, values, strict=True):
        n = len(path)
        if method == "first":
            w = [1.0 if i == 0 else 0.0 for i in range(n)]
        elif method == "last":
            w = [1.0 if i == n - 1 else 0.0 for i in range(n)]
        elif method == "linear":
            w = [1.0 / n] * n
        elif method == "position":
            f, m, last = weights
            if n == 1:
                w = [1.0]
            elif n == 2:
                w = [f / (f + last), last / (f + last)]
            else:
                w = [f] + [m / (n - 2)] * (n - 2) + [last]
        else:
            raw = [2.0 ** (-(n - 1 - i) / half_life) for i in range(n)]
            w = [x / sum(raw) for x in raw]
        for ch, x in zip(path, w, strict=True):
            conv[ch] += x * c
            val[ch] += x * v
    return dict(conv), dict(val)


def _solve_fractions(matrix: list[list[Fraction]], rhs: list[Fraction]) -> list[Fraction]:
    """Gauss–Jordan elimination in exact rational arithmetic."""
    n = len(rhs)
    a = [[*row[:], rhs[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = next(r for r in range(col, n) if a[r][col] != 0)
        a[col], a[pivot] = a[pivot], a[col]
        p = a[col][col]
        a[col] = [x / p for x in a[col]]
        for r in range(n):
            if r != col and a[r][col] != 0:
                factor = a[r][col]
                a[r] = [x - factor * y for x, y in zip(a[r], a[col], strict=True)]
    return [a[i][n] for i in range(n)]


def markov_reference(paths, conversions, nulls, values, order=1):
    """Removal effects (conversions, value), P(conversion) and E[value], exactly, in fractions.

    Written from Anderl et al. (2016): states = last ``order`` channels after merging runs;
    transitions weighted by conversions + nulls; absorption probabilities solve
    (I − Q) x = r; removing a channel sends the states containing it to null.
    """
    counts: dict[tuple, Counter] = defaultdict(Counter)
    conv_at: Counter = Counter()
    value_at: dict[tuple, Fraction] = defaultdict(Fraction)
    for path, c, n0, v in zip(paths, conversions, nulls, values, strict=True):
        w = Fraction(c) + Fraction(n0)
        if not path or w == 0:
            continue
        merged = [ch for i, ch in enumerate(path) if i == 0 or ch != path[i - 1]]
        states = [("(start)",)] + [tuple(merged[max(0, i - order + 1) : i + 1]) for i in range(len(merged))]
        for a, b in itertools.pairwise(states):
            counts[a][b] += w
        counts[states[-1]]["(conversion)"] += Fraction(c)
        counts[states[-1]]["(null)"] += Fraction(n0)
        conv_at[states[-1]] += Fraction(c)
        value_at[states[-1]] += Fraction(v)
    seen = set(counts) | {b for a in counts for b in counts[a] if isinstance(b, tuple)}
    states = [("(start)",), *sorted(seen - {("(start)",)})]
    index = {s: i for i, s in enumerate(states)}
    mean_value = {s: (value_at[s] / conv_at[s] if conv_at[s] else Fraction(0)) for s in states}

    def solve(removed: str | None) -> tuple[Fraction, Fraction]:
        n = len(states)
        m = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
        r = [Fraction(0)] * n
        rv = [Fraction(0)] * n
        for s in states:
            if removed is not None and removed in s:
                continue
            total = sum(counts[s].values())
            if total == 0:
                continue
            for t, c in counts[s].items():
                if t == "(conversion)":
                    r[index[s]] += c / total
                    rv[index[s]] += c / total * mean_value[s]
                elif t != "(null)":
                    m[index[s]][index[t]] -= c / total
        return _solve_fractions(m, r)[0], _solve_fractions(m, rv)[0]

    p, e = solve(None)
    channels = sorted({ch for s in states[1:] for ch in s})
    effects, value_effects = {}, {}
    for ch in channels:
        pr, er = solve(ch)
        effects[ch] = 1 - pr / p if p else Fraction(0)
        value_effects[ch] = 1 - er / e if e else Fraction(0)
    return effects, value_effects, p, e


def channel_paths_reference(
    df: pd.DataFrame, lookback: pd.Timedelta, max_touchpoints: int = 20, half_life=None
):
    """Path table {path: [conversions, value, nulls]} (and time-decay credits) by brute force."""
    table: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0])
    decay: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for rows in _units(df, "customers").values():
        touches: dict[tuple, pd.Timestamp] = {}
        for r in rows:
            if isinstance(r["source"], str):
                key = (r["session_id"], r["source"])
                touches[key] = min(touches.get(key, r["ts"]), r["ts"])
        touch_list = sorted(((t, ch) for (_, ch), t in touches.items()))
        convs = sorted((r["ts"], r["revenue"] or 0.0) for r in rows if r["event"] == "purchase")
        previous = None
        for tc, value in convs:
            path = [
                (t, ch)
                for t, ch in touch_list
                if tc - lookback <= t <= tc and (previous is None or t > previous)
            ]
            path = path[-max_touchpoints:]
            previous = tc
            if path:
                key = " > ".join(ch for _, ch in path)
                table[key][0] += 1
                table[key][1] += value
                if half_life is not None:
                    w = [2.0 ** (-((tc - t) / half_life)) for t, _ in path]
                    for (_, ch), x in zip(path, w, strict=True):
                        decay[ch][0] += x / sum(w)
                        decay[ch][1] += x / sum(w) * value
        last = convs[-1][0] if convs else None
        rest = [(t, ch) for t, ch in touch_list if last is None or t > last]
        if rest:
            end = rest[-1][0]
            rest = [(t, ch) for t, ch in rest if t >= end - lookback][-max_touchpoints:]
            table[" > ".join(ch for _, ch in rest)][2] += 1
    return dict(table), dict(decay)
