"""Benchmark: RFM summary of an orders table + BG/NBD and Gamma-Gamma fits, cxlib vs lifetimes.

Issue 10 asks for the customer-lifetime-value step at 10M and 100M orders: the per-customer
RFM summary (frequency, recency, T, mean repeat spend) computed from the orders where they
live, then the BG/NBD and Gamma-Gamma fits. (``bench_ltv.py`` times the fits alone on a
ready-made per-customer summary.)

Orders are synthetic BG/NBD + Gamma-Gamma customers (r=0.8, α=4.5 per week, a=0.7, b=3;
p=6, q=4, v=32.5) acquired uniformly over two years (2024–2025): each customer's first order
at acquisition, then purchases at their Poisson rate until they drop out (after any repeat
purchase with their probability p); each order's value is drawn from the customer's Gamma. About 5.2
orders per customer; several orders of one customer on one day count as one purchase.

Methods (each in a fresh subprocess, so peak RSS belongs to it alone; input loaded, not
timed — a DuckDB relation is lazy, so its Parquet scan *is* timed):

* ``duckdb_cxlib`` — ``rfm_summary(relation, unit="W")`` on a DuckDB relation over the
  Parquet file, then ``fit_bgnbd`` + ``fit_gamma_gamma`` (the target);
* ``pandas_cxlib`` — the same on a pandas DataFrame (``pd.read_parquet``);
* ``lifetimes`` — ``lifetimes.utils.summary_data_from_transaction_data`` (days, then divided
  by 7 for weeks) + ``BetaGeoFitter`` + ``GammaGammaFitter`` on a pandas DataFrame, in the
  separate lifetimes environment (the baseline; one run, no warm-up: it takes minutes).

cxlib: one warm-up, median of ``--repeat`` runs. The script checks that every method's
summary has the same customers and the same sums of frequency, recency, T and monetary
value, that cxlib's estimates agree across backends (relative 1e-6) and with lifetimes'
(relative 1e-3; the largest difference is printed). Usage::

    .venv/bin/python benchmarks/bench_ltv_orders.py --rows 10000000 --write-readme   # full run
    .venv/bin/python benchmarks/bench_ltv_orders.py --rows 200000                    # quick check

Synthetic data go to ``benchmarks/data/`` (git-ignored) and are reused when present;
they are written in chunks of 1M customers (bounded memory at 100M orders).
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import _harness
from _harness import DATA
from bench_ltv import DEFAULT_LIFETIMES

SECTION = "## Customer lifetime value from orders"

METHODS = {
    "duckdb_cxlib": "cxlib: rfm_summary on a DuckDB relation over Parquet + fit_bgnbd + fit_gamma_gamma",
    "pandas_cxlib": "cxlib: rfm_summary on a pandas DataFrame + fit_bgnbd + fit_gamma_gamma",
    "lifetimes": (
        "lifetimes 0.11.3: summary_data_from_transaction_data + BetaGeoFitter + GammaGammaFitter (baseline)"
    ),
}
BASELINE = "lifetimes"
TRUTH = {"r": 0.8, "alpha": 4.5, "a": 0.7, "b": 3.0, "p": 6.0, "q": 4.0, "v": 32.5}
CUSTOMERS_PER_CHUNK = 1_000_000
ORDERS_PER_CUSTOMER = 5.1  # a little under the mean (5.18), so chunks rarely fall short
SUMS = ("frequency", "recency", "T", "monetary_value")

# The lifetimes side runs in the other environment: a self-contained script (no cxlib import).
LIFETIMES_WORKER = r"""
import json, resource, sys, time, warnings
import numpy as np, pandas as pd
warnings.simplefilter("ignore")
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data
path = sys.argv[1]
def rss():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
orders = pd.read_parquet(path, columns=["customer_id", "ts", "revenue"])
load_mb = rss()
t0, c0 = time.perf_counter(), time.process_time()
s = summary_data_from_transaction_data(orders, "customer_id", "ts", monetary_value_col="revenue", freq="D")
s["recency"] = s["recency"] / 7.0
s["T"] = s["T"] / 7.0
t1 = time.perf_counter()
bg = BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
rep = s[s["frequency"] > 0]
gg = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
t2 = time.perf_counter()
seconds, cpu = t2 - t0, time.process_time() - c0
result = {"params": {k: float(v) for k, v in {**bg.params_.to_dict(), **gg.params_.to_dict()}.items()},
          "customers": int(len(s)),
          "sums": {c: float(s[c].sum()) for c in ("frequency", "recency", "T", "monetary_value")},
          "summary_s": t1 - t0, "fit_s": t2 - t1, "warnings": []}
