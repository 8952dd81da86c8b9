"""Benchmark: monthly cohort retention matrix on many orders read from Parquet.

Issue 6 asks for, on 10M orders of 2M customers:

* DuckDB input: ``cxlib.cohorts.retention_matrix`` within 1.3× of hand-written DuckDB SQL;
* pandas input: at least 2× faster than the widely copied tutorial recipe
  (``groupby().transform('min')`` + ``nunique`` + ``pivot_table``), side by side;
* peak memory of each.

Every measurement runs in a fresh subprocess (so peak RSS belongs to it alone): the input is
loaded (not timed), one warm-up run, then ``--repeat`` timed runs; the median is reported.
Peak memory is ``ru_maxrss`` of that subprocess (includes the loaded input; the "load" column
is the RSS after loading). All methods are checked to give the same counts.

Usage::

    .venv/bin/python benchmarks/bench_cohorts.py --rows 10000000            # full run
    .venv/bin/python benchmarks/bench_cohorts.py --rows 100000 --write-readme  # quick check

Synthetic data go to ``benchmarks/data/`` (git-ignored) and are reused when present.
"""

from __future__ import annotations

import time
from operator import attrgetter
from pathlib import Path

import _harness
from _harness import DATA

SECTION = "## Cohorts"

METHODS = {
    "duckdb_sql": ("duckdb", "hand-written DuckDB SQL (baseline for DuckDB)"),
    "duckdb_cxlib": (
        "duckdb",
        "cxlib.cohorts.retention_matrix on a DuckDB relation (fast_path=True: SQL fast path)",
    ),
    "duckdb_cxlib_native": (
        "duckdb",
        "cxlib.cohorts.retention_matrix on a DuckDB relation, fast_path=False (portable Narwhals code)",
    ),
    "pandas_tutorial": (
        "pandas",
        "tutorial recipe: transform('min') + nunique + pivot (baseline for pandas)",
    ),
    "pandas_cxlib": (
        "pandas",
        "cxlib.cohorts.retention_matrix on a pandas DataFrame (fast_path=True: DuckDB reads the frame)",
    ),
    "pandas_cxlib_native": (
        "pandas",
        "cxlib.cohorts.retention_matrix on a pandas DataFrame, fast_path=False (pandas group-bys)",
    ),
    "polars_cxlib": ("polars", "cxlib.cohorts.retention_matrix on a polars DataFrame (for information)"),
}
#: Rows generated per chunk (bounded memory when writing 100M orders).
CHUNK = 10_000_000
BASELINE = {
    "duckdb_cxlib": "duckdb_sql",
    "duckdb_cxlib_native": "duckdb_sql",
    "pandas_cxlib": "pandas_tutorial",
    "pandas_cxlib_native": "pandas_tutorial",
    "polars_cxlib": "pandas_tutorial",
}


# ------------------------------------------------------------------------------------- data


