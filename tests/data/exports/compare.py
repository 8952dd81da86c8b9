"""Comparing a table cxlib made with the table a reference loop made."""

from __future__ import annotations

import pandas as pd

from cxlib.engine import to_pandas


def canon(frame: object, by: str | list[str]) -> pd.DataFrame:
    """A native table as plain pandas: sorted, nulls as None, text as object."""
    df = to_pandas(frame).sort_values(by).reset_index(drop=True)
    for col in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[col]):
            df[col] = df[col].astype("datetime64[us, UTC]")
        elif pd.api.types.is_float_dtype(df[col]) or pd.api.types.is_integer_dtype(df[col]):
            df[col] = df[col].astype("float64")
        else:
            df[col] = df[col].astype(object).where(df[col].notna(), None)
    return df


def assert_same(actual: pd.DataFrame, expected: pd.DataFrame, by: str | list[str]) -> None:
    """``actual`` (from :func:`canon`) holds exactly the rows and columns of ``expected``."""
    assert list(actual.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(actual, canon(expected, by), check_exact=False, rtol=1e-12)