print(json.dumps({"seconds": seconds, "times": [seconds], "cpu": cpu, "load_mb": load_mb,
                  "summary_s": t1 - t0, "fit_s": t2 - t1,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "warmup": False,
                  "result": result}))
"""


# ------------------------------------------------------------------------------------- data


def make_orders(rows: int, seed: int = 10) -> Path:
    """Write ``rows`` synthetic orders of BG/NBD + Gamma-Gamma customers as Parquet (chunked)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    path = DATA / f"ltv_orders_{rows}.parquet"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    day_us = 86_400 * 1_000_000
    start = 1_704_067_200 * 1_000_000  # 2024-01-01T00:00:00Z
    end = 731 * day_us  # to 2025-12-31 inclusive
    tmp = path.with_suffix(".tmp")
    writer, written, first_customer = None, 0, 0
    while written < rows:
        # Enough customers for the orders still missing (about 5.2 each), so that cutting the
        # last chunk to size drops only a few orders.
        n = min(CUSTOMERS_PER_CHUNK, int((rows - written) / ORDERS_PER_CUSTOMER) + 1)
        born = rng.integers(0, end, n)
        weeks = (end - born) / (7 * day_us)
        lam = rng.gamma(TRUTH["r"], 1.0 / TRUTH["alpha"], n)
        drop = rng.beta(TRUTH["a"], TRUTH["b"], n)
        nu = rng.gamma(TRUTH["q"], 1.0 / TRUTH["v"], n)
        arrivals = rng.poisson(lam * weeks)
        repeats = np.minimum(rng.geometric(drop), arrivals)  # dropping out after a repeat purchase
        # The first `repeats` of each customer's `arrivals` uniform arrival times (order statistics).
        owner = np.repeat(np.arange(n), arrivals)
        u = rng.random(len(owner))
        u = np.sort(owner + u) - owner  # sorted within each customer (owner is non-decreasing)
        rank = np.arange(len(owner)) - np.repeat(np.cumsum(arrivals) - arrivals, arrivals)
        keep = rank < repeats[owner]
        owner, u = owner[keep], u[keep]
        who = np.concatenate([np.arange(n), owner])
        ts = np.concatenate([born, born[owner] + (u * (end - born[owner])).astype("int64")])
        value = np.maximum(np.round(rng.gamma(TRUTH["p"], 1.0 / nu[who]), 2), 0.01)
        order = rng.permutation(len(who))[: rows - written]
        m = len(order)
        table = pa.table(
            {
                "order_id": pc.binary_join_element_wise(
                    "O",
                    pc.utf8_lpad(
                        pc.cast(pa.array(np.arange(written, written + m)), pa.string()), width=10, padding="0"
                    ),
                    "",
                ),
                "customer_id": pc.binary_join_element_wise(
                    "C",
                    pc.utf8_lpad(
                        pc.cast(pa.array(first_customer + who[order]), pa.string()), width=9, padding="0"
                    ),
                    "",
                ),
                "ts": pa.array(start + ts[order], type=pa.timestamp("us", tz="UTC")),
                "revenue": pa.array(value[order]),
            }
        )
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table, row_group_size=1_000_000)
        written += m
        first_customer += n
        del owner, u, rank, keep, who, ts, value, order, table
    writer.close()
    tmp.rename(path)
    return path


# ------------------------------------------------------------------------------------- methods