def make_orders(rows: int, seed: int = 6) -> Path:
    """Write ``rows`` synthetic orders of ``rows // 5`` customers over two years as Parquet.

    Every customer has a first order at their acquisition time; the other orders go to random
    customers, placed uniformly between their acquisition and the end (so months without
    orders occur). Written in chunks of ``CHUNK`` rows (bounded memory, about 1.5 GB per
    chunk): each chunk holds the first orders of its share of the customers plus random
    others, shuffled within the chunk. Up to one chunk the data are the same as those of the
    earlier single-pass generator.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    path = DATA / f"cohorts_orders_{rows}.parquet"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    customers = max(rows // 5, 1)
    span = 730 * 86_400 * 1_000_000  # two years in microseconds
    start = 1_704_067_200 * 1_000_000  # 2024-01-01T00:00:00Z
    acquired = rng.integers(0, span, customers)
    tmp = path.with_suffix(".tmp")
    writer = None
    for lo in range(0, rows, CHUNK):
        n = min(CHUNK, rows - lo)
        first_lo, first_hi = lo * customers // rows, (lo + n) * customers // rows
        firsts = first_hi - first_lo
        who = np.concatenate([np.arange(first_lo, first_hi), rng.integers(0, customers, n - firsts)])
        later = acquired[who] + (rng.random(n) * (span - acquired[who])).astype("int64")
        ts = np.where(np.arange(n) < firsts, acquired[who], later) + start
        order = rng.permutation(n)
        ids = pc.utf8_lpad(pc.cast(pa.array(who[order]), pa.string()), width=8, padding="0")
        table = pa.table(
            {
                "order_id": pc.binary_join_element_wise(
                    "O",
                    pc.utf8_lpad(pc.cast(pa.array(np.arange(lo, lo + n)), pa.string()), width=9, padding="0"),
                    "",
                ),
                "customer_id": pc.binary_join_element_wise("C", ids, ""),
                "ts": pa.array(ts[order], type=pa.timestamp("us", tz="UTC")),
                "revenue": pa.array(np.round(rng.gamma(2.0, 30.0, n), 2)),
            }
        )
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table, row_group_size=1_000_000)
        del who, later, ts, order, ids, table
    writer.close()
    tmp.rename(path)
    return path


# ------------------------------------------------------------------------------------- methods

SQL = """
WITH o AS (SELECT customer_id, ts FROM read_parquet('{path}')),
f AS (SELECT customer_id, min(ts) AS first_ts FROM o GROUP BY customer_id)
SELECT year(f.first_ts) * 12 + month(f.first_ts) - 1 AS cohort,
       (year(o.ts) * 12 + month(o.ts)) - (year(f.first_ts) * 12 + month(f.first_ts)) AS age,
       count(DISTINCT o.customer_id) AS customers
