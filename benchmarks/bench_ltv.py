"""Benchmark: fitting BG/NBD + Gamma-Gamma (and Pareto/NBD) on many customers, cxlib vs lifetimes.

Issue 7 asks for, on 1M synthetic customers and 2 cores:

* ``cxlib.ltv.fit_bgnbd`` + ``fit_gamma_gamma`` under 2 s;
* at least 10× faster than ``lifetimes``' ``BetaGeoFitter`` + ``GammaGammaFitter`` on the same
  data, measured side by side (lifetimes lives in its own virtual environment, never in cxlib's).

Synthetic customers follow BG/NBD (r=0.24, α=9 per week, a=0.8, b=2.5) and Gamma-Gamma (p=6,
q=4, v=32.5) over two years, with ages and purchase times in whole days (as
``rfm_summary`` makes them). Every measurement runs in a fresh subprocess, so its peak RSS
(``ru_maxrss``, including the loaded summary) is its own: the summary is loaded (not timed),
cxlib gets one warm-up fit on 10,000 customers, then ``--repeat`` timed fits (median
reported); lifetimes is timed once (it takes minutes). Both fit the same per-customer
summary; the script checks that their estimates agree.

Usage::

    .venv/bin/python benchmarks/bench_ltv.py --rows 1000000 --write-readme   # full run
    .venv/bin/python benchmarks/bench_ltv.py --rows 100000                     # quick check

``--lifetimes-python`` is the interpreter of a separate environment with lifetimes
(default ``.venv-lifetimes/bin/python``, which ``make bench`` creates: ``python3 -m venv
.venv-lifetimes && .venv-lifetimes/bin/pip install lifetimes==0.11.3 pyarrow``).
Synthetic data go to ``benchmarks/data/`` (git-ignored) and are reused when present.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import _harness
from _harness import DATA, ROOT

SECTION = "## Customer lifetime value"
#: The separate environment with lifetimes that `make bench` creates (never cxlib's own).
DEFAULT_LIFETIMES = str(ROOT / ".venv-lifetimes" / "bin" / "python")

TRUTH = {"r": 0.24, "alpha": 9.0, "a": 0.8, "b": 2.5, "p": 6.0, "q": 4.0, "v": 32.5}

METHODS = {
    "cxlib_bgnbd_gg": "cxlib: fit_bgnbd + fit_gamma_gamma",
    "lifetimes_bgnbd_gg": "lifetimes 0.11.3: BetaGeoFitter + GammaGammaFitter (baseline)",
    "cxlib_pareto": "cxlib: fit_pareto_nbd",
    "lifetimes_pareto": "lifetimes 0.11.3: ParetoNBDFitter (baseline)",
    "cxlib_clv": "cxlib: clv (12 months, BG/NBD + Gamma-Gamma, with delta-method intervals)",
}
BASELINE = {"cxlib_bgnbd_gg": "lifetimes_bgnbd_gg", "cxlib_pareto": "lifetimes_pareto"}

# The lifetimes side runs in the other environment: a self-contained script (no cxlib import).
LIFETIMES_WORKER = r"""
import json, resource, sys, time, warnings
import numpy as np, pandas as pd
warnings.simplefilter("ignore")
from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter
method, path = sys.argv[1], sys.argv[2]
d = np.load(path)
df = pd.DataFrame({k: d[k] for k in ("frequency", "recency", "T", "monetary_value")})
rss_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
if method == "lifetimes_bgnbd_gg":
    bg = BetaGeoFitter().fit(df["frequency"], df["recency"], df["T"])
    rep = df[df["frequency"] > 0]
    gg = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    params = {**bg.params_.to_dict(), **gg.params_.to_dict()}
else:
    pn = ParetoNBDFitter().fit(df["frequency"], df["recency"], df["T"])
    params = pn.params_.to_dict()