def load(method: str, path: Path) -> Any:
    """The input of a method (not timed)."""
    if method == "duckdb_cxlib":
        from cxlib.engine import duckdb_connection

        return duckdb_connection().read_parquet(str(path))
    import pandas as pd

    return pd.read_parquet(path, columns=["customer_id", "ts", "revenue"])


def run(method: str, data: Any) -> dict[str, Any]:
    """RFM summary + both fits; returns the estimates and the summary's sums for the checks."""
    from cxlib import ltv

    t0 = time.perf_counter()
    rfm = ltv.rfm_summary(data, unit="W")
    t1 = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ltv.FitWarning)
        bg, gg = ltv.fit_bgnbd(rfm), ltv.fit_gamma_gamma(rfm)
    t2 = time.perf_counter()
    table = rfm.table
    return {
        "params": {k: float(v) for k, v in {**bg.params, **gg.params}.items()},
        "customers": len(table),
        "sums": {c: float(table[c].sum()) for c in SUMS},
        "summary_s": t1 - t0,
        "fit_s": t2 - t1,
        "warnings": sorted({str(w.message) for w in caught}),
    }


def measure(method: str, path: Path, repeat: int, warmup: bool = True) -> dict[str, Any]:
    """Load, warm up, time ``repeat`` runs; report median seconds (also of the two steps) and peak RSS."""
    splits: list[tuple[float, float]] = []

    def timed(data: Any) -> dict[str, Any]:
        out = run(method, data)
        splits.append((out["summary_s"], out["fit_s"]))
        return out

    res = _harness.measure(lambda: load(method, path), timed, repeat, warmup=warmup)
    timed_splits = splits[1:] if warmup else splits
    return {
        "method": method,
        **res,
        "summary_s": statistics.median(s for s, _ in timed_splits),
        "fit_s": statistics.median(f for _, f in timed_splits),
    }


def command(
    method: str, rows: int, repeat: int, *, warmup: bool = True, lifetimes_python: str = DEFAULT_LIFETIMES
) -> list[str]:
    """The child process of one measurement (lifetimes runs in its own environment)."""
    if method == "lifetimes":
        return [lifetimes_python, "-c", LIFETIMES_WORKER, str(make_orders(rows))]
    return [
        sys.executable,
        __file__,
        "--rows",
        str(rows),
        "--repeat",
        str(repeat),
        "--measure",
        method,
        *([] if warmup else ["--no-warmup"]),
    ]


def check(results: dict[str, dict]) -> None:
    """Same customers and sums everywhere; cxlib's estimates equal across backends, close to lifetimes'."""
    if not results:
        return
    names = list(results)
    ref = results[names[0]]["result"]
    for method in names[1:]:
        res = results[method]["result"]
        if res["customers"] != ref["customers"]:
            raise SystemExit(f"{method}: {res['customers']} customers, {names[0]} has {ref['customers']}")
        for column in SUMS:
            a, b = res["sums"][column], ref["sums"][column]
            if abs(a - b) > 1e-9 * max(1.0, abs(b)):
                raise SystemExit(f"{method}: sum of {column} is {a}, {names[0]} says {b}")
    cx = [m for m in names if m != BASELINE]
    for method in cx[1:]:
        diff = largest_difference(results[method]["result"]["params"], results[cx[0]]["result"]["params"])
        if diff > 1e-6:
            raise SystemExit(f"{method}: estimates differ from {cx[0]}'s by up to {diff:.1e} (relative)")
    if BASELINE in results and cx:
        diff = largest_difference(results[cx[0]]["result"]["params"], results[BASELINE]["result"]["params"])
        if diff > 1e-3:
            raise SystemExit(f"{cx[0]}: estimates differ from lifetimes' by up to {diff:.1e} (relative)")


def largest_difference(a: dict[str, float], b: dict[str, float]) -> float:
    return max(abs(a[k] - b[k]) / abs(b[k]) for k in a if k in b)


# ------------------------------------------------------------------------------------- report


