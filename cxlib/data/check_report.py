"""``cxlab check``: what a data source holds, what is wrong with it and how to fix it, in words.

The first command a new user runs. :func:`format_check` reads every table of a source the way
:func:`cxlib.open_shop` does (mapping, presets, pseudonymisation, validation), but instead of
stopping at the first problem it lists them all: for each table the file(s) it came from,
the columns used, and its row count; for each problem the table, the column (under the
name it has in *your* file), the file, how many rows, a few examples (e-mail addresses and
phone numbers masked) and how to fix it. The text ends with a one-line verdict; the exit
code is 0 when every table is usable as it is and 1 otherwise.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import narwhals.stable.v2 as nw

from cxlib.data.adapters import ADAPTERS
from cxlib.data.contracts import CONTRACTS, TABLES
from cxlib.data.coverage import TableCoverage
from cxlib.data.exports import ExportFiles, read_export
from cxlib.data.mapping import (
    MappingSource,
    ShopMapping,
    TableSpec,
    available_presets,
    folder_mapping,
    load_mapping,
    preset_description,
)
from cxlib.data.shop import open_table, resolve_sources
from cxlib.data.sources import DATABASE_SUFFIXES, read_database_table, read_file
from cxlib.data.validate import Finding
from cxlib.engine import to_pandas
from cxlib.errors import DataError
from cxlib.privacy import mask_pii

__all__ = ["DEFAULT_MAX_DROP", "CheckResult", "TableCheck", "check_source", "fix_for", "format_check"]

#: What each table is needed for, shown when it is absent.
NEEDED_FOR = {
    "events": "journeys and funnels (02_journey_mapping)",
    "orders": "retention, lifetime value and the scorecard",
    "surveys": "NPS, CSAT and CES in the scorecard",
    "feedback": "voice of the customer (05_voice_of_customer)",
    "experiments": "A/B tests (06_ab_test)",
}
_DOCS = "docs/your_own_data.md"
#: Default of ``cxlab check --max-drop``: a table may lose at most 5 % of its rows.
DEFAULT_MAX_DROP = 0.05


@dataclass(frozen=True)
class TableCheck:
    """What was found for one table."""

    table: str
    source: str
    rows_read: int | None = None
    rows: int | None = None
    columns: dict[str, str] = field(default_factory=dict)
    adapter: str | None = None
    preset: str | None = None
    hashed: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()
    usable: bool = True
    coverage: TableCoverage | None = None
    causes: tuple[str, ...] = ()

    @property
    def share_lost(self) -> float:
        """Share of rows ``on_error="drop"`` would leave out (1 when the table is unusable)."""
        if not self.usable:
            return 1.0
        return self.coverage.share_left_out if self.coverage is not None else 0.0

    @property
    def label(self) -> str:
        """What the export is, when an adapter reads it."""
        return ADAPTERS[self.adapter].label if self.adapter else ""


@dataclass(frozen=True)
class CheckResult:
    """Everything ``cxlab check`` reports about one source."""

    source: str
    mapping: str
    tables: tuple[TableCheck, ...]
    problems: tuple[tuple[Finding, str], ...]
    usable: bool = True
    max_drop: float = DEFAULT_MAX_DROP

    @property
    def too_lossy(self) -> tuple[TableCheck, ...]:
        """Tables that would lose more than ``max_drop`` of their rows (or every row)."""
        return tuple(
            t
            for t in self.tables
            if t.share_lost > self.max_drop or (t.coverage is not None and t.coverage.rows_kept == 0)
        )

    @property
    def exit_code(self) -> int:
        """1 when the source or a table cannot be read or a table loses more than ``max_drop``."""
        return 1 if self.blocking or self.too_lossy else 0

    @property
    def blocking(self) -> bool:
        """Whether a problem keeps the source or a table from being read at all."""
        return not self.usable or any(not t.usable for t in self.tables)


def check_source(
    source: Any,
    mapping: MappingSource = None,
    *,
    timezone: str | None = None,
    encoding: str = "utf-8",
    max_drop: float = DEFAULT_MAX_DROP,
) -> CheckResult:
    """Validate every table of ``source`` and collect what was found and what is wrong.

    Parameters
    ----------
    source : path, dict or frame
        As for :func:`cxlib.open_shop`.
    mapping : dict, YAML path, preset name(s), optional
        As for :func:`cxlib.open_shop` (a folder's ``mapping.yaml`` is used when absent).
    timezone : str, optional
        Zone of timestamps written without one.
    encoding : str
        Encoding of CSV files.
    max_drop : float
        Largest share of a table's rows that may be left out (0.05: 5 %) before the check
        fails.

    Returns
    -------
    CheckResult
        Tables found (file, columns used, rows) and problems, each with the file it is in.
    """
    shown = os.fspath(source) if isinstance(source, (str, os.PathLike)) else "in-memory tables"
    kept = folder_mapping(source) if mapping is None else None
    try:
        loaded = load_mapping(mapping if mapping is not None else kept)
    except DataError as exc:
        given = kept or mapping
        where = os.fspath(given) if isinstance(given, (str, os.PathLike)) else "mapping"
        return CheckResult(shown, where, (), ((_finding(exc), where),), usable=False, max_drop=max_drop)
    described = _describe_mapping(loaded, kept)
    try:
        sources, _ = resolve_sources(source, loaded)
    except DataError as exc:
        return CheckResult(shown, described, (), ((_finding(exc), shown),), usable=False, max_drop=max_drop)
    tables: list[TableCheck] = []
    problems: list[tuple[Finding, str]] = []
    for name in TABLES:
        if name not in sources:
            continue
        check = _check_table(sources[name], name, loaded, timezone, encoding)
        tables.append(check)
        problems.extend((f, check.source) for f in check.findings)
    return CheckResult(shown, described, tuple(tables), tuple(problems), max_drop=max_drop)


def format_check(
    source: Any,
    mapping: MappingSource = None,
    *,
    timezone: str | None = None,
    encoding: str = "utf-8",
    width: int = 100,
    max_drop: float = DEFAULT_MAX_DROP,
) -> tuple[str, int]:
    """Return the readable ``cxlab check`` summary of a source, and its exit code (0 fine, 1 problems).

    Parameters
    ----------
    source, mapping, timezone, encoding, max_drop
        As for :func:`check_source`.
    width : int
        Line width of the text.

    Returns
    -------
    (str, int)
        The summary and the exit code.

    Examples
    --------
    >>> text, code = format_check("data/sample")  # doctest: +SKIP
    >>> print(text)  # doctest: +SKIP
    """
    result = check_source(source, mapping, timezone=timezone, encoding=encoding, max_drop=max_drop)
    lines = [f"cxlab check: {result.source}", f"Mapping: {result.mapping}", ""]
    if result.tables:
        lines.append("Tables")
        lines.extend(_table_lines(result, width))
        lines.append("")
    if result.problems:
        affected = _rows_affected(result)
        lines.append(f"Problems: {len(result.problems)} problem(s), {affected:,} row(s) affected")
        for number, (finding, where) in enumerate(result.problems, 1):
            lines.extend(_problem_lines(number, finding, where, result, width))
        lines.append("")
    causes = [(t.table, c) for t in result.tables for c in t.causes]
    if causes:
        lines.append("Likely causes")
        for table, cause in causes:
            lines.extend(
                _wrap(f"{table}: {cause}", width=width, initial_indent="  ", subsequent_indent="    ")
            )
        lines.append("")
    lines.append(_verdict(result))
    return "\n".join(lines) + "\n", result.exit_code


# ----------------------------------------------------------------------------- checking
def _check_table(
    src: Any, table: str, mapping: ShopMapping, timezone: str | None, encoding: str
) -> TableCheck:
    spec = mapping.get(table)
    where = _where(src)
    findings: list[Finding] = []
    columns: dict[str, str] = {}
    rows_read = rows = None
    coverage = None
    frame = None
    usable = True
    try:
        raw = _read_raw(src, table, spec, encoding)
        rows_read = _count(raw)
        if spec is not None:
            prepare = ADAPTERS[spec.adapter].prepare if spec.adapter else None
            prepared = prepare(raw, spec) if prepare else raw
            columns = spec.renames_for(prepared.columns)
        covered: list[TableCoverage] = []
        frame = open_table(
            src, table, mapping, "report", timezone, encoding, findings=findings, coverage=covered
        )
        rows = _count(frame)
        coverage = covered[0] if covered else None
    except DataError as exc:
        findings.append(_finding(exc))
        usable = False
    causes = _likely_causes(table, findings, rows_read, frame if usable else None)
    return TableCheck(
        table,
        where,
        rows_read,
        rows,
        columns,
        spec.adapter if spec is not None else None,
        spec.preset if spec is not None else None,
        spec.pseudonymize if spec is not None else (),
        tuple(findings),
        usable,
        coverage,
        causes,
    )


def _rows_affected(result: CheckResult) -> int:
    """Rows with a problem; a row that broke several rules of a table counts once (its coverage)."""
    once = {t.table: t.coverage.rows_left_out for t in result.tables if t.coverage and t.coverage.left_out}
    tables = {f.table for f, _ in result.problems}
    summed = sum(f.n_rows for f, _ in result.problems if f.table not in once)
    return summed + sum(n for table, n in once.items() if table in tables)


def _likely_causes(table: str, findings: list[Finding], rows_read: int | None, frame: Any) -> tuple[str, ...]:
    """Plain-language guesses at why many rows break rules (line items, time zone)."""
    causes = []
    for finding in findings:
        if (
            finding.rule == "duplicate_id"
            and frame is not None
            and _copies_differ(frame, CONTRACTS[table].key)
        ):
            causes.append(
                f"{finding.n_rows:,} rows share an id with another row but differ in other columns: these "
                "look like line items of an order. Use line-item grain in the mapping "
                f"({table}: {{grain: {', '.join(CONTRACTS[table].key)}}}), "
                "which rolls the lines up per order; "
                f"see {_DOCS}"
            )
        if (
            finding.rule in ("naive_timestamp", "unparseable_timestamp")
            and rows_read
            and finding.n_rows > rows_read / 2
        ):
            causes.append(
                f"most timestamps in '{finding.column}' were rejected ({finding.n_rows:,} of {rows_read:,}): "
                "say the time zone they were recorded in (cxlab check --timezone Europe/Warsaw, or "
                "'timezone:' in the mapping), and check they are written as dates and times"
            )
    return tuple(dict.fromkeys(causes))


def _copies_differ(frame: Any, key: tuple[str, ...]) -> bool:
    """Whether rows sharing a key differ in other columns (line items, not repeated rows)."""
    lazy = nw.from_native(frame).lazy()
    distinct = lazy.unique().group_by(list(key)).agg(nw.len().alias("n")).filter(nw.col("n") > 1)
    return _count(distinct.to_native()) > 0


def _read_raw(src: Any, table: str, spec: TableSpec | None, encoding: str) -> Any:
    if isinstance(src, ExportFiles):
        json_columns = ADAPTERS[spec.adapter].json_columns if spec is not None and spec.adapter else None
        return read_export(src, table, json_columns=json_columns, encoding=encoding)
    if isinstance(src, (str, os.PathLike)):
        path = Path(src)
        if path.name.lower().endswith(DATABASE_SUFFIXES):
            return read_database_table(path, table)
        return read_file(path, table, encoding=encoding, sheet=spec.sheet if spec is not None else None)
    return nw.from_native(src)


def _count(frame: Any) -> int:
    return int(to_pandas(nw.from_native(frame).select(nw.len().alias("n")))["n"].iloc[0])


def _where(src: Any) -> str:
    if isinstance(src, ExportFiles):
        return src.describe()
    if isinstance(src, (str, os.PathLike)):
        return Path(src).name
    return f"in-memory {type(src).__module__.split('.')[0]} frame"


def _finding(exc: DataError) -> Finding:
    return Finding(
        exc.table or "", exc.column, exc.rule or "error", exc.detail, exc.n_rows or 0, tuple(exc.rows)
    )


def _describe_mapping(mapping: ShopMapping, kept: Path | None) -> str:
    if not mapping.tables:
        return "none (files are read with their own column names; exports need --mapping, see " + _DOCS + ")"
    origin = f"{kept.name} in the data folder" if kept is not None else mapping.origin
    presets = ", ".join(mapping.presets)
    return f"{origin}" + (f" (presets: {presets})" if presets and "preset" not in origin else "")


# ----------------------------------------------------------------------------- text
def _table_lines(result: CheckResult, width: int) -> list[str]:
    found = {t.table: t for t in result.tables}
    lines = []
    for name in TABLES:
        check = found.get(name)
        if check is None:
            lines.append(f"  {name:<12} not found: optional, needed for {NEEDED_FOR[name]}")
            continue
        status = (
            "OK"
            if not check.findings
            else f"{len(check.findings)} problem(s)"
            if check.usable
            else "not usable"
        )
        rows = f"{check.rows:,} rows" if check.rows is not None else "not read"
        if check.rows is None and check.rows_read is not None:
            rows = f"{check.rows_read:,} rows read"
        if check.rows_read is not None and check.rows is not None and check.rows_read != check.rows:
            rows = f"{check.rows_read:,} rows read -> {check.rows:,} {name}"
        lines.append(f"  {name:<12} {status:<13} {rows:<28} from {check.source}")
        if check.label:
            lines.append(f"{'':<15}as {check.label}")
        if check.columns:
            used = ", ".join(
                f"{src} -> {dst}" + (" (pseudonymised)" if dst in check.hashed else "")
                for src, dst in check.columns.items()
            )
            lines.extend(
                _wrap(f"columns: {used}", width=width, initial_indent=" " * 15, subsequent_indent=" " * 24)
            )
    return lines


def _problem_lines(number: int, finding: Finding, where: str, result: CheckResult, width: int) -> list[str]:
    check = next((t for t in result.tables if t.table == finding.table), None)
    column = finding.column
    yours = _source_column(check, column) if check is not None and column else None
    head = f"  [{number}] {finding.table or 'source'}"
    if column:
        head += f", column '{column}'" + (f" ({yours} in your file)" if yours else "")
    head += f", file {where}"
    if finding.n_rows:
        head += f": {finding.n_rows:,} row(s)"
    head += f"  [{finding.rule}]"
    indent = " " * 6
    lines = _wrap(head, width=width, subsequent_indent=indent)
    lines.extend(
        _wrap(mask_pii(finding.message), width=width, initial_indent=indent, subsequent_indent=indent)
    )
    for row in finding.rows[:3]:
        shown = ", ".join(f"{k}={_shown(v)}" for k, v in row.items())
        lines.extend(
            _wrap(f"e.g. {shown}", width=width, initial_indent=indent, subsequent_indent=indent + "     ")
        )
    if check is not None and not check.usable and finding is check.findings[-1]:
        lines.extend(
            _wrap(
                f"Until this is fixed the {check.table} table is not usable.",
                width=width,
                initial_indent=indent,
            )
        )
    preset = check.preset if check is not None else None
    advice = fix_for(finding, yours or (repr(column) if column else None), preset=preset)
    lines.extend(
        _wrap("Fix: " + advice, width=width, initial_indent=indent, subsequent_indent=indent + "     ")
    )
    return lines


def _wrap(text: str, *, width: int, initial_indent: str = "", subsequent_indent: str = "") -> list[str]:
    """Return wrapped lines that never split a word, a path or a hyphenated name."""
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=initial_indent,
        subsequent_indent=subsequent_indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def _shown(value: Any) -> str:
    """Return a value of an example row, personal data masked, at most 60 characters."""
    text = repr(mask_pii(value)) if isinstance(value, str) else mask_pii(repr(value))
    return text if len(text) <= 60 else text[:57] + "..."


def _source_column(check: TableCheck, column: str) -> str | None:
    inverse = {dst: src for src, dst in check.columns.items()}
    if column in inverse:
        return repr(inverse[column])
    derived: Sequence[str] = ADAPTERS[check.adapter].derived.get(column, ()) if check.adapter else ()
    origins = [repr(inverse.get(d, d)) for d in derived]
    return " / ".join(origins) if origins else None


def _verdict(result: CheckResult) -> str:
    if not result.problems:
        n = len(result.tables)
        return (
            f"Result: no problems found; {n} table(s) ready. "
            f"Next: cxlab run --all --data {result.source} --out reports"
        )
    tables = {f.table for f, _ in result.problems if f.table in CONTRACTS}
    text = (
        f"Result: {len(result.problems)} problem(s)" + (f" in {len(tables)} table(s)" if tables else "") + "."
    )
    if result.blocking:
        text += " Fix the problems marked 'not usable' before running reports."
    elif result.too_lossy:
        lossy = ", ".join(f"{t.table} {t.share_lost:.1%}" for t in result.too_lossy)
        text += (
            f" Reports would leave out more than {result.max_drop:.0%} of a table's rows ({lossy}): fix "
            "the data or the mapping, or allow it with --max-drop."
        )
    else:
        text += (
            " Reports still run: they leave the offending rows out (on_error='drop'), at most "
            f"{max((t.share_lost for t in result.tables), default=0):.1%} of a table."
        )
    return text + f" Exit code {result.exit_code}. Guide: {_DOCS}"


def fix_for(finding: Finding, yours: str | None = None, *, preset: str | None = None) -> str:
    """How to fix a finding, in one or two sentences.

    Parameters
    ----------
    finding : Finding
        A problem found by validation (its ``rule`` decides the advice).
    yours : str, optional
        The column's name in the user's file, to quote in the advice.
    preset : str, optional
        The preset the table was read with, to quote in a mapping example.
    """
    rule, table, column = finding.rule, finding.table, finding.column or "column"
    example = (yours or "'Your column'").split(" / ")[0]
    settings = (
        f"{{preset: {preset}, columns: {{'Your column': {column}}}}}"
        if preset
        else f"{{'Your column': {column}}}"
    )
    fixes = {
        "missing_column": f"add the column to the export, or map the column that holds it in mapping.yaml: "
        f"{table}: {settings} (see {_DOCS}).",
        "mapping_column_missing": "correct the column name in the mapping (headers are case-sensitive) "
        "or remove that line.",
        "mapping_clash": f"keep one of the two columns: map only one of them onto '{column}'.",
        "ambiguous_column": f"name the right column under 'columns:' for the {table} table, "
        "as in the message.",
        "unknown_mapping": "use the path of a YAML mapping file or presets, joined by commas: "
        + "; ".join(f"{name} ({preset_description(name)})" for name in available_presets())
        + ".",
        "bad_mapping": f"fix the mapping; its format is explained in {_DOCS}.",
        "missing_salt": "export CXLAB_SALT=$(python -c 'import secrets; print(secrets.token_hex(16))') "
        "and keep the value secret and the same between runs (the same customer then gets the same id).",
        "naive_timestamp": f"say which time zone the times in {example} are in: --timezone Europe/Warsaw "
        f"(or 'timezone: UTC' for the {table} table in mapping.yaml).",
        "unparseable_timestamp": "write times as ISO 8601 "
        "(2024-05-01T10:00:00Z or 2024-05-01 10:00:00+02:00), "
        f"and check that {example} is the right column for '{column}'.",
        "future_timestamp": "check the export's clock and time zone "
        "(a wrong time zone shifts times by hours); reports leave these rows out.",
        "implausible_timestamp": "times before 1990 are usually zeros or the wrong unit (seconds instead of "
        "milli- or microseconds); reports leave these rows out.",
        "null_value": f"fill in {example} for these rows or remove them; reports leave them out.",
        "duplicate_id": "each row needs its own id: remove repeated rows "
        "(often overlapping exports or the same file twice in the folder).",
        "negative_value": "amounts must be zero or more; "
        "record refunds in a 'returned' flag, not as negative revenue.",
        "not_numeric": f"write numbers in {example} with a dot as decimal separator and no currency signs or "
        "thousands separators.",
        "not_boolean": "use true/false, yes/no or 1/0.",
        "unknown_value": "use one of the allowed values (lower case), or map the right column.",
        "wrong_type": f"convert {example} before exporting, or map another column onto '{column}'.",
        "text_too_long": "check the file's quoting: a broken export can merge many rows into one text.",
        "nul_byte": "check the file's encoding; NUL bytes come from binary data or a wrong encoding.",
        "encoding": "re-save the file as UTF-8, or pass its encoding (latin-1 or utf-16).",
        "unreadable_file": "check that the file is complete and in the expected format "
        "(CSV with a header row, Parquet, or JSON lines).",
        "empty_file": "export again: the file is empty.",
        "empty_table": "the table has no rows: check the export's date range and filters.",
        "mixed_formats": "keep one format per table in the folder (all CSV, all Parquet or all JSON lines).",
        "ambiguous_source": "keep one file per table in the folder.",
        "missing_file": "check the path.",
        "no_tables": "name files after the tables (orders.csv, events.parquet, ...) or pass a preset with "
        f"--mapping ({', '.join(available_presets())}); see {_DOCS}.",
        "unknown_table": "name the file after its table, or pass a mapping that says which table it holds.",
        "unknown_timezone": "use an IANA time zone name such as Europe/Warsaw or UTC.",
        "mixed_currency": "export one store (one currency) at a time and check each separately.",
        "unsupported_backend": "read the export from its files, or pass a pandas or polars frame.",
    }
    if rule in fixes:
        return fixes[rule]
    if rule.endswith("_out_of_scale") or rule in ("out_of_range", "not_whole_number"):
        return (
            f"check the scale of {example}: NPS 0-10, CSAT 1-5, CES 1-7, ratings 1-5 stars, whole numbers; "
            "map the right question onto each metric. Reports leave these rows out."
        )
    return f"see the message above and {_DOCS}."
