"""Hostile values at ingestion (issue 16 items 6-8), through ``open_shop`` as a user calls it.

Infinite money, blank ids, local times in daylight-saving changes, the session time zone of
the user's own DuckDB connection and unreadable files: each is a ``DataError`` naming the
table, column, rule and the offending rows as written, on every engine. Cases marked
``xfail(strict=True)`` are known gaps on main: they fail loudly once fixed, so the mark goes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest

from cxlib import DataError, DataWarning, open_shop
from cxlib.engine import duckdb_connection, is_utc_zone, to_pandas

ENGINES = ["pandas", "polars", "duckdb"]


def _orders(**columns: Any) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3"],
            "customer_id": ["C1", "C2", "C3"],
            "ts": pd.to_datetime(["2024-01-31 23:30", "2024-02-01 00:30", "2024-02-02 12:00"]).tz_localize(
                "UTC"
            ),
            "revenue": [10.0, 20.0, 30.0],
        }
    )
    return frame.assign(**columns)


def _on(engine: str, frame: pd.DataFrame) -> Any:
    if engine == "pandas":
        return frame
    if engine == "polars":
        return pl.from_pandas(frame)
    return duckdb_connection().from_arrow(pl.from_pandas(frame).to_arrow())


def _csv(folder: Path, frame: pd.DataFrame, name: str = "orders") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(frame["ts"].dtype, pd.DatetimeTZDtype):
        frame = frame.assign(ts=frame["ts"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    frame.to_csv(folder / f"{name}.csv", index=False)
    return folder


# ----------------------------------------------------------------------------- infinities
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("value", [np.inf, -np.inf])
def test_infinite_revenue_in_a_frame_is_a_data_error(engine: str, value: float) -> None:
    with pytest.raises(DataError) as info:
        open_shop({"orders": _on(engine, _orders(revenue=[10.0, value, 30.0]))})
    error = info.value
    assert (error.table, error.column, error.rule, error.n_rows) == ("orders", "revenue", "infinite_value", 1)
    assert error.rows == [{"order_id": "O2", "customer_id": "C2", "revenue": value}]
    assert "values are infinite" in str(error) and "negative_value" not in str(error)


@pytest.mark.parametrize("text", ["1e400", "-1e400", "inf", "-inf", "+inf", "Infinity", "-Infinity", "INF"])
def test_infinite_revenue_in_a_csv_shows_the_text_written(tmp_path: Path, text: str) -> None:
    (tmp_path / "orders.csv").write_text(
        "order_id,customer_id,ts,revenue\n"
        "O1,C1,2024-01-05T10:00:00Z,5\n"
        f"O2,C2,2024-01-06T10:00:00Z,{text}\n"
        "O3,C3,2024-01-07T10:00:00Z,1e308\n"  # the largest finite doubles are fine
    )
    with pytest.raises(DataError) as info:
        open_shop(tmp_path)
    error = info.value
    assert (error.table, error.column, error.rule, error.n_rows) == ("orders", "revenue", "infinite_value", 1)
    assert error.rows == [{"order_id": "O2", "customer_id": "C2", "revenue": text}]


def test_dropping_infinite_rows_leaves_finite_totals(tmp_path: Path) -> None:
    """With ``on_error="drop"`` no report can say "inf EUR": the row is left out and counted."""
    frame = _orders(revenue=[10.0, np.inf, 30.0])
    with pytest.warns(DataWarning, match="dropped 1 of 3 rows"):
        shop = open_shop({"orders": frame}, on_error="drop")
    orders = to_pandas(shop.orders)
    assert sorted(orders["order_id"]) == ["O1", "O3"]
    assert orders["revenue"].sum() == pytest.approx(40.0)


# ----------------------------------------------------------------------------- blank ids
BLANKS = ["", " ", "   ", "\t", "\r\n"]


@pytest.mark.parametrize("engine", [*ENGINES, "csv"])
@pytest.mark.parametrize("blank", BLANKS, ids=repr)
def test_blank_required_id_is_a_data_error(engine: str, blank: str, tmp_path: Path) -> None:
    frame = _orders(customer_id=["C1", blank, "C3"])
    source = _csv(tmp_path, frame) if engine == "csv" else {"orders": _on(engine, frame)}
    with pytest.raises(DataError) as info:
        open_shop(source)
    error = info.value
    assert (error.table, error.column, error.rule, error.n_rows) == ("orders", "customer_id", "null_value", 1)
    # a CSV reader reads an empty field as missing; anything else is shown as written
    shown = None if engine == "csv" and blank == "" else blank
    assert error.rows == [{"order_id": "O2", "customer_id": shown}]


@pytest.mark.parametrize("engine", [*ENGINES, "csv"])
@pytest.mark.parametrize("blank", [" ", "\t "], ids=repr)
def test_blank_optional_id_is_a_data_error(engine: str, blank: str, tmp_path: Path) -> None:
    events = pd.DataFrame(
        {
            "customer_id": ["C1", "C2"],
            "ts": pd.to_datetime(["2024-01-05 10:00", "2024-01-06 10:00"]).tz_localize("UTC"),
            "event": ["view", "view"],
            "session_id": ["S1", blank],
        }
    )
    source = _csv(tmp_path, events, "events") if engine == "csv" else {"events": _on(engine, events)}
    with pytest.raises(DataError) as info:
        open_shop(source)
    error = info.value
    assert (error.table, error.column, error.rule, error.n_rows) == ("events", "session_id", "blank_id", 1)
    assert error.rows == [{"customer_id": "C2", "session_id": blank}]


UNICODE_SPACES = ["\u00a0", "\u2009", "\u3000"]  # no-break, thin and ideographic space


@pytest.mark.parametrize("engine", ["pandas", "polars"])
@pytest.mark.parametrize("blank", UNICODE_SPACES, ids=repr)
def test_unicode_space_id_is_blank_on_frames(engine: str, blank: str) -> None:
    with pytest.raises(DataError) as info:
        open_shop({"orders": _on(engine, _orders(customer_id=["C1", blank, "C3"]))})
    assert (info.value.column, info.value.rule, info.value.rows) == (
        "customer_id",
        "null_value",
        [{"order_id": "O2", "customer_id": blank}],
    )


@pytest.mark.parametrize("engine", ["duckdb", "csv"])
@pytest.mark.parametrize("blank", UNICODE_SPACES, ids=repr)
def test_unicode_space_id_is_blank_on_duckdb_and_csv(engine: str, blank: str, tmp_path: Path) -> None:
    frame = _orders(customer_id=["C1", blank, "C3"])
    source = _csv(tmp_path, frame) if engine == "csv" else {"orders": _on(engine, frame)}
    with pytest.raises(DataError) as info:
        open_shop(source)
    assert (info.value.column, info.value.rule) == ("customer_id", "null_value")


# ----------------------------------------------------------------------------- local times
ZONE = "Europe/Warsaw"
LOCAL = [
    "2024-10-27 02:30:00",  # O1 ambiguous: clocks went back from 03:00 to 02:00
    "2024-03-31 02:30:00",  # O2 nonexistent: clocks went forward from 02:00 to 03:00
    "2024-06-01 12:00:00",  # O3 plain summer time
]
LOCAL_SOURCES = ["pandas", "pandas_text", "polars", "duckdb", "duckdb_user", "csv"]


def _local_source(kind: str, tmp_path: Path) -> Any:
    text = pd.Series(LOCAL)
    frame = _orders(ts=text if kind in ("pandas_text", "csv") else pd.to_datetime(text))
    if kind in ("pandas", "pandas_text"):
        return {"orders": frame}
    if kind == "polars":
        return {"orders": pl.from_pandas(frame)}
    if kind == "duckdb":
        return {"orders": duckdb_connection().from_arrow(pl.from_pandas(frame).to_arrow())}
    if kind == "duckdb_user":  # the user's own connection, in a Linux server's usual zone
        return {"orders": _user_relation("Etc/UTC", frame)}
    return _csv(tmp_path, frame)


def _truth(ambiguous: bool) -> list[pd.Timestamp]:
    """Pandas' own answer: the first (``True``) or second instant; the gap moved forward 1 h."""
    return [
        pd.Timestamp(t)
        .tz_localize(ZONE, ambiguous=ambiguous, nonexistent=pd.Timedelta("1h"))
        .tz_convert("UTC")
        for t in LOCAL
    ]


