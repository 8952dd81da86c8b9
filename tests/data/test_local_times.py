"""Local times in daylight-saving changes: one policy, the same result on every engine.

The truth is pandas' own ``tz_localize`` (``ambiguous=True`` is the first, summer-time
instant; ``nonexistent=pd.Timedelta("1h")`` moves a skipped time forward by the one-hour gap).
"""

from __future__ import annotations

import warnings

import pandas as pd
import polars as pl
import pytest

from cxlib import DataError, DataWarning, open_table
from cxlib.engine import duckdb_connection, to_pandas
from cxlib.timestamps import LocalTimePolicy

ZONE = "Europe/Warsaw"
LOCAL = [
    "2024-10-27 02:30:00",  # ambiguous: clocks went back from 03:00 to 02:00
    "2024-03-31 02:30:00",  # nonexistent: clocks went forward from 02:00 to 03:00
    "2024-06-01 12:00:00",  # plain summer time
    "2024-01-15 08:00:00",  # plain winter time
]
IDS = ["R1", "R2", "R3", "R4"]


def _surveys(engine: str, as_text: bool, tmp_path):
    local = pd.Series(LOCAL) if as_text else pd.to_datetime(pd.Series(LOCAL))
    frame = pd.DataFrame({"response_id": IDS, "ts": local, "metric": "nps", "score": [9, 7, 3, 10]})
    if engine == "pandas":
        return frame
    if engine == "polars":
        return pl.from_pandas(frame)
    if engine == "csv":
        frame.to_csv(tmp_path / "surveys.csv", index=False)
        return tmp_path / "surveys.csv"
    return duckdb_connection().from_arrow(pl.from_pandas(frame).to_arrow())


def _truth(ambiguous: str, nonexistent: str) -> list:
    out: list[pd.Timestamp | None] = []
    for text in LOCAL:
        ts = pd.Timestamp(text)
        try:
            local = ts.tz_localize(
                ZONE,
                ambiguous=ambiguous == "earliest" if ambiguous != "raise" else "raise",
                nonexistent=pd.Timedelta("1h") if nonexistent == "shift_forward" else "raise",
            )
        except (ValueError, OverflowError):  # pandas' AmbiguousTimeError / NonExistentTimeError
            out.append(None)
            continue
        out.append(local.tz_convert("UTC"))
    return out


ENGINES = [("pandas", False), ("pandas", True), ("polars", False), ("duckdb", False), ("csv", True)]


@pytest.mark.parametrize(("engine", "as_text"), ENGINES)
@pytest.mark.parametrize(
    ("ambiguous", "nonexistent"), [("earliest", "shift_forward"), ("latest", "shift_forward")]
)
def test_policy_resolves_like_pandas(engine, as_text, ambiguous, nonexistent, tmp_path):
    source = _surveys(engine, as_text, tmp_path)
    table = open_table(source, "surveys", timezone=ZONE, ambiguous=ambiguous, nonexistent=nonexistent)
    got = to_pandas(table).set_index("response_id")["ts"].reindex(IDS)
    expected = pd.Series(_truth(ambiguous, nonexistent), index=IDS)
    assert [a == b for a, b in zip(got, expected, strict=True)] == [True] * 4, (got, expected)


@pytest.mark.parametrize(("engine", "as_text"), ENGINES)
def test_default_policy_names_the_rows(engine, as_text, tmp_path):
    source = _surveys(engine, as_text, tmp_path)
    with pytest.raises(DataError) as info:
        open_table(source, "surveys", timezone=ZONE)
    error = info.value
    assert (error.column, error.rule, error.n_rows) == ("ts", "ambiguous_local_time", 1)
    assert error.rows[0]["response_id"] == "R1"
    assert "nonexistent_local_time (1 rows)" in str(error) and "ambiguous='earliest'" in str(error)
    if as_text:
        assert error.rows[0]["ts"] == LOCAL[0]  # as the user wrote it


@pytest.mark.parametrize(("engine", "as_text"), ENGINES)
def test_drop_leaves_out_both_rows(engine, as_text, tmp_path):
    source = _surveys(engine, as_text, tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        table = to_pandas(open_table(source, "surveys", timezone=ZONE, on_error="drop"))
    assert sorted(table["response_id"]) == ["R3", "R4"]
    assert any("dropped 2 of 4 rows" in str(w.message) for w in caught)
    truth = _truth("raise", "raise")
    assert table.set_index("response_id")["ts"]["R3"] == truth[2]


def test_policy_from_the_mapping(tmp_path):
    source = _surveys("csv", True, tmp_path)
    mapping = {"surveys": {"timezone": ZONE, "ambiguous": "latest", "nonexistent": "shift_forward"}}
    table = to_pandas(open_table(source, "surveys", mapping=mapping)).set_index("response_id")
    assert table["ts"]["R1"] == _truth("latest", "shift_forward")[0]
    with pytest.raises(DataError) as info:
        open_table(source, "surveys", mapping={"surveys": {"timezone": ZONE, "ambiguous": "first"}})
    assert (info.value.column, info.value.rule) == ("ambiguous", "bad_mapping")


def test_bad_policy_value():
    with pytest.raises(DataError) as info:
        LocalTimePolicy(nonexistent="shift_backward")
    assert info.value.rule == "bad_option" and "shift_forward" in str(info.value)


def test_zone_with_half_hour_offsets_and_southern_dst():
    """Australia/Adelaide (+09:30/+10:30, clocks go back in April) agrees with pandas."""
    local = pd.to_datetime(pd.Series(["2024-04-07 02:30:00", "2024-10-06 02:30:00", "2024-07-01 09:00:00"]))
    frame = pd.DataFrame({"response_id": ["A", "B", "C"], "ts": local, "metric": "nps", "score": 5})
    table = to_pandas(
        open_table(
            frame, "surveys", timezone="Australia/Adelaide", ambiguous="earliest", nonexistent="shift_forward"
        )
    )
    expected = [
        local[0].tz_localize("Australia/Adelaide", ambiguous=True),
        local[1].tz_localize("Australia/Adelaide", nonexistent=pd.Timedelta("1h")),
        local[2].tz_localize("Australia/Adelaide"),
    ]
    assert table["ts"].tolist() == [t.tz_convert("UTC") for t in expected]
