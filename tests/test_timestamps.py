"""The portable epoch arithmetic equals pandas' own on pandas, polars and DuckDB (Spark: the
cohort and scorecard parity tests in tests/spark/).
"""

from __future__ import annotations

import narwhals.stable.v2 as nw
import pandas as pd
import polars as pl
import pytest

from cxlib.engine import duckdb_connection, to_pandas
from cxlib.timestamps import epoch_day, epoch_micros, micros_of, with_epoch_day

TS = pd.Series(
    pd.to_datetime(
        [
            "1969-12-31 23:59:59.5",
            "1970-01-01",
            "1900-03-01 12:00",
            "2000-02-29 23:59:59.999999",
            "2023-12-31 23:00",
            "2024-02-29 00:00:00.000001",
            "2100-03-01 06:30",
        ],
        format="ISO8601",
        utc=True,
    )
).dt.as_unit("us")


@pytest.mark.parametrize("kind", ["pandas", "polars", "duckdb"])
def test_epoch_day_and_micros_equal_pandas(kind):
    frame = pd.DataFrame({"ts": TS})
    if kind == "polars":
        native = pl.from_pandas(frame)
    elif kind == "duckdb":
        native = duckdb_connection().from_arrow(pl.from_pandas(frame).to_arrow())
    else:
        native = frame
    got = to_pandas(nw.from_native(native).select(day=epoch_day(nw.col("ts")), us=epoch_micros(nw.col("ts"))))
    micros = (TS - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(microseconds=1)
    assert got["us"].tolist() == micros.tolist() == [micros_of(t) for t in TS]
    assert got["day"].tolist() == (TS.dt.floor("D") - pd.Timestamp(0, tz="UTC")).dt.days.tolist()
    added = to_pandas(with_epoch_day(nw.from_native(native).lazy(), "ts", "d"))
    assert added.columns.tolist() == ["ts", "d"]
    assert added["d"].tolist() == got["day"].tolist()


def test_naive_values_are_utc():
    assert (
        micros_of("2024-01-01")
        == micros_of(pd.Timestamp("2024-01-01 01:00", tz="Europe/Warsaw"))
        == 1_704_067_200_000_000
    )
