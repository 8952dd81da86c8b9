"""Benchmark: funnel and transition matrix on many events read from Parquet through DuckDB.

Issue 5 asks for, on 10M events: ``cxlib.journey.funnel`` and ``cxlib.journey.transitions``
on a DuckDB relation within 1.6× of hand-written DuckDB SQL for the same result, side by
side, with peak memory.

The funnel is view → cart → checkout → purchase, strict order, 7-day window, per customer;
its result is the number of customers reaching each step and the quartiles of the time from
the first step. Two hand-written SQL queries compute it: sequential joins with conditional
minimums (the same plan as cxlib's portable code) and ASOF joins (DuckDB's native "first
event at or after" join); the ratio is taken against the faster one. The transition matrix
is compared with a ``lead``/``lag`` window query. All methods must give identical numbers.
``funnel_cxlib_pandas`` and ``transitions_cxlib_pandas`` run the same cxlib calls on a pandas
DataFrame (for ``run_all.py``; not in the default ``--methods``).

Every measurement runs in a fresh subprocess (peak RSS belongs to it alone): input opened
(not timed), one warm-up run, then ``--repeat`` timed runs; the median is reported. Peak
memory is ``ru_maxrss`` of that subprocess.

Usage::

    .venv/bin/python benchmarks/bench_journey.py --rows 10000000 --write-readme   # full run
    .venv/bin/python benchmarks/bench_journey.py --rows 100000                    # quick check

Synthetic data go to ``benchmarks/data/`` (git-ignored) and are reused when present; they
are written in chunks of 10M events (bounded memory at 100M).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import _harness
from _harness import DATA

SECTION = "## Journey"

STEPS = ("view", "cart", "checkout", "purchase")
WINDOW_US = 7 * 86_400 * 1_000_000
EVENTS = ("session_start", "search", "view", "cart", "checkout", "purchase")
EVENT_P = (0.08, 0.12, 0.45, 0.18, 0.10, 0.07)
#: Rows generated per chunk (bounded memory when writing 100M events).
CHUNK = 10_000_000

METHODS: dict[str, str] = {
    "funnel_sql_joins": "funnel: hand-written DuckDB SQL, joins + conditional minimums",
    "funnel_sql_asof": "funnel: hand-written DuckDB SQL, ASOF joins",
    "funnel_cxlib": "funnel: cxlib.journey.funnel on a DuckDB relation (portable Narwhals code)",
    "transitions_sql": "transitions: hand-written DuckDB SQL, lead/lag window",
    "transitions_cxlib": (
        "transitions: cxlib.journey.transitions on a DuckDB relation (portable Narwhals code)"
    ),
    "funnel_cxlib_pandas": "funnel: cxlib.journey.funnel on a pandas DataFrame (for information)",
    "transitions_cxlib_pandas": (
        "transitions: cxlib.journey.transitions on a pandas DataFrame (for information)"
    ),
}
#: What the script runs without --methods (the pandas ones are for run_all.py and on request).
DEFAULT_METHODS = (
    "funnel_sql_joins",
    "funnel_sql_asof",
    "funnel_cxlib",
    "transitions_sql",
    "transitions_cxlib",
)
#: Each cxlib method is compared with the fastest hand-written query of its group.
GROUPS: dict[str, tuple[str, ...]] = {
    "funnel_cxlib": ("funnel_sql_joins", "funnel_sql_asof"),
    "transitions_cxlib": ("transitions_sql",),
    "funnel_cxlib_pandas": ("funnel_sql_joins", "funnel_sql_asof"),
    "transitions_cxlib_pandas": ("transitions_sql",),
}
TARGET = 1.6


# ------------------------------------------------------------------------------------- data


def make_events(rows: int, seed: int = 5) -> Path:
    """Write ``rows`` synthetic events of ``rows // 25`` customers over 90 days as Parquet.

    Written in chunks of ``CHUNK`` rows (bounded memory, about 1 GB per chunk); up to one
    chunk the data are the same as those of the earlier single-pass generator.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    path = DATA / f"journey_events_{rows}.parquet"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    customers = max(rows // 25, 1)
    start_us = 1_717_200_000 * 1_000_000  # 2024-06-01T00:00:00Z
    tmp = path.with_suffix(".tmp")
    writer = None
    for lo in range(0, rows, CHUNK):
        n = min(CHUNK, rows - lo)
        who = rng.integers(0, customers, n)
        ids = pc.binary_join_element_wise(
            "C", pc.utf8_lpad(pc.cast(pa.array(who), pa.string()), width=8, padding="0"), ""
        )
        sessions = pc.binary_join_element_wise(
            ids, pc.cast(pa.array(rng.integers(0, 8, n)), pa.string()), "-"
        )
        seconds = rng.integers(0, 90 * 86_400, n)
        table = pa.table(
            {
                "customer_id": ids,
                "session_id": sessions,
                "ts": pa.array(start_us + seconds * 1_000_000, type=pa.timestamp("us", tz="UTC")),
                "event": pa.DictionaryArray.from_arrays(
                    pa.array(rng.choice(len(EVENTS), n, p=EVENT_P).astype("int32")), pa.array(EVENTS)
                ).cast(pa.string()),
            }
        )
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table, row_group_size=1_000_000)
        del who, ids, sessions, seconds, table
    writer.close()
    tmp.rename(path)
    return path


