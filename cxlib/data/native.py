"""The backend-specific part of validation: parsing text columns and localising timestamps.

Everything else in validation is portable Narwhals. Parsing text into timestamps, numbers and
flags needs a *try*-cast (bad values become null and are reported, not raised), which
Narwhals does not offer, so it is done in SQL: on DuckDB relations directly, on pandas and
polars frames through DuckDB over just the columns that need parsing (DuckDB keeps row order
for a plain projection), and on Spark with Spark SQL's ``try_cast``.

Each parsed column ``c`` comes back with a flag column ``__cx_bad_c`` (a value was present but
could not be parsed) and, for timestamps, ``__cx_naive_c`` (a value carried no time zone and
no ``timezone`` option said what it was).
"""

from __future__ import annotations

from typing import Any, Literal

import narwhals.stable.v2 as nw

from cxlib.data.engine_sql import quote
from cxlib.engine import backend, duckdb_connection
from cxlib.timestamps import LocalTimePolicy, local_time_sql

__all__ = ["AMBIGUOUS", "BAD", "GAP", "NAIVE", "RAW", "localize", "parse_text_columns"]

ParseKind = Literal["timestamp", "number", "flag"]
BAD = "__cx_bad_"
NAIVE = "__cx_naive_"
RAW = "__cx_raw_"
#: Flags of local times that name two instants (AMBIGUOUS) or none (GAP) in the ``timezone``.
AMBIGUOUS = "__cx_ambiguous_"
GAP = "__cx_nonexistent_"
#: Local times in a daylight-saving change are row problems unless a policy says otherwise.
DEFAULT_POLICY = LocalTimePolicy()

# A time of day followed by a zone designator: Z, UTC or a numeric offset.
_HAS_ZONE = r"\d:\d\d(:\d\d(\.\d+)?)?\s*([zZ]|UTC|[+-]\d\d(:?\d\d)?)$"
# Spaces between a time of day and its zone (``10:00:00 +0100``), which the parsers refuse.
_SPACED_ZONE = r"(\d:\d\d(?::\d\d(?:\.\d+)?)?)\s+([zZ]|[+-]\d\d(?::?\d\d)?)$"
# A date with an optional time of day and nothing after it (DuckDB's cast ignores trailing words).
_NAIVE_TEXT = r"\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d\d(:\d\d(\.\d+)?)?)?"
_TRUE = "('true', 't', 'yes', 'y', '1')"
_FALSE = "('false', 'f', 'no', 'n', '0')"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _duckdb_parse_sql(
    name: str, kind: ParseKind, timezone: str | None, policy: LocalTimePolicy = DEFAULT_POLICY
) -> list[str]:
    """Return SQL select items: the parsed column and its flag columns."""
    col = quote(name)
    s = f"NULLIF(trim(CAST({col} AS VARCHAR)), '')"
    raw = f"CAST({col} AS VARCHAR) AS {quote(RAW + name)}"
    if kind == "number":
        parsed = f"TRY_CAST({s} AS DOUBLE)"
        return [f"{parsed} AS {col}", f"({s} IS NOT NULL AND {parsed} IS NULL) AS {quote(BAD + name)}", raw]
    if kind == "flag":
        parsed = f"CASE WHEN lower({s}) IN {_TRUE} THEN true WHEN lower({s}) IN {_FALSE} THEN false END"
        return [f"{parsed} AS {col}", f"({s} IS NOT NULL AND ({parsed}) IS NULL) AS {quote(BAD + name)}", raw]
    s = f"regexp_replace({s}, {_literal(_SPACED_ZONE)}, '\\1\\2')"
    has_zone = f"regexp_matches({s}, {_literal(_HAS_ZONE)})"
    naive = f"CASE WHEN regexp_full_match({s}, {_literal(_NAIVE_TEXT)}) THEN TRY_CAST({s} AS TIMESTAMP) END"
    if timezone:
        local, ambiguous, gap = local_time_sql(naive, timezone, policy)
        flags = [f"(NOT {has_zone} AND {ambiguous})", f"(NOT {has_zone} AND {gap})"]
    else:
        local, flags = "NULL::TIMESTAMPTZ", ["false", "false"]
    parsed = f"CASE WHEN {has_zone} THEN TRY_CAST({s} AS TIMESTAMPTZ) ELSE {local} END"
    unparseable = (
        f"({s} IS NOT NULL AND CASE WHEN {has_zone} THEN TRY_CAST({s} AS TIMESTAMPTZ) IS NULL "
        f"ELSE {naive} IS NULL END)"
    )
    is_naive = f"({s} IS NOT NULL AND NOT {has_zone} AND {naive} IS NOT NULL)" if not timezone else "false"
    return [
        f"{parsed} AS {col}",
        f"{unparseable} AS {quote(BAD + name)}",
        f"{is_naive} AS {quote(NAIVE + name)}",
        f"coalesce({flags[0]}, false) AS {quote(AMBIGUOUS + name)}",
        f"coalesce({flags[1]}, false) AS {quote(GAP + name)}",
        raw,
    ]


