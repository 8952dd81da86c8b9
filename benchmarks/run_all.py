"""Run the analysis benchmarks at 10M and 100M rows and write the "Scale" table (issue 10).

``make bench`` runs this with the project's virtual environment (and a separate one for
``lifetimes``). For every size (default 10M and 100M rows) and analysis — scorecard, funnel,
transitions, cohort matrix, RFM summary + LTV fit, experiment analysis — it writes the
synthetic Parquet data (chunked, bounded memory; reused when present), runs every method in
its own process through the analysis' benchmark script (``bench_*.py --measure``), checks
that the methods agree, and writes one row per (analysis, method, size) — time, ratio to
the baseline, CPU time, peak RSS — with the machine's description into the ``## Scale``
section of ``benchmarks/README.md``. The per-analysis sections below it are left alone.

Runs: up to ``--single-run-above`` rows (default 10M) one warm-up and the median of
``--repeat`` (3) runs; above it one run without warm-up. DuckDB gets a memory limit
(``--duckdb-memory-limit``, default 40 % of RAM) and a spill folder under
``benchmarks/data/``, so DuckDB methods work out-of-core at any size. In-memory methods
(pandas, lifetimes) are skipped at a size where their peak RSS, extrapolated linearly from
the largest smaller size measured (this run or an earlier one), would exceed
``--memory-budget-gb`` (default 60 % of RAM), or their process would take longer than
``--max-minutes``; the table says so with the numbers. ``--plan`` prints what would run and
the estimates without running anything.

Results are kept in ``benchmarks/data/scale_results.json`` (git-ignored), so an interrupted
run can be resumed per analysis or size and the table always shows the latest measurement of
each row; ``--fresh`` starts over. Usage::

    make bench                                                     # 10M and 100M, everything
    make bench BENCH_ARGS="--sizes 10M"                            # one size
    .venv/bin/python benchmarks/run_all.py --sizes 200k,1M --no-readme   # quick check
    .venv/bin/python benchmarks/run_all.py --sizes 100M --plan     # estimates from the 10M run
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _harness
from _harness import DATA, HERE, ROOT

RESULTS = DATA / "scale_results.json"
SECTION = "## Scale"
IN_MEMORY = ("pandas", "lifetimes")


@dataclass(frozen=True)
class Method:
    name: str  # the script's method name
    label: str
    kind: str  # "sql", "duckdb", "pandas" or "lifetimes"
    baseline: tuple[str, ...] = ()  # compared with the fastest of these (same size)
    short: str = ""  # how a ratio names this method when it is the baseline


@dataclass(frozen=True)
class Analysis:
    name: str
    label: str
    script: str
    unit: str  # what a row is
    methods: tuple[Method, ...] = field(default_factory=tuple)


SQL = "hand-written DuckDB SQL (baseline)"
ANALYSES: tuple[Analysis, ...] = (
    Analysis(
        "scorecard",
        "CX scorecard by month and channel (+ survey answers: rows / 10)",
        "bench_scorecard",
        "orders",
        (
            Method("duckdb_sql", SQL, "sql", short="SQL"),
            Method("duckdb_cxlib", "cxlib scorecard() on DuckDB", "duckdb", ("duckdb_sql",)),
            Method("pandas_cxlib", "cxlib scorecard() on pandas", "pandas", ("duckdb_sql",)),
        ),
    ),
    Analysis(
        "funnel",
        "funnel, 4 steps, 7-day window",
        "bench_journey",
        "events",
        (
            Method(
                "funnel_sql_joins", "hand-written DuckDB SQL, joins (baseline)", "sql", short="SQL (joins)"
            ),
            Method(
                "funnel_sql_asof", "hand-written DuckDB SQL, ASOF joins (baseline)", "sql", short="SQL (ASOF)"
            ),
            Method(
                "funnel_cxlib", "cxlib funnel() on DuckDB", "duckdb", ("funnel_sql_joins", "funnel_sql_asof")
            ),
            Method(
                "funnel_cxlib_pandas",
                "cxlib funnel() on pandas",
                "pandas",
                ("funnel_sql_joins", "funnel_sql_asof"),
            ),
        ),
    ),
    Analysis(
        "transitions",
        "transition matrix",
        "bench_journey",
        "events",
        (
            Method("transitions_sql", SQL, "sql", short="SQL"),
            Method("transitions_cxlib", "cxlib transitions() on DuckDB", "duckdb", ("transitions_sql",)),
            Method(
                "transitions_cxlib_pandas", "cxlib transitions() on pandas", "pandas", ("transitions_sql",)
            ),
        ),
    ),
    Analysis(
        "cohorts",
        "monthly cohort retention matrix",
        "bench_cohorts",
        "orders",
        (
            Method("duckdb_sql", SQL, "sql", short="SQL"),
            Method("duckdb_cxlib", "cxlib retention_matrix() on DuckDB", "duckdb", ("duckdb_sql",)),
            Method("pandas_tutorial", "tutorial pandas recipe (baseline)", "pandas", short="tutorial recipe"),
            Method("pandas_cxlib", "cxlib retention_matrix() on pandas", "pandas", ("pandas_tutorial",)),
        ),
    ),
    Analysis(
        "ltv",
        "RFM summary + BG/NBD + Gamma-Gamma fits",
        "bench_ltv_orders",
        "orders",
        (
            Method("duckdb_cxlib", "cxlib rfm_summary() + fits on DuckDB", "duckdb", ("lifetimes",)),
            Method("pandas_cxlib", "cxlib rfm_summary() + fits on pandas", "pandas", ("lifetimes",)),
            Method("lifetimes", "lifetimes summary + fitters (baseline)", "lifetimes", short="lifetimes"),
        ),
    ),
    Analysis(
        "experiments",
        "A/B analysis: 3 metrics, CUPED, SRM, balance",
        "bench_experiments",
        "units",
        (
            Method(
                "duckdb_sql", "hand-written DuckDB SQL sums + same statistics (baseline)", "sql", short="SQL"
            ),
            Method("duckdb_cxlib", "cxlib summarize() + compare() on DuckDB", "duckdb", ("duckdb_sql",)),
            Method("pandas_cxlib", "cxlib summarize() + compare() on pandas", "pandas", ("duckdb_sql",)),
        ),
    ),
)
BY_NAME = {a.name: a for a in ANALYSES}


# ------------------------------------------------------------------------------------- helpers


def parse_size(text: str) -> int:
    """``10M``, ``200k``, ``1e7`` or ``10000000`` → rows."""
    match = re.fullmatch(r"\s*([\d_.eE+]+)\s*([kKmMgG]?)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    factor = {"": 1, "k": 1_000, "m": 1_000_000, "g": 1_000_000_000}[match.group(2).lower()]
    return int(float(match.group(1).replace("_", "")) * factor)


def short(rows: int) -> str:
    for factor, suffix in ((1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")):
        if rows >= factor and rows % (factor // 10) == 0:
            return f"{rows / factor:g}{suffix}"
    return f"{rows:,}"


def key(analysis: str, method: str, rows: int) -> str:
    return f"{analysis}|{method}|{rows}"


def load_results(path: Path, fresh: bool) -> dict[str, Any]:
    if path.exists() and not fresh:
        return json.loads(path.read_text())
    return {"runs": {}, "data": {}}


def save_results(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(results, indent=1))
    tmp.replace(path)


def lifetimes_version(python: str) -> str | None:
    if not Path(python).exists():
        return None
    done = subprocess.run(
        [python, "-c", "import importlib.metadata as m; print(m.version('lifetimes'))"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or None


# ------------------------------------------------------------------------------------- planning


@dataclass
class Settings:
    repeat: int
    single_run_above: int
    budget_mb: float
    max_minutes: float
    timeout_s: float
    lifetimes_python: str
    memory_limit: str
    temp_dir: Path
    force: bool

    def runs(self, rows: int) -> tuple[int, bool]:
        """(timed runs, warm-up) at this size."""
        return (self.repeat, True) if rows <= self.single_run_above else (1, False)


def reference(results: dict[str, Any], analysis: str, method: str, rows: int) -> dict[str, Any] | None:
    """The measurement of this method at the largest smaller size (this run or an earlier one)."""
    best = None
    for rec in results["runs"].values():
        if (
            (rec["analysis"], rec["method"]) == (analysis, method)
            and rec["status"] == "ok"
            and rec["rows"] < rows
        ) and (best is None or rec["rows"] > best["rows"]):
            best = rec
    return best


def estimate(rec: dict[str, Any], rows: int, settings: Settings) -> tuple[float, float]:
    """Peak RSS (MB) and process wall time (s) at ``rows``, linear in rows from a smaller measurement."""
    scale = rows / rec["rows"]
    runs, warm = settings.runs(rows)
    per_run = rec["seconds"] * scale
    # The process: loading (scaled) + warm-up + timed runs.
    done_runs = len(rec["times"]) + (1 if rec.get("warmup", True) else 0)
    load_s = max(rec.get("wall_s", 0.0) - rec["seconds"] * done_runs, 0.0) * scale
    return rec["peak_mb"] * scale, load_s + per_run * (runs + (1 if warm else 0))


def decide(
    results: dict[str, Any], analysis: Analysis, method: Method, rows: int, settings: Settings
) -> str | None:
    """Why this method is skipped at this size, or None to run it."""
    if method.kind == "lifetimes" and not Path(settings.lifetimes_python).exists():
        return f"skipped: {settings.lifetimes_python} not found (make bench creates it)"
    if method.kind not in IN_MEMORY or settings.force:
        return None
    rec = reference(results, analysis.name, method.name, rows)
    if rec is None:
        if rows <= settings.single_run_above:
            return None  # the small sizes run without an estimate
        return (
            f"skipped: no measurement at a smaller size to extrapolate its memory from (run "
            f"{short(settings.single_run_above)} first)"
        )
    peak, seconds = estimate(rec, rows, settings)
    basis = f"{rec['peak_mb'] / 1024:.1f} GB peak at {short(rec['rows'])} × {rows / rec['rows']:g}"
    if peak > settings.budget_mb:
        return (
            f"skipped: needs ~{peak / 1024:.0f} GB ({basis}), over the "
            f"{settings.budget_mb / 1024:.1f} GB budget"
        )
    if seconds > settings.max_minutes * 60:
        return (
            f"skipped: would take ~{seconds / 60:.0f} min ({rec['wall_s']:.0f} s at {short(rec['rows'])} "
            f"× {rows / rec['rows']:g}), over {settings.max_minutes:g} min"
        )
    return None


# ------------------------------------------------------------------------------------- running


def child_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env[_harness.ENV_MEMORY_LIMIT] = settings.memory_limit
    env[_harness.ENV_TEMP_DIR] = str(settings.temp_dir)
    return env


def script_path(analysis: Analysis) -> Path:
    return HERE / f"{analysis.script}.py"


def prepare(results: dict[str, Any], analysis: Analysis, rows: int, settings: Settings) -> None:
    """Write the analysis' data at this size (a subprocess; reused when present)."""
    data_key = f"{analysis.script}|{rows}"
    print(f"[{time.strftime('%H:%M:%S')}] data for {analysis.script} at {short(rows)} rows ...", flush=True)
    try:
        out = _harness.run_child(
            [sys.executable, script_path(analysis), "--rows", str(rows), "--prepare"],
            timeout=settings.timeout_s,
            env=child_env(settings),
            cwd=ROOT,
        )
    except _harness.ChildFailed as exc:
        raise SystemExit(
            f"writing the data of {analysis.script} at {rows:,} rows failed: {exc}\n{exc.stderr[-2000:]}"
        ) from exc
    if not out["existed"] or data_key not in results["data"]:
        results["data"][data_key] = {
            "script": analysis.script,
            "rows": rows,
            "path": out["data"],
            "bytes": out["bytes"],
            "wall_s": out["wall_s"],
            "peak_mb": out["child_peak_mb"],
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "reused": out["existed"],
        }
    state = (
        "already there"
        if out["existed"]
        else f"written in {out['wall_s']:.0f} s, peak {out['child_peak_mb']:,.0f} MB"
    )
    print(f"    {out['bytes'] / 1e9:.2f} GB, {state}", flush=True)


