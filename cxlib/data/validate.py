"""Validate one table against its contract and normalise it (docs/architecture.md §3).

``validate_table`` takes a Narwhals frame on any backend, checks it against the contract and
returns the normalised frame (ids as text, timestamps in UTC, money as float, flags as bool)
on the same backend. Structural problems (missing column, wrong type, no time zone, empty
table) always raise :class:`~cxlib.errors.DataError`. Row problems (nulls, duplicates, values
out of range, unparseable or future timestamps, ...) raise too, or with ``on_error="drop"``
the offending rows are dropped and a :class:`~cxlib.errors.DataWarning` counts them.

All row rules are counted in one aggregation pass on the engine; a few example rows are
fetched only for the rules that fail.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import narwhals.stable.v2 as nw
import pandas as pd

from cxlib.data.contracts import CONTRACTS, SCORE_SCALES, Column, Contract
from cxlib.data.coverage import LeftOut, TableCoverage
from cxlib.data.native import AMBIGUOUS, BAD, GAP, NAIVE, RAW, localize, parse_text_columns
from cxlib.engine import backend, check_utc_session, is_utc_zone, to_pandas
from cxlib.errors import MAX_EXAMPLES, DataError, DataWarning
from cxlib.timestamps import LocalTimePolicy

__all__ = ["Finding", "validate_table"]

OnError = Literal["raise", "drop", "report"]
_EARLIEST = dt.datetime(1990, 1, 1, tzinfo=dt.UTC)
_FUTURE_TOLERANCE = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Finding:
    """One broken rule: where, what, how many rows, and a few of them."""

    table: str
    column: str | None
    rule: str
    message: str
    n_rows: int = 0
    rows: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def to_error(self) -> DataError:
        """Return the finding as the :class:`~cxlib.errors.DataError` it stands for."""
        return DataError(
            self.message,
            table=self.table,
            column=self.column,
            rule=self.rule,
            rows=self.rows,
            n_rows=self.n_rows or None,
        )


@dataclass(frozen=True)
class _RowRule:
    column: str
    rule: str
    message: str
    bad: nw.Expr


Frame = nw.DataFrame[Any] | nw.LazyFrame[Any]


def validate_table(
    frame: Frame,
    table: str,
    *,
    on_error: OnError = "raise",
    timezone: str | None = None,
    now: dt.datetime | None = None,
    findings: list[Finding] | None = None,
    local_times: LocalTimePolicy | None = None,
    coverage: list[TableCoverage] | None = None,
) -> Frame:
    """Check ``frame`` against the contract of ``table`` and return it normalised.

    Parameters
    ----------
    frame : Narwhals DataFrame or LazyFrame
        The table, already renamed onto contract column names.
    table : str
        Contract name: ``events``, ``orders``, ``surveys``, ``feedback`` or ``experiments``.
    on_error : {"raise", "drop", "report"}
        Row problems raise a DataError (``raise``), drop the offending rows with a warning
        (``drop``), or only get recorded in ``findings`` (``report``; rows are kept).
    timezone : str, optional
        IANA time zone of timestamps that carry none (e.g. ``"Europe/Warsaw"``).
        Without it such timestamps are rejected: cxlib never guesses a time zone.
    now : datetime, optional
        Reference time for the future-timestamp rule (default: the current UTC time).
    findings : list, optional
        Receives a :class:`Finding` for every broken row rule.
    coverage : list, optional
        Receives the table's :class:`~cxlib.data.coverage.TableCoverage` (rows read, kept
        and left out by reason; with ``report``, what ``drop`` would leave out).
    local_times : LocalTimePolicy, optional
        What local times in a daylight-saving change become (default: each is a row problem,
        ``ambiguous_local_time`` or ``nonexistent_local_time``).

    Returns
    -------
    Narwhals frame on the input's backend, with contract columns normalised.
    """
    contract = CONTRACTS[table]
    check_utc_session(frame, table)
    _check_required_columns(frame, contract)
    if table == "feedback" and "text" not in frame.columns:
        frame = frame.with_columns(nw.lit(None, dtype=nw.String).alias("text"))  # star-only reviews
    frame = _coerce_types(frame, contract, timezone, local_times or LocalTimePolicy())
    now = now or dt.datetime.now(dt.UTC)
    rules = _row_rules(frame, contract, now)
    counts, exclusive, n_total = _count(frame, rules)
    if n_total == 0:
        raise DataError("the table has no rows", table=table, rule="empty_table")
    found = [
        Finding(table, r.column, r.rule, r.message, counts[i], _examples(frame, contract, r.bad, r.column))
        for i, r in enumerate(rules)
        if counts[i]
    ]
    duplicates = _duplicate_finding(frame, contract)
    if duplicates is not None:
        found.append(duplicates)
    if findings is not None:
        findings.extend(found)
    if found and on_error == "raise":
        first = found[0]
        more = (
            None
            if len(found) == 1
            else "Other problems in this table: "
            + "; ".join(f"{f.column}: {f.rule} ({f.n_rows:,} rows)" for f in found[1:])
        )
        raise DataError(
            first.message,
            table=table,
            column=first.column,
            rule=first.rule,
            rows=first.rows,
            n_rows=first.n_rows,
            note=more,
        )
    n_kept = n_total
    if found:
        kept = _drop(frame, contract, rules, counts, duplicates is not None)
        n_kept = _row_count(kept)
        if on_error == "drop":
            frame = kept
            warnings.warn(
                f"table '{table}': dropped {n_total - n_kept:,} of {n_total:,} rows: "
                + "; ".join(f"{f.column} {f.rule} ({f.n_rows:,})" for f in found),
                DataWarning,
                stacklevel=3,
            )
    left_out = [LeftOut(r.rule, exclusive[i], r.column) for i, r in enumerate(rules) if exclusive[i]]
    if duplicates is not None and n_total - sum(exclusive) - n_kept > 0:
        left_out.append(LeftOut("duplicate_id", n_total - sum(exclusive) - n_kept, duplicates.column))
    if coverage is not None:
        coverage.append(
            TableCoverage(table, n_total, n_kept, tuple(left_out), would_drop=on_error == "report")
        )
    if n_kept == 0 and on_error == "drop":
        raise DataError("every row broke a rule, nothing is left", table=table, rule="empty_table")
    helper = [c for c in frame.columns if c.startswith((BAD, NAIVE, RAW, AMBIGUOUS, GAP))]
    return frame.drop(helper) if helper else frame


# ----------------------------------------------------------------------------- structure
def _check_required_columns(frame: Frame, contract: Contract) -> None:
    present = frame.columns
    if contract.name == "feedback" and "text" not in present and "rating" not in present:
        raise DataError(
            "feedback needs a 'text' column, a 'rating' column or both (star-only reviews are fine). "
            f"Columns found: {', '.join(present) or 'none'}. Rename yours with a column mapping, e.g. "
            "mapping={'feedback': {'Review': 'text'}}.",
            table=contract.name,
            column="text",
            rule="missing_column",
        )
    for name in contract.required:
        if name not in present:
            import difflib

            close = difflib.get_close_matches(name, present, n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            raise DataError(
                f"required column '{name}' is missing. Columns found: {', '.join(present) or 'none'}."
                f"{hint} Rename it with a column mapping, e.g. mapping={{'{contract.name}': "
                f"{{'{close[0] if close else 'your_column'}': '{name}'}}}}.",
                table=contract.name,
                column=name,
                rule="missing_column",
            )


def _coerce_types(frame: Frame, contract: Contract, timezone: str | None, policy: LocalTimePolicy) -> Frame:
    schema = frame.collect_schema()
    to_parse: dict[str, Any] = {}
    casts: list[nw.Expr] = []
    localise: list[str] = []
    float_ids: list[str] = []
    for col in contract.columns:
        if col.name not in schema:
            continue
        dtype = schema[col.name]
        textual = dtype == nw.String or dtype == nw.Object or dtype == nw.Unknown
        if col.kind == "id":
            if dtype.is_integer() or textual or dtype == nw.Categorical:
                casts.append(_id_text(nw.col(col.name).cast(nw.String)).alias(col.name))
            elif dtype.is_float():
                float_ids.append(col.name)
            else:
                raise _wrong_type(contract, col, dtype, "text or whole-number ids")
        elif col.kind == "text":
            if dtype == nw.String:
                continue
            if dtype.is_nested() or dtype == nw.Binary:
                raise _wrong_type(contract, col, dtype, "text")
            casts.append(nw.col(col.name).cast(nw.String))
        elif col.kind == "timestamp":
            if isinstance(dtype, nw.Datetime):
                if dtype.time_zone is None:
                    if timezone is None:
                        raise _naive(contract, col)
                    localise.append(col.name)
            elif dtype == nw.Date:
                if timezone is None:
                    raise _naive(contract, col)
                casts.append(nw.col(col.name).cast(nw.Datetime("us")))
                localise.append(col.name)
            elif textual:
                to_parse[col.name] = "timestamp"
            else:
                raise _wrong_type(contract, col, dtype, "timestamps (or ISO 8601 text)")
        elif col.kind in ("money", "number", "count"):
            if dtype.is_numeric():
                casts.append(nw.col(col.name).cast(nw.Float64).fill_nan(None))
            elif textual:
                to_parse[col.name] = "number"
            else:
                raise _wrong_type(contract, col, dtype, "numbers")
        elif col.kind == "flag":
            if dtype == nw.Boolean:
                continue
            if dtype.is_integer() or textual:
                to_parse[col.name] = "flag"
            else:
                raise _wrong_type(contract, col, dtype, "true/false (or 0/1)")
    if float_ids:
        frame = _float_ids(frame, float_ids)
    if localise:  # error rows show the local time as written, not the null it may become
        frame = frame.with_columns(*[nw.col(name).alias(RAW + name) for name in localise])
    if casts:
        frame = frame.with_columns(*casts)
    for name in localise:
        frame = localize(frame, name, timezone or "UTC", policy)
    frame = parse_text_columns(frame, to_parse, timezone, policy)
    numbers = [name for name, kind in to_parse.items() if kind == "number"]
    if numbers:  # a written NaN is a missing value, as in a frame (and pandas' read_csv)
        frame = frame.with_columns(nw.col(numbers).fill_nan(None))
    for name, kind in to_parse.items():
        if kind == "timestamp" and timezone is None:
            _raise_if_naive(frame, contract, contract.column(name))  # type: ignore[arg-type]
    ts_cols = [c.name for c in contract.columns if c.kind == "timestamp" and c.name in schema]
    if ts_cols and backend(frame) == "duckdb":
        # zone-less timestamps become TIMESTAMPTZ in the connection's session zone only now
        check_utc_session(frame, contract.name)
    if ts_cols and not (backend(frame) == "duckdb" and is_utc_zone(_session_zone(frame, ts_cols))):
        # (a DuckDB relation in a UTC-alias session, e.g. Etc/UTC, is UTC already and cannot
        # be converted: DuckDB keeps the zone in the connection)
        frame = frame.with_columns(nw.col(ts_cols).dt.convert_time_zone("UTC"))
    return frame


def _session_zone(frame: Frame, columns: list[str]) -> str | None:
    schema = frame.collect_schema()
    return next(
        (getattr(schema[c], "time_zone", None) for c in columns if isinstance(schema[c], nw.Datetime)), None
    )


def _id_text(text: nw.Expr) -> nw.Expr:
    """Ids as text, whole numbers written as floats (``17850.0``, pandas' ids with gaps) as ``17850``."""
    return nw.when(text.str.contains(r"^-?\d+\.0+$")).then(text.str.replace_all(r"\.0+$", "")).otherwise(text)


def _float_ids(frame: Frame, names: list[str]) -> Frame:
    """Float id columns as text of their whole numbers; other values flagged (``not_whole_number``)."""
    exprs = []
    for name in names:
        c = nw.col(name).fill_nan(None)
        whole = (c.is_finite() & (c.round(0) == c)).fill_null(False)
        exprs.append(nw.when(whole).then(_id_text(c.cast(nw.String))).otherwise(None).alias(name))
        exprs.append((~c.is_null() & ~whole).alias(BAD + name))
        exprs.append(c.cast(nw.String).alias(RAW + name))
    return frame.with_columns(*exprs)


def _wrong_type(contract: Contract, col: Column, dtype: Any, expected: str) -> DataError:
    return DataError(
        f"holds {dtype} values, but the contract needs {expected}. Convert the column "
        "before opening, or map another column onto it.",
        table=contract.name,
        column=col.name,
        rule="wrong_type",
    )


def _naive(
    contract: Contract, col: Column, rows: tuple[dict[str, Any], ...] = (), n: int | None = None
) -> DataError:
    return DataError(
        "timestamps have no time zone, and cxlib does not guess one. Pass the zone they were "
        "recorded in, e.g. open_shop(..., timezone='Europe/Warsaw') or timezone='UTC', or "
        "write them with an offset (2024-05-01T10:00:00+02:00).",
        table=contract.name,
        column=col.name,
        rule="naive_timestamp",
        rows=rows,
        n_rows=n,
    )


def _raise_if_naive(frame: Frame, contract: Contract, col: Column) -> None:
    flag = nw.col(NAIVE + col.name)
    counted = frame.select(flag.fill_null(False).cast(nw.Int64).sum().alias("n"))
    n = int(to_pandas(counted)["n"].iloc[0] or 0)
    if n:
        raise _naive(contract, col, _examples(frame, contract, flag, col.name), n)


# ----------------------------------------------------------------------------- row rules
def _row_rules(frame: Frame, contract: Contract, now: dt.datetime) -> list[_RowRule]:
    present = set(frame.columns)
    rules: list[_RowRule] = []
    for col in contract.columns:
        if col.name not in present:
            continue
        c = nw.col(col.name)
        parsed_ok: nw.Expr = nw.lit(True)
        if BAD + col.name in present:
            rules.append(_RowRule(col.name, _parse_rule(col), _parse_message(col), nw.col(BAD + col.name)))
        for prefix, rule, message in _LOCAL_TIME_RULES:
            if prefix + col.name in present:
                rules.append(_RowRule(col.name, rule, message, nw.col(prefix + col.name)))
        for prefix in (BAD, AMBIGUOUS, GAP):
            if prefix + col.name in present:
                parsed_ok = parsed_ok & ~nw.col(prefix + col.name).fill_null(False)
        blank = _blank(c) if col.kind in ("id", "text") else nw.lit(False)
        if col.required:
            rules.append(
                _RowRule(
                    col.name,
                    "null_value",
                    "required values are missing (null, NaN, empty or only spaces)",
                    (c.is_null() | blank.fill_null(False)) & parsed_ok,
                )
            )
        elif col.kind == "id":
            rules.append(_RowRule(col.name, "blank_id", "ids are empty or only spaces", _known(c) & blank))
        if col.kind in ("money", "number", "count"):
            rules.append(
                _RowRule(
                    col.name,
                    "infinite_value",
                    "values are infinite (inf, -inf, or a number too large such as 1e400)",
                    _known(c) & ~c.is_finite(),
                )
            )
        if col.kind == "timestamp":
            rules.append(
                _RowRule(
                    col.name,
                    "future_timestamp",
                    f"timestamps lie in the future (after {now:%Y-%m-%d %H:%M} UTC)",
                    _known(c) & (c > nw.lit(now + _FUTURE_TOLERANCE)),
                )
            )
            rules.append(
                _RowRule(
                    col.name,
                    "implausible_timestamp",
                    "timestamps lie before 1990 (epoch zeros or a unit mix-up?)",
                    _known(c) & (c < nw.lit(_EARLIEST)),
                )
            )
        if col.kind == "money" or (col.minimum is not None and col.kind != "count"):
            low = col.minimum if col.minimum is not None else 0.0
            rule = "negative_value" if low == 0 else "out_of_range"
            rules.append(
                _RowRule(
                    col.name,
                    rule,
                    f"values below {low:g} (refunds belong in a 'returned' flag, not negative revenue)"
                    if col.kind == "money"
                    else f"values below {low:g}",
                    _finite(c) & (c < low),
                )
            )
        if col.kind == "count":
            rules.append(
                _RowRule(
                    col.name,
                    "not_whole_number",
                    "values are not whole numbers",
                    _finite(c) & (c.round(0) != c),
                )
            )
            if col.minimum is not None or col.maximum is not None:
                rules.append(_range_rule(col, c))
        if col.allowed is not None:
            rules.append(
                _RowRule(
                    col.name,
                    "unknown_value",
                    f"unknown values; allowed: {', '.join(col.allowed)} (lower case)",
                    _known(c) & ~c.is_in(list(col.allowed)),
                )
            )
        if col.kind == "text" and col.max_length is not None:
            rules.append(
                _RowRule(
                    col.name,
                    "nul_byte",
                    "texts contain NUL bytes (\\x00), usually a sign of a broken export or binary data",
                    _known(c) & c.str.contains("\x00", literal=True),
                )
            )
            rules.append(
                _RowRule(
                    col.name,
                    "text_too_long",
                    f"texts longer than {col.max_length:,} characters",
                    _known(c) & (c.str.len_chars() > col.max_length),
                )
            )
    if contract.name == "surveys" and {"metric", "score"} <= present:
        rules.extend(_score_rules())
    if contract.name == "feedback":
        empty = [
            (nw.col(name).is_null() | _blank(nw.col(name)).fill_null(False))
            if name == "text"
            else nw.col(name).is_null()
            for name in ("text", "rating")
            if name in present
        ]
        rules.append(
            _RowRule(
                "text",
                "empty_feedback",
                "rows carry neither a text nor a rating",
                nw.all_horizontal(*empty, ignore_nulls=True),
            )
        )
    return rules


_LOCAL_TIME_RULES = (
    (
        AMBIGUOUS,
        "ambiguous_local_time",
        "local times occur twice in the time zone (clocks went back for daylight saving), so each "
        "names two instants. Say which: ambiguous='earliest' (summer time) or 'latest' (open_shop "
        "option, or 'ambiguous:' in the table's mapping)",
    ),
    (
        GAP,
        "nonexistent_local_time",
        "local times do not exist in the time zone (clocks went forward for daylight saving). Check "
        "the time zone, or move them forward by the gap: nonexistent='shift_forward' (open_shop "
        "option, or 'nonexistent:' in the table's mapping)",
    ),
)


def _range_rule(col: Column, c: nw.Expr) -> _RowRule:
    low = -float("inf") if col.minimum is None else col.minimum
    high = float("inf") if col.maximum is None else col.maximum
    shown = f"{low:g} to {high:g}" if col.maximum is not None else f"at least {low:g}"
    return _RowRule(
        col.name, "out_of_range", f"values outside {shown}", _finite(c) & ((c < low) | (c > high))
    )


def _score_rules() -> list[_RowRule]:
    score, metric = nw.col("score"), nw.col("metric")
    rules = []
    for name, (low, high) in SCORE_SCALES.items():
        rules.append(
            _RowRule(
                "score",
                f"{name}_score_out_of_scale",
                f"{name.upper()} scores outside {low}–{high}",
                _finite(score) & (metric == name).fill_null(False) & ((score < low) | (score > high)),
            )
        )
    return rules


#: Spaces of every kind, written out so that every engine's regex dialect reads them alike
#: (DuckDB's RE2 and trim() know only ASCII spaces): ASCII whitespace, next line, no-break,
#: ogham, the en quad to zero-width space block, line/paragraph separators, narrow no-break,
#: medium mathematical, ideographic space and the byte-order mark (zero-width no-break).
_SPACES = "[\\s\x0b\x1c-\x1f\x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]"


def _blank(c: nw.Expr) -> nw.Expr:
    """Flag text that is empty or only spaces of any kind (no-break, thin, ideographic, ...)."""
    return c.str.replace_all(_SPACES, "") == ""


def _known(c: nw.Expr) -> nw.Expr:
    return ~c.is_null()


def _finite(c: nw.Expr) -> nw.Expr:
    """Known and finite: infinities break their own rule, not the range rules too."""
    return ~c.is_null() & c.is_finite()


def _parse_rule(col: Column) -> str:
    rules = {"timestamp": "unparseable_timestamp", "flag": "not_boolean", "id": "not_whole_number"}
    return rules.get(col.kind, "not_numeric")


def _parse_message(col: Column) -> str:
    if col.kind == "id":
        return "ids are numbers with a fraction (or infinite); ids must be text or whole numbers"
    if col.kind == "timestamp":
        return "values are not timestamps; write ISO 8601 such as 2024-05-01T10:00:00Z"
    if col.kind == "flag":
        return "values are not true/false (accepted: true/false, yes/no, 1/0)"
    return "values are not numbers (use a dot as decimal separator, no currency signs)"


def _count(frame: Frame, rules: list[_RowRule]) -> tuple[list[int], list[int], int]:
    """Rows breaking each rule, rows breaking each rule and no earlier one, and all rows."""
    exprs = [nw.len().alias("__cx_n")]
    earlier: nw.Expr | None = None
    for i, r in enumerate(rules):
        bad = r.bad.fill_null(False)
        first = bad if earlier is None else bad & ~earlier
        exprs.append(bad.cast(nw.Int64).sum().alias(f"__cx_r{i}"))
        exprs.append(first.cast(nw.Int64).sum().alias(f"__cx_x{i}"))
        earlier = bad if earlier is None else earlier | bad
    row = to_pandas(frame.select(*exprs)).iloc[0]
    counts = [int(row[f"__cx_r{i}"] or 0) for i in range(len(rules))]
    exclusive = [int(row[f"__cx_x{i}"] or 0) for i in range(len(rules))]
    return counts, exclusive, int(row["__cx_n"])


def _row_count(frame: Frame) -> int:
    return int(to_pandas(frame.select(nw.len().alias("n")))["n"].iloc[0])


def _examples(
    frame: Frame, contract: Contract, bad: nw.Expr, column: str | None
) -> tuple[dict[str, Any], ...]:
    shown: list[Any] = [c for c in contract.id_columns if c in frame.columns and c != column]
    if column and RAW + column in frame.columns:
        raw = nw.col(RAW + column)
        if isinstance(frame.collect_schema()[RAW + column], (nw.Datetime, nw.Date)):
            raw = raw.cast(nw.String)  # a local time as written, not as an instant
        shown.append(raw.alias(column))  # the value as the user wrote it
    elif column and column in frame.columns:
        shown.append(column)
    rows = frame.filter(bad.fill_null(False)).select(shown).head(MAX_EXAMPLES)
    table = to_pandas(rows)
    return tuple({k: _plain(v) for k, v in rec.items()} for rec in table.to_dict("records"))


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return value


def _duplicate_finding(frame: Frame, contract: Contract) -> Finding | None:
    key = [k for k in contract.key if k in frame.columns]
    if not key or len(key) != len(contract.key):
        return None
    dups = (
        frame.filter(nw.all_horizontal(*[~nw.col(k).is_null() for k in key], ignore_nulls=True))
        .group_by(key)
        .agg(nw.len().alias("__cx_copies"))
        .filter(nw.col("__cx_copies") > 1)
    )
    summary = to_pandas(dups.select(nw.len().alias("keys"), nw.col("__cx_copies").sum().alias("rows")))
    n_keys = int(summary["keys"].iloc[0])
    if n_keys == 0:
        return None
    examples = to_pandas(dups.sort(key).head(MAX_EXAMPLES))
    rows = tuple(
        {**{k: _plain(rec[k]) for k in key}, "copies": int(rec["__cx_copies"])}
        for rec in examples.to_dict("records")
    )
    label = " + ".join(key)
    return Finding(
        contract.name,
        label,
        "duplicate_id",
        f"{n_keys:,} {label} value(s) occur more than once; each row needs its own id",
        int(summary["rows"].iloc[0]),
        rows,
    )


def _drop(
    frame: Frame, contract: Contract, rules: list[_RowRule], counts: list[int], has_dups: bool
) -> Frame:
    failing = [r.bad.fill_null(False) for r, n in zip(rules, counts, strict=True) if n]
    if failing:
        frame = frame.filter(~nw.any_horizontal(*failing, ignore_nulls=True))
    if has_dups:
        key = list(contract.key)
        dups = frame.group_by(key).agg(nw.len().alias("__cx_copies")).filter(nw.col("__cx_copies") > 1)
        # dups comes from frame, so both are eager or both lazy (mypy sees only the union)
        frame = frame.join(dups.select(key), on=key, how="anti")  # type: ignore[arg-type]
    return frame