seconds = time.perf_counter() - t0
print(json.dumps({"times": [seconds], "rss_load_mb": rss_load,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "params": {k: float(v) for k, v in params.items()}}))
"""


# ------------------------------------------------------------------------------------- data


def make_customers(rows: int, seed: int = 7) -> Path:
    """Write ``rows`` synthetic customers (BG/NBD + Gamma-Gamma, day resolution) as .npz."""
    import numpy as np

    path = DATA / f"ltv_customers_{rows}.npz"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    T_days = rng.integers(1, 731, rows)
    lam = rng.gamma(TRUTH["r"], 1.0 / TRUTH["alpha"], rows)
    drop = rng.beta(TRUTH["a"], TRUTH["b"], rows)
    arrivals = rng.poisson(lam * T_days / 7.0)
    x = np.minimum(rng.geometric(drop), arrivals)
    last = np.where(x > 0, rng.beta(np.maximum(x, 1), arrivals - x + 1), 0.0)
    nu = rng.gamma(TRUTH["q"], 1.0 / TRUTH["v"], rows)
    # Mean of x Gamma(p, ν) spends is Gamma(p·x, rate x·ν).
    mean_spend = np.where(x > 0, rng.gamma(TRUTH["p"] * np.maximum(x, 1), 1.0 / (np.maximum(x, 1) * nu)), 0.0)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(
        tmp,
        frequency=x.astype("int64"),
        recency=np.floor(last * T_days) / 7.0,
        T=T_days / 7.0,
        monetary_value=np.round(mean_spend, 2),
    )
    tmp.replace(path)
    return path


# ------------------------------------------------------------------------------------- worker


def worker(method: str, path: Path, repeat: int) -> dict:
    """Run one cxlib measurement in this process and return its numbers."""
    import warnings

    import numpy as np
    import pandas as pd

    from cxlib import ltv

    d = np.load(path)
    df = pd.DataFrame(
        {
            "customer_id": np.arange(len(d["T"])).astype("str"),
            **{k: d[k] for k in ("frequency", "recency", "T", "monetary_value")},
        }
    )
    rss_load = _harness.peak_rss_mb()
    warnings.simplefilter("error", ltv.FitWarning)

    def run(frame: pd.DataFrame) -> dict:
        if method == "cxlib_bgnbd_gg":
            bg, gg = ltv.fit_bgnbd(frame), ltv.fit_gamma_gamma(frame)
            return {**bg.params, **gg.params}
        if method == "cxlib_pareto":
            return ltv.fit_pareto_nbd(frame).params
        value = ltv.clv(fitted[0], fitted[1], frame, horizon_months=12)
        return {"total_clv": value.total().value}

    fitted = (ltv.fit_bgnbd(df), ltv.fit_gamma_gamma(df)) if method == "cxlib_clv" else None
    run(df.iloc[:10_000])  # warm-up
    times, params = [], {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        params = run(df)
        times.append(time.perf_counter() - t0)
    return {"times": times, "rss_load_mb": rss_load, "peak_mb": _harness.peak_rss_mb(), "params": params}


def measure(method: str, path: Path, repeat: int, lifetimes_python: str) -> dict:
    """Run ``method`` in a fresh subprocess and collect its JSON result."""
    if method.startswith("lifetimes"):
        cmd = [lifetimes_python, "-c", LIFETIMES_WORKER, method, str(path)]
    else:
        cmd = [sys.executable, __file__, "--worker", method, "--data", str(path), "--repeat", str(repeat)]
    try:
        return _harness.run_child(cmd)
    except _harness.ChildFailed as exc:
        return {"error": [str(exc)]}


# ------------------------------------------------------------------------------------- report


def table_rows(results: dict[str, dict], rows: int) -> list[str]:
    lines = [
        "| measurement | customers | time (s) | peak RSS (MB) | RSS after load (MB) | ratio to baseline |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for method, res in results.items():
        if "error" in res:
            lines.append(f"| {METHODS[method]} | {rows:,} | failed: {' '.join(res['error'])[:120]} | | | |")
            continue
        t = statistics.median(res["times"])
        base = results.get(BASELINE.get(method, ""), {})
        ratio = f"{t / statistics.median(base['times']):.3f}" if base.get("times") else "—"
        lines.append(
            f"| {METHODS[method]} | {rows:,} | {t:.3f} | {res['peak_mb']:,.0f} | {res['rss_load_mb']:,.0f} | "
            f"{ratio} |"
        )
    return lines


def agreement(results: dict[str, dict]) -> list[str]:
    """Largest relative difference between the cxlib and lifetimes estimates."""
    out = []
    for ours, theirs in BASELINE.items():
        a, b = results.get(ours, {}).get("params"), results.get(theirs, {}).get("params")
        if a and b:
            common = [k for k in a if k in b]
            worst = max(abs(a[k] - b[k]) / abs(b[k]) for k in common)
            out.append(
                f"{METHODS[ours]} vs lifetimes: largest relative difference of the estimates "
                f"{worst:.1e} ({', '.join(f'{k}={a[k]:.4g}' for k in common)})."
            )
    return out


def write_readme(lines: list[str], notes: list[str], rows: int, repeat: int) -> None:
    """Replace (or add) this benchmark's section of benchmarks/README.md, leaving others alone."""
    machine = _harness.machine()
    body = [
        SECTION,
        "",
        "Maximum-likelihood fits on a per-customer summary (frequency, recency, T, mean repeat spend) of "
        "synthetic BG/NBD + Gamma-Gamma customers over two years, ages in whole days. Each measurement runs "
        "in its own subprocess: summary loaded (not timed); cxlib: one warm-up fit on 10,000 customers, "
        f"median of {repeat} runs; lifetimes: one run. Peak RSS includes the loaded summary. Fit time "
        "includes cxlib's collapsing of identical customers (a group-by on the summary's backend, here "
        "pandas).",
        "",
        f"Command: `.venv/bin/python benchmarks/bench_ltv.py --rows {rows} --write-readme` "
        f"({time.strftime('%Y-%m-%d')}, {machine}).",
        "",
        *lines,
        "",
        *notes,
        "",
        "Targets (issue 7, 1M customers, 2 cores): BG/NBD + Gamma-Gamma under 2 s, at least 10× faster than "
        "lifetimes (ratio ≤ 0.1).",
        "",
    ]
    _harness.write_section(SECTION, body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="synthetic customers")
    parser.add_argument("--repeat", type=int, default=3, help="timed cxlib runs (median reported)")
    parser.add_argument(
        "--methods", default=",".join(METHODS), help="comma-separated subset of " + ", ".join(METHODS)
    )
    parser.add_argument(
        "--lifetimes-python", default=DEFAULT_LIFETIMES, help="python of the lifetimes environment"
    )
    parser.add_argument(
        "--pareto-lifetimes-max",
        type=int,
        default=100_000,
        help="skip lifetimes' ParetoNBDFitter above this many customers (it takes hours)",
    )
    parser.add_argument(
        "--write-readme", action="store_true", help="replace this section of benchmarks/README.md"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, Path(args.data), args.repeat)))
        return 0
    methods = [m for m in args.methods.split(",") if m]
    unknown = set(methods) - set(METHODS)
    if unknown:
        parser.error(f"unknown methods: {', '.join(sorted(unknown))}")
    have_lifetimes = Path(args.lifetimes_python).exists()
    if not have_lifetimes:
        print(f"note: {args.lifetimes_python} not found; lifetimes baselines skipped", file=sys.stderr)
    path = make_customers(args.rows)
    results: dict[str, dict] = {}
    for method in methods:
        if method.startswith("lifetimes") and not have_lifetimes:
            continue
        if method == "lifetimes_pareto" and args.rows > args.pareto_lifetimes_max:
            continue
        print(f"running {method} ...", file=sys.stderr, flush=True)
        results[method] = measure(method, path, args.repeat, args.lifetimes_python)
    lines = table_rows(results, args.rows)
    notes = agreement(results)
    print("\n".join([*lines, "", *notes]))
    ok = all("error" not in r for r in results.values())
    if args.write_readme:
        write_readme(lines, notes, args.rows, args.repeat)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