def parse_text_columns(
    frame: nw.DataFrame[Any] | nw.LazyFrame[Any],
    columns: dict[str, ParseKind],
    timezone: str | None,
    policy: LocalTimePolicy = DEFAULT_POLICY,
) -> nw.DataFrame[Any] | nw.LazyFrame[Any]:
    """Parse text columns into timestamps (UTC), numbers or flags, adding flag columns.

    Parameters
    ----------
    frame : Narwhals frame
        Table holding the columns.
    columns : dict
        Column name -> ``"timestamp"``, ``"number"`` or ``"flag"``.
    timezone : str, optional
        IANA zone for timestamps written without a zone; without it they are flagged naive.
    policy : LocalTimePolicy
        What local times in a daylight-saving change become.
    """
    if not columns:
        return frame
    engine = backend(frame)
    if engine == "pyspark":
        return _parse_spark(frame, columns, timezone, policy)
    items = [
        item for name, kind in columns.items() for item in _duckdb_parse_sql(name, kind, timezone, policy)
    ]
    if engine == "duckdb":
        replaced = ", ".join(quote(name) for name in columns)
        sql = f"SELECT * EXCLUDE ({replaced}), {', '.join(items)} FROM cx_input"
        relation = frame.to_native().query("cx_input", sql)
        order = [*frame.columns, *[c for c in relation.columns if c not in frame.columns]]
        return nw.from_native(relation).select(order)
    return _parse_eager_via_duckdb(frame, columns, items)


def _parse_eager_via_duckdb(
    frame: nw.DataFrame[Any] | nw.LazyFrame[Any], columns: dict[str, ParseKind], items: list[str]
) -> nw.DataFrame[Any] | nw.LazyFrame[Any]:
    con = duckdb_connection().cursor()
    try:
        subset = frame.select(list(columns))
        if isinstance(subset, nw.LazyFrame):
            subset = subset.collect()
        # Text-like columns only: mixed Python objects become their text first.
        arrow = subset.with_columns(nw.col(list(columns)).cast(nw.String)).to_arrow()
        con.register("cx_input", arrow)
        parsed = con.sql(f"SELECT {', '.join(items)} FROM cx_input").to_arrow_table()
        con.unregister("cx_input")
    finally:
        con.close()
    converted = nw.from_arrow(parsed, backend=nw.get_native_namespace(frame))
    return frame.with_columns(**{name: converted[name] for name in converted.columns})


