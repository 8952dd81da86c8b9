"""Benchmark: the full A/B analysis of many experiment units read from Parquet.

Issue 9 asks for the full analysis — every metric (conversion, revenue per visitor capped at
the 99th percentile, average order value by the delta method), CUPED and the SRM check — of
10M units from Parquet through DuckDB in under 3 s on 2 cores, with time and peak memory.

Methods (each in a fresh subprocess, so peak RSS belongs to it alone; input loaded, not
timed — DuckDB relations are lazy, so their Parquet scan *is* timed; one warm-up run; median
of ``--repeat`` timed runs):

* ``duckdb_sql`` — hand-written DuckDB SQL for the same sufficient statistics, then the same
  statistics in pandas (``compare``, ``srm``, ``balance``); the baseline;
* ``duckdb_cxlib`` — ``summarize`` + ``compare(cuped=True)`` + ``srm`` + ``balance`` on a
  DuckDB relation over the Parquet file (the target);
* ``duckdb_cxlib_daily`` — the same plus the daily looks of the sequential analysis
  (``summarize(period="day")``, ``compare(method="sequential")``, ``effect_over_time``);
* ``polars_cxlib`` / ``pandas_cxlib`` — the target analysis on in-memory frames (for information).

Every method's sufficient statistics are checked against the baseline (relative 1e-9).
Usage::

    .venv/bin/python benchmarks/bench_experiments.py --rows 10000000 --write-readme   # full run
    .venv/bin/python benchmarks/bench_experiments.py --rows 100000                    # quick check

Synthetic data go to ``benchmarks/data/`` (git-ignored) and are reused when present.
"""

from __future__ import annotations

import time
from pathlib import Path

import _harness
from _harness import DATA

SECTION = "## Experiments (A/B testing)"

METHODS = {
    "duckdb_sql": "hand-written DuckDB SQL sums + the same statistics (baseline)",
    "duckdb_cxlib": "cxlib summarize + compare(cuped) + srm + balance on DuckDB over Parquet",
    "duckdb_cxlib_daily": "the same + daily looks (sequential compare, effect_over_time)",
    "polars_cxlib": "cxlib full analysis on a polars DataFrame (for information)",
    "pandas_cxlib": "cxlib full analysis on a pandas DataFrame (for information)",
}
BASELINE = "duckdb_sql"
EXPERIMENT = "bench"
CHUNK = 1_000_000


# ------------------------------------------------------------------------------------- data


def make_units(rows: int, seed: int = 9) -> Path:
    """Write ``rows`` experiment units (two arms, +5 % conversion lift) as Parquet, once."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"experiments_{rows}.parquet"
    if path.exists():
        return path
    schema = pa.schema(
        [
            ("experiment", pa.string()),
            ("variant", pa.string()),
            ("unit_id", pa.int64()),
            ("exposed_ts", pa.timestamp("us", tz="UTC")),
            ("converted", pa.bool_()),
            ("revenue", pa.float64()),
            ("orders", pa.int32()),
            ("pre_revenue", pa.float64()),
        ]
    )
    rng = np.random.default_rng(seed)
    start_us = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z
    tmp = path.with_suffix(".tmp")
    with pq.ParquetWriter(tmp, schema) as writer:
        for first in range(0, rows, CHUNK):
            n = min(CHUNK, rows - first)
            treat = rng.random(n) < 0.5
            activity = np.exp(rng.standard_normal(n) - 0.5)
            pre = np.where(rng.random(n) < 0.4, np.round(rng.gamma(2.0, 30.0, n) * activity, 2), 0.0)
            converted = rng.random(n) < np.minimum(1.0, 0.08 * activity * np.where(treat, 1.05, 1.0))
            orders = np.where(converted, 1 + rng.poisson(0.3, n), 0).astype("int32")
            revenue = np.where(
                converted, np.round(rng.gamma(3.0 * np.maximum(orders, 1), 15.0) * activity**0.3, 2), 0.0
            )
            exposed = start_us + rng.integers(0, 28 * 86_400, n) * 1_000_000
            writer.write_table(
                pa.table(
                    {
                        "experiment": pa.array(np.full(n, EXPERIMENT)),
                        "variant": pa.array(np.where(treat, "treatment", "control")),
                        "unit_id": pa.array(np.arange(first, first + n, dtype="int64")),
                        "exposed_ts": pa.array(exposed, type=pa.timestamp("us", tz="UTC")),
                        "converted": pa.array(converted),
                        "revenue": pa.array(revenue),
                        "orders": pa.array(orders),
                        "pre_revenue": pa.array(pre),
                    },
                    schema=schema,
                ),
                row_group_size=CHUNK,
            )
    tmp.rename(path)
    return path


# ------------------------------------------------------------------------------------- methods

SQL = """
WITH src AS (
    SELECT variant, converted::DOUBLE AS c, revenue AS r, orders::DOUBLE AS o, pre_revenue AS x
    FROM read_parquet('{path}') WHERE experiment = '{experiment}'
), cap AS (SELECT quantile_cont(r, 0.99) AS q FROM src),
u AS (SELECT variant, c, r, o, x, LEAST(r, (SELECT q FROM cap)) AS rc FROM src)
SELECT variant, count(*) AS n, (SELECT q FROM cap) AS q,
       sum(c) AS c_s, sum(c * c) AS c_ss, sum(x) AS x_s, sum(x * x) AS x_ss, sum(c * x) AS cx,
       sum(rc) AS rc_s, sum(rc * rc) AS rc_ss, sum(rc * x) AS rcx,
       sum(r) AS r_s, sum(r * r) AS r_ss, sum(o) AS o_s, sum(o * o) AS o_ss, sum(r * o) AS ro
