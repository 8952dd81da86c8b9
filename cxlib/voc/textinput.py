"""Turning what users pass (a list of strings, a Series, any supported frame) into texts.

Text analysis needs the texts in Python, so the voice-of-the-customer functions collect only
the columns they need (text, language, the columns the caller asks to keep) from whatever
backend holds the table, through Narwhals. Lazy tables (DuckDB, Spark) have no row order, so
they are sorted by the kept columns (then the text) before collecting.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals.stable.v2 as nw
import numpy as np
import pandas as pd

from cxlib.engine import require_columns, to_narwhals, to_pandas
from cxlib.errors import DataError

__all__ = ["is_frame", "iso_code", "survey_comments", "text_frame"]

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
    texts: Any,
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
        ``lang_col`` (used when present and ``langs`` is None) and ``keep`` columns are carried.
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
        Columns ``text`` (str, ``""`` for missing), ``lang_given`` (ISO 639-1 code or None),
        then the ``keep`` columns.
    """
    keep = list(keep)
    if is_frame(texts):
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
    return out


def survey_comments(surveys: Any, metric: str = "nps", *, comment_col: str = "comment") -> Any:
    """Survey answers of one metric that carry a comment (same backend as the input).

    Parameters
    ----------
    surveys : table
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
    kept = frame.filter(
        (nw.col("metric") == metric)
        & ~nw.col(comment_col).is_null()
        & (nw.col(comment_col).str.strip_chars() != "")
    )
    return kept.to_native()