def _parse_spark(
    frame: Any, columns: dict[str, ParseKind], timezone: str | None, policy: LocalTimePolicy
) -> Any:
    native = frame.to_native()
    from pyspark.sql import functions as F

    out = native
    for name, kind in columns.items():
        out = out.withColumn(RAW + name, F.col(name).cast("string"))
        text = F.nullif(F.trim(F.col(name).cast("string")), F.lit(""))
        if kind == "number":
            parsed = F.expr(f"try_cast(nullif(trim(cast(`{name}` as string)), '') as double)")
        elif kind == "flag":
            low = F.lower(text)
            parsed = F.when(low.isin("true", "t", "yes", "y", "1"), True).when(
                low.isin("false", "f", "no", "n", "0"), False
            )
        else:
            has_zone = text.rlike(_HAS_ZONE)
            naive_sql = f"try_cast(nullif(trim(cast(`{name}` as string)), '') as timestamp_ntz)"
            naive = F.expr(naive_sql)
            if timezone:
                local_sql, ambiguous, gap = local_time_sql(naive_sql, timezone, policy, "spark")
                local = F.expr(local_sql)
                out = out.withColumn(AMBIGUOUS + name, ~has_zone & F.expr(ambiguous))
                out = out.withColumn(GAP + name, ~has_zone & F.expr(gap))
            else:
                local = F.lit(None).cast("timestamp")
            aware = F.expr(f"try_cast(nullif(trim(cast(`{name}` as string)), '') as timestamp)")
            parsed = F.when(has_zone, aware).otherwise(local)
            out = out.withColumn(
                NAIVE + name,
                F.lit(False) if timezone else (text.isNotNull() & ~has_zone & naive.isNotNull()),
            )
            bad = text.isNotNull() & F.when(has_zone, aware.isNull()).otherwise(naive.isNull())
            out = out.withColumn(BAD + name, bad).withColumn(name, parsed)
            continue
        out = out.withColumn(BAD + name, text.isNotNull() & parsed.isNull()).withColumn(name, parsed)
    return nw.from_native(out)


def localize(
    frame: nw.DataFrame[Any] | nw.LazyFrame[Any],
    name: str,
    timezone: str,
    policy: LocalTimePolicy = DEFAULT_POLICY,
) -> nw.DataFrame[Any] | nw.LazyFrame[Any]:
    """Read a zone-less timestamp column as local time in ``timezone`` and convert to UTC.

    Adds the flag columns ``__cx_ambiguous_<name>`` and ``__cx_nonexistent_<name>`` (local
    times in a daylight-saving change the policy does not resolve; their value is null). The
    same SQL on every engine (:func:`cxlib.timestamps.local_time_sql`): DuckDB relations
    directly, Spark with Spark SQL, pandas and polars frames through DuckDB over this column.
    """
    engine = backend(frame)
    col = quote(name)
    if engine == "pyspark":
        native = frame.to_native()
        local_sql, ambiguous, gap = local_time_sql(f"`{name}`", timezone, policy, "spark")
        from pyspark.sql import functions as F

        out = native.withColumn(AMBIGUOUS + name, F.expr(ambiguous)).withColumn(GAP + name, F.expr(gap))
        return nw.from_native(out.withColumn(name, F.expr(local_sql)))
    local_sql, ambiguous, gap = local_time_sql(f"CAST({col} AS TIMESTAMP)", timezone, policy)
    items = [
        f"{local_sql} AS {col}",
        f"{ambiguous} AS {quote(AMBIGUOUS + name)}",
        f"{gap} AS {quote(GAP + name)}",
    ]
    if engine == "duckdb":
        sql = f"SELECT * EXCLUDE ({col}), {', '.join(items)} FROM cx_input"
        relation = frame.to_native().query("cx_input", sql)
        order = [*frame.columns, AMBIGUOUS + name, GAP + name]
        return nw.from_native(relation).select(order)
    con = duckdb_connection().cursor()
    try:
        subset = frame.select(name)
        if isinstance(subset, nw.LazyFrame):
            subset = subset.collect()
        con.register("cx_input", subset.with_columns(nw.col(name).cast(nw.Datetime("us"))).to_arrow())
        converted = con.sql(f"SELECT {', '.join(items)} FROM cx_input").to_arrow_table()
        con.unregister("cx_input")
    finally:
        con.close()
    parsed = nw.from_arrow(converted, backend=nw.get_native_namespace(frame))
    return frame.with_columns(**{c: parsed[c] for c in parsed.columns})
