"""Comparing two results field by field: the same numbers on Spark as on DuckDB.

(A module with its own name, so that the Spark tests import it unambiguously.)
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

#: Tolerance of sums and means: engines add floating-point numbers in different orders.
RTOL = 1e-9


def assert_same(got: Any, expected: Any, where: str = "result") -> None:
    """Assert that two results agree: tables (rtol 1e-9, counts exact), numbers, and the fields
    of result objects (dataclasses), dicts and tuples, recursively. ``where`` names the part.
    """
    if isinstance(expected, pd.DataFrame):
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=RTOL, obj=where)
    elif isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(got, expected, check_dtype=False, rtol=RTOL, obj=where)
    elif isinstance(expected, np.ndarray):
        np.testing.assert_allclose(got, expected, rtol=RTOL, err_msg=where)
    elif dataclasses.is_dataclass(expected) and not isinstance(expected, type):
        assert type(got) is type(expected), where
        for field in dataclasses.fields(expected):
            assert_same(getattr(got, field.name), getattr(expected, field.name), f"{where}.{field.name}")
    elif isinstance(expected, dict):
        assert list(got) == list(expected), where
        for key, value in expected.items():
            assert_same(got[key], value, f"{where}[{key!r}]")
    elif isinstance(expected, (list, tuple)):
        assert len(got) == len(expected), where
        for i, (a, b) in enumerate(zip(got, expected, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(expected, float) and not isinstance(got, bool):
        assert (math.isnan(got) and math.isnan(expected)) or math.isclose(
            got, expected, rel_tol=RTOL, abs_tol=1e-12
        ), f"{where}: {got!r} != {expected!r}"
    else:
        assert got == expected, f"{where}: {got!r} != {expected!r}"
