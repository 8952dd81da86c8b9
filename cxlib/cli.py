"""The ``cxlab`` command: run notebooks into reports, list them, make the sample, check data.

::

    cxlab run --all --data data/sample --out reports
    cxlab run 00_data_health --data shop.duckdb --params params.yaml --timeout 300
    cxlab list
    cxlab sample --seed 42 --out data/sample
    cxlab check data/sample

Exit codes: 0 success; 1 a notebook failed / the data has problems; 2 wrong usage or a
setup problem (unknown notebook, unreadable parameters file).
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _version() -> str:
    try:
        import cxlib

        return str(cxlib.__version__)
    except Exception:  # a broken install still gets --version; the version is informational only
        return "unknown"


def _seconds(text: str) -> float:
    """Argparse type of ``--timeout``: a finite number of seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(
            f"must be 0 (no limit) or a positive number of seconds, got {text!r}"
        )
    return value


def _positive_int(text: str) -> int:
    """Argparse type of ``--jobs``: a whole number, 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cxlab",
        description="cxlab: customer-experience analytics notebooks rendered into HTML reports.",
    )
    parser.add_argument("--version", action="version", version=f"cxlab {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="execute notebooks with parameters and export HTML reports",
        description="Execute notebooks with papermill and export stakeholder HTML reports (no code) "
        "into --out, with an index.html. A failing notebook gets an error page; the others still run.",
    )
    run.add_argument(
        "notebooks", nargs="*", metavar="NOTEBOOK", help="notebook names, paths or unique prefixes"
    )
    run.add_argument("--all", action="store_true", help="run every notebook in the notebooks folder")
    run.add_argument("--data", help="data source passed as the 'data' parameter (folder, file, .duckdb)")
    run.add_argument("--params", type=Path, metavar="FILE.yaml", help="YAML file with parameters (see docs)")
    run.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="one parameter for every notebook declaring it (value parsed as YAML); repeatable",
    )
    run.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports)")
    run.add_argument(
        "--timeout",
        type=_seconds,
        default=600.0,
        metavar="SECONDS",
        help="time limit per notebook in seconds (default 600; 0 for none)",
    )
    run.add_argument(
        "-j",
        "--jobs",
        type=_positive_int,
        metavar="N",
        help="notebooks run at the same time (default: $CXLAB_JOBS, else 2 or fewer CPUs)",
    )
    run.add_argument(
        "--notebooks",
        dest="notebooks_dir",
        type=Path,
        metavar="DIR",
        help="notebooks folder (default: the project's)",
    )
    run.add_argument("--kernel", help="Jupyter kernel name (default: the notebook's, python3)")
    run.add_argument(
        "--strict",
        action="store_true",
        help=(
            "exit 1 also when a notebook was skipped because the data lack its table (default: only failures)"
        ),
    )

    lst = sub.add_parser("list", help="list notebooks and their parameters")
    lst.add_argument(
        "--notebooks",
        dest="notebooks_dir",
        type=Path,
        metavar="DIR",
        help="notebooks folder (default: the project's)",
    )

    sample = sub.add_parser("sample", help="generate the sample shop (Parquet files)")
    sample.add_argument("--out", type=Path, default=Path("data/sample"), help="folder (default: data/sample)")
    sample.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    sample.add_argument(
        "--force",
        action="store_true",
        help="write even if the folder holds files the sample did not write (they may be replaced)",
    )

    check = sub.add_parser("check", help="validate a data source against the data contracts")
    check.add_argument("source", nargs="?", help="same as --data")
    check.add_argument("--data", help="folder, file or .duckdb with the shop tables or exports")
    check.add_argument("--mapping", help="YAML file or preset name(s), comma-separated")
    check.add_argument("--timezone", help="IANA time zone of timestamps written without one")
    check.add_argument("--encoding", default="utf-8", help="CSV encoding: utf-8, utf-16, latin-1")
    check.add_argument(
        "--max-drop", type=float, default=5.0, help="fail when a table would lose more than this %% of rows"
    )
    return parser


def _cmd_run(args: argparse.Namespace) -> int:
    from cxlib.reports import run

    if args.all and args.notebooks:
        print("cxlab run: give notebook names or --all, not both", file=sys.stderr)
        return EXIT_USAGE
    if not args.all and not args.notebooks:
        print("cxlab run: name the notebooks to run, or use --all (see `cxlab list`)", file=sys.stderr)
        return EXIT_USAGE
    try:
        summary = run(
            None if args.all else args.notebooks,
            data=args.data,
            params=args.params,
            parameter_texts=dict(args.param),
            out=args.out,
            timeout=args.timeout or None,
            notebooks_dir=args.notebooks_dir,
            kernel_name=args.kernel,
            jobs=args.jobs,
            strict=args.strict,
        )
    except (FileNotFoundError, ValueError, OSError) as exc:
        print(f"cxlab run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return summary.exit_code


def _cmd_list(args: argparse.Namespace) -> int:
    from cxlib.reports import default_notebooks_dir, find_notebooks, notebook_info

    folder = args.notebooks_dir or default_notebooks_dir()
    try:
        paths = find_notebooks(None, folder)
    except FileNotFoundError as exc:
        print(f"cxlab list: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for path in paths:
        try:
            info = notebook_info(path)
        except Exception as exc:  # one unreadable notebook must not hide the others
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            print(f"{path.stem}  —  cannot be read: {reason[:200]}\n")
            continue
        print(f"{info.name}  —  {info.title}")
        if not info.parameters:
            print("    (no parameters)")
        width = max((len(p.name) for p in info.parameters), default=0)
        for p in info.parameters:
            kind = p.type or "any"
            head = f"    {p.name:<{width}}  {kind:<5} = {p.default}"
            print(head)
            if p.help:
                for line in textwrap.wrap(
                    p.help, width=88, initial_indent=" " * 8, subsequent_indent=" " * 8
                ):
                    print(line)
        print()
    print(f"{len(paths)} notebook(s) in {folder}")
    return EXIT_OK


def _written_by_sample(path: Path) -> bool:
    """Whether a file is one the sample generator wrote (Parquet tagged by it, or its README)."""
    if path.name == "README.md":
        with path.open(encoding="utf-8", errors="replace") as handle:
            return handle.readline().strip() == "# The cxlab sample shop"
    if path.suffix != ".parquet":
        return False
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_schema(path).metadata or {}
    except Exception:  # not Parquet at all
        return False
    return b"cxlib.sample.table" in metadata


def _cmd_sample(args: argparse.Namespace) -> int:
    from cxlib.sample import generate_sample

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"cxlab sample: {out} is a file, not a folder", file=sys.stderr)
        return EXIT_USAGE
    foreign = (
        sorted(p.name for p in out.iterdir() if not p.name.startswith(".") and not _written_by_sample(p))
        if out.is_dir()
        else []
    )
    if foreign and not args.force:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        print(
            f"cxlab sample: {out} holds files the sample did not write ({shown}); "
            "choose an empty folder, or add --force to write there anyway",
            file=sys.stderr,
        )
        return EXIT_USAGE

    written = generate_sample(args.out, seed=args.seed)
    files = written.values() if isinstance(written, dict) else (written or [])
    for path in files:
        size = Path(path).stat().st_size if Path(path).exists() else 0
        print(f"wrote {path}  ({size / 1e6:,.2f} MB)")
    print(f"sample shop (seed {args.seed}) in {args.out}")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from cxlib.data.check_report import format_check

    source = args.data or args.source
    if not source:
        print("cxlab check: give the data: cxlab check --data FOLDER", file=sys.stderr)
        return EXIT_USAGE
    max_drop = getattr(args, "max_drop", 5.0)
    if not 0 <= max_drop <= 100:
        print("cxlab check: --max-drop is a percentage between 0 and 100", file=sys.stderr)
        return EXIT_USAGE
    text, code = format_check(
        source, mapping=args.mapping, timezone=args.timezone, encoding=args.encoding, max_drop=max_drop / 100
    )
    print(text, end="")
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cxlab`` console script; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    handlers = {"run": _cmd_run, "list": _cmd_list, "sample": _cmd_sample, "check": _cmd_check}
    if args.command not in handlers:
        parser.print_help()
        return EXIT_USAGE
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt as exc:  # one line, no traceback; cxlib.reports.run stopped its kernels
        detail = str(exc) if type(exc).__name__ == "Interrupted" else "interrupted"
        print(f"cxlab {args.command}: {detail}", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