def command(analysis: Analysis, method: Method, rows: int, settings: Settings) -> list[str]:
    runs, warm = settings.runs(rows)
    if analysis.script == "bench_ltv_orders":
        import bench_ltv_orders

        return bench_ltv_orders.command(
            method.name, rows, runs, warmup=warm, lifetimes_python=settings.lifetimes_python
        )
    return [
        sys.executable,
        str(script_path(analysis)),
        "--rows",
        str(rows),
        "--repeat",
        str(runs),
        "--measure",
        method.name,
        *([] if warm else ["--no-warmup"]),
    ]


def measure(
    results: dict[str, Any], analysis: Analysis, method: Method, rows: int, settings: Settings
) -> None:
    rec: dict[str, Any] = {
        "analysis": analysis.name,
        "method": method.name,
        "rows": rows,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "load_avg": os.getloadavg()[0],
        "memory_limit": settings.memory_limit,
    }
    why = decide(results, analysis, method, rows, settings)
    stamp = f"[{time.strftime('%H:%M:%S')}] {analysis.name} / {method.name} at {short(rows)}:"
    if why:
        rec.update(status="skipped", note=why)
        print(f"{stamp} {why}", flush=True)
    else:
        print(f"{stamp} running (load average {rec['load_avg']:.1f}) ...", flush=True)
        try:
            out = _harness.run_child(
                command(analysis, method, rows, settings),
                timeout=settings.timeout_s,
                env=child_env(settings),
                cwd=ROOT,
            )
            rec.update(
                status="ok",
                note="",
                **{
                    k: out[k]
                    for k in ("seconds", "times", "cpu", "load_mb", "peak_mb", "wall_s", "child_peak_mb")
                },
                warmup=out.get("warmup", True),
                check=out.get("result", out.get("cells", out.get("numbers", out.get("counts")))),
            )
            print(
                f"    {out['seconds']:.2f} s per run, peak {out['peak_mb']:,.0f} MB, process "
                f"{out['wall_s']:.0f} s",
                flush=True,
            )
        except _harness.ChildFailed as exc:
            rec.update(status="failed", note=f"failed: {exc}", peak_mb=exc.peak_mb)
            print(f"    FAILED: {exc}\n{exc.stderr[-3000:]}", flush=True)
    results["runs"][key(analysis.name, method.name, rows)] = rec


