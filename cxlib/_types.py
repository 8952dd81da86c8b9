"""Type aliases shared by cxlib's modules."""

from __future__ import annotations

from typing import TypeAlias

from narwhals.typing import IntoFrame

__all__ = ["Frame"]

#: A table as the user passes it: a pandas or polars DataFrame or LazyFrame, a DuckDB relation,
#: a Spark DataFrame, ... (anything Narwhals wraps). Functions that take a ``Frame`` run on it
#: natively or collect it with :func:`cxlib.engine.to_pandas`.
Frame: TypeAlias = IntoFrame