# ------------------------------------------------------------------------------------- methods

_EVENTS_CTE = (
    "ev AS (SELECT customer_id, event, epoch_us(ts) AS t FROM read_parquet('{path}') "
    "WHERE event IN ('view', 'cart', 'checkout', 'purchase'))"
)
_FUNNEL_SUMMARY = """
SELECT count(t1) AS n1, count(t2) AS n2, count(t3) AS n3, count(t4) AS n4,
       quantile_cont((t2 - t1) / 1e6, [0.25, 0.5, 0.75]) AS q2,
       quantile_cont((t3 - t1) / 1e6, [0.25, 0.5, 0.75]) AS q3,
       quantile_cont((t4 - t1) / 1e6, [0.25, 0.5, 0.75]) AS q4
FROM s4
"""

FUNNEL_SQL_JOINS = (
    "WITH "
    + _EVENTS_CTE
    + """,
s1 AS (SELECT customer_id, min(t) AS t1 FROM ev WHERE event = 'view' GROUP BY customer_id),
s2 AS (SELECT s.customer_id, s.t1, min(e.t) AS t2 FROM s1 s LEFT JOIN ev e
       ON e.customer_id = s.customer_id AND e.event = 'cart' AND e.t >= s.t1 AND e.t <= s.t1 + {window}
       GROUP BY s.customer_id, s.t1),
s3 AS (SELECT s.customer_id, s.t1, s.t2, min(e.t) AS t3 FROM s2 s LEFT JOIN ev e
       ON e.customer_id = s.customer_id AND e.event = 'checkout' AND e.t >= s.t2 AND e.t <= s.t1 + {window}
       GROUP BY s.customer_id, s.t1, s.t2),
s4 AS (SELECT s.customer_id, s.t1, s.t2, s.t3, min(e.t) AS t4 FROM s3 s LEFT JOIN ev e
       ON e.customer_id = s.customer_id AND e.event = 'purchase' AND e.t >= s.t3 AND e.t <= s.t1 + {window}
       GROUP BY s.customer_id, s.t1, s.t2, s.t3)
"""
    + _FUNNEL_SUMMARY
)

