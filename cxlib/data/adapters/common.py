"""Small Narwhals helpers the adapters share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import narwhals.stable.v2 as nw

__all__ = ["blank_to_null", "join_utc_offset", "present", "recode", "text"]


def present(frame: Any, names: Iterable[str]) -> list[str]:
    """Return the ``names`` that are columns of ``frame``, in the given order."""
    columns = set(frame.columns)
    return [n for n in names if n in columns]


def text(name: str) -> nw.Expr:
    """Column ``name`` as text with surrounding spaces removed; blanks become null."""
    return blank_to_null(nw.col(name).cast(nw.String).str.strip_chars())


def blank_to_null(expr: nw.Expr) -> nw.Expr:
    """``expr`` with empty strings turned into null."""
    return nw.when(expr != "").then(expr)


def recode(expr: nw.Expr, values: Mapping[str, str]) -> nw.Expr:
    """Replace the values listed in ``values`` (other values are kept)."""
    if not values:
        return expr
    return expr.replace_strict(dict(values), default=expr, return_dtype=nw.String)


def join_utc_offset(frame: Any, name: str) -> Any:
    """Make text timestamps such as ``2024-03-05 14:22:11 +0100`` parseable.

    Shopify and Ruby write a space before the UTC offset, which SQL engines do not read;
    the space is removed (``2024-03-05 14:22:11+0100``). Timestamps that are not text are
    left alone.
    """
    if name not in frame.columns or frame.collect_schema()[name] != nw.String:
        return frame
    col = nw.col(name)
    return frame.with_columns(
        col.str.replace_all(" +", "+", literal=True).str.replace_all(" -", "-", literal=True).alias(name)
    )
