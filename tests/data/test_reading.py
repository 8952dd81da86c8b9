"""Reading real-world files: quoted line breaks, encodings, mixed line endings, Excel, permissions."""

from __future__ import annotations

import builtins
import hashlib

import pandas as pd
import pytest

from cxlib import DataError, open_shop, open_table
from cxlib.data import sources, text_files
from cxlib.engine import to_pandas

FEEDBACK_HEAD = "feedback_id,ts,text,rating\n"


def _feedback_csv(rows: int, broken_at: set[int], newline: str = "\n") -> str:
    lines = [FEEDBACK_HEAD.replace("\n", newline)]
    for i in range(rows):
        text = f'"line one of {i}\nline two, with ""quotes"""' if i in broken_at else f"plain {i}"
        lines.append(f"F{i},2024-01-05T10:00:00Z,{text},{1 + i % 5}{newline}")
    return "".join(lines)


@pytest.mark.parametrize("broken_at", [{0}, {2_999}, {5, 40_000}], ids=["first", "late", "several"])
def test_quoted_line_breaks_read(tmp_path, broken_at):
    path = tmp_path / "feedback.csv"
    path.write_text(_feedback_csv(40_001, broken_at), encoding="utf-8")
    table = to_pandas(open_shop(path).feedback)
    truth = pd.read_csv(path, dtype={"feedback_id": str})
    assert len(table) == len(truth) == 40_001
    for i in broken_at:
        assert table.loc[table["feedback_id"] == f"F{i}", "text"].item() == truth["text"].iloc[i]
        assert "\n" in truth["text"].iloc[i]
    assert table["rating"].sum() == truth["rating"].sum()


def test_mixed_line_endings_read(tmp_path):
    path = tmp_path / "feedback.csv"
    text = _feedback_csv(50, {3}, newline="\r\n")
    text = text.replace("plain 10,1\r\n", "plain 10,1\n").replace("plain 20,1\r\n", "plain 20,1\n")
    path.write_bytes(text.encode("utf-8"))
    table = to_pandas(open_shop(path).feedback).sort_values(
        "feedback_id", key=lambda s: s.str[1:].astype(int)
    )
    assert len(table) == 50
    assert not table["text"].str.endswith("\r").any()
    assert table["text"].iloc[10] == "plain 10" and table["rating"].iloc[10] == 1
    assert table["text"].iloc[3].startswith("line one of 3")


def test_ragged_rows_late_in_a_file_with_quoted_line_breaks(tmp_path):
    """A missing trailing field far into the file: the fast reader fails late, the robust one reads it."""
    path = tmp_path / "feedback.csv"
    text = _feedback_csv(60_000, {1, 59_000})
    text = text.replace(
        "F59500,2024-01-05T10:00:00Z,plain 59500,1\n", "F59500,2024-01-05T10:00:00Z,plain 59500\n"
    )
    path.write_text(text, encoding="utf-8")
    table = to_pandas(open_shop(path).feedback)
    assert len(table) == 60_000
    assert pd.isna(table.loc[table["feedback_id"] == "F59500", "rating"].item())
    assert table.loc[table["feedback_id"] == "F59000", "text"].item().startswith("line one")


def test_unreadable_csv_shows_duckdbs_whole_message(tmp_path):
    path = tmp_path / "feedback.csv"
    path.write_bytes(b'id,t,n\r\n1,a,2\n2,"b\nc",3\r\n3,"never,4\n')
    with pytest.raises(DataError) as info:
        open_shop(path)
    message = str(info.value)
    assert info.value.rule == "unreadable_file" and "feedback.csv" in message
    assert "DuckDB says:" in message and len(message.split("DuckDB says:")[1]) > 80


def test_a_wide_row_is_not_taken_for_the_header(tmp_path):
    """DuckDB's sniffer would skip all rows before a row with more fields; cxlib refuses instead."""
    path = tmp_path / "feedback.csv"
    rows = "".join(f"F{i},2024-01-05T10:00:00Z,t,5\n" for i in range(100))
    path.write_text(FEEDBACK_HEAD + rows + "F100,2024-01-05T10:00:00Z,a,5,6,7\n")
    with pytest.raises(DataError) as info:
        open_shop(path)
    assert info.value.rule == "unreadable_file" and "more fields than the header" in str(info.value)


POLISH = "Zażółć gęślą jaźń – świetna obsługa"
ARABIC = "خدمة ممتازة وتوصيل سريع"
FRENCH = "Très bien, livré à temps"


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("utf-8", POLISH),
        ("utf-8-sig", POLISH),
        ("utf-16", ARABIC),
        ("utf-16-le", POLISH),
        ("cp1250", POLISH),
        ("cp1252", FRENCH),
        ("latin-1", FRENCH),
        ("cp1256", ARABIC),
    ],
)
def test_encodings_through_one_option(tmp_path, encoding, text):
    path = tmp_path / "feedback.csv"
    body = (
        f'{FEEDBACK_HEAD}F1,2024-01-05T10:00:00Z,"{text}",5\n'
        f'F2,2024-01-06T10:00:00Z,"{text}\nsecond line",4\n'
    )
    data = body.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data  # a BOM: read as UTF-16 whatever encoding= says
        encoding = "utf-8"
    path.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    table = to_pandas(open_shop(path, encoding=encoding).feedback)
    assert table["text"].tolist() == [text, f"{text}\nsecond line"]
    assert table["rating"].tolist() == [5.0, 4.0]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest  # the user's file is untouched