FROM u GROUP BY variant ORDER BY variant
"""


def metrics():
    from cxlib import experiments as ab

    return ab.commerce_metrics(cap_quantile=0.99)


def sql_summary(path: Path):
    """The summary table from hand-written SQL, in cxlib's layout."""
    import numpy as np
    import pandas as pd

    from cxlib.engine import duckdb_connection

    df = duckdb_connection().sql(SQL.format(path=path, experiment=EXPERIMENT)).arrow().read_all().to_pandas()
    nan = np.nan
    parts = []
    for name, kind, s, ss, extra in (
        (
            "conversion",
            "proportion",
            "c_s",
            "c_ss",
            {"pre_sum": "x_s", "pre_sum_sq": "x_ss", "pre_cross_sum": "cx"},
        ),
        (
            "revenue per visitor",
            "mean",
            "rc_s",
            "rc_ss",
            {"pre_sum": "x_s", "pre_sum_sq": "x_ss", "pre_cross_sum": "rcx"},
        ),
        (
            "average order value",
            "ratio",
            "r_s",
            "r_ss",
            {"den_sum": "o_s", "den_sum_sq": "o_ss", "cross_sum": "ro"},
        ),
    ):
        part = pd.DataFrame(
            {
                "variant": df["variant"].astype(str),
                "metric": name,
                "kind": kind,
                "higher_is_better": True,
                "covariate": "pre_revenue" if kind != "ratio" else None,
                "n": df["n"].astype("int64"),
                "sum": df[s],
                "sum_sq": df[ss],
            }
        )
        for stat in ("den_sum", "den_sum_sq", "cross_sum", "pre_sum", "pre_sum_sq", "pre_cross_sum"):
            part[stat] = df[extra[stat]].astype("float64") if stat in extra else nan
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def load(method: str, path: Path):
    if method == "duckdb_sql":
        return None
    if method.startswith("duckdb"):
        from cxlib.engine import duckdb_connection

        return duckdb_connection().read_parquet(str(path))
    import pandas as pd

    frame = pd.read_parquet(path)
    if method == "polars_cxlib":
        import polars as pl

        return pl.from_pandas(frame)
    return frame


def analyse(summary) -> dict:
    """The statistics every method runs on its summary."""
    from cxlib import experiments as ab

    result = ab.compare(summary, cuped=True, guardrails={"average order value": 0.05})
    return {
        "srm_p": ab.srm(summary).p_value,
        "balance_p": float(ab.balance(summary).table["p_value"].iloc[0]),
        "estimates": result.table["estimate"].tolist(),
        "verdict": result.decision().verdict,
    }