def table_rows(results: dict[str, dict], rows: int) -> list[str]:
    lines = [
        "| method | orders | customers | median s | runs (s) | of which RFM summary s | fits s | ratio | "
        "CPU s | RSS after load (MB) | peak RSS (MB) |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|",
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
        r = res["result"]
        lines.append(
            f"| {METHODS[method]} | {rows:,} | {r['customers']:,} | {res['seconds']:.2f} | {runs} | "
            f"{res['summary_s']:.2f} | {res['fit_s']:.2f} | {ratio} | {res['cpu']:.2f} | "
            f"{res['load_mb']:,.0f} | {res['peak_mb']:,.0f} |"
        )
    return lines


def notes(results: dict[str, dict]) -> list[str]:
    out = []
    cx = [m for m in results if m != BASELINE]
    if cx:
        params = results[cx[0]]["result"]["params"]
        out.append(
            "cxlib's estimates: "
            + ", ".join(f"{k}={v:.4g}" for k, v in params.items())
            + " (truth: "
            + ", ".join(f"{k}={v:g}" for k, v in TRUTH.items())
            + ")."
        )
        if BASELINE in results:
            diff = largest_difference(params, results[BASELINE]["result"]["params"])
            out.append(f"Largest relative difference from lifetimes' estimates: {diff:.1e}.")
    for method, res in results.items():
        out.extend(f"{method} warned: {message}" for message in res["result"].get("warnings", []))
    return out


def write_readme(lines: list[str], note_lines: list[str], rows: int, repeat: int) -> None:
    """Replace (or add) this benchmark's section of benchmarks/README.md, leaving others alone."""
    body = [
        SECTION,
        "",
        "RFM summary (frequency, recency and T in weeks, mean repeat spend; several orders of one customer "
        "on one day are one purchase) computed from an orders table in Parquet, then the BG/NBD and "
        "Gamma-Gamma fits. Synthetic BG/NBD + Gamma-Gamma customers over two years, about 5.2 orders each. "
        "Each method runs in its own subprocess: input loaded (not timed; DuckDB relations are lazy, so "
        f"reading Parquet is timed); cxlib: one warm-up, median of {repeat} runs (and of their two steps); "
        "lifetimes: one run. Peak RSS includes the loaded input. Every method's summary has the same "
        "customers and sums; the estimates agree (checked by the script).",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_ltv_orders.py --rows {rows} --write-readme` "
        f"({time.strftime('%Y-%m-%d')}, {_harness.machine()}).",
        "",
        *lines,
        "",
        *note_lines,
        "",
    ]
    _harness.write_section(SECTION, body)


def main(argv: list[str] | None = None) -> int:
    parser = _harness.analysis_parser(
        __doc__,
        rows=10_000_000,
        rows_help="orders (about rows / 5.2 customers)",
        methods=METHODS,
        section="Customer lifetime value from orders",
    )
    parser.add_argument(
        "--lifetimes-python", default=DEFAULT_LIFETIMES, help="python of the lifetimes environment"
    )
    args = parser.parse_args(argv)
    start = time.time()
    path = make_orders(args.rows)
    if _harness.child_mode(args, path, start, measure):
        return 0

    results: dict[str, dict] = {}
    for method in args.methods.split(","):
        if method == "lifetimes" and not Path(args.lifetimes_python).exists():
            print(
                f"note: {args.lifetimes_python} not found; lifetimes skipped (make bench creates it)",
                file=sys.stderr,
            )
            continue
        results[method] = _harness.run_child(
            command(method, args.rows, args.repeat, lifetimes_python=args.lifetimes_python)
        )
        print(
            f"{method}: {results[method]['seconds']:.2f} s, peak {results[method]['peak_mb']:,.0f} MB",
            file=sys.stderr,
        )
    check(results)
    lines = table_rows(results, args.rows)
    note_lines = notes(results)
    print("\n".join([*lines, "", *note_lines]))
    if args.write_readme:
        write_readme(lines, note_lines, args.rows, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