@pytest.mark.parametrize("kind", LOCAL_SOURCES)
def test_dst_ambiguous_local_time_is_a_data_error(kind: str, tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        open_shop(_local_source(kind, tmp_path), timezone=ZONE)
    error = info.value
    assert (error.table, error.column, error.rule, error.n_rows) == (
        "orders",
        "ts",
        "ambiguous_local_time",
        1,
    )
    assert [row["order_id"] for row in error.rows] == ["O1"]
    assert "nonexistent_local_time (1 rows)" in str(error)  # the gap is named too
    assert "ambiguous='earliest'" in str(error)  # and how to resolve it
    if kind in ("pandas_text", "csv"):
        assert error.rows[0]["ts"] == LOCAL[0]  # as the user wrote it


@pytest.mark.parametrize("kind", LOCAL_SOURCES)
def test_dst_nonexistent_local_time_is_a_data_error(kind: str, tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        open_shop(_local_source(kind, tmp_path), timezone=ZONE, ambiguous="earliest")
    error = info.value
    assert (error.table, error.column, error.rule, error.n_rows) == (
        "orders",
        "ts",
        "nonexistent_local_time",
        1,
    )
    assert [row["order_id"] for row in error.rows] == ["O2"]
    if kind in ("pandas_text", "csv"):
        assert error.rows[0]["ts"] == LOCAL[1]


@pytest.mark.parametrize("kind", ["pandas", "polars", "duckdb"])
def test_dst_rows_show_the_local_time_of_datetime_columns(kind: str, tmp_path: Path) -> None:
    with pytest.raises(DataError) as info:
        open_shop(_local_source(kind, tmp_path), timezone=ZONE)
    assert str(info.value.rows[0]["ts"]).startswith(LOCAL[0])


@pytest.mark.parametrize("kind", LOCAL_SOURCES)
@pytest.mark.parametrize("ambiguous", ["earliest", "latest"])
def test_dst_policy_resolves_like_pandas(kind: str, ambiguous: str, tmp_path: Path) -> None:
    shop = open_shop(
        _local_source(kind, tmp_path), timezone=ZONE, ambiguous=ambiguous, nonexistent="shift_forward"
    )
    got = to_pandas(shop.orders).sort_values("order_id")["ts"].dt.tz_convert("UTC").tolist()
    assert got == _truth(ambiguous == "earliest")


def test_dst_policy_from_a_folder_mapping(tmp_path: Path) -> None:
    folder = _local_source("csv", tmp_path)
    (folder / "mapping.yaml").write_text(
        f"orders:\n  timezone: {ZONE}\n  ambiguous: latest\n  nonexistent: shift_forward\n"
    )
    got = to_pandas(open_shop(folder).orders).sort_values("order_id")["ts"].tolist()
    assert got == _truth(False)


@pytest.mark.parametrize(("option", "value"), [("ambiguous", "first"), ("nonexistent", "shift_backward")])
def test_dst_policy_with_a_bad_value_is_a_data_error(tmp_path: Path, option: str, value: str) -> None:
    with pytest.raises(DataError) as info:
        open_shop(_local_source("csv", tmp_path), timezone=ZONE, **{option: value})
    assert (info.value.column, info.value.rule) == (option, "bad_option")


# ----------------------------------------------------------------------------- session zones
def _user_relation(zone: str, frame: pd.DataFrame) -> Any:
    con = duckdb.connect()
    con.execute(f"SET TimeZone = '{zone}'").fetchall()
    con.register("user_orders", frame)
    return con.sql("SELECT * FROM user_orders")


@pytest.mark.parametrize("zone", ["Etc/UTC", "GMT", "UTC", "Etc/GMT-0"])
def test_duckdb_session_in_a_utc_alias_is_accepted(zone: str) -> None:
    shop = open_shop({"orders": _user_relation(zone, _orders())})
    got = to_pandas(shop.orders).sort_values("order_id")["ts"].dt.tz_convert("UTC")
    assert got.tolist() == _orders()["ts"].tolist()  # 23:30 on 31 January stays in January


def test_z_is_utc_though_duckdb_cannot_set_it() -> None:
    """``Z`` (a Spark session zone) means UTC; DuckDB itself refuses it as a session zone."""
    assert is_utc_zone("Z") and is_utc_zone("z")
    with pytest.raises(duckdb.Error, match="Unknown TimeZone 'Z'"):
        duckdb.connect().execute("SET TimeZone = 'Z'")


@pytest.mark.parametrize("zone", ["Europe/Warsaw", "Europe/London", "America/New_York"])
def test_duckdb_session_with_a_real_offset_is_refused(zone: str) -> None:
    with pytest.raises(DataError) as info:
        open_shop({"orders": _user_relation(zone, _orders())})
    error = info.value
    assert (error.table, error.column, error.rule) == ("orders", "ts", "session_time_zone")
    assert f"the session time zone is {zone}" in str(error) and "SET TimeZone = 'UTC'" in str(error)


def test_duckdb_session_with_a_real_offset_and_zone_less_timestamps_is_refused() -> None:
    naive = _orders(ts=pd.to_datetime(pd.Series(LOCAL[2:] * 3)))
    with pytest.raises(DataError) as info:
        open_shop({"orders": _user_relation("Europe/Warsaw", naive)}, timezone="UTC")
    assert info.value.rule == "session_time_zone"


# ----------------------------------------------------------------------------- permissions
ORDERS_CSV = "order_id,customer_id,ts,revenue\nO1,C1,2024-01-05T10:00:00Z,1\n"
_PROBE = """
import json, sys
from cxlib import DataError, open_shop
out = {}
for source in sys.argv[1:]:
    try:
        open_shop(source)
        out[source] = ["ok"]
    except DataError as exc:
        out[source] = ["DataError", exc.table, exc.rule, str(exc)]
    except Exception as exc:
        out[source] = [type(exc).__name__, str(exc)]
print(json.dumps(out))
"""
#: name -> (path opened, mode of the file or folder made unreadable)
PERMISSION_CASES = {
    "file": ("orders.csv", "orders.csv", 0o000),
    "file_in_folder": ("shop", "shop/orders.csv", 0o000),
    "folder_not_listable": ("noread", "noread", 0o300),
    "folder_not_enterable": ("noexec", "noexec", 0o600),
    "file_in_folder_not_enterable": ("noexec2/orders.csv", "noexec2", 0o600),
}


@pytest.fixture(scope="module")
def permission_outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Open every unreadable source once, in one child process that file permissions bind.

    Root ignores file permissions, so as root the child runs under ``setpriv`` without the
    capabilities that override them (``CAP_DAC_OVERRIDE``, ``CAP_DAC_READ_SEARCH``).
    """
    base = tmp_path_factory.mktemp("perm")
    made: list[Path] = []
    for opened, locked, mode in PERMISSION_CASES.values():
        target = base / opened
        csv = target if target.suffix == ".csv" else target / "orders.csv"
        csv.parent.mkdir(parents=True, exist_ok=True)
        csv.write_text(ORDERS_CSV)
        (base / locked).chmod(mode)
        made.append(base / locked)
    command = [sys.executable, "-c", _PROBE, *(str(base / c[0]) for c in PERMISSION_CASES.values())]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root, which ignores file permissions, and setpriv is not available")
        command = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--", *command]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    finally:
        for path in made:
            path.chmod(0o700)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return {name: found[str(base / case[0])] for name, case in PERMISSION_CASES.items()}


@pytest.mark.parametrize("case", ["file", "file_in_folder", "folder_not_listable"])
def test_unreadable_source_is_a_data_error(permission_outcomes: dict[str, list[str]], case: str) -> None:
    kind, table, rule, message = permission_outcomes[case]
    assert (kind, table, rule) == ("DataError", "source", "permission_denied")
    assert "permission denied" in message and "chmod u+r" in message
    assert PERMISSION_CASES[case][1] in message  # names the file or folder that cannot be read


@pytest.mark.parametrize("case", ["folder_not_enterable", "file_in_folder_not_enterable"])
def test_folder_without_execute_permission_is_a_data_error(
    permission_outcomes: dict[str, list[str]], case: str
) -> None:
    assert permission_outcomes[case][:3] == ["DataError", "source", "permission_denied"]
