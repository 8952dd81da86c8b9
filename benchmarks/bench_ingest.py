"""Benchmark: reading a CSV with quoted line breaks costs no more than one without (issue 17).

Two synthetic feedback CSVs with the same rows: ``plain`` (every text on one line) and
``quoted`` (1 % of the texts hold a quoted line break, as review bodies and order notes do).
Each is opened with :func:`cxlib.open_table` (DuckDB's reader, then validation, which scans
every row once) and its rows counted; each file runs in its own subprocess, one warm-up,
then the median of ``--repeat`` runs. The target: ``quoted`` within 1.5x of ``plain``.
Usage::

    .venv/bin/python benchmarks/bench_ingest.py --rows 10000000 --write-readme
    .venv/bin/python benchmarks/bench_ingest.py --rows 200000          # quick check

Files go to ``benchmarks/data/ingest/`` (git-ignored) and are reused.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "ingest"
sys.path.insert(0, str(HERE))
from _harness import machine, write_section  # noqa: E402

SECTION = "## Reading CSV with quoted line breaks (issue 17)"


def write_files(rows: int) -> dict[str, Path]:
    """The two CSVs of ``rows`` rows, written with DuckDB (not timed)."""
    import duckdb

    DATA.mkdir(parents=True, exist_ok=True)
    paths = {name: DATA / f"feedback_{name}_{rows}.csv" for name in ("plain", "quoted")}
    for name, path in paths.items():
        if path.exists():
            continue
        broken = (
            "CASE WHEN i % 100 = 7 THEN 'first line ' || i || chr(10) || 'second, line' ELSE 'text ' || i END"
        )
        text = broken if name == "quoted" else "'text ' || i || ' one line, ok'"
        duckdb.sql(
            f"""COPY (SELECT 'F' || i AS feedback_id,
                       TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(i % 31536000) AS ts,
                       {text} AS text, 1 + i % 5 AS rating
                FROM range({rows}) t(i)) TO '{path}' (HEADER, DELIMITER ',')"""
        )
    return paths


CHILD = """
import json, sys, time
from cxlib import open_table
from cxlib.engine import to_pandas
import narwhals.stable.v2 as nw
path, repeat = sys.argv[1], int(sys.argv[2])
def once():
    t = time.perf_counter()
    table = open_table(path, "feedback")
    n = int(to_pandas(nw.from_native(table).select(nw.len().alias("n")))["n"].iloc[0])
    return time.perf_counter() - t, n
once()
runs = [once() for _ in range(repeat)]
print(json.dumps({"seconds": [r[0] for r in runs], "rows": runs[0][1]}))
"""


def measure(path: Path, repeat: int) -> dict[str, float]:
    """Median seconds of opening and counting ``path`` in a fresh Python process."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(repeat)], check=True, capture_output=True, text=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return {"seconds": statistics.median(result["seconds"]), "rows": result["rows"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    paths = write_files(args.rows)
    results = {name: measure(path, args.repeat) for name, path in paths.items()}
    assert results["plain"]["rows"] == results["quoted"]["rows"] == args.rows, results
    ratio = results["quoted"]["seconds"] / results["plain"]["seconds"]
    for name, r in results.items():
        size = paths[name].stat().st_size / 1e6
        print(f"{name:<7} {r['seconds']:7.2f} s  {size:8.0f} MB  {r['rows']:,} rows")
    print(f"quoted / plain: {ratio:.2f}x (target <= 1.5x); total {time.perf_counter() - started:.0f} s")
    if args.write_readme:
        write_section(
            SECTION,
            [
                SECTION,
                "",
                f"`python benchmarks/bench_ingest.py --rows {args.rows} --repeat {args.repeat}` ({machine()}): "
                "a feedback CSV opened with `open_table` (DuckDB's parallel reader, validation scanning "
                "every row) and counted; median of the runs, each file in its own process.",
                "",
                "| file | seconds | MB |",
                "|---|---|---|",
                *(
                    f"| {name} | {r['seconds']:.2f} | {paths[name].stat().st_size / 1e6:.0f} |"
                    for name, r in results.items()
                ),
                "",
                f"Quoted line breaks in 1 % of the rows: {ratio:.2f}x the time of the same file without "
                "them (target at most 1.5x).",
            ],
        )


if __name__ == "__main__":
    main()