def check(results: dict[str, Any], analysis: Analysis, rows: int) -> str | None:
    """Run the script's own agreement check on the methods measured at this size."""
    module = __import__(analysis.script)
    names = {m.name for m in analysis.methods}
    measured: dict[str, dict] = {}
    for method in analysis.methods:  # in the script's order: its baseline first
        rec = results["runs"].get(key(analysis.name, method.name, rows))
        if rec and rec["status"] == "ok" and rec.get("check") is not None:
            payload = {
                "cells": rec["check"],
                "numbers": rec["check"],
                "counts": rec["check"],
                "result": rec["check"],
            }
            measured[method.name] = {**rec, **payload}
    if not (names & set(measured)):
        return None
    try:
        module.check(measured)
    except SystemExit as exc:
        return str(exc)
    return None


def run_size(
    results: dict[str, Any],
    analyses: list[Analysis],
    rows: int,
    settings: Settings,
    write: bool,
    results_path: Path,
) -> None:
    prepared: set[str] = set()
    for analysis in analyses:
        if analysis.script not in prepared:
            prepare(results, analysis, rows, settings)
            prepared.add(analysis.script)
        for method in analysis.methods:
            measure(results, analysis, method, rows, settings)
            save_results(results_path, results)
            if write:
                write_readme(results, settings)
        problem = check(results, analysis, rows)
        for method in analysis.methods:
            rec = results["runs"].get(key(analysis.name, method.name, rows))
            if rec and rec["status"] == "ok":
                rec["disagrees"] = problem
        if problem:
            print(f"    CHECK FAILED for {analysis.name} at {short(rows)}: {problem}", flush=True)
        save_results(results_path, results)
    if write:
        write_readme(results, settings)


