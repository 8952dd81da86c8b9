"""Turning what users pass (a list of strings, a Series, any supported frame) into texts.

Text analysis needs the texts in Python, so the voice-of-the-customer functions collect only
the columns they need (text, language, the columns the caller asks to keep) from whatever
backend holds the table, through Narwhals. Lazy tables (DuckDB, Spark) have no row order, so
they are sorted by the kept columns (then the text) before collecting.

Rows of a table without text (a missing or blank text: star-only reviews that carry just a
rating) are not texts: every text analysis leaves them out, and :func:`count_without_text`
counts them on the engine so that reports can say how many were left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from cxlib._types import Frame
from cxlib.engine import require_columns, to_narwhals, to_pandas
from cxlib.errors import DataError

__all__ = ["Texts", "count_without_text", "has_text", "is_frame", "iso_code", "survey_comments", "text_frame"]

#: Texts as the voice-of-the-customer functions take them: one text, a sequence or Series of
#: texts, or a table (any supported frame) with a text column.
Texts: TypeAlias = "Frame | str | Sequence[str] | pd.Series"

#: Column names of the collected frame.
TEXT, LANG_GIVEN = "text", "lang_given"


def is_frame(obj: Any) -> bool:
    """Whether ``obj`` is a table (pandas/polars/DuckDB/Spark/Narwhals frame), not a sequence."""
    if isinstance(obj, (pd.Series, list, tuple, np.ndarray, str)):
        return False
    if isinstance(obj, (nw.DataFrame, nw.LazyFrame, pd.DataFrame)):
        return True
    try:
        nw.from_native(obj)
    except TypeError:
        return False
    return True


def has_text(column: str = "text") -> nw.Expr:
    """Narwhals expression: the row has a text (not missing, not only blanks)."""
    value = nw.col(column).cast(nw.String)
    return ~value.is_null() & (value.str.strip_chars() != "")


def count_without_text(
    table: Frame, *, text_col: str = "text", rating_col: str = "rating"
) -> tuple[int, int]:
    """Count, on the table's engine, the rows without text and those of them with a rating.

    Parameters
    ----------
    table : Frame
        E.g. ``shop.feedback``. Neither column is required: without ``text_col`` no row has a
        text; without ``rating_col`` no row has a rating.
    text_col, rating_col : str

    Returns
    -------
    n_without_text : int
        Rows whose text is missing or blank (left out of the text analyses).
    n_star_only : int
        Those of them with a rating (star-only reviews; the rating views use them).
    """
    frame = to_narwhals(table)
    names = frame.collect_schema().names()
    has_rating = ~nw.col(rating_col).is_null() if rating_col in names else None
    if text_col in names:
        no_text = ~has_text(text_col)
        star_only = no_text & has_rating if has_rating is not None else None
        n_without = nw.when(no_text).then(1).otherwise(0).sum()
    else:
        star_only = has_rating
        n_without = nw.len()
    counts = frame.select(
        n_without_text=n_without,
        n_star_only=nw.when(star_only).then(1).otherwise(0).sum() if star_only is not None else nw.len() * 0,
    )
    row = to_pandas(counts)
    if row.empty:
        return 0, 0
    return int(row["n_without_text"].fillna(0).iat[0]), int(row["n_star_only"].fillna(0).iat[0])


def iso_code(value: Any) -> str | None:
    """ISO 639-1 code of a language tag (``"zh-Hans"`` → ``"zh"``, ``"EN"`` → ``"en"``)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip().lower().replace("_", "-")
    if not text:
        return None
    return text.split("-")[0]


def _strings(values: Any) -> list[str]:
    """Texts as Python strings; missing values become ``""``."""
    series = pd.Series(values, dtype="object") if not isinstance(values, pd.Series) else values
    return [
        "" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v)
        for v in series.tolist()
    ]


def text_frame(
    texts: Texts,
    langs: Any = None,
    *,
    text_col: str = "text",
    lang_col: str | None = "lang",
    keep: Sequence[str] = (),
    table: str = "feedback",
    purpose: str = "text analysis",
) -> pd.DataFrame:
    """Collect texts (and given languages, and kept columns) into a small pandas frame.

    Parameters
    ----------
    texts : str, sequence of str, pandas Series, or a table
        With a table, the text column is ``text_col`` (required), the language column
        ``lang_col`` (used when present and ``langs`` is None) and ``keep`` columns are carried;
        rows whose text is missing or blank (star-only reviews) are left out. A sequence keeps
        every position (a missing text becomes ``""``).
    langs : str, sequence or None
        One language for every text, one per text, or None (use ``lang_col`` or detect later).
    text_col, lang_col : str
    keep : sequence of str
        Columns of the table copied to the result (ids, timestamps, ratings, ...).
    table : str
        Table name for error messages.
    purpose : str
        What the caller needs the columns for, for error messages.

    Returns
    -------
    pandas.DataFrame
        Columns ``text`` (str; ``""`` for a missing text of a sequence), ``lang_given`` (ISO
        639-1 code or None), then the ``keep`` columns.
    """
    keep = list(keep)
    from_table = is_frame(texts)
    if from_table:
        require_columns(texts, [text_col, *keep], table, purpose=purpose)
        frame = to_narwhals(texts)
        names = frame.collect_schema().names() if isinstance(frame, nw.LazyFrame) else frame.columns
        lang_cols = [lang_col] if langs is None and lang_col is not None and lang_col in names else []
        use_lang = bool(lang_cols)
        cols = list(dict.fromkeys([text_col, *lang_cols, *keep]))
        selected = frame.select(cols)
        if isinstance(selected, nw.LazyFrame):
            selected = selected.sort([*keep, text_col] if keep else [text_col], nulls_last=True)
        collected = to_pandas(selected)
        out = pd.DataFrame({TEXT: _strings(collected[text_col])})
        out[LANG_GIVEN] = [iso_code(v) for v in collected[lang_col].tolist()] if use_lang else None
        for column in keep:
            out[column] = collected[column].to_numpy()
    else:
        if keep:
            raise DataError(
                "keep= needs a table, not a sequence of texts", table=table, rule="keep_without_table"
            )
        values = [texts] if isinstance(texts, str) else texts
        out = pd.DataFrame({TEXT: _strings(values)})
        out[LANG_GIVEN] = None
    n = len(out)
    if langs is not None:
        if isinstance(langs, str):
            out[LANG_GIVEN] = iso_code(langs)
        else:
            given = list(langs.tolist() if hasattr(langs, "tolist") else langs)
            if len(given) != n:
                raise DataError(
                    f"langs has {len(given):,} values but there are {n:,} texts",
                    table=table,
                    column="lang",
                    rule="length_mismatch",
                )
            out[LANG_GIVEN] = [iso_code(v) for v in given]
    out[LANG_GIVEN] = out[LANG_GIVEN].astype("object")
    if from_table:
        out = out[out[TEXT].str.strip() != ""].reset_index(drop=True)
    return out


def survey_comments(surveys: Frame, metric: str = "nps", *, comment_col: str = "comment") -> Any:
    """Survey answers of one metric that carry a comment (same backend as the input).

    Parameters
    ----------
    surveys : Frame
        The ``surveys`` table. Required columns: ``metric``, ``score``, ``comment_col``.
    metric : str, default "nps"
    comment_col : str, default "comment"

    Returns
    -------
    native frame
        The rows with that metric and a non-empty comment.
    """
    require_columns(surveys, ["metric", "score", comment_col], "surveys", purpose="survey comments")
    frame = to_narwhals(surveys)
    kept = frame.filter((nw.col("metric") == metric) & has_text(comment_col))
    return kept.to_native()