FROM o JOIN f USING (customer_id)
GROUP BY ALL
ORDER BY cohort, age
"""


def load(method: str, path: Path):
    """The input of a method (not timed)."""
    import pandas as pd

    if method == "duckdb_sql":
        return None
    if method.startswith("duckdb_cxlib"):
        from cxlib.engine import duckdb_connection

        return duckdb_connection().read_parquet(str(path))
    frame = pd.read_parquet(path)
    if method == "polars_cxlib":
        import polars as pl

        return pl.from_pandas(frame)
    return frame


def run(method: str, data, path: Path):
    """One run; returns the retained-customer counts as {(cohort_index, age): n} for checks."""
    if method == "duckdb_sql":
        from cxlib.engine import duckdb_connection

        counts = duckdb_connection().sql(SQL.format(path=path)).fetchnumpy()
        shares = _shares(counts["cohort"], counts["age"], counts["customers"])
        return {
            (int(c), int(a)): int(n)
            for c, a, n in zip(counts["cohort"], counts["age"], counts["customers"], strict=True)
        }, shares
    if method == "pandas_tutorial":
        import pandas as pd

        df = data.copy()
        df["order_month"] = df["ts"].dt.tz_localize(None).dt.to_period("M")
        df["cohort"] = df.groupby("customer_id")["order_month"].transform("min")
        cohorts = (
            df.groupby(["cohort", "order_month"]).agg(n_customers=("customer_id", "nunique")).reset_index()
        )
        cohorts["period_number"] = (cohorts["order_month"] - cohorts["cohort"]).apply(attrgetter("n"))
        pivot = cohorts.pivot_table(index="cohort", columns="period_number", values="n_customers")
        shares = pivot.divide(pivot.iloc[:, 0], axis=0)
        index = pd.PeriodIndex(cohorts["cohort"])
        key = index.year * 12 + index.month - 1
        return {
            (int(c), int(a)): int(n)
            for c, a, n in zip(key, cohorts["period_number"], cohorts["n_customers"], strict=True)
        }, shares
    from cxlib.cohorts import retention_matrix

    fast_path = not method.endswith("_native")
    result = retention_matrix(
        data, period="month", kind="on", observed_until="2025-12-31", fast_path=fast_path
    )
    counts = result._counts
    counts = counts[counts["eligible"] > 0]
    return {
        (int(c), int(a)): int(n)
        for c, a, n in zip(counts["cohort_index"], counts["age"], counts["retained"], strict=True)
        if n
    }, result.table


def _shares(cohort, age, customers):
    import pandas as pd

    wide = pd.DataFrame({"cohort": cohort, "age": age, "n": customers}).pivot(
        index="cohort", columns="age", values="n"
    )
    return wide.divide(wide[0], axis=0)


def measure(method: str, path: Path, repeat: int, warmup: bool = True) -> dict:
    """Load, warm up, time ``repeat`` runs; report median seconds and peak RSS."""
    res = _harness.measure(
        lambda: load(method, path), lambda data: run(method, data, path)[0], repeat, warmup=warmup
    )
    counts = res.pop("result")
    return {"method": method, **res, "counts": {f"{c}:{a}": n for (c, a), n in counts.items()}}


def check(results: dict[str, dict]) -> None:
    """Every method gives the same counts as the first one, else stop."""
    if not results:
        return
    reference = next(iter(results.values()))["counts"]
    for method, res in results.items():
        if res["counts"] != reference:
            raise SystemExit(f"{method} gives different counts than {next(iter(results))}")


# ------------------------------------------------------------------------------------- report


def table_rows(results: dict[str, dict], rows: int) -> list[str]:
    lines = [
        "| method | rows | median s | runs (s) | ratio | CPU s | RSS after load (MB) | peak RSS (MB) |",
        "|---|---:|---:|---|---:|---:|---:|---:|",
    ]
    for method, res in results.items():
        base = BASELINE.get(method)
        ratio = f"{res['seconds'] / results[base]['seconds']:.2f}× {base}" if base in results else "baseline"
        runs = ", ".join(f"{t:.2f}" for t in res["times"])
        lines.append(
            f"| {METHODS[method][1]} | {rows:,} | {res['seconds']:.2f} | {runs} | {ratio} | {res['cpu']:.2f} "
            f"| {res['load_mb']:,.0f} | {res['peak_mb']:,.0f} |"
        )
    return lines


def write_readme(lines: list[str], rows: int, repeat: int) -> None:
    """Replace (or add) the ``## Cohorts`` section of benchmarks/README.md, leaving others alone."""
    machine = _harness.machine()
    body = [
        SECTION,
        "",
        'Monthly retention matrix (`kind="on"`) from Parquet: 5 orders per customer on average, two years, '
        "months without orders included. Each method runs in its own subprocess: input loaded (not timed), "
        f"one warm-up, median of {repeat} runs (wall time; CPU s = user + system time of all threads). "
        "Peak RSS includes the loaded input. All methods give identical counts (checked by the script). "
        "`fast_path=True` (the default) hands a pandas frame to DuckDB in-process over its Arrow buffers "
        "and, on DuckDB, uses the hand-written SQL fast path (`cxlib/_duckdb/cohorts.py`: one hash pass "
        "per customer with a 128-bit set of active months); `fast_path=False` runs the portable Narwhals "
        "code on the input's own backend.",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_cohorts.py --rows {rows} --write-readme` "
        f"({time.strftime('%Y-%m-%d')}, {machine}).",
        "",
        *lines,
        "",
        "Targets (issue 6, 10M orders of 2M customers): DuckDB ≤ 1.3× hand-written SQL; pandas ≥ 2× faster "
        "than the tutorial recipe (ratio ≤ 0.5).",
        "",
    ]
    if rows < 5_000_000:
        body += [
            "This is a small verification run on a shared, busy machine: at this size cxlib's fixed cost "
            "per call (about 0.1 s of CPU for schema checks, the first/last timestamp query and the result "
            "tables) dominates, so the ratios say little about the targets. Run the full command (`--rows "
            "10000000`, about 10 minutes and at most 6 GB of RAM) on a quiet machine.",
            "",
        ]
    _harness.write_section(SECTION, body)


def main(argv: list[str] | None = None) -> int:
    parser = _harness.analysis_parser(
        __doc__,
        rows=10_000_000,
        rows_help="orders (customers = rows / 5)",
        methods=METHODS,
        section="Cohorts",
    )
    args = parser.parse_args(argv)
    start = time.time()
    path = make_orders(args.rows)
    if _harness.child_mode(args, path, start, measure):
        return 0
    results = _harness.run_methods(__file__, args, args.methods.split(","))
    check(results)
    lines = table_rows(results, args.rows)
    print("\n".join(lines))
    if args.write_readme:
        write_readme(lines, args.rows, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