def run(method: str, data, path: Path) -> dict:
    """One full analysis; returns the summary statistics for the cross-method check."""
    from cxlib import experiments as ab

    if method == "duckdb_sql":
        summary = ab.as_summary(sql_summary(path))
    else:
        summary = ab.summarize(data, metrics(), experiment=EXPERIMENT, covariate="pre_revenue")
    out = analyse(summary)
    if method == "duckdb_cxlib_daily":
        daily = ab.summarize(data, metrics(), experiment=EXPERIMENT, covariate="pre_revenue", period="day")
        seq = ab.compare(daily, method="sequential", cuped=True, n_star=len(daily.table))
        ab.effect_over_time(daily, cuped=True)
        out["sequential_p"] = seq.table["p_value"].tolist()
    stats_cols = [
        "n",
        "sum",
        "sum_sq",
        "den_sum",
        "den_sum_sq",
        "cross_sum",
        "pre_sum",
        "pre_sum_sq",
        "pre_cross_sum",
    ]
    t = summary.table.sort_values(["metric", "variant"])
    out["stats"] = {
        f"{m}|{v}": [float(x) for x in row]
        for m, v, row in zip(
            t["metric"], t["variant"], t[stats_cols].to_numpy(dtype="float64", na_value=0.0), strict=True
        )
    }
    return out


def measure(method: str, path: Path, repeat: int, warmup: bool = True) -> dict:
    """Load, warm up, time ``repeat`` runs; report median seconds and peak RSS."""
    res = _harness.measure(
        lambda: load(method, path), lambda data: run(method, data, path), repeat, warmup=warmup
    )
    return {"method": method, **res}


def check(results: dict[str, dict]) -> None:
    """Every method's sufficient statistics equal the baseline's (relative 1e-9)."""
    if BASELINE not in results:
        return
    reference = results[BASELINE]["result"]["stats"]
    for method, res in results.items():
        stats = res["result"]["stats"]
        if set(stats) != set(reference):
            raise SystemExit(
                f"{method}: different rows than {BASELINE}: {sorted(set(stats) ^ set(reference))[:5]}"
            )
        for key, values in reference.items():
            for a, b in zip(values, stats[key], strict=True):
                if abs(a - b) > 1e-9 * max(1.0, abs(a)):
                    raise SystemExit(f"{method}: {key} is {stats[key]}, {BASELINE} says {values}")
        if res["result"]["verdict"] != results[BASELINE]["result"]["verdict"]:
            raise SystemExit(f"{method}: a different decision than {BASELINE}")


# ------------------------------------------------------------------------------------- report


def table_rows(results: dict[str, dict], rows: int) -> list[str]:
    lines = [
        "| method | units | median s | runs (s) | ratio | RSS after load (MB) | peak RSS (MB) |",
        "|---|---:|---:|---|---:|---:|---:|",
    ]
    for method, res in results.items():
        ratio = (
            f"{res['seconds'] / results[BASELINE]['seconds']:.2f}× {BASELINE}"
            if BASELINE in results and method != BASELINE
            else "baseline"
            if method == BASELINE
            else "—"
        )
        runs = ", ".join(f"{t:.2f}" for t in res["times"])
        lines.append(
            f"| {METHODS[method]} | {rows:,} | {res['seconds']:.2f} | {runs} | {ratio} | "
            f"{res['load_mb']:,.0f} | {res['peak_mb']:,.0f} |"
        )
    return lines


def write_readme(lines: list[str], rows: int, repeat: int) -> None:
    """Replace (or add) this benchmark's section of benchmarks/README.md, leaving others alone."""
    machine = _harness.machine()
    body = [
        SECTION,
        "",
        "Full analysis of one experiment: sufficient statistics of conversion, revenue per visitor (capped "
        "at the pooled 99th percentile, one extra scan) and average order value (revenue / orders) with the "
        "pre-period covariate for CUPED; then `compare(cuped=True)` with a guardrail, `srm` and `balance`. "
        "Each method runs in its own subprocess: input loaded (not timed; DuckDB relations are lazy, so "
        f"reading Parquet is timed), one warm-up, median of {repeat} runs. Peak RSS includes the loaded "
        "input. Every method's sufficient statistics equal the hand-written SQL's and give the same "
        "decision (checked by the script).",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_experiments.py --rows {rows} --write-readme` "
        f"({time.strftime('%Y-%m-%d')}, {machine}).",
        "",
        *lines,
        "",
        "Target (issue 9): the full analysis (all metrics, CUPED, SRM) of 10M units from Parquet via DuckDB "
        "under 3 s on 2 cores.",
        "",
    ]
    _harness.write_section(SECTION, body)


def main(argv: list[str] | None = None) -> int:
    parser = _harness.analysis_parser(
        __doc__, rows=10_000_000, rows_help="experiment units", methods=METHODS, section="Experiments"
    )
    args = parser.parse_args(argv)
    start = time.time()
    path = make_units(args.rows)
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