def test_wrong_encoding_names_the_place(tmp_path):
    path = tmp_path / "feedback.csv"
    path.write_bytes(
        f"{FEEDBACK_HEAD}F1,2024-01-05T10:00:00Z,ok,5\nF2,2024-01-05T10:00:00Z,{POLISH},5\n".encode()
    )
    with pytest.raises(DataError) as info:
        open_shop(path, encoding="ascii")
    assert info.value.rule == "encoding" and "line 3" in str(info.value) and "cp1250" in str(info.value)


def test_encoding_applies_to_export_files(tmp_path):
    (tmp_path / "reviews_1.csv").write_bytes(
        f'id,date,body,stars\nA,2024-01-05T10:00:00Z,"{POLISH}",5\n'.encode("cp1250")
    )
    mapping = {
        "feedback": {
            "files": ["reviews_*.csv"],
            "columns": {"id": "feedback_id", "date": "ts", "body": "text", "stars": "rating"},
        }
    }
    shop = open_shop(tmp_path, mapping=mapping, encoding="cp1250")
    assert to_pandas(shop.feedback)["text"].tolist() == [POLISH]


def _orders_excel(path, sheet="Orders", extra_sheet=False):
    frame = pd.DataFrame(
        {
            "Order": [1001, 1002, 1003],
            "Customer": [17850.0, 13047.0, 17850.0],
            "Date": ["2024-01-05 10:00:00+00:00", "2024-01-06 11:00:00+00:00", "2024-02-01 09:30:00+00:00"],
            "Total": [10.5, 20.0, 7.25],
            "Basket": [1, 3, 2],
        }
    )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        if extra_sheet:
            pd.DataFrame({"note": ["read me"]}).to_excel(writer, sheet_name="Notes", index=False)
        frame.to_excel(writer, sheet_name=sheet, index=False)
    return frame


MAPPING = {"orders": {"Order": "order_id", "Customer": "customer_id", "Date": "ts", "Total": "revenue"}}


def test_excel_first_sheet(tmp_path):
    pytest.importorskip("openpyxl")
    truth = _orders_excel(tmp_path / "orders.xlsx")
    table = to_pandas(open_shop(tmp_path / "orders.xlsx", mapping=MAPPING).orders)
    assert table["order_id"].tolist() == ["1001", "1002", "1003"]
    assert table["customer_id"].tolist() == ["17850", "13047", "17850"]
    assert table["revenue"].sum() == pytest.approx(truth["Total"].sum())
    assert pd.api.types.is_integer_dtype(table["Basket"])  # an extra column keeps its type


def test_excel_named_sheet_and_missing_sheet(tmp_path):
    pytest.importorskip("openpyxl")
    _orders_excel(tmp_path / "orders.xlsx", extra_sheet=True)
    mapping = {"orders": {"sheet": "Orders", "columns": MAPPING["orders"]}}
    assert len(to_pandas(open_shop(tmp_path / "orders.xlsx", mapping=mapping).orders)) == 3
    with pytest.raises(DataError) as info:
        open_shop(
            tmp_path / "orders.xlsx", mapping={"orders": {"sheet": "Sales", "columns": MAPPING["orders"]}}
        )
    assert info.value.rule == "missing_sheet" and "Notes, Orders" in str(info.value)


def test_excel_without_openpyxl_says_how_to_export_csv(tmp_path, monkeypatch):
    pytest.importorskip("openpyxl")
    _orders_excel(tmp_path / "orders.xlsx")
    real_import = builtins.__import__

    def no_openpyxl(name, *args, **kwargs):
        if name == "openpyxl":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    with pytest.raises(DataError) as info:
        open_shop(tmp_path / "orders.xlsx", mapping=MAPPING)
    assert info.value.rule == "excel_needs_openpyxl" and "CSV UTF-8" in str(info.value)


def test_excel_saved_under_a_csv_name_is_refused_in_words(tmp_path):
    pytest.importorskip("openpyxl")
    _orders_excel(tmp_path / "book.xlsx")
    (tmp_path / "orders.csv").write_bytes((tmp_path / "book.xlsx").read_bytes())
    with pytest.raises(DataError) as info:
        open_table(tmp_path / "orders.csv", "orders", mapping=MAPPING)
    assert info.value.rule == "excel_not_csv" and "UTF-8" not in str(info.value).split("CSV UTF-8")[0]


def test_permission_error_is_a_data_error(tmp_path, monkeypatch):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,ts,revenue\nO1,C1,2024-01-05T10:00:00Z,1\n")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(sources, "utf8_path", denied)
    with pytest.raises(DataError) as info:
        open_shop(path)
    assert info.value.rule == "permission_denied" and str(path) in str(info.value)


def test_transcoded_copy_is_reused(tmp_path):
    path = tmp_path / "feedback.csv"
    path.write_bytes(f"{FEEDBACK_HEAD}F1,2024-01-05T10:00:00Z,{FRENCH.replace(',', '')},5\n".encode("cp1252"))
    first = text_files.utf8_path(path, "cp1252", "feedback")
    assert first != path and text_files.utf8_path(path, "cp1252", "feedback") == first
    assert text_files.utf8_path(path, "utf-8", "feedback") == path
