"""Shared harness of the benchmark scripts: timing in a child process, memory, README sections.

Every benchmark measures each method in a fresh subprocess (so its peak RSS is its own): the
child loads the input (not timed), runs one warm-up, then ``repeat`` timed runs, and prints
one JSON line; the parent collects those lines, checks that the methods agree and writes its
table into its own section of ``benchmarks/README.md``. This module holds the pieces the
scripts share:

* :func:`measure` — the child's load / warm-up / timed-runs loop (wall time with
  ``time.perf_counter``, CPU time of all threads with ``time.process_time``, RSS after load,
  peak RSS);
* :func:`run_child` — run one child, parse its last stdout line as JSON, and report its peak
  RSS as the kernel saw it (``wait4``), also when it fails;
* :func:`analysis_parser`, :func:`child_mode`, :func:`run_methods` — the command line every
  analysis script shares (``--rows --repeat --methods --write-readme --prepare``) and its
  child modes for ``run_all.py`` (``--prepare``, ``--measure``);
* :func:`configure_duckdb` — apply the DuckDB memory limit and spill folder that
  ``run_all.py`` passes to its children (environment variables; nothing changes without them);
* :func:`write_section` — replace (or add) one ``## `` section of the README, leaving the
  others alone;
* :func:`machine` / :func:`machine_details` — the machine's description.

``CXLAB_BENCH_README`` redirects every README write to another file (used to verify the
scripts without touching the recorded numbers).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
README = Path(os.environ.get("CXLAB_BENCH_README", HERE / "README.md"))

#: Environment variables run_all.py sets for its children (see :func:`configure_duckdb`).
ENV_MEMORY_LIMIT = "CXLAB_BENCH_DUCKDB_MEMORY_LIMIT"
ENV_TEMP_DIR = "CXLAB_BENCH_DUCKDB_TEMP_DIR"


# ------------------------------------------------------------------------------------- memory


def rss_mb() -> float:
    """Resident set size of this process now (MB)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (``ru_maxrss``, MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def meminfo_gb(field: str = "MemTotal") -> float:
    """A field of /proc/meminfo in GB (GiB)."""
    with open("/proc/meminfo") as info:
        for line in info:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024**2
    return float("nan")


# ------------------------------------------------------------------------------------- child side


def configure_duckdb() -> dict[str, str]:
    """Apply ``$CXLAB_BENCH_DUCKDB_MEMORY_LIMIT`` / ``$CXLAB_BENCH_DUCKDB_TEMP_DIR`` to cxlib's connection.

    Without those variables nothing is changed (DuckDB's defaults: 80 % of RAM, spilling to
    ``.tmp`` in the working folder). Returns the settings applied.
    """
    limit, temp = os.environ.get(ENV_MEMORY_LIMIT), os.environ.get(ENV_TEMP_DIR)
    if not (limit or temp):
        return {}
    from cxlib.engine import duckdb_connection

    con = duckdb_connection()
    applied = {}
    if limit:
        con.execute(f"SET memory_limit = '{limit}'")
        applied["memory_limit"] = limit
    if temp:
        Path(temp).mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory = '{temp}'")
        applied["temp_directory"] = temp
    return applied


def measure(
    load: Callable[[], Any], run: Callable[[Any], Any], repeat: int, *, warmup: bool = True
) -> dict[str, Any]:
    """Load the input (not timed), warm up, time ``repeat`` runs.

    Returns ``seconds`` (median wall time), ``times``, ``cpu`` (median CPU seconds of all
    threads), ``load_mb`` (RSS after loading), ``peak_mb`` (peak RSS, loaded input included)
    and ``result`` (what the first run returned, for the cross-method checks). Without the
    warm-up the first timed run's result is kept.
    """
    configure_duckdb()
    data = load()
    loaded = rss_mb()
    first = run(data) if warmup else None
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = run(data)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if first is None:
            first = out
    return {
        "seconds": statistics.median(times),
        "times": times,
        "cpu": statistics.median(cpu),
        "load_mb": loaded,
        "peak_mb": peak_rss_mb(),
        "warmup": warmup,
        "result": first,
    }


def prepared(path: Path, start: float) -> dict[str, Any]:
    """What ``--prepare`` prints: the data's path, size on disk, and whether it was there before ``start``."""
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    return {
        "data": str(path),
        "bytes": sum(p.stat().st_size for p in files),
        "existed": max(p.stat().st_mtime for p in files) < start,
    }


# ------------------------------------------------------------------------------------- parent side


def analysis_parser(
    doc: str,
    *,
    rows: int,
    rows_help: str,
    methods: Sequence[str],
    section: str,
    default_methods: Sequence[str] | None = None,
) -> argparse.ArgumentParser:
    """The options of an analysis script; scripts add their own before parsing."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--rows", type=int, default=rows, help=rows_help)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per method (median reported)")
    parser.add_argument(
        "--methods",
        default=",".join(default_methods or methods),
        help="comma-separated subset of " + ", ".join(methods),
    )
    parser.add_argument(
        "--write-readme", action="store_true", help=f"replace the {section} section of benchmarks/README.md"
    )
    parser.add_argument("--prepare", action="store_true", help="only write the synthetic data (run_all.py)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--no-warmup", action="store_true", help=argparse.SUPPRESS)
    return parser


def child_mode(
    args: argparse.Namespace, path: Path, start: float, measure_method: Callable[..., dict[str, Any]]
) -> bool:
    """Serve ``--prepare`` (print :func:`prepared`) or ``--measure METHOD`` (print
    ``measure_method(method, path, repeat, warmup=...)``) as one JSON line; ``False`` when
    neither was asked for.
    """
    if args.prepare:
        print(json.dumps(prepared(path, start)))
        return True
    if args.measure:
        print(json.dumps(measure_method(args.measure, path, args.repeat, warmup=not args.no_warmup)))
        return True
    return False


def run_methods(
    script: str, args: argparse.Namespace, methods: Sequence[str], extra: Sequence[str] = ()
) -> dict[str, dict[str, Any]]:
    """Measure each method in its own ``script --measure METHOD`` child; print a line each."""
    results: dict[str, dict[str, Any]] = {}
    for method in methods:
        results[method] = run_child(
            [
                sys.executable,
                script,
                "--rows",
                str(args.rows),
                "--repeat",
                str(args.repeat),
                *extra,
                "--measure",
                method,
            ],
        )
        print(
            f"{method}: {results[method]['seconds']:.2f} s, peak {results[method]['peak_mb']:,.0f} MB",
            file=sys.stderr,
        )
    return results


class ChildFailed(RuntimeError):
    """A measurement subprocess exited with an error, was killed, or timed out."""

    def __init__(self, message: str, *, peak_mb: float = float("nan"), stderr: str = "") -> None:
        super().__init__(message)
        self.peak_mb = peak_mb
        self.stderr = stderr


def run_child(
    cmd: Sequence[str],
    *,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
    cwd: str | Path | None = None,
) -> dict[str, Any]:
    """Run one measurement subprocess; return the JSON object on its last stdout line.

    ``child_peak_mb`` (the child's peak RSS as the kernel counted it, from ``wait4``) and
    ``wall_s`` are added. A non-zero exit, a signal (e.g. the kernel's out-of-memory killer)
    or the timeout raises :class:`ChildFailed` with the end of the child's stderr.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(map(str, cmd)), stdout=out, stderr=err, env=env, cwd=cwd, text=True)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    peak = usage.ru_maxrss / 1024
    if timed_out.is_set():
        raise ChildFailed(f"timed out after {timeout:.0f} s", peak_mb=peak, stderr=stderr)
    if proc.returncode < 0:
        name = signal.Signals(-proc.returncode).name
        hint = " (out of memory?)" if name == "SIGKILL" else ""
        raise ChildFailed(f"killed by {name}{hint} at {peak:,.0f} MB peak", peak_mb=peak, stderr=stderr)
    lines = stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = [line for line in stderr.strip().splitlines() if line.strip()][-1:] or [
            f"exit code {proc.returncode}"
        ]
        raise ChildFailed(tail[0].strip(), peak_mb=peak, stderr=stderr)
    result = json.loads(lines[-1])
    result["child_peak_mb"] = peak
    result["wall_s"] = wall
    return result


# ------------------------------------------------------------------------------------- README


def machine() -> str:
    """Short machine description used in every section's command line."""
    return f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"


def cpu_model() -> str:
    """The processor's model name from /proc/cpuinfo."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_details() -> dict[str, str]:
    """Cores, RAM, CPU model, OS and the versions of the libraries that matter here."""
    from importlib import metadata

    details = {
        "cores": str(os.cpu_count()),
        "RAM": f"{meminfo_gb('MemTotal'):.1f} GiB",
        "CPU": cpu_model(),
        "OS": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": platform.python_version(),
    }
    for package in ("duckdb", "pandas", "polars", "numpy", "pyarrow", "narwhals", "cxlib"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            details[package] = metadata.version(package)
    return details


def write_section(section: str, body: Sequence[str], *, at_top: bool = False) -> None:
    """Replace (or add) the ``section`` heading and its text in the README, leaving others alone.

    ``body`` is the section's lines, heading first. Sections are separated by one blank line.
    A new section goes at the end, or with ``at_top`` right after the README's title.
    """
    block = "\n".join(body).strip("\n") + "\n"
    text = README.read_text(encoding="utf-8") if README.exists() else "# Benchmarks\n"
    start = text.find(section + "\n")
    if start >= 0 and (start == 0 or text[start - 1] == "\n"):
        nxt = text.find("\n## ", start + len(section))
        before, after = text[:start], ("" if nxt < 0 else text[nxt + 1 :])
    elif at_top and text.startswith("# "):
        title_end = text.find("\n") + 1 or len(text)
        nxt = text.find("\n## ", title_end - 1)
        intro_end = len(text) if nxt < 0 else nxt + 1
        before, after = text[:intro_end], text[intro_end:]
    else:
        before, after = text, ""
    before = before.rstrip("\n") + "\n\n" if before.strip() else ""
    text = before + block + ("\n" + after.lstrip("\n") if after.strip() else "")
    README.write_text(text, encoding="utf-8")