FUNNEL_SQL_ASOF = (
    "WITH "
    + _EVENTS_CTE
    + """,
e2 AS (SELECT customer_id, t FROM ev WHERE event = 'cart'),
e3 AS (SELECT customer_id, t FROM ev WHERE event = 'checkout'),
e4 AS (SELECT customer_id, t FROM ev WHERE event = 'purchase'),
s1 AS (SELECT customer_id, min(t) AS t1 FROM ev WHERE event = 'view' GROUP BY customer_id),
a2 AS (SELECT s.customer_id, s.t1, e.t AS t FROM s1 s ASOF LEFT JOIN e2 e
       ON s.customer_id = e.customer_id AND e.t >= s.t1),
s2 AS (SELECT customer_id, t1, CASE WHEN t <= t1 + {window} THEN t END AS t2 FROM a2),
a3 AS (SELECT s.*, e.t AS t FROM s2 s ASOF LEFT JOIN e3 e ON s.customer_id = e.customer_id AND e.t >= s.t2),
s3 AS (SELECT customer_id, t1, t2, CASE WHEN t <= t1 + {window} THEN t END AS t3 FROM a3),
a4 AS (SELECT s.*, e.t AS t FROM s3 s ASOF LEFT JOIN e4 e ON s.customer_id = e.customer_id AND e.t >= s.t3),
s4 AS (SELECT customer_id, t1, t2, t3, CASE WHEN t <= t1 + {window} THEN t END AS t4 FROM a4)
"""
    + _FUNNEL_SUMMARY
)

TRANSITIONS_SQL = """
WITH ev AS (SELECT customer_id, event, epoch_us(ts) AS t FROM read_parquet('{path}')),
w AS (SELECT event,
             coalesce(lead(event) OVER (PARTITION BY customer_id ORDER BY t, event), '(end)') AS nxt,
             lag(event) OVER (PARTITION BY customer_id ORDER BY t, event) IS NULL AS first
      FROM ev)
SELECT event, nxt, first, count(*) AS n FROM w GROUP BY ALL
"""


def _funnel_from_sql(row: tuple) -> dict[str, Any]:
    n1, n2, n3, n4, q2, q3, q4 = row
    return _funnel_numbers([n1, n2, n3, n4], [[0.0, 0.0, 0.0], q2, q3, q4])


def _funnel_numbers(counts: list, quartiles: list) -> dict[str, Any]:
    return {
        "entrants": [int(n) for n in counts],
        "quartiles": [[round(float(q), 6) if q is not None else None for q in qs] for qs in quartiles],
    }


def _transitions_numbers(pairs: list[tuple[str, str, int]]) -> dict[str, int]:
    return {f"{a}>{b}": int(n) for a, b, n in sorted(pairs)}


def _sql_transitions(rows: list[tuple]) -> dict[str, int]:
    pairs: dict[tuple[str, str], int] = {}
    for event, nxt, first, n in rows:
        pairs[(event, nxt)] = pairs.get((event, nxt), 0) + int(n)
        if first:
            pairs[("(start)", event)] = pairs.get(("(start)", event), 0) + int(n)
    return _transitions_numbers([(a, b, n) for (a, b), n in pairs.items()])


def open_input(method: str, path: Path) -> Any:
    """The input of a method (not timed): a DuckDB relation on the Parquet file, a pandas frame or nothing."""
    if method.endswith("_pandas"):
        import pandas as pd

        return pd.read_parquet(path)
    if method.endswith("_cxlib"):
        from cxlib.engine import duckdb_connection

        return duckdb_connection().read_parquet(str(path))
    return None


def run(method: str, data: Any, path: Path) -> dict[str, Any]:
    """One run; returns the numbers used to check that all methods agree."""
    from cxlib.engine import duckdb_connection

    con = duckdb_connection()
    if method == "funnel_sql_joins":
        return _funnel_from_sql(con.sql(FUNNEL_SQL_JOINS.format(path=path, window=WINDOW_US)).fetchall()[0])
    if method == "funnel_sql_asof":
        return _funnel_from_sql(con.sql(FUNNEL_SQL_ASOF.format(path=path, window=WINDOW_US)).fetchall()[0])
    if method == "transitions_sql":
        return _sql_transitions(con.sql(TRANSITIONS_SQL.format(path=path)).fetchall())
    from cxlib.journey import funnel, transitions

    if method.startswith("funnel_cxlib"):
        table = funnel(data, list(STEPS), window="7D", next_events=0).table
        return _funnel_numbers(
            table["entrants"].tolist(), table[["time_q1_s", "time_median_s", "time_q3_s"]].to_numpy().tolist()
        )
    table = transitions(data).table
    return _transitions_numbers(list(zip(table["from"], table["to"], table["count"], strict=True)))