# ------------------------------------------------------------------------------------- report


def ratio_text(results: dict[str, Any], analysis: Analysis, method: Method, rec: dict[str, Any]) -> str:
    if not method.baseline:
        return "baseline"
    base = [results["runs"].get(key(analysis.name, b, rec["rows"])) for b in method.baseline]
    base = [b for b in base if b and b["status"] == "ok"]
    if not base:
        return "—"
    best = min(base, key=lambda b: b["seconds"])
    name = next(m.short for m in analysis.methods if m.name == best["method"])
    return f"{rec['seconds'] / best['seconds']:.2f}× {name}"


def table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| analysis | method | rows | time (s) | timed runs | ratio to baseline | CPU s | peak RSS (MB) | "
        "notes |",
        "|---|---|---:|---:|---|---:|---:|---:|---|",
    ]
    sizes = sorted({rec["rows"] for rec in results["runs"].values()})
    for analysis in ANALYSES:
        for rows in sizes:
            for method in analysis.methods:
                rec = results["runs"].get(key(analysis.name, method.name, rows))
                if rec is None:
                    continue
                cells = [f"{analysis.name}", method.label, f"{rows:,}"]
                if rec["status"] == "ok":
                    n = len(rec["times"])
                    runs = f"{n} (+1 warm-up)" if rec.get("warmup", True) else f"{n} (no warm-up)"
                    notes = []
                    if rec.get("disagrees"):
                        notes.append(f"CHECK FAILED: {rec['disagrees']}")
                    if rec["load_avg"] > 2.5:
                        notes.append(f"load average {rec['load_avg']:.1f} at start")
                    cells += [
                        f"{rec['seconds']:.2f}",
                        runs,
                        ratio_text(results, analysis, method, rec),
                        f"{rec['cpu']:.2f}",
                        f"{rec['peak_mb']:,.0f}",
                        "; ".join(notes),
                    ]
                else:
                    peak = rec.get("peak_mb")
                    peak_text = f"{peak:,.0f}" if peak and not math.isnan(peak) else ""
                    cells += ["", "", "", "", peak_text, rec["note"]]
                lines.append("| " + " | ".join(cells) + " |")
    return lines


