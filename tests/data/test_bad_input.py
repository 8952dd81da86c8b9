"""Bad input gets a clear DataError naming table, column, rule and offending rows.

Each case asserts the content of the message, and that nothing the user supplied changed.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

import cxlib
from cxlib import DataError, DataWarning, open_shop, open_table
from tests.data.conftest import feedback_frame


def _raises(source, table=None, **kwargs) -> DataError:
    """Open and return the DataError; also check the input frames were not modified."""
    before = {k: v.copy(deep=True) for k, v in source.items()} if isinstance(source, dict) else None
    with pytest.raises(DataError) as info:
        if table is None:
            open_shop(source, **kwargs)
        else:
            open_table(source, table, **kwargs)
    if before is not None:
        for name, frame in before.items():
            pd.testing.assert_frame_equal(source[name], frame)
    error = info.value
    assert "Traceback" not in str(error)
    return error


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------ sources and files
def test_missing_folder(tmp_path):
    error = _raises(tmp_path / "nope")
    assert error.rule == "missing_file" and "nope" in str(error)


def test_folder_without_tables(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    error = _raises(tmp_path)
    assert error.rule == "no_tables" and "orders.parquet" in str(error)


def test_missing_table_in_duckdb_database(tmp_path):
    db = tmp_path / "shop.duckdb"
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE events AS SELECT 'C1' AS customer_id, "
        "TIMESTAMPTZ '2024-01-01 00:00:00+00' AS ts, 'view' AS event"
    )
    con.close()
    error = _raises(db, "orders")
    assert error.rule == "missing_table" and "shop.duckdb" in str(error) and "orders" in str(error)
    assert open_shop(db).orders is None  # the events table alone is fine


def test_empty_file(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(b"")
    error = _raises(path)
    assert error.rule == "empty_file" and "orders.csv" in str(error)


def test_header_only_csv_is_an_empty_table(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,ts,revenue\n")
    error = _raises(path)
    assert error.rule == "empty_table" and "'orders'" in str(error)


def test_corrupt_parquet(tmp_path):
    path = tmp_path / "orders.parquet"
    path.write_bytes(b"this is not parquet at all" * 10)
    digest = _digest(path)
    error = _raises(path)
    assert error.rule == "unreadable_file" and "orders.parquet" in str(error)
    assert _digest(path) == digest


def test_unknown_table_name_in_dict(orders):
    error = _raises({"order": orders})
    assert error.rule == "unknown_table" and "'order'" in str(error) and "orders" in str(error)


def test_unsupported_source_type():
    error = _raises([1, 2, 3])
    assert error.rule == "unknown_source" and "list" in str(error)


def test_file_named_after_no_table(tmp_path, orders):
    path = tmp_path / "export_2024.parquet"
    orders.to_parquet(path)
    error = _raises(path)
    assert error.rule == "unknown_table" and "export_2024.parquet" in str(error)
    assert len(cxlib.engine.to_pandas(open_table(path, "orders"))) == 6


# ------------------------------------------------------------------ columns and types
def test_missing_required_column_suggests_a_close_name(orders):
    error = _raises({"orders": orders.rename(columns={"revenue": "Revenue"})})
    assert (error.table, error.column, error.rule) == ("orders", "revenue", "missing_column")
    assert "Did you mean 'Revenue'" in str(error) and "mapping" in str(error)


def test_wrong_type_boolean_revenue(orders):
    error = _raises({"orders": orders.assign(revenue=True)})
    assert (error.column, error.rule) == ("revenue", "wrong_type") and "numbers" in str(error)


def test_wrong_type_integer_timestamps(orders):
    error = _raises({"orders": orders.assign(ts=np.arange(6) + 1_700_000_000)})
    assert (error.column, error.rule) == ("ts", "wrong_type") and "ISO 8601" in str(error)


def test_whole_float_ids_become_text(orders):
    """Pandas writes ids with gaps as floats (17850.0): they are the ids 17850."""
    shop = open_shop({"orders": orders.assign(customer_id=[17850.0, 17850.0, 2.0, 3.0, 3.0, 3.0])})
    ids = cxlib.engine.to_pandas(shop.orders)["customer_id"].tolist()
    assert ids == ["17850", "17850", "2", "3", "3", "3"]


def test_fractional_float_ids_are_rejected_with_the_raw_value(orders):
    error = _raises({"orders": orders.assign(customer_id=[1.0, 1.5, 2.0, 3.0, 3.0, 3.0])})
    assert (error.column, error.rule, error.n_rows) == ("customer_id", "not_whole_number", 1)
    assert error.rows == [{"order_id": "O2", "customer_id": "1.5"}]


def test_mixed_types_in_a_column(orders):
    mixed = orders.assign(revenue=pd.Series([10, "abc", 5.5, 1, 2, 3], dtype=object))
    error = _raises({"orders": mixed})
    assert (error.column, error.rule, error.n_rows) == ("revenue", "not_numeric", 1)
    assert error.rows == [{"order_id": "O2", "customer_id": "C1", "revenue": None}] or "O2" in str(error)


def test_mapping_names_a_missing_column(orders):
    error = _raises({"orders": orders}, mapping={"orders": {"Order Number": "order_id"}})
    assert error.rule == "mapping_column_missing" and "'Order Number'" in str(error)


def test_not_boolean_flag(orders):
    error = _raises({"orders": orders.assign(returned=["yes", "no", "maybe", "0", "1", "true"])})
    assert (error.column, error.rule, error.n_rows) == ("returned", "not_boolean", 1)
    assert "O3" in str(error)


# ------------------------------------------------------------------ timestamps
def test_unparseable_timestamps_in_csv(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer_id,ts,revenue\n"
        "O1,C1,2024-01-05T10:00:00Z,10\n"
        "O2,C1,05/01/2024 10:00,10\n"
        "O3,C2,yesterday,10\n"
    )
    error = _raises(path)
    assert (error.table, error.column, error.rule, error.n_rows) == (
        "orders",
        "ts",
        "unparseable_timestamp",
        2,
    )
    assert "O2" in str(error) and "O3" in str(error) and "ISO 8601" in str(error)


def test_naive_timestamps_in_a_frame_are_rejected(orders):
    error = _raises({"orders": orders.assign(ts=orders["ts"].dt.tz_localize(None))})
    assert (error.column, error.rule) == ("ts", "naive_timestamp") and "timezone=" in str(error)


def test_naive_timestamps_in_csv_are_rejected_then_localised(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer_id,ts,revenue\nO1,C1,2024-01-05 10:00:00,10\nO2,C1,2024-07-05 10:00:00,12\n"
    )
    error = _raises(path)
    assert error.rule == "naive_timestamp" and error.n_rows == 2 and "Europe/Warsaw" in str(error)
    shop = open_shop(path, timezone="Europe/Warsaw")
    ts = cxlib.engine.to_pandas(shop.orders).sort_values("order_id")["ts"]
    # Warsaw is UTC+1 in winter and UTC+2 in summer.
    assert list(ts.dt.strftime("%Y-%m-%d %H:%M")) == ["2024-01-05 09:00", "2024-07-05 08:00"]
    assert str(ts.dt.tz) == "UTC"


def test_future_timestamps(orders):
    future = orders.assign(ts=orders["ts"].where(orders.index != 3, pd.Timestamp("2031-01-01", tz="UTC")))
    error = _raises({"orders": future})
    assert (error.column, error.rule, error.n_rows) == ("ts", "future_timestamp", 1) and "O4" in str(error)


# ------------------------------------------------------------------ values
def test_negative_revenue(orders):
    error = _raises({"orders": orders.assign(revenue=[10.0, -3.5, 1, 1, 1, 1])})
    assert (error.column, error.rule) == ("revenue", "negative_value")
    assert error.rows == [{"order_id": "O2", "customer_id": "C1", "revenue": -3.5}]


def test_null_ids(orders):
    error = _raises({"orders": orders.assign(customer_id=["C1", None, "C2", "C3", "C3", "C3"])})
    assert (error.column, error.rule, error.n_rows) == ("customer_id", "null_value", 1) and "O2" in str(error)


def test_duplicate_ids(orders):
    error = _raises({"orders": orders.assign(order_id=["O1", "O1", "O3", "O4", "O4", "O4"])})
    assert error.rule == "duplicate_id" and error.n_rows == 5
    assert error.rows == [{"order_id": "O1", "copies": 2}, {"order_id": "O4", "copies": 3}]


@pytest.mark.parametrize(
    ("metric", "score", "rule"),
    [
        ("nps", 11, "nps_score_out_of_scale"),
        ("csat", 0, "csat_score_out_of_scale"),
        ("ces", 9, "ces_score_out_of_scale"),
    ],
)
def test_scores_outside_their_scale(surveys, metric, score, rule):
    bad = surveys.copy()
    bad.loc[len(bad)] = ["R9", pd.Timestamp("2024-01-09", tz="UTC"), metric, score]
    error = _raises({"surveys": bad})
    assert (error.table, error.column, error.rule, error.n_rows) == ("surveys", "score", rule, 1)
    assert "R9" in str(error)


def test_unknown_survey_metric(surveys):
    error = _raises({"surveys": surveys.assign(metric=["nps", "csat", "ces", "effort"])})
    assert (error.column, error.rule) == ("metric", "unknown_value") and "'effort'" in str(error)
    assert "nps, csat, ces" in str(error)


def test_fractional_scores(surveys):
    error = _raises({"surveys": surveys.assign(score=[9, 4.5, 2, 6])})
    assert (error.column, error.rule) == ("score", "not_whole_number")


def test_feedback_rating_out_of_range(feedback):
    error = _raises({"feedback": feedback.assign(rating=[5, 6])})
    assert (error.column, error.rule) == ("rating", "out_of_range") and "F2" in str(error)


def test_nul_bytes_in_feedback(feedback):
    error = _raises({"feedback": feedback.assign(text=["fine", "bro\x00ken"])})
    assert (error.column, error.rule) == ("text", "nul_byte") and "F2" in str(error)


def test_very_long_feedback_text(feedback):
    error = _raises({"feedback": feedback.assign(text=["fine", "x" * 100_000])})
    assert (error.column, error.rule) == ("text", "text_too_long") and "F2" in str(error)
    assert len(str(error)) < 2_000  # the 100 kB text is not pasted into the message


def test_experiment_unit_in_two_variants():
    table = pd.DataFrame(
        {"experiment": ["e1", "e1", "e2"], "variant": ["a", "b", "a"], "unit_id": ["U1", "U1", "U1"]}
    )
    error = _raises({"experiments": table})
    assert error.rule == "duplicate_id" and error.column == "experiment + unit_id"
    assert error.rows == [{"experiment": "e1", "unit_id": "U1", "copies": 2}]


# ------------------------------------------------------------------ CSV dialects
def test_non_utf8_csv(tmp_path):
    path = tmp_path / "feedback.csv"
    path.write_bytes(
        "feedback_id,ts,text\nF1,2024-01-05T10:00:00Z,Très bien, livré à temps\n".replace(
            ", livré", " livré"
        ).encode("latin-1")
    )
    digest = _digest(path)
    error = _raises(path)
    assert error.rule == "encoding" and "feedback.csv" in str(error) and "encoding='cp1252'" in str(error)
    text = cxlib.engine.to_pandas(open_shop(path, encoding="latin-1").feedback)["text"].iloc[0]
    assert text == "Très bien livré à temps"
    assert _digest(path) == digest


def test_bom_csv(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(
        "\ufefforder_id,customer_id,ts,revenue\nO1,007,2024-01-05T10:00:00Z,10.5\n".encode("utf-8")
    )
    table = cxlib.engine.to_pandas(open_shop(path).orders)
    assert list(table.columns[:4]) == ["order_id", "customer_id", "ts", "revenue"]
    assert table["customer_id"].iloc[0] == "007"  # ids keep leading zeros


def test_semicolon_csv(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id;customer_id;ts;revenue;channel\nO1;C1;2024-01-05T10:00:00Z;10.5;web\nO2;C2;2024-01-06T10:00:00Z;3;app\n"
    )
    table = cxlib.engine.to_pandas(open_shop(path).orders).sort_values("order_id")
    assert table["revenue"].tolist() == [10.5, 3.0] and table["channel"].tolist() == ["web", "app"]


def test_mixed_types_in_csv_column(tmp_path):
    path = tmp_path / "orders.csv"
    rows = "".join(f"O{i},C{i},2024-01-05T10:00:00Z,{i}.5\n" for i in range(30_000))
    path.write_text("order_id,customer_id,ts,revenue\n" + rows + "O_last,C1,2024-01-05T10:00:00Z,n/a\n")
    error = _raises(path)
    assert (error.column, error.rule, error.n_rows) == ("revenue", "not_numeric", 1) and "O_last" in str(
        error
    )


# ------------------------------------------------------------------ dropping
def test_drop_removes_and_counts_bad_rows(orders):
    bad = orders.assign(revenue=[10.0, -1, 1, 1, 1, 1], customer_id=["C1", "C1", None, "C3", "C3", "C3"])
    before = bad.copy(deep=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        shop = open_shop({"orders": bad}, on_error="drop")
    messages = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    assert len(messages) == 1 and "dropped 2 of 6 rows" in messages[0]
    assert "negative_value (1)" in messages[0] and "null_value (1)" in messages[0]
    assert sorted(shop.orders["order_id"]) == ["O1", "O4", "O5", "O6"]
    assert [f.rule for f in shop.findings] == ["null_value", "negative_value"]
    pd.testing.assert_frame_equal(bad, before)


def test_check_shop_lists_every_problem_without_raising(tmp_path, orders, surveys):
    orders.assign(revenue=[10.0, -1, 1, 1, 1, 1]).to_parquet(tmp_path / "orders.parquet")
    surveys.assign(score=[11, 4, 2, 6]).to_parquet(tmp_path / "surveys.parquet")
    (tmp_path / "feedback.csv").write_text("feedback_id,when,text\nF1,2024-01-01T00:00:00Z,hi\n")
    findings = cxlib.check_shop(tmp_path)
    assert {(f.table, f.column, f.rule) for f in findings} == {
        ("orders", "revenue", "negative_value"),
        ("surveys", "score", "nps_score_out_of_scale"),
        ("feedback", "ts", "missing_column"),
    }
    assert cxlib.check_shop({"orders": orders, "surveys": surveys, "feedback": feedback_frame()}) == []


def test_unknown_time_zone(orders):
    error = _raises({"orders": orders}, timezone="Europe/Warsw")
    assert (error.column, error.rule) == ("timezone", "unknown_timezone") and "Europe/Warsw" in str(error)


def test_unknown_encoding(tmp_path, orders):
    orders.to_csv(tmp_path / "orders.csv", index=False)
    error = _raises(tmp_path, encoding="ebcdic-klingon")
    assert (error.column, error.rule) == ("encoding", "unknown_encoding") and "cp1250" in str(error)


def test_csv_with_escaped_quotes_keeps_its_columns(tmp_path):
    path = tmp_path / "feedback.csv"
    path.write_text(
        'feedback_id,ts,text,rating\nF1,2024-01-05T10:00:00Z,"Mug ""Morning"", 350 ml, lovely",5\n'
    )
    table = cxlib.engine.to_pandas(open_shop(path).feedback)
    assert table["text"].iloc[0] == 'Mug "Morning", 350 ml, lovely' and table["rating"].iloc[0] == 5