def measure(method: str, path: Path, repeat: int, warmup: bool = True) -> dict[str, Any]:
    """Open the input, warm up, time ``repeat`` runs; report median seconds and peak RSS."""
    res = _harness.measure(
        lambda: open_input(method, path), lambda data: run(method, data, path), repeat, warmup=warmup
    )
    numbers = res.pop("result")
    return {"method": method, **res, "numbers": numbers}


# ------------------------------------------------------------------------------------- report


def baseline_of(method: str, results: dict[str, dict]) -> str | None:
    candidates = [m for m in GROUPS.get(method, ()) if m in results]
    return min(candidates, key=lambda m: results[m]["seconds"]) if candidates else None


def table_rows(results: dict[str, dict], rows: int) -> list[str]:
    lines = [
        "| method | events | median s | runs (s) | ratio to fastest SQL | CPU s | peak RSS (MB) |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for method, res in results.items():
        base = baseline_of(method, results)
        ratio = f"{res['seconds'] / results[base]['seconds']:.2f}× ({base})" if base else "baseline"
        runs = ", ".join(f"{t:.2f}" for t in res["times"])
        lines.append(
            f"| {METHODS[method]} | {rows:,} | {res['seconds']:.2f} | {runs} | {ratio} | {res['cpu']:.2f} | "
            f"{res['peak_mb']:,.0f} |"
        )
    return lines


def check_agreement(results: dict[str, dict]) -> None:
    """Every method of a group gives the same numbers, else stop."""
    for cxlib_method, sqls in GROUPS.items():
        present = [m for m in (cxlib_method, *sqls) if m in results]
        for other in present[1:]:
            if results[other]["numbers"] != results[present[0]]["numbers"]:
                raise SystemExit(f"{other} gives different numbers than {present[0]}")


check = check_agreement  # the name run_all.py calls


def write_readme(lines: list[str], rows: int, repeat: int) -> None:
    """Replace (or add) the ``## Journey`` section of benchmarks/README.md, leaving others alone."""
    machine = _harness.machine()
    body = [
        SECTION,
        "",
        f"Funnel ({' → '.join(STEPS)}, strict order, 7-day window, per customer: entrants and time quartiles "
        "per step) and transition matrix (directly-follows counts with start and end) on synthetic events "
        f"({rows // 25:,} customers, 90 days) read from Parquet through DuckDB. Each method runs in its own "
        f"subprocess: input opened (not timed), one warm-up, median of {repeat} runs (wall time; CPU s = "
        "user + system time of all threads). cxlib runs its portable Narwhals code; the only "
        "DuckDB-specific piece is `epoch_us(ts)` for the timestamps. All methods give identical numbers "
        "(checked by the script).",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_journey.py --rows {rows} --write-readme` "
        f"({time.strftime('%Y-%m-%d')}, {machine}).",
        "",
        *lines,
        "",
        f"Target (issue 5, 10M events): cxlib ≤ {TARGET}× the fastest hand-written DuckDB SQL.",
        "",
    ]
    if rows < 1_000_000:
        body[-1:-1] = [
            "",
            "This is a small verification run: at this size cxlib's fixed cost per call (about 0.1 s for "
            "plan building, schema checks and the result tables) dominates, so the ratios say nothing about "
            "the target; run the full command above (`--rows 10000000`) on a quiet machine.",
        ]
    _harness.write_section(SECTION, body)


def main(argv: list[str] | None = None) -> int:
    parser = _harness.analysis_parser(
        __doc__,
        rows=10_000_000,
        rows_help="events (customers = rows / 25)",
        methods=METHODS,
        default_methods=DEFAULT_METHODS,
        section="Journey",
    )
    args = parser.parse_args(argv)
    start = time.time()
    path = make_events(args.rows)
    if _harness.child_mode(args, path, start, measure):
        return 0
    results = _harness.run_methods(__file__, args, args.methods.split(","))
    check_agreement(results)
    lines = table_rows(results, args.rows)
    print("\n".join(lines))
    if args.write_readme:
        write_readme(lines, args.rows, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