def data_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| data (script) | rows | Parquet on disk | written in (s) | peak RSS while writing (MB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for rec in sorted(results["data"].values(), key=lambda r: (r["rows"], r["script"])):
        wall = "reused" if rec.get("reused") else f"{rec['wall_s']:.0f}"
        peak = "" if rec.get("reused") else f"{rec['peak_mb']:,.0f}"
        lines.append(f"| {rec['script']} | {rec['rows']:,} | {rec['bytes'] / 1e9:.2f} GB | {wall} | {peak} |")
    return lines


def write_readme(results: dict[str, Any], settings: Settings) -> None:
    details = _harness.machine_details()
    lt = lifetimes_version(settings.lifetimes_python)
    versions = ", ".join(
        f"{k} {details[k]}"
        for k in ("duckdb", "pandas", "polars", "numpy", "pyarrow", "narwhals")
        if k in details
    )
    sizes = []
    for rows in sorted({rec["rows"] for rec in results["runs"].values()}):
        recs = [r for r in results["runs"].values() if r["rows"] == rows]
        ran = [r for r in recs if "wall_s" in r]
        writing = sum(
            d["wall_s"] for d in results["data"].values() if d["rows"] == rows and not d.get("reused")
        )
        dates = sorted(r["date"] for r in recs)
        end = dates[-1][11:] if dates[-1][:10] == dates[0][:10] else dates[-1]
        loads = [r["load_avg"] for r in recs]
        limits = sorted({r.get("memory_limit", "?") for r in ran}) or ["—"]
        sizes.append(
            f"{short(rows)} rows: {sum(r['wall_s'] for r in ran) / 60:.0f} min in the measuring processes "
            f"+ {writing / 60:.0f} min writing data ({dates[0]} to {end} UTC; load average "
            f"{min(loads):.1f}–{max(loads):.1f} when the methods started; DuckDB memory_limit "
            f"{', '.join(limits)})"
        )
    runs_small = f"one warm-up and the median of {settings.repeat} runs"
    body = [
        SECTION,
        "",
        "Every analysis of the issues at 10M and 100M rows, side by side with its baseline: `make bench` "
        "(`benchmarks/run_all.py`; options in its docstring). Each method runs in its own process through "
        "the analysis' script below (input loaded first and not timed; DuckDB relations are lazy, so their "
        f"Parquet scan is timed): up to {short(settings.single_run_above)} rows {runs_small}, above that one "
        "run without warm-up. Time is wall time of one run of the analysis; CPU s is user + system time of "
        "all threads; peak RSS is the process's (loaded input included). All methods of an analysis give "
        "the same numbers at every size (checked). DuckDB runs with a `memory_limit` (below, per size; "
        "default 40 % of RAM, leaving room for what the process holds outside DuckDB) and spills to "
        "`benchmarks/data/duckdb_tmp/`. In-memory methods (pandas, lifetimes) are skipped at a size where "
        "their peak RSS, extrapolated linearly in rows from the size below, would exceed the memory budget "
        f"(default 60 % of RAM), or their process would run over {settings.max_minutes:g} min; the note "
        "gives the numbers.",
        "",
        f"Machine: {details['cores']} cores ({details['CPU']}), {details['RAM']} RAM, {details['OS']}; "
        f"Python {details['Python']}, {versions}"
        + (f"; lifetimes {lt} in its own environment" if lt else "")
        + ".",
        "",
        "Measured: " + "; ".join(sizes) + ".",
        "",
        *table(results),
        "",
        "Rows per analysis: orders (scorecard: plus survey answers, rows / 10; cohorts and LTV: 5 orders per "
        "customer on average), events (funnel and transitions, 25 per customer), experiment units. Data are "
        "synthetic Parquet written in chunks (bounded memory), reused when present:",
        "",
        *data_table(results),
        "",
    ]
    _harness.write_section(SECTION, body, at_top=True)


# ------------------------------------------------------------------------------------- main


def plan(results: dict[str, Any], analyses: list[Analysis], sizes: list[int], settings: Settings) -> None:
    """Print what would run at each size, with estimates from the largest smaller size measured."""
    for rows in sizes:
        total = 0.0
        print(f"{short(rows)} rows ({settings.runs(rows)[0]} run(s), warm-up: {settings.runs(rows)[1]}):")
        for analysis in analyses:
            data = results["data"].get(f"{analysis.script}|{rows}")
            for method in analysis.methods:
                why = decide(results, analysis, method, rows, settings)
                rec = reference(results, analysis.name, method.name, rows)
                if why:
                    print(f"  {analysis.name:<12} {method.name:<26} {why}")
                    continue
                if rec is None:
                    print(
                        f"  {analysis.name:<12} {method.name:<26} runs (no smaller measurement to estimate "
                        "from)"
                    )
                    continue
                peak, seconds = estimate(rec, rows, settings)
                total += seconds
                print(
                    f"  {analysis.name:<12} {method.name:<26} runs: ~{seconds / 60:5.1f} min, "
                    f"~{peak / 1024:5.1f} GB if linear ({rec['peak_mb']:,.0f} MB at {short(rec['rows'])})"
                )
            if data is None:
                smaller = [
                    r
                    for r in results["data"].values()
                    if r["script"] == analysis.script and r["rows"] < rows and not r.get("reused")
                ]
                if smaller:
                    ref = max(smaller, key=lambda r: r["rows"])
                    guess = ref["wall_s"] * rows / ref["rows"]
                    total += guess
                    print(f"  {analysis.name:<12} {'(writing the data)':<26} ~{guess / 60:5.1f} min")
        print(f"  estimated total: ~{total / 60:.0f} min (data already on disk not counted)")


def main(argv: list[str] | None = None) -> int:
    ram_mb = _harness.meminfo_gb("MemTotal") * 1024
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default="10M,100M", help="comma-separated row counts (10M, 100M, 200k, ...)"
    )
    parser.add_argument(
        "--analyses",
        default=",".join(a.name for a in ANALYSES),
        help="comma-separated subset of " + ", ".join(a.name for a in ANALYSES),
    )
    parser.add_argument(
        "--engines",
        default="sql,duckdb,pandas,lifetimes",
        help="run only methods of these kinds (sql = the hand-written DuckDB baselines)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs per method up to --single-run-above rows"
    )
    parser.add_argument(
        "--single-run-above",
        type=parse_size,
        default=10_000_000,
        help="above this many rows: one timed run, no warm-up (default 10M)",
    )
    parser.add_argument(
        "--memory-budget-gb",
        type=float,
        default=round(0.6 * ram_mb / 1024, 1),
        help="skip in-memory methods whose extrapolated peak exceeds this (default 60%% of RAM)",
    )
    parser.add_argument(
        "--max-minutes",
        type=float,
        default=60.0,
        help="skip in-memory methods whose extrapolated process time exceeds this",
    )
    parser.add_argument(
        "--timeout-minutes", type=float, default=180.0, help="stop any one process after this"
    )
    parser.add_argument(
        "--duckdb-memory-limit",
        default=f"{int(0.4 * ram_mb / 1024)}GiB",
        help="DuckDB memory_limit in every process (default 40%% of RAM: the rest is for what "
        "the process holds outside DuckDB, e.g. the 20M-row RFM table at 100M orders)",
    )
    parser.add_argument(
        "--lifetimes-python",
        default=str(ROOT / ".venv-lifetimes" / "bin" / "python"),
        help="python of the separate lifetimes environment (make bench creates it)",
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="JSON file of all measurements (kept)")
    parser.add_argument("--fresh", action="store_true", help="forget earlier measurements")
    parser.add_argument(
        "--force", action="store_true", help="run in-memory methods even when estimated not to fit"
    )
    parser.add_argument("--plan", action="store_true", help="print what would run, with estimates, and stop")
    parser.add_argument(
        "--no-readme", action="store_true", help="do not write the Scale section of benchmarks/README.md"
    )
    parser.add_argument(
        "--readme-only",
        action="store_true",
        help="rewrite the Scale section from the results file without running anything",
    )
    args = parser.parse_args(argv)

    sizes = sorted(parse_size(s) for s in args.sizes.split(",") if s.strip())
    names = [n.strip() for n in args.analyses.split(",") if n.strip()]
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        parser.error(f"unknown analyses: {', '.join(unknown)}")
    engines = {e.strip() for e in args.engines.split(",") if e.strip()}
    if engines - {"sql", "duckdb", "pandas", "lifetimes"}:
        parser.error(
            f"unknown engines: {', '.join(sorted(engines - {'sql', 'duckdb', 'pandas', 'lifetimes'}))}"
        )
    analyses = [
        Analysis(a.name, a.label, a.script, a.unit, tuple(m for m in a.methods if m.kind in engines))
        for a in (BY_NAME[n] for n in names)
    ]
    settings = Settings(
        repeat=args.repeat,
        single_run_above=args.single_run_above,
        budget_mb=args.memory_budget_gb * 1024,
        max_minutes=args.max_minutes,
        timeout_s=args.timeout_minutes * 60,
        lifetimes_python=args.lifetimes_python,
        memory_limit=args.duckdb_memory_limit,
        temp_dir=DATA / "duckdb_tmp",
        force=args.force,
    )
    results = load_results(args.results, args.fresh)
    if args.plan:
        plan(results, analyses, sizes, settings)
        return 0
    if args.readme_only:
        write_readme(results, settings)
        return 0
    start = time.time()
    for rows in sizes:
        run_size(results, analyses, rows, settings, not args.no_readme, args.results)
    failed = [
        k
        for k, r in results["runs"].items()
        if r["rows"] in sizes and (r["status"] == "failed" or r.get("disagrees"))
    ]
    print(
        f"done in {(time.time() - start) / 60:.1f} min; results in {args.results}"
        + ("" if args.no_readme else f" and {_harness.README}")
    )
    if failed:
        print("failed or disagreeing: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
