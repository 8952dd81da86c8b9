"""Local times in daylight-saving changes on Spark: the same policy and results as pandas."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from cxlib import DataError, open_table
from cxlib.engine import to_pandas
from tests.data.test_local_times import IDS, LOCAL, ZONE, _truth


def _spark_surveys(spark: Any, as_text: bool) -> Any:
    frame = spark.createDataFrame(
        [(i, t, "nps", s) for i, t, s in zip(IDS, LOCAL, [9, 7, 3, 10], strict=True)],
        "response_id string, ts string, metric string, score int",
    )
    return (
        frame
        if as_text
        else frame.selectExpr("response_id", "cast(ts as timestamp_ntz) as ts", "metric", "score")
    )


@pytest.mark.parametrize("as_text", [True, False], ids=["text", "timestamp_ntz"])
@pytest.mark.parametrize("ambiguous", ["earliest", "latest"])
def test_policy_resolves_like_pandas_on_spark(spark, as_text, ambiguous):
    table = open_table(
        _spark_surveys(spark, as_text),
        "surveys",
        timezone=ZONE,
        ambiguous=ambiguous,
        nonexistent="shift_forward",
    )
    got = to_pandas(table).set_index("response_id")["ts"].reindex(IDS)
    expected = _truth(ambiguous, "shift_forward")
    assert [pd.Timestamp(a) == b for a, b in zip(got, expected, strict=True)] == [True] * 4, (got, expected)


@pytest.mark.parametrize("as_text", [True, False], ids=["text", "timestamp_ntz"])
def test_default_policy_names_the_rows_on_spark(spark, as_text):
    with pytest.raises(DataError) as info:
        open_table(_spark_surveys(spark, as_text), "surveys", timezone=ZONE)
    assert (info.value.rule, info.value.n_rows) == ("ambiguous_local_time", 1)
    assert info.value.rows[0]["response_id"] == "R1"
    assert "nonexistent_local_time (1 rows)" in str(info.value)
